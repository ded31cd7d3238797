-- The audit trail becomes a hash chain per tenant (core::audit::chain).
-- seq numbers a tenant's entries without gaps; entry_hash commits to the
-- entry and to the one before. The client context (IP address, user agent,
-- reason for access) sits beside the chain: the chain commits to its salted
-- digest, so erasure can blank the values and the salt without breaking it.
-- Existing entries are chained by the migration runner, in audit_id order.
ALTER TABLE audit_entries ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_entries ADD COLUMN entry_hash BLOB NOT NULL DEFAULT x'';
ALTER TABLE audit_entries ADD COLUMN context_digest BLOB NOT NULL DEFAULT x'';
ALTER TABLE audit_entries ADD COLUMN context_salt BLOB;
ALTER TABLE audit_entries ADD COLUMN source_ip TEXT;
ALTER TABLE audit_entries ADD COLUMN user_agent TEXT;
ALTER TABLE audit_entries ADD COLUMN reason TEXT;

-- The newest entry of each tenant's chain. Appending locks this row, so
-- two writers can never chain onto the same entry.
CREATE TABLE audit_heads (
    tenant_id INTEGER NOT NULL PRIMARY KEY,
    seq INTEGER NOT NULL,
    entry_hash BLOB NOT NULL
);

-- Chain heads signed with the operator's Ed25519 key; each is also appended
-- to a file outside the database.
CREATE TABLE audit_checkpoints (
    tenant_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    entry_hash BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    public_key TEXT NOT NULL,
    signature TEXT NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
