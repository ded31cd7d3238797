#!/usr/bin/env bash
# What a list's count costs (issue 22, item 5): the contact list with and
# without `count=true`, through the API and as the back-office page (which
# always counts); and the home dashboard, as the page and through the API
# (issue 22 quality bar: p99 < 50 ms at 1,000,000 contacts and 100,000
# tickets). On loopback with wrk.
#
#   scripts/bench-lists.sh [DATABASE_URL]
#
# The database is the one scripts/bench.sh generates (default
# sqlite://bench-data/custodian.db: 1,000,000 contacts); run that first, or
#   GENERATE_ONLY=1 scripts/bench.sh sqlite://bench-data/lists.db 1000000 0
# For the dashboard's tickets, add them to the same tenant:
#   custodian admin generate --database sqlite://bench-data/lists.db \
#     --tenant <id> --contacts 1000 --activities 0 --tickets 100000
# Prints a Markdown table for docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."

DATABASE_URL="${1:-sqlite://bench-data/custodian.db}"
DURATION="${DURATION:-15s}"
CONNECTIONS="${CONNECTIONS:-16}"
PORT="${PORT:-8191}"
state="bench-data/$(echo "$DATABASE_URL" | sha256sum | cut -c1-12)"
[ -f "$state.token" ] || { echo "No data for $DATABASE_URL: run scripts/bench.sh on it first." >&2; exit 1; }
command -v wrk >/dev/null || apt-get install -y wrk >/dev/null
cargo build --release -q -p custodian
bin=target/release/custodian
token=$(cat "$state.token")

$bin migrate --database "$DATABASE_URL" --json >/dev/null
$bin serve --database "$DATABASE_URL" --listen "127.0.0.1:$PORT" \
  --audit-key bench-data/audit-signing.key --audit-checkpoints "$state-checkpoints.jsonl" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.01; done
base="http://127.0.0.1:$PORT"
api="$base/api/v1"

# A browser session of the benchmark's user, for the page.
jar=$(mktemp)
csrf=$(curl -fs -c "$jar" "$base/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
curl -fs -b "$jar" -c "$jar" -o /dev/null \
  --data-urlencode "_csrf=$csrf" --data-urlencode "email=bench@example.com" \
  --data-urlencode "password=wrk-load-runner-2026" "$base/login"
cookie=$(awk '$6 == "custodian_session" {print $6 "=" $7}' "$jar")
rm -f "$jar"

lua=$(mktemp --suffix=.lua)
cat > "$lua" <<'LUA'
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
                 + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %.0f %.2f %.2f %.2f %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, errors))
end
LUA
run() { # name url header
  local result
  result=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -H "$3" -s "$lua" "$2" | grep '^RESULT')
  read -r _ rps p50 p95 p99 errors <<<"$result"
  printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$rps" "$p50" "$p95" "$p99" "$errors"
}
auth="Authorization: Bearer $token"
echo
echo "Database: $DATABASE_URL · $(nproc) cores · wrk -t2 -c$CONNECTIONS -d$DURATION · $(date -u +%Y-%m-%d)"
echo
echo "| Run | requests/s | p50 ms | p95 ms | p99 ms | errors |"
echo "|---|---:|---:|---:|---:|---:|"
run "API list, 25 by last name, no count" "$api/contacts?limit=25&sort=last_name" "$auth"
run "API list, 25 by last name, count=true (10,000+)" "$api/contacts?limit=25&sort=last_name&count=true" "$auth"
run "API list, last name starts with 'sch', count=true" "$api/contacts?limit=25&q=sch&count=true" "$auth"
run "page /contacts (counts, renders 25 rows)" "$base/contacts" "Cookie: $cookie"
run "home dashboard page /" "$base/" "Cookie: $cookie"
run "API /dashboard" "$api/dashboard" "$auth"
rm -f "$lua"
