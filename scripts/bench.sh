#!/usr/bin/env bash
# Custodian's HTTP benchmark on loopback, with wrk (Debian's package).
#
#   scripts/bench.sh [DATABASE_URL] [CONTACTS] [ACTIVITIES]
#
# Defaults: sqlite://bench-data/custodian.db, 1,000,000 contacts,
# 10,000,000 activities. The data is generated once per database (it takes
# a while) and reused; the token is kept in bench-data/. Prints a Markdown
# table for docs/benchmarks.md. Each run lasts DURATION (default 15s) with
# CONNECTIONS (default 16) connections on 2 wrk threads. GENERATE_ONLY=1
# stops after generating the data.
#
# The cost of auditing reads is measured in the same run: a second server on
# the same database with CUSTODIAN_BENCH_UNAUDITED_READS=1 (a switch that
# only a build with the bench-unaudited-reads feature has) answers the same reads. Afterwards `custodian audit
# verify` walks every chain and reports entries per second.
set -euo pipefail
cd "$(dirname "$0")/.."

DATABASE_URL="${1:-sqlite://bench-data/custodian.db}"
CONTACTS="${2:-1000000}"
ACTIVITIES="${3:-10000000}"
DURATION="${DURATION:-15s}"
CONNECTIONS="${CONNECTIONS:-16}"
PORT="${PORT:-8181}"
BASE_PORT="${BASE_PORT:-8182}"
mkdir -p bench-data
state="bench-data/$(echo "$DATABASE_URL" | sha256sum | cut -c1-12)"

command -v wrk >/dev/null || { apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }; }
# BIN=path runs another build of custodian (e.g. the previous commit's, to
# compare) and skips the audit A/B below, which needs its own build.
if [ -n "${BIN:-}" ]; then
  AUDIT_AB="${AUDIT_AB:-0}"
  bin="$BIN"
else
  AUDIT_AB="${AUDIT_AB:-1}"
  # The comparison server is a build of its own: only a binary built with the
  # bench-unaudited-reads feature can switch read auditing off.
  cargo build --release -q -p custodian --features bench-unaudited-reads
  cp target/release/custodian target/release/custodian-unaudited-reads
  cargo build --release -q -p custodian
  bin=target/release/custodian
fi
cargo build --release -q -p custodian-web --example bare_axum
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }

if [ ! -f "$state.token" ]; then
  echo "Generating $CONTACTS contacts and $ACTIVITIES activities in $DATABASE_URL ..." >&2
  tenant=$($bin admin tenant create --database "$DATABASE_URL" --name "Benchmark GmbH" --json | json_field id)
  user=$($bin admin user create --database "$DATABASE_URL" --tenant "$tenant" --email bench@example.com \
         --password "wrk-load-runner-2026" --roles administrator --name "Bench Runner" --json | json_field id)
  started=$(date +%s)
  $bin admin generate --database "$DATABASE_URL" --tenant "$tenant" \
       --contacts "$CONTACTS" --activities "$ACTIVITIES" --json >&2
  echo "generated in $(( $(date +%s) - started )) s" >&2
  $bin admin token create --database "$DATABASE_URL" --tenant "$tenant" --user "$user" --json \
       | json_field token > "$state.token"
fi
token=$(cat "$state.token")
if [ -n "${GENERATE_ONLY:-}" ]; then exit 0; fi

# Start to first response, with the schema already migrated.
$bin migrate --database "$DATABASE_URL" --json >/dev/null
start_ns=$(date +%s%N)
# A checkpoint file per database: checkpoints of another copy would not match.
audit_files=(--audit-key bench-data/audit-signing.key --audit-checkpoints "$state-checkpoints.jsonl")
$bin serve --database "$DATABASE_URL" --listen "127.0.0.1:$PORT" "${audit_files[@]}" >/dev/null 2>&1 &
server=$!
trap 'kill $server $baseline ${unaudited:-} 2>/dev/null || true' EXIT
until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.005; done
startup_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))

target/release/examples/bare_axum "127.0.0.1:$BASE_PORT" &
baseline=$!
until curl -fs "http://127.0.0.1:$BASE_PORT/" >/dev/null 2>&1; do sleep 0.005; done

auth="Authorization: Bearer $token"
api="http://127.0.0.1:$PORT/api/v1"
contact=$(curl -fs -H "$auth" "$api/contacts?limit=1&sort=last_name" | python3 -c "import json,sys; print(json.load(sys.stdin)['items'][0]['id'])")

