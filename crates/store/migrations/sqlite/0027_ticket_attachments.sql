-- Files on tickets, kept in the database (not on disk) so that deleting or
-- erasing a ticket takes them in the same transaction, and secure_delete
-- (SQLite) or VACUUM (PostgreSQL) makes the storage forget them.
CREATE TABLE ticket_attachments (
    tenant_id INTEGER NOT NULL,
    attachment_id INTEGER NOT NULL,
    ticket_id INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    content BLOB NOT NULL,
    uploaded_by_user INTEGER,
    uploaded_by_contact INTEGER,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, attachment_id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, ticket_id) ON DELETE CASCADE
);
CREATE INDEX ticket_attachments_by_ticket ON ticket_attachments (tenant_id, ticket_id, created_at);
CREATE INDEX ticket_attachments_by_contact ON ticket_attachments (tenant_id, uploaded_by_contact);
