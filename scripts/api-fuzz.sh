#!/usr/bin/env bash
# Schema-driven fuzzing of the JSON API: schemathesis generates requests
# from the OpenAPI document (valid and invalid ones) and checks every answer
# against it. Usage: scripts/api-fuzz.sh [examples per operation, default 20]
# Needs Python 3; installs schemathesis into .venv-fuzz when missing. Runs
# the debug build against a fresh SQLite database in a temporary directory.
# One worker: schemathesis 4.x with two workers hit a thread-safety error
# inside hypothesis now and then (a runtime error, not a finding).
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-20}"

venv=".venv-fuzz"
if [ ! -x "$venv/bin/st" ]; then
  rm -rf "$venv" # a broken or half-made environment (or a dangling link)
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet schemathesis
fi

cargo build -q -p custodian
bin="$PWD/target/debug/custodian"
work="$(mktemp -d)"
server=""
# The server is stopped and waited for before its files go: one still
# shutting down writes into the directory while rm empties it.
cleanup() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work" || true
}
trap cleanup EXIT
db="sqlite://$work/fuzz.db"
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }

tenant=$("$bin" admin tenant create --database "$db" --name "Fuzz GmbH" --json | json_field id)
user=$("$bin" admin user create --database "$db" --tenant "$tenant" --email fuzz@example.com \
       --password "fuzzing-the-api-2026" --roles administrator,data_protection_officer --name "Fuzz Runner" --json | json_field id)
"$bin" admin generate --database "$db" --tenant "$tenant" --contacts 50 --activities 100 --json >/dev/null
token=$("$bin" admin token create --database "$db" --tenant "$tenant" --user "$user" --json | json_field token)

port=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
(cd "$work" && exec "$bin" serve --database "$db" --listen "127.0.0.1:$port" --no-retention-schedule) \
  >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/api/v1/openapi.json" >/dev/null && break
  sleep 0.1
done

# Operations that would lock the fuzzing user out (two-factor made
# mandatory, its access ended, its roles replaced, its token or session
# ended) run last, in a second pass, so the first pass tests the rest
# signed in.
lockout='^(set_two_factor_setting|end_user_access|set_user_roles|revoke_my_token|end_my_session)$'
fuzz() {
  "$venv/bin/st" run "http://127.0.0.1:$port/api/v1/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection \
    --max-examples "$examples" --seed 20261207 --workers 1 --generation-database none \
    --phases examples,coverage,fuzzing \
    --no-color "$@"
}
status=0
fuzz --exclude-operation-id-regex "$lockout" || status=$?
fuzz --include-operation-id-regex "$lockout" || status=$?
exit "$status"
