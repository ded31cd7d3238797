#!/usr/bin/env bash
# Data-subject requests at scale: access export and erasure of a subject
# with 10,000 linked activities (and of a 15-record subject), on a database
# generated like scripts/bench.sh does.
#
#   scripts/bench-subject-rights.sh [DATABASE_URL] [CONTACTS] [ACTIVITIES]
#
# Defaults: sqlite://bench-data/custodian.db, 1,000,000 contacts and
# 10,000,000 activities (generated once, reused; shared with bench.sh).
# LINKED (default 10000) and ROUNDS (default 3) shape the subjects.
set -euo pipefail
cd "$(dirname "$0")/.."

DATABASE_URL="${1:-sqlite://bench-data/custodian.db}"
CONTACTS="${2:-1000000}"
ACTIVITIES="${3:-10000000}"
PORT="${PORT:-8191}"
GENERATE_ONLY=1 scripts/bench.sh "$DATABASE_URL" "$CONTACTS" "$ACTIVITIES"
state="bench-data/$(echo "$DATABASE_URL" | sha256sum | cut -c1-12)"
token=$(cat "$state.token")
bin="${BIN:-target/release/custodian}"
$bin serve --database "$DATABASE_URL" --listen "127.0.0.1:$PORT" \
  --audit-key bench-data/audit-signing.key --audit-checkpoints bench-data/audit-checkpoints.jsonl >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.05; done
python3 scripts/bench_subject_rights.py "http://127.0.0.1:$PORT" "$token" "${LINKED:-10000}" "${ROUNDS:-3}"
