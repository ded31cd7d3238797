-- Foundation schema. Every table carries tenant_id, and every primary and
-- foreign key includes it. Each column is classified in core/src/catalog.rs.

CREATE TABLE tenants (
    tenant_id INTEGER NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE users (
    tenant_id INTEGER NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL,
    email TEXT NOT NULL,
    display_name TEXT NOT NULL,
    password_hash TEXT,
    role TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, user_id),
    UNIQUE (tenant_id, email)
);
CREATE INDEX users_by_email ON users (email);

CREATE TABLE sessions (
    tenant_id INTEGER NOT NULL,
    session_hash TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, session_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE
);

CREATE TABLE api_tokens (
    tenant_id INTEGER NOT NULL,
    token_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER,
    PRIMARY KEY (tenant_id, token_id),
    UNIQUE (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE
);

CREATE TABLE organisations (
    tenant_id INTEGER NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL,
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
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, organisation_id),
    UNIQUE (tenant_id, account_number)
);
CREATE INDEX organisations_by_name ON organisations (tenant_id, name, organisation_id);

CREATE TABLE contacts (
    tenant_id INTEGER NOT NULL,
    contact_id INTEGER NOT NULL,
    organisation_id INTEGER,
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
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, contact_id),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, organisation_id)
);
CREATE INDEX contacts_by_name ON contacts (tenant_id, last_name, contact_id);
CREATE INDEX contacts_by_organisation ON contacts (tenant_id, organisation_id, last_name, contact_id);

CREATE TABLE activities (
    tenant_id INTEGER NOT NULL,
    activity_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    author_id INTEGER,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    organisation_id INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, activity_id),
    FOREIGN KEY (tenant_id, author_id) REFERENCES users (tenant_id, user_id),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, organisation_id)
);
CREATE INDEX activities_by_time ON activities (tenant_id, occurred_at, activity_id);
CREATE INDEX activities_by_organisation ON activities (tenant_id, organisation_id, occurred_at);

CREATE TABLE activity_contacts (
    tenant_id INTEGER NOT NULL,
    activity_id INTEGER NOT NULL,
    contact_id INTEGER NOT NULL,
    occurred_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, activity_id, contact_id),
    FOREIGN KEY (tenant_id, activity_id) REFERENCES activities (tenant_id, activity_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts (tenant_id, contact_id) ON DELETE CASCADE
);
CREATE INDEX activity_contacts_by_contact ON activity_contacts (tenant_id, contact_id, occurred_at);

CREATE TABLE assets (
    tenant_id INTEGER NOT NULL,
    asset_id INTEGER NOT NULL,
    product_name TEXT NOT NULL,
    serial_number TEXT NOT NULL,
    control_code TEXT,
    organisation_id INTEGER,
    contact_id INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, asset_id),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, organisation_id),
    FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts (tenant_id, contact_id)
);
CREATE INDEX assets_by_serial ON assets (tenant_id, serial_number, asset_id);
CREATE INDEX assets_by_organisation ON assets (tenant_id, organisation_id);
CREATE INDEX assets_by_contact ON assets (tenant_id, contact_id);

CREATE TABLE agreements (
    tenant_id INTEGER NOT NULL,
    agreement_id INTEGER NOT NULL,
    title TEXT NOT NULL,
    organisation_id INTEGER NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT,
    value_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, agreement_id),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, organisation_id) ON DELETE CASCADE
);
CREATE INDEX agreements_by_start ON agreements (tenant_id, start_date, agreement_id);
CREATE INDEX agreements_by_organisation ON agreements (tenant_id, organisation_id);

CREATE TABLE search_entries (
    tenant_id INTEGER NOT NULL,
    record_type TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    label TEXT NOT NULL,
    detail TEXT NOT NULL,
    terms TEXT NOT NULL,
    PRIMARY KEY (tenant_id, record_type, record_id)
);
-- Full-text index over search_entries.terms. The tenant is one more token
-- ("t<id>") so that a match never leaves the tenant.
CREATE VIRTUAL TABLE search_entries_fts USING fts5 (
    terms, content = 'search_entries', content_rowid = 'rowid', prefix = '2 3 4', tokenize = "unicode61 remove_diacritics 2", detail = none
);
CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN
    INSERT INTO search_entries_fts (rowid, terms) VALUES (new.rowid, 't' || new.tenant_id || ' ' || new.terms);
END;
CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN
    INSERT INTO search_entries_fts (search_entries_fts, rowid, terms) VALUES ('delete', old.rowid, 't' || old.tenant_id || ' ' || old.terms);
END;
CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN
    INSERT INTO search_entries_fts (search_entries_fts, rowid, terms) VALUES ('delete', old.rowid, 't' || old.tenant_id || ' ' || old.terms);
    INSERT INTO search_entries_fts (rowid, terms) VALUES (new.rowid, 't' || new.tenant_id || ' ' || new.terms);
END;

CREATE TABLE audit_entries (
    tenant_id INTEGER NOT NULL,
    audit_id INTEGER NOT NULL,
    occurred_at INTEGER NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id INTEGER NOT NULL,
    action TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    fields TEXT NOT NULL,
    PRIMARY KEY (tenant_id, audit_id)
);
CREATE INDEX audit_entries_by_record ON audit_entries (tenant_id, record_type, record_id, audit_id);
