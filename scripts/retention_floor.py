"""The floor under the retention sweep on SQLite: the records
scripts/bench-retention.sh makes due, deleted straight through SQLite with
Custodian's pragmas (WAL, synchronous FULL, secure_delete, foreign keys, a
64 MiB cache) and nothing else: no audit entries, no erasure plan, no
verification, no holds or reviews. What this reaches is the most the sweep
could reach with the same batches; docs/benchmarks.md compares the two.

    python3 scripts/retention_floor.py COPY ACTIVITY_BATCH CONTACT_BATCH

COPY is a copy of the benchmark database that this changes (the script
scripts/bench-retention-floor.sh makes it). ACTIVITY_BATCH activities by date
and CONTACT_BATCH contacts are deleted a transaction; 0 means all in one.
AUTOCHECKPOINT=PAGES sets wal_autocheckpoint (default 1,000 pages, SQLite's
and Custodian's): how much log a commit leaves before it copies the log into
the file. Each deletion's time includes copying what it left in the log.
"""

import os
import sys

try:
    # Python's own SQLite may be older than the FTS5 options the schema uses
    # (secure-delete, SQLite 3.42): `pip install pysqlite3-binary` brings a
    # current one.
    import pysqlite3 as sqlite3
except ImportError:
    import sqlite3
import time

DAY_MS = 86_400_000


def written_bytes():
    """Bytes this process has had written to storage so far (Linux)."""
    with open("/proc/self/io") as io:
        for line in io:
            if line.startswith("write_bytes:"):
                return int(line.split()[1])
    return 0


def in_batches(items, size):
    size = size or max(len(items), 1)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def delete_activities(db, tenant, ids):
    """The activities, their links and their last-access rows."""
    ids = sorted(ids)
    db.execute("DELETE FROM going")
    db.executemany("INSERT INTO going VALUES (?)", [(i,) for i in ids])
    db.execute(
        "DELETE FROM record_access WHERE tenant_id = ? AND record_type = 'activity' "
        "AND record_id IN (SELECT id FROM going)",
        (tenant,),
    )
    db.execute(
        "DELETE FROM activity_contacts WHERE tenant_id = ? AND activity_id IN (SELECT id FROM going)",
        (tenant,),
    )
    db.execute(
        "DELETE FROM activities WHERE tenant_id = ? AND activity_id IN (SELECT id FROM going)",
        (tenant,),
    )


def activity_rule(db, tenant, batch):
    """The rule "delete 584 days after it took place", oldest first."""
    cutoff = int(time.time() * 1000) - 584 * DAY_MS
    due = [
        r[0]
        for r in db.execute(
            "SELECT activity_id FROM activities WHERE tenant_id = ? AND occurred_at < ? "
            "ORDER BY occurred_at, activity_id",
            (tenant, cutoff),
        )
    ]
    for ids in in_batches(due, batch):
        db.execute("BEGIN IMMEDIATE")
        delete_activities(db, tenant, ids)
        db.execute("COMMIT")
    return len(due)


def contact_rule(db, tenant, batch):
    """The rule "delete 3 years after creation" on every fifth contact,
    which bench-retention.sh moves four years back: each contact with the
    activities that are about it alone, its links, assets, search entry and
    last-access row, a batch a transaction."""
    cutoff = int(time.time() * 1000) - 3 * 365 * DAY_MS
    due = [
        r[0]
        for r in db.execute(
            "SELECT contact_id FROM contacts WHERE tenant_id = ? AND created_at < ? ORDER BY contact_id",
            (tenant, cutoff),
        )
    ]
    own_activities = 0
    for contacts in in_batches(due, batch):
        db.execute("BEGIN IMMEDIATE")
        db.execute("DELETE FROM leaving")
        db.executemany("INSERT INTO leaving VALUES (?)", [(c,) for c in contacts])
        own = [
            r[0]
            for r in db.execute(
                "SELECT DISTINCT l.activity_id FROM activity_contacts l "
                "WHERE l.tenant_id = ? AND l.contact_id IN (SELECT id FROM leaving) "
                "AND NOT EXISTS (SELECT 1 FROM activity_contacts o WHERE o.tenant_id = l.tenant_id "
                "AND o.activity_id = l.activity_id AND o.contact_id NOT IN (SELECT id FROM leaving))",
                (tenant,),
            )
        ]
        delete_activities(db, tenant, own)
        own_activities += len(own)
        for table, condition in [
            ("activity_contacts", "contact_id"),
            ("assets", "contact_id"),
            ("record_access", "record_type = 'contact' AND record_id"),
            ("search_entries", "record_type = 'contact' AND record_id"),
            ("contacts", "contact_id"),
        ]:
            db.execute(
                f"DELETE FROM {table} WHERE tenant_id = ? AND {condition} IN (SELECT id FROM leaving)",
                (tenant,),
            )
        db.execute("COMMIT")
    return len(due), own_activities


def main():
    path, activity_batch, contact_batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in [
        "journal_mode = WAL",
        "synchronous = FULL",
        "foreign_keys = ON",
        "secure_delete = ON",
        "cache_size = -65536",
        "temp_store = MEMORY",
        "wal_autocheckpoint = " + os.environ.get("AUTOCHECKPOINT", "1000"),
    ]:
        db.execute("PRAGMA " + pragma)
    db.execute("CREATE TEMP TABLE going (id INTEGER PRIMARY KEY)")
    db.execute("CREATE TEMP TABLE leaving (id INTEGER PRIMARY KEY)")
    (tenant,) = db.execute("SELECT tenant_id FROM contacts LIMIT 1").fetchone()

    # The full-text indexes as the sweep treats them: entries leave as
    # tombstones, and one rewrite at the end (in the last line's time).
    indexes = [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND sql LIKE 'CREATE VIRTUAL TABLE%fts5%'"
        )
    ]
    for index in indexes:
        db.execute(f"INSERT INTO {index} ({index}, rank) VALUES ('secure-delete', 0)")

    label = lambda n: f"{n:,} a transaction" if n else "all in one transaction"
    print("| deletion | records | seconds | records/s | written per record |")
    print("|---|---|---|---|---|")
    measured(
        lambda: (activity_rule(db, tenant, activity_batch), None),
        db,
        lambda _: f"activities by date, {label(activity_batch)}",
    )
    measured(
        lambda: contact_rule(db, tenant, contact_batch),
        db,
        lambda own: f"contacts with their {own:,} own activities, {label(contact_batch)}",
    )
    if indexes:
        measured(
            lambda: (0, rewrite(db, indexes)),
            db,
            lambda n: f"rewriting the {n} full-text indexes without the tombstones",
        )


def rewrite(db, indexes):
    for index in indexes:
        db.execute(f"INSERT INTO {index} ({index}) VALUES ('optimize')")
        db.execute(f"INSERT INTO {index} ({index}, rank) VALUES ('secure-delete', 1)")
    return len(indexes)


def measured(deletion, db, describe):
    """Runs a deletion, then copies the log into the file (part of its
    cost), and prints its line of the table."""
    started, written = time.time(), written_bytes()
    records, detail = deletion()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    took, bytes_ = time.time() - started, written_bytes() - written
    print(
        f"| {describe(detail)} | {records:,} | {took:.1f} | {records / max(took, 1e-9):,.0f} "
        f"| {bytes_ / max(records, 1) / 1024:.1f} KiB |",
        flush=True,
    )

if __name__ == "__main__":
    main()
