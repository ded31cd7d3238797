-- A list read is one chained entry naming every record it showed
-- (record_ids, covered by the entry's hash), instead of one entry per
-- record; audit_entry_records indexes those ids so that "who saw this
-- record" still finds the lists it appeared in.
ALTER TABLE audit_entries ADD COLUMN record_ids TEXT;
CREATE TABLE audit_entry_records (
    tenant_id INTEGER NOT NULL,
    record_type TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, record_type, record_id, seq)
) WITHOUT ROWID;
DROP TRIGGER audit_entries_no_update;
CREATE TRIGGER audit_entries_no_update BEFORE UPDATE OF
    tenant_id, audit_id, seq, occurred_at, actor_kind, actor_id, action,
    record_type, record_id, fields, entry_hash, context_digest, record_ids
ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;
CREATE TRIGGER audit_entry_records_no_delete BEFORE DELETE ON audit_entry_records
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;
CREATE TRIGGER audit_entry_records_no_update BEFORE UPDATE ON audit_entry_records
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;
