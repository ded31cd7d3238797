#!/usr/bin/env bash
# The helpdesk benchmark on loopback, with wrk (Debian's package):
#
#   scripts/bench-helpdesk.sh [DATABASE_URL] [TICKETS]
#
# Defaults: sqlite://bench-data/helpdesk.db and 100,000 tickets, all of one
# organisation (the generator's ten contacts all work there). A contact
# person of it is invited, accepts through the portal and is given
# organisation access, so their portal list walks the organisation's
# 100,000 tickets. Then, each for DURATION (default 15s) with CONNECTIONS
# (default 16) connections on 2 wrk threads:
#   - the portal's ticket list as that person (their session cookie);
#   - the same list of their own tickets only (without organisation access);
#   - raising tickets: POST /api/v1/tickets with a staff token.
# Prints a Markdown table for docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."

DATABASE_URL="${1:-sqlite://bench-data/helpdesk.db}"
TICKETS="${2:-100000}"
DURATION="${DURATION:-15s}"
CONNECTIONS="${CONNECTIONS:-16}"
PORT="${PORT:-8191}"
mkdir -p bench-data
state="bench-data/helpdesk-$(echo "$DATABASE_URL" | sha256sum | cut -c1-12)"

command -v wrk >/dev/null || { apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }; }
cargo build --release -q -p custodian
bin=target/release/custodian
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }

if [ ! -f "$state.token" ]; then
  echo "Generating $TICKETS tickets of one organisation in $DATABASE_URL ..." >&2
  tenant=$($bin admin tenant create --database "$DATABASE_URL" --name "Helpdesk Bench GmbH" --json | json_field id)
  user=$($bin admin user create --database "$DATABASE_URL" --tenant "$tenant" --email bench@example.com \
         --password "wrk-load-runner-2026" --roles administrator --name "Bench Runner" --json | json_field id)
  started=$(date +%s)
  $bin admin generate --database "$DATABASE_URL" --tenant "$tenant" \
       --contacts 10 --activities 0 --tickets "$TICKETS" --json >&2
  echo "generated in $(( $(date +%s) - started )) s" >&2
  $bin admin token create --database "$DATABASE_URL" --tenant "$tenant" --user "$user" --json \
       | json_field token > "$state.token"
fi
token=$(cat "$state.token")

audit_files=(--audit-key bench-data/audit-signing.key --audit-checkpoints bench-data/audit-checkpoints.jsonl)
$bin serve --database "$DATABASE_URL" --listen "127.0.0.1:$PORT" --public-url "http://127.0.0.1:$PORT" "${audit_files[@]}" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.05; done

auth="Authorization: Bearer $token"
api="http://127.0.0.1:$PORT/api/v1"
# The contact person who raised the most tickets, invited and signed in.
read -r contact org <<<"$(curl -fs -H "$auth" "$api/tickets?limit=1&status=" \
  | python3 -c "import json,sys; t=json.load(sys.stdin)['items'][0]; print(t['contact_id'], t['organisation_id'])")"
email=$(curl -fs -H "$auth" "$api/contacts/$contact" | python3 -c "import json,sys; print(json.load(sys.stdin)['emails'][0])")
curl -fs -H "$auth" -X POST "$api/contacts/$contact/portal-invitation" >/dev/null
# The link is kept apart from the message's text (the outbox shows a
# placeholder); without an SMTP server it is read where the delivery reads it.
case "$DATABASE_URL" in
  sqlite://*) ;;
  *) echo "this script reads the invitation link from a SQLite file" >&2; exit 1 ;;
esac
link=$(python3 - "${DATABASE_URL#sqlite://}" <<'PY'
import sqlite3, sys
row = sqlite3.connect(sys.argv[1]).execute(
    "SELECT secret_link FROM outbox WHERE purpose = 'portal_invitation' ORDER BY created_at DESC LIMIT 1").fetchone()
print(row[0])
PY
)
jar=$(mktemp)
page=$(curl -fs -c "$jar" -b "$jar" "$link")
csrf=$(python3 -c "import re,sys; print(re.search(r'name=\"_csrf\" value=\"([0-9a-f]+)\"', sys.stdin.read()).group(1))" <<<"$page")
curl -fs -c "$jar" -b "$jar" -o /dev/null --data-urlencode "_csrf=$csrf" \
  --data-urlencode "password=bench portal passphrase" --data-urlencode "password_again=bench portal passphrase" "$link"
cookie=$(awk '$6 == "custodian_portal" { print "custodian_portal=" $7 }' "$jar")
[ -n "$cookie" ] || { echo "no portal session" >&2; exit 1; }

run() { # label, then wrk arguments; prints a table row
  local label=$1; shift
  local out; out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@")
  echo "$out" >> bench-data/helpdesk-wrk.log
  python3 - "$label" <<PY
import re, sys
out = """$out"""
def ms(value):
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
lat = {p: ms(v) for p, v in re.findall(r"\s(50|90|99)%\s+(\S+)", out)}
errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
print(f"| {sys.argv[1]} | {rate:,.0f} | {lat['50']:.2f} | {lat['90']:.2f} | {lat['99']:.2f} | {errors} |")
PY
}

own_count=$(curl -fs -H "$auth" "$api/tickets?contact_id=$contact&status=&limit=200" | python3 -c "import json,sys; p=json.load(sys.stdin); print(str(len(p['items'])) + ('+' if p['next_cursor'] else ''))")
echo "| request | requests/s | p50 ms | p90 ms | p99 ms | errors |"
echo "|---|---|---|---|---|---|"
curl -fs -H "$auth" -X PUT -H 'Content-Type: application/json' \
  -d '{"organisation_access": true, "enabled": true}' "$api/contacts/$contact/portal-access" >/dev/null
run "portal ticket list, organisation of $TICKETS tickets" -H "Cookie: $cookie" "http://127.0.0.1:$PORT/portal/tickets"
curl -fs -H "$auth" -X PUT -H 'Content-Type: application/json' \
  -d '{"organisation_access": false, "enabled": true}' "$api/contacts/$contact/portal-access" >/dev/null
run "portal ticket list, own tickets only ($own_count)" -H "Cookie: $cookie" "http://127.0.0.1:$PORT/portal/tickets"
lua=$(mktemp --suffix=.lua)
cat > "$lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
wrk.body = '{"subject": "Bench: label printer jams", "description": "Raised by the benchmark.", "contact_id": $contact}'
LUA
run "raise a ticket (POST /api/v1/tickets)" -s "$lua" "$api/tickets"
rm -f "$lua" "$jar"
