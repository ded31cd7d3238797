-- The customer portal: a contact person's account (invited by staff), its
-- one-time links (invitations and sign-in links, stored hashed, used once)
-- and its sessions (a cookie of its own, stored hashed).
CREATE TABLE portal_accounts (
    tenant_id BIGINT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL,
    contact_id BIGINT NOT NULL,
    email TEXT NOT NULL,
    password_hash TEXT,
    organisation_access BIGINT NOT NULL,
    invited_by BIGINT,
    invited_at BIGINT NOT NULL,
    activated_at BIGINT,
    disabled_at BIGINT,
    last_login_at BIGINT,
    PRIMARY KEY (tenant_id, account_id),
    FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts (tenant_id, contact_id)
);
CREATE UNIQUE INDEX portal_accounts_by_contact ON portal_accounts (tenant_id, contact_id);
CREATE INDEX portal_accounts_by_email ON portal_accounts (email);

CREATE TABLE portal_links (
    tenant_id BIGINT NOT NULL,
    link_id BIGINT NOT NULL,
    account_id BIGINT NOT NULL,
    purpose TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, link_id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES portal_accounts (tenant_id, account_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX portal_links_by_token ON portal_links (tenant_id, token_hash);
CREATE INDEX portal_links_by_account ON portal_links (tenant_id, account_id);

CREATE TABLE portal_sessions (
    tenant_id BIGINT NOT NULL,
    session_id BIGINT NOT NULL,
    account_id BIGINT NOT NULL,
    token_hash TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, session_id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES portal_accounts (tenant_id, account_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX portal_sessions_by_token ON portal_sessions (tenant_id, token_hash);
CREATE INDEX portal_sessions_by_account ON portal_sessions (tenant_id, account_id);
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['portal_accounts', 'portal_links', 'portal_sessions']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY tenant_wall ON %I USING (
            current_setting('app.operator', true) = 'on'
            OR tenant_id::text = current_setting('app.tenant_id', true))$p$, t);
    END LOOP;
END $$;
