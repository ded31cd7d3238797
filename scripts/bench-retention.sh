#!/usr/bin/env bash
# The retention sweep on SQLite (issue 5): how many records a sweep handles
# per second, the memory it takes, and how reads answer meanwhile.
#
#   scripts/bench-retention.sh [SOURCE_DATABASE_URL]
#
# Default source: sqlite://bench-data/custodian.db with 1,000,000 contacts
# and 10,000,000 activities, made once by `GENERATE_ONLY=1 scripts/bench.sh`
# (about an hour). The source is copied to bench-data/retention.db, where
# 20% of the records are made due:
#   - activities: the default rule "delete 5 years after" becomes 584 days;
#     generated activities are spread evenly over the last 730 days, so the
#     oldest 20% are due;
#   - contacts: a rule "delete 3 years after creation", and every fifth
#     contact's creation moved 4 years back (generated contacts are all
#     made the same day).
# Then a server answers reads with wrk (CONNECTIONS, default 4) before and
# during `custodian retention apply`, which runs as its own process under
# /usr/bin/time (BATCH=N passes --batch N). Prints a Markdown table for
# docs/benchmarks.md. FLOOR (below) measures plain SQLite instead.
set -euo pipefail
cd "$(dirname "$0")/.."

SOURCE_URL="${1:-sqlite://bench-data/custodian.db}"
SOURCE="${SOURCE_URL#sqlite://}"
COPY=bench-data/retention.db
URL="sqlite://$COPY"
PORT="${PORT:-8191}"
CONNECTIONS="${CONNECTIONS:-4}"
state="bench-data/$(echo "$SOURCE_URL" | sha256sum | cut -c1-12)"
[ -f "$state.token" ] || { echo "no token for $SOURCE_URL: run GENERATE_ONLY=1 scripts/bench.sh $SOURCE_URL first" >&2; exit 1; }
token=$(cat "$state.token")

command -v wrk >/dev/null || apt-get install -y wrk >/dev/null
[ -x /usr/bin/time ] || apt-get install -y time >/dev/null
# BIN=path runs another build (e.g. the previous commit's, to compare).
if [ -n "${BIN:-}" ]; then bin="$BIN"; else cargo build --release -q -p custodian; bin=target/release/custodian; fi

# A fresh copy of the source in $COPY, with 20% of its records due.
make_copy() {
  echo "copying $SOURCE to $COPY ..." >&2
  rm -f "$COPY" "$COPY-wal" "$COPY-shm"
  python3 - "$SOURCE" "$COPY" <<'PY'
import sqlite3, sys
source = sqlite3.connect(sys.argv[1])
source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
source.close()
PY
  cp "$SOURCE" "$COPY"
  # The source leaves the page cache, so that the copy has the memory a
  # server's only database file would have.
  python3 - "$SOURCE" <<'PY'
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
os.close(fd)
PY
  $bin migrate --database "$URL" --json >/dev/null

  # Every fifth contact made four years ago: the contact rule's 20%.
  python3 - "$COPY" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
four_years = 4 * 365 * 86_400_000
db.execute("UPDATE contacts SET created_at = created_at - ? WHERE contact_id % 5 = 0", (four_years,))
db.commit()
PY
}

make_copy

# FLOOR="ACTIVITY_BATCH:CONTACT_BATCH ..." measures, instead of the sweep, the
# same deletions straight through SQLite (scripts/retention_floor.py) on a
# fresh copy for each pair; 0 is all in one transaction.
if [ -n "${FLOOR:-}" ]; then
  fresh=yes
  for pair in $FLOOR; do
    [ -n "$fresh" ] || make_copy
    fresh=
    python3 scripts/retention_floor.py "$COPY" "${pair%%:*}" "${pair##*:}"
  done
  exit 0
fi

$bin serve --database "$URL" --listen "127.0.0.1:$PORT" --no-retention-schedule \
    --audit-key bench-data/audit-signing.key --audit-checkpoints bench-data/retention-checkpoints.jsonl >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.05; done
auth="Authorization: Bearer $token"
api="http://127.0.0.1:$PORT/api/v1"

