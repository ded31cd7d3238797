-- Data-subject requests and every step taken on them; and the number of
-- days within which the tenant promises to answer, when it promises less
-- than the month of Art. 12(3).
CREATE TABLE subject_requests (
    tenant_id BIGINT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    request_id BIGINT NOT NULL,
    request_type TEXT NOT NULL,
    channel TEXT NOT NULL,
    received_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    extended_months BIGINT NOT NULL DEFAULT 0,
    extension_reason TEXT,
    state TEXT NOT NULL,
    contact_id BIGINT,
    subject_name TEXT NOT NULL,
    subject_email TEXT,
    details TEXT,
    owner_id BIGINT NOT NULL,
    identity_verified_at BIGINT,
    identity_method TEXT,
    outcome TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, request_id)
);
CREATE INDEX subject_requests_open ON subject_requests (tenant_id, state, due_on);
CREATE TABLE subject_request_events (
    tenant_id BIGINT NOT NULL,
    event_id BIGINT NOT NULL,
    request_id BIGINT NOT NULL,
    occurred_at BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    step TEXT NOT NULL,
    state TEXT NOT NULL,
    note TEXT,
    PRIMARY KEY (tenant_id, event_id),
    FOREIGN KEY (tenant_id, request_id) REFERENCES subject_requests (tenant_id, request_id) ON DELETE CASCADE
);
CREATE INDEX subject_request_events_by_request ON subject_request_events (tenant_id, request_id, occurred_at);
ALTER TABLE tenants ADD COLUMN request_deadline_days BIGINT;
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['subject_requests', 'subject_request_events']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY tenant_wall ON %I USING (
            current_setting('app.operator', true) = 'on'
            OR tenant_id::text = current_setting('app.tenant_id', true))$p$, t);
    END LOOP;
END $$;
