-- Foundation schema. Every table carries tenant_id, and every primary and
-- foreign key includes it. Each column is classified in core/src/catalog.rs.

CREATE TABLE tenants (
    tenant_id BIGINT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE users (
    tenant_id BIGINT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL,
    email TEXT NOT NULL,
    display_name TEXT NOT NULL,
    password_hash TEXT,
    role TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, user_id),
    UNIQUE (tenant_id, email)
);
CREATE INDEX users_by_email ON users (email);

CREATE TABLE sessions (
    tenant_id BIGINT NOT NULL,
    session_hash TEXT NOT NULL,
    user_id BIGINT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, session_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE
);

CREATE TABLE api_tokens (
    tenant_id BIGINT NOT NULL,
    token_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT,
    PRIMARY KEY (tenant_id, token_id),
    UNIQUE (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE
);

CREATE TABLE organisations (
    tenant_id BIGINT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    organisation_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    website TEXT,
    account_number TEXT,
    phone TEXT,
    billing_street TEXT,
    billing_postcode TEXT,
    billing_city TEXT,
    billing_country TEXT,
    postal_street TEXT,
    postal_postcode TEXT,
    postal_city TEXT,
    postal_country TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, organisation_id),
    UNIQUE (tenant_id, account_number)
);
CREATE INDEX organisations_by_name ON organisations (tenant_id, name, organisation_id);

CREATE TABLE contacts (
    tenant_id BIGINT NOT NULL,
    contact_id BIGINT NOT NULL,
    organisation_id BIGINT,
    gender TEXT,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    position TEXT,
    emails TEXT NOT NULL,
    phones TEXT NOT NULL,
    work_street TEXT,
    work_postcode TEXT,
    work_city TEXT,
    work_country TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, contact_id),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, organisation_id)
);
CREATE INDEX contacts_by_name ON contacts (tenant_id, last_name, contact_id);
CREATE INDEX contacts_by_organisation ON contacts (tenant_id, organisation_id, last_name, contact_id);

CREATE TABLE activities (
    tenant_id BIGINT NOT NULL,
    activity_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    occurred_at BIGINT NOT NULL,
    author_id BIGINT,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    organisation_id BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, activity_id),
    FOREIGN KEY (tenant_id, author_id) REFERENCES users (tenant_id, user_id),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, organisation_id)
);
CREATE INDEX activities_by_time ON activities (tenant_id, occurred_at, activity_id);
CREATE INDEX activities_by_organisation ON activities (tenant_id, organisation_id, occurred_at);

CREATE TABLE activity_contacts (
    tenant_id BIGINT NOT NULL,
    activity_id BIGINT NOT NULL,
    contact_id BIGINT NOT NULL,
    occurred_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, activity_id, contact_id),
    FOREIGN KEY (tenant_id, activity_id) REFERENCES activities (tenant_id, activity_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts (tenant_id, contact_id) ON DELETE CASCADE
);
CREATE INDEX activity_contacts_by_contact ON activity_contacts (tenant_id, contact_id, occurred_at);

CREATE TABLE assets (
    tenant_id BIGINT NOT NULL,
    asset_id BIGINT NOT NULL,
    product_name TEXT NOT NULL,
    serial_number TEXT NOT NULL,
    control_code TEXT,
    organisation_id BIGINT,
    contact_id BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, asset_id),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, organisation_id),
    FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts (tenant_id, contact_id)
);
CREATE INDEX assets_by_serial ON assets (tenant_id, serial_number, asset_id);
CREATE INDEX assets_by_organisation ON assets (tenant_id, organisation_id);
CREATE INDEX assets_by_contact ON assets (tenant_id, contact_id);

CREATE TABLE agreements (
    tenant_id BIGINT NOT NULL,
    agreement_id BIGINT NOT NULL,
    title TEXT NOT NULL,
    organisation_id BIGINT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT,
    value_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, agreement_id),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, organisation_id) ON DELETE CASCADE
);
CREATE INDEX agreements_by_start ON agreements (tenant_id, start_date, agreement_id);
CREATE INDEX agreements_by_organisation ON agreements (tenant_id, organisation_id);

CREATE TABLE search_entries (
    tenant_id BIGINT NOT NULL,
    record_type TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    label TEXT NOT NULL,
    detail TEXT NOT NULL,
    terms TEXT NOT NULL,
    PRIMARY KEY (tenant_id, record_type, record_id)
);
-- Full-text index over search_entries.terms, as an expression index so the
-- table has the same columns as on SQLite.
CREATE INDEX search_entries_fts ON search_entries USING gin (to_tsvector('simple', terms));

CREATE TABLE audit_entries (
    tenant_id BIGINT NOT NULL,
    audit_id BIGINT NOT NULL,
    occurred_at BIGINT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    fields TEXT NOT NULL,
    PRIMARY KEY (tenant_id, audit_id)
);
CREATE INDEX audit_entries_by_record ON audit_entries (tenant_id, record_type, record_id, audit_id);

-- Row-level security: a second wall around tenants. Sessions set
-- app.tenant_id; maintenance paths set app.operator = 'on'. Policies apply to
-- roles that are neither superuser nor BYPASSRLS.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['tenants', 'users', 'sessions', 'api_tokens', 'organisations', 'contacts',
        'activities', 'activity_contacts', 'assets', 'agreements', 'search_entries', 'audit_entries']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY tenant_wall ON %I USING (
            current_setting('app.operator', true) = 'on'
            OR tenant_id::text = current_setting('app.tenant_id', true))$p$, t);
    END LOOP;
END $$;
