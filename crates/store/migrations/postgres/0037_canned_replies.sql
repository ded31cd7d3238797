-- Canned replies (issue 22, item 7): a tenant's reusable answers, picked
-- on a ticket to start a reply. Templates staff write for everyone, so not
-- anyone's personal data.
CREATE TABLE canned_replies (
    tenant_id BIGINT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    reply_id BIGINT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, reply_id)
);
CREATE INDEX canned_replies_by_title ON canned_replies (tenant_id, title, reply_id);
ALTER TABLE canned_replies ENABLE ROW LEVEL SECURITY;
ALTER TABLE canned_replies FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_wall ON canned_replies USING (
    current_setting('app.operator', true) = 'on'
    OR tenant_id::text = current_setting('app.tenant_id', true));
