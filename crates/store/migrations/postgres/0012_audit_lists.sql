-- A list read is one chained entry naming every record it showed
-- (record_ids, covered by the entry's hash), instead of one entry per
-- record; audit_entry_records indexes those ids so that "who saw this
-- record" still finds the lists it appeared in.
ALTER TABLE audit_entries ADD COLUMN record_ids TEXT;
CREATE TABLE audit_entry_records (
    tenant_id BIGINT NOT NULL,
    record_type TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, record_type, record_id, seq)
);
ALTER TABLE audit_entry_records ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_entry_records FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_wall ON audit_entry_records USING (
    current_setting('app.operator', true) = 'on'
    OR tenant_id::text = current_setting('app.tenant_id', true));
DROP TRIGGER audit_entries_no_update ON audit_entries;
CREATE TRIGGER audit_entries_no_update BEFORE UPDATE OF
    tenant_id, audit_id, seq, occurred_at, actor_kind, actor_id, action,
    record_type, record_id, fields, entry_hash, context_digest, record_ids
ON audit_entries FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
CREATE TRIGGER audit_entry_records_no_change BEFORE UPDATE OR DELETE ON audit_entry_records
    FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
CREATE TRIGGER audit_entry_records_no_truncate BEFORE TRUNCATE ON audit_entry_records
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only();
