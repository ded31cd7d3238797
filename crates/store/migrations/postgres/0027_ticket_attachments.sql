-- Files on tickets, kept in the database (not on disk) so that deleting or
-- erasing a ticket takes them in the same transaction, and secure_delete
-- (SQLite) or VACUUM (PostgreSQL) makes the storage forget them.
CREATE TABLE ticket_attachments (
    tenant_id BIGINT NOT NULL,
    attachment_id BIGINT NOT NULL,
    ticket_id BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    content BYTEA NOT NULL,
    uploaded_by_user BIGINT,
    uploaded_by_contact BIGINT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, attachment_id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, ticket_id) ON DELETE CASCADE
);
CREATE INDEX ticket_attachments_by_ticket ON ticket_attachments (tenant_id, ticket_id, created_at);
CREATE INDEX ticket_attachments_by_contact ON ticket_attachments (tenant_id, uploaded_by_contact);
ALTER TABLE ticket_attachments ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket_attachments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_wall ON ticket_attachments USING (
    current_setting('app.operator', true) = 'on'
    OR tenant_id::text = current_setting('app.tenant_id', true));
