-- Carrying out access, portability and erasure requests: the contact
-- records staff confirmed as the subject's, the certificate of an erasure,
-- and the suppression list (keyed hashes of an erased person's emails and
-- phones, with the tenant's key).
CREATE TABLE subject_request_contacts (
    tenant_id INTEGER NOT NULL,
    request_id INTEGER NOT NULL,
    contact_id INTEGER NOT NULL,
    confirmed_by INTEGER NOT NULL,
    confirmed_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, request_id, contact_id),
    FOREIGN KEY (tenant_id, request_id) REFERENCES subject_requests (tenant_id, request_id) ON DELETE CASCADE
);
-- With the request id, finding a contact's requests reads the index alone
-- (SQLite, without statistics, would rather walk the primary key).
CREATE INDEX subject_request_contacts_by_contact ON subject_request_contacts (tenant_id, contact_id, request_id);
CREATE INDEX subject_requests_by_contact ON subject_requests (tenant_id, contact_id);

CREATE TABLE erasure_certificates (
    tenant_id INTEGER NOT NULL,
    request_id INTEGER NOT NULL,
    issued_at INTEGER NOT NULL,
    issued_by INTEGER NOT NULL,
    certificate TEXT NOT NULL,
    PRIMARY KEY (tenant_id, request_id),
    FOREIGN KEY (tenant_id, request_id) REFERENCES subject_requests (tenant_id, request_id) ON DELETE CASCADE
);

CREATE TABLE suppressions (
    tenant_id INTEGER NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    digest TEXT NOT NULL,
    request_id INTEGER,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, kind, digest)
);
ALTER TABLE tenants ADD COLUMN suppression_key TEXT;

-- Deleting an entry removes its words from the full-text index itself
-- instead of leaving a delete marker beside them until the next merge, so an
-- erased name is gone from the index at once (SQLite 3.42 and later).
INSERT INTO search_entries_fts (search_entries_fts, rank) VALUES ('secure-delete', 1);
-- Words of entries changed or deleted before this migration may still sit in
-- older index segments beside their delete markers: merge them away once.
INSERT INTO search_entries_fts (search_entries_fts) VALUES ('optimize');
