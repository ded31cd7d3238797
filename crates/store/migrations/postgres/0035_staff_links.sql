-- Staff invitations and new-password links (issue 22, item 3): one-time
-- links an administrator makes for a staff user, kept as the hash of their
-- secret (the secret is only in the message or shown once), used once
-- within their time. An invited user has no password until they use it.
CREATE TABLE staff_links (
    tenant_id BIGINT NOT NULL,
    link_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    purpose TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    PRIMARY KEY (tenant_id, link_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX staff_links_by_token ON staff_links (tenant_id, token_hash);
CREATE INDEX staff_links_by_user ON staff_links (tenant_id, user_id);
ALTER TABLE staff_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE staff_links FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_wall ON staff_links USING (
    current_setting('app.operator', true) = 'on'
    OR tenant_id::text = current_setting('app.tenant_id', true));
