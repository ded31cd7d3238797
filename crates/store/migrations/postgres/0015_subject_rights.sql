-- Carrying out access, portability and erasure requests: the contact
-- records staff confirmed as the subject's, the certificate of an erasure,
-- and the suppression list (keyed hashes of an erased person's emails and
-- phones, with the tenant's key).
CREATE TABLE subject_request_contacts (
    tenant_id BIGINT NOT NULL,
    request_id BIGINT NOT NULL,
    contact_id BIGINT NOT NULL,
    confirmed_by BIGINT NOT NULL,
    confirmed_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, request_id, contact_id),
    FOREIGN KEY (tenant_id, request_id) REFERENCES subject_requests (tenant_id, request_id) ON DELETE CASCADE
);
-- With the request id, finding a contact's requests reads the index alone
-- (SQLite, without statistics, would rather walk the primary key).
CREATE INDEX subject_request_contacts_by_contact ON subject_request_contacts (tenant_id, contact_id, request_id);
CREATE INDEX subject_requests_by_contact ON subject_requests (tenant_id, contact_id);

CREATE TABLE erasure_certificates (
    tenant_id BIGINT NOT NULL,
    request_id BIGINT NOT NULL,
    issued_at BIGINT NOT NULL,
    issued_by BIGINT NOT NULL,
    certificate TEXT NOT NULL,
    PRIMARY KEY (tenant_id, request_id),
    FOREIGN KEY (tenant_id, request_id) REFERENCES subject_requests (tenant_id, request_id) ON DELETE CASCADE
);

CREATE TABLE suppressions (
    tenant_id BIGINT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    digest TEXT NOT NULL,
    request_id BIGINT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, kind, digest)
);
ALTER TABLE tenants ADD COLUMN suppression_key TEXT;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['subject_request_contacts', 'erasure_certificates', 'suppressions']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY tenant_wall ON %I USING (
            current_setting('app.operator', true) = 'on'
            OR tenant_id::text = current_setting('app.tenant_id', true))$p$, t);
    END LOOP;
END $$;
