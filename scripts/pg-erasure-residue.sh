#!/usr/bin/env bash
# What remains of a deleted row in PostgreSQL's own files, step by step:
# the heap file after DELETE, after VACUUM, after VACUUM FULL, and the WAL.
# Needs the server on this machine (it reads the data directory) and a
# superuser; default postgres://postgres@127.0.0.1:5432/test.
#
#   scripts/pg-erasure-residue.sh [DATABASE_URL]
set -euo pipefail
url="${1:-postgres://postgres@127.0.0.1:5432/test}"
q() { psql "$url" -Atq -c "$1"; }
value="ada.residue.$RANDOM@erase.example"
q "DROP TABLE IF EXISTS erasure_residue"
q "CREATE TABLE erasure_residue (id bigint PRIMARY KEY, email text, note text)"
q "INSERT INTO erasure_residue SELECT g, 'someone' || g || '@example.com', repeat('x', 200) FROM generate_series(1, 5000) g"
q "INSERT INTO erasure_residue VALUES (999999, '$value', 'called about her invoice')"
q "CHECKPOINT"
data=$(q "SHOW data_directory")
file() { echo "$data/$(q "SELECT pg_relation_filepath('erasure_residue')")"; }
count() { grep -c "$value" "$(file)" || true; }
wal() { grep -l "$value" "$data"/pg_wal/0* 2>/dev/null | wc -l; }
echo "| step | copies in the table file | WAL segments holding it |"
echo "|---|---:|---:|"
echo "| inserted, checkpointed | $(count) | $(wal) |"
q "DELETE FROM erasure_residue WHERE id = 999999"; q "CHECKPOINT"
echo "| DELETE, checkpoint | $(count) | $(wal) |"
q "VACUUM erasure_residue"; q "CHECKPOINT"
echo "| VACUUM, checkpoint | $(count) | $(wal) |"
q "VACUUM FULL erasure_residue"; q "CHECKPOINT"
echo "| VACUUM FULL (new file), checkpoint | $(count) | $(wal) |"
q "DROP TABLE erasure_residue"
echo
echo "WAL: $(q "SHOW min_wal_size") min, $(q "SHOW max_wal_size") max; segments are recycled (renamed and overwritten) only after checkpoints, so a value stays in pg_wal until enough later writes reuse its segment."
