-- After the chain is filled in: entries are found by position, record and
-- actor, and nothing may change or delete them except the client context
-- that erasure blanks.
CREATE UNIQUE INDEX audit_entries_by_seq ON audit_entries (tenant_id, seq);
DROP INDEX audit_entries_by_record;
CREATE INDEX audit_entries_by_record ON audit_entries (tenant_id, record_type, record_id, seq);
CREATE INDEX audit_entries_by_actor ON audit_entries (tenant_id, actor_kind, actor_id, seq);

CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;

CREATE TRIGGER audit_entries_no_update BEFORE UPDATE OF
    tenant_id, audit_id, seq, occurred_at, actor_kind, actor_id, action,
    record_type, record_id, fields, entry_hash, context_digest
ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;
