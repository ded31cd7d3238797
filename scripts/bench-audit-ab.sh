#!/usr/bin/env bash
# The cost of auditing reads, measured alone: a server that audits reads and
# one that does not (CUSTODIAN_BENCH_UNAUDITED_READS=1) on the same
# database, the same read against each in turn, ROUNDS times. READ=contact
# (default) fetches one contact; READ=list a page of 25 contacts.
#
#   scripts/bench-audit-ab.sh [DATABASE_URL] [BINARY]
#
# Uses the data and token scripts/bench.sh generated for DATABASE_URL
# (default sqlite://bench-data/audit.db). BINARY (default
# target/release/custodian) lets one compare builds of two commits.
set -euo pipefail
cd "$(dirname "$0")/.."

DATABASE_URL="${1:-sqlite://bench-data/audit.db}"
bin="${2:-target/release/custodian}"
# Only a build with the bench-unaudited-reads feature can switch auditing off.
unaudited_bin="${UNAUDITED_BINARY:-target/release/custodian-unaudited-reads}"
[ -x "$unaudited_bin" ] || {
  cargo build --release -q -p custodian --features bench-unaudited-reads
  cp target/release/custodian "$unaudited_bin"
  cargo build --release -q -p custodian
}
ROUNDS="${ROUNDS:-2}"
DURATION="${DURATION:-10s}"
state="bench-data/$(echo "$DATABASE_URL" | sha256sum | cut -c1-12)"
[ -f "$state.token" ] || { echo "run scripts/bench.sh $DATABASE_URL first" >&2; exit 1; }
token=$(cat "$state.token")
audit_files=(--audit-key bench-data/audit-signing.key --audit-checkpoints bench-data/audit-checkpoints.jsonl)
$bin serve --database "$DATABASE_URL" --listen 127.0.0.1:8191 "${audit_files[@]}" >/dev/null 2>&1 &
audited=$!
CUSTODIAN_BENCH_UNAUDITED_READS=1 $unaudited_bin serve --database "$DATABASE_URL" --listen 127.0.0.1:8192 \
  "${audit_files[@]}" >/dev/null 2>&1 &
unaudited=$!
trap 'kill $audited $unaudited 2>/dev/null || true' EXIT
until curl -fs http://127.0.0.1:8191/healthz >/dev/null && curl -fs http://127.0.0.1:8192/healthz >/dev/null; do
  sleep 0.05
done
contact=$(curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:8191/api/v1/contacts?limit=1&sort=last_name" \
  | python3 -c "import json,sys; print(json.load(sys.stdin)['items'][0]['id'])")
case "${READ:-contact}" in
  list) path="contacts?limit=25&sort=last_name" ;;
  *) path="contacts/$contact" ;;
esac
echo "| round | not audited req/s | audited req/s | cost |"
echo "|---|---:|---:|---:|"
for round in $(seq "$ROUNDS"); do
  rate() {
    wrk -t2 -c16 -d"$DURATION" -H "Authorization: Bearer $token" "http://127.0.0.1:$1/api/v1/$path" \
      | awk '/Requests\/sec/ {print $2}'
  }
  plain=$(rate 8192)
  recorded=$(rate 8191)
  echo "| $round | $plain | $recorded | $(python3 -c "print(f'{($recorded / $plain - 1) * 100:.1f} %')") |"
done
