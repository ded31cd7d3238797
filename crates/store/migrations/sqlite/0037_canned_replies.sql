-- Canned replies (issue 22, item 7): a tenant's reusable answers, picked
-- on a ticket to start a reply. Templates staff write for everyone, so not
-- anyone's personal data.
CREATE TABLE canned_replies (
    tenant_id INTEGER NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    reply_id INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, reply_id)
);
CREATE INDEX canned_replies_by_title ON canned_replies (tenant_id, title, reply_id);
