-- The customer portal: a contact person's account (invited by staff), its
-- one-time links (invitations and sign-in links, stored hashed, used once)
-- and its sessions (a cookie of its own, stored hashed).
CREATE TABLE portal_accounts (
    tenant_id INTEGER NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL,
    contact_id INTEGER NOT NULL,
    email TEXT NOT NULL,
    password_hash TEXT,
    organisation_access INTEGER NOT NULL,
    invited_by INTEGER,
    invited_at INTEGER NOT NULL,
    activated_at INTEGER,
    disabled_at INTEGER,
    last_login_at INTEGER,
    PRIMARY KEY (tenant_id, account_id),
    FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts (tenant_id, contact_id)
);
CREATE UNIQUE INDEX portal_accounts_by_contact ON portal_accounts (tenant_id, contact_id);
CREATE INDEX portal_accounts_by_email ON portal_accounts (email);

CREATE TABLE portal_links (
    tenant_id INTEGER NOT NULL,
    link_id INTEGER NOT NULL,
    account_id INTEGER NOT NULL,
    purpose TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, link_id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES portal_accounts (tenant_id, account_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX portal_links_by_token ON portal_links (tenant_id, token_hash);
CREATE INDEX portal_links_by_account ON portal_links (tenant_id, account_id);

CREATE TABLE portal_sessions (
    tenant_id INTEGER NOT NULL,
    session_id INTEGER NOT NULL,
    account_id INTEGER NOT NULL,
    token_hash TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, session_id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES portal_accounts (tenant_id, account_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX portal_sessions_by_token ON portal_sessions (tenant_id, token_hash);
CREATE INDEX portal_sessions_by_account ON portal_sessions (tenant_id, account_id);