lua=$(mktemp --suffix=.lua)
cat > "$lua" <<'LUA'
local prefixes = {"kow", "sch", "mül", "ann", "kl", "web", "ha", "ber", "fis", "wag"}
local counter = 0
request = function()
  if wrk.method == "POST" then return wrk.format() end
  if string.find(wrk.path, "SEARCH") then
    counter = counter + 1
    local path = string.gsub(wrk.path, "SEARCH", prefixes[counter % #prefixes + 1])
    return wrk.format(nil, path)
  end
  return wrk.format()
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
                 + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %.0f %.2f %.2f %.2f %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, errors))
end
LUA
post_lua=$(mktemp --suffix=.lua)
{ echo 'wrk.method = "POST"'
  echo 'wrk.headers["Content-Type"] = "application/json"'
  echo 'wrk.body = [[{"first_name":"Bench","last_name":"Runner","position":"Buyer","emails":["bench.runner@example.com"],"phones":["+49 30 1234567"]}]]'
  cat "$lua"; } > "$post_lua"

activity_lua=$(mktemp --suffix=.lua)
{ echo 'wrk.method = "POST"'
  echo 'wrk.headers["Content-Type"] = "application/json"'
  echo "wrk.body = [[{\"kind\":\"call\",\"occurred_at\":\"2026-11-02T10:00:00Z\",\"subject\":\"Bench call about the renewal\",\"body\":\"Spoke with the buyer about the renewal of the service agreement; send the offer by Friday and call back on +49 30 1234567.\",\"contact_ids\":[$contact]}]]"
  cat "$lua"; } > "$activity_lua"

run() { # name url [script]
  local result
  result=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -H "$auth" -s "${3:-$lua}" "$2" | grep '^RESULT')
  read -r _ rps p50 p95 p99 errors <<<"$result"
  printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$rps" "$p50" "$p95" "$p99" "$errors"
}

echo
echo "Database: $DATABASE_URL · $(nproc) cores · wrk -t2 -c$CONNECTIONS -d$DURATION · $(date -u +%Y-%m-%d)"
echo
echo "| Run | requests/s | p50 ms | p95 ms | p99 ms | errors |"
echo "|---|---:|---:|---:|---:|---:|"
run "bare axum handler (baseline)" "http://127.0.0.1:$BASE_PORT/"
run "GET one contact" "$api/contacts/$contact"
run "list page (25 contacts by last name)" "$api/contacts?limit=25&sort=last_name"
run "search as you type (10 prefixes)" "$api/search?q=SEARCH"
run "create contact" "$api/contacts" "$post_lua"
run "create activity (full-text indexed)" "$api/activities" "$activity_lua"
rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")

# The same reads from a server that does not audit them.
if [ "$AUDIT_AB" = 1 ]; then
UNAUDITED_PORT=$((PORT + 2))
CUSTODIAN_BENCH_UNAUDITED_READS=1 target/release/custodian-unaudited-reads serve --database "$DATABASE_URL" --listen "127.0.0.1:$UNAUDITED_PORT" \
  "${audit_files[@]}" >/dev/null 2>&1 &
unaudited=$!
until curl -fs "http://127.0.0.1:$UNAUDITED_PORT/healthz" >/dev/null 2>&1; do sleep 0.005; done
plain="http://127.0.0.1:$UNAUDITED_PORT/api/v1"
echo
echo "Audit on every read: the same reads from a server that does not audit them, then from one that does:"
echo
echo "| Run | requests/s | p50 ms | p95 ms | p99 ms | errors |"
echo "|---|---:|---:|---:|---:|---:|"
run "GET one contact, reads not audited" "$plain/contacts/$contact"
run "GET one contact, audited" "$api/contacts/$contact"
run "list page, reads not audited" "$plain/contacts?limit=25&sort=last_name"
run "list page, audited (25 entries per request)" "$api/contacts?limit=25&sort=last_name"
fi
kill "$server" "${unaudited:-}" 2>/dev/null || true
wait "$server" ${unaudited:-} 2>/dev/null || true
echo
echo "Server peak resident memory: $(( rss_kb / 1024 )) MB · start to first response: ${startup_ms} ms"
echo
$bin audit verify --database "$DATABASE_URL" "${audit_files[@]}" --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
print("audit verify: %d entries in %.2f s, %.0f entries/s, intact: %s" % (
    r["entries_checked"], r["seconds"], r["entries_checked"] / r["seconds"], r["intact"]))'
rm -f "$lua" "$post_lua"