rule_id=$(curl -fs -H "$auth" "$api/retention/rules" | python3 -c "
import json, sys
rules = json.load(sys.stdin)['items']
print(next(r['id'] for r in rules if r['record_type'] == 'activity' and r['trigger'] == 'created'))")
curl -fs -X PUT -H "$auth" -H 'Content-Type: application/json' "$api/retention/rules/$rule_id" \
    -d '{"record_type": "activity", "trigger": "created", "period": "584 days", "action": "delete", "description": "Benchmark: the oldest 20%"}' >/dev/null
curl -fs -X POST -H "$auth" -H 'Content-Type: application/json' "$api/retention/rules" \
    -d '{"record_type": "contact", "trigger": "created", "period": "3 years", "action": "delete", "description": "Benchmark: every fifth contact"}' >/dev/null

# A contact that stays (its id is not a multiple of five), read throughout.
contact=$(curl -fs -H "$auth" "$api/contacts?limit=50&sort=last_name" | python3 -c "
import json, sys
print(next(c['id'] for c in json.load(sys.stdin)['items'] if c['id'] % 5 != 0))")
reads="$api/contacts/$contact"

wrk_p99() { # the p99 line of wrk --latency, and requests per second
  python3 -c "
import re, sys
text = sys.stdin.read()
p99 = re.search(r'99%\s+(\S+)', text)
rps = re.search(r'Requests/sec:\s+(\S+)', text)
failed = re.search(r'Non-2xx or 3xx responses:\s+(\d+)', text)
print((p99.group(1) if p99 else '?') + ' ' + (rps.group(1) if rps else '?') + ' ' + (failed.group(1) if failed else '0'))"
}

echo "reads before the sweep ..." >&2
before=$(wrk -t2 -c"$CONNECTIONS" -d15s --latency -H "$auth" "$reads" | wrk_p99)

echo "the plan (dry run) ..." >&2
plan_start=$(date +%s%N)
plan=$($bin retention plan --database "$URL" --json)
plan_ms=$(( ($(date +%s%N) - plan_start) / 1000000 ))

echo "the sweep, with reads ..." >&2
wrk_out=$(mktemp)
wrk -t2 -c"$CONNECTIONS" -d3600s --latency -H "$auth" "$reads" >"$wrk_out" &
load=$!
sleep 1
time_out=$(mktemp)
sweep_start=$(date +%s%N)
result=$(/usr/bin/time -v -o "$time_out" $bin retention apply --database "$URL" ${BATCH:+--batch "$BATCH"} --json)
sweep_ms=$(( ($(date +%s%N) - sweep_start) / 1000000 ))
kill -INT $load
wait $load || true
during=$(wrk_p99 <"$wrk_out")
rss_kb=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$time_out")

python3 - "$plan" "$result" "$plan_ms" "$sweep_ms" "$rss_kb" "$before" "$during" <<'PY'
import json, sys
plan, result = json.loads(sys.argv[1]), json.loads(sys.argv[2])
plan_ms, sweep_ms, rss_kb = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
before_p99, before_rps, before_failed = sys.argv[6].split()
during_p99, during_rps, during_failed = sys.argv[7].split()
rules = result["runs"][0]["rules"]
acted = sum(r["acted"] for r in rules)
seen = sum(r["acted"] + r["held"] + r["kept"] for r in rules)
planned = sum(r["acted"] for t in plan["tenants"] for r in t["rules"])
print("| rule | deleted |")
print("|---|---|")
for r in rules:
    if r["acted"]:
        print(f"| {r['rule']} | {r['acted']:,} |")
print()
print("| measure | value |")
print("|---|---|")
print(f"| plan (dry run): due records found | {planned:,} in {plan_ms / 1000:.1f} s ({planned / (plan_ms / 1000):,.0f} records/s) |")
print(f"| sweep: records deleted | {acted:,} in {sweep_ms / 1000:.1f} s ({acted / (sweep_ms / 1000):,.0f} records/s) |")
print(f"| sweep: peak memory of the process (max RSS) | {rss_kb / 1024:.0f} MiB |")
print(f"| reads of one contact, before the sweep: p99, requests/s, failed | {before_p99}, {before_rps}, {before_failed} |")
print(f"| the same reads during the sweep: p99, requests/s, failed | {during_p99}, {during_rps}, {during_failed} |")
PY
