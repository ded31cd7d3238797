-- Data-subject requests and every step taken on them; and the number of
-- days within which the tenant promises to answer, when it promises less
-- than the month of Art. 12(3).
CREATE TABLE subject_requests (
    tenant_id INTEGER NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    request_id INTEGER NOT NULL,
    request_type TEXT NOT NULL,
    channel TEXT NOT NULL,
    received_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    extended_months INTEGER NOT NULL DEFAULT 0,
    extension_reason TEXT,
    state TEXT NOT NULL,
    contact_id INTEGER,
    subject_name TEXT NOT NULL,
    subject_email TEXT,
    details TEXT,
    owner_id INTEGER NOT NULL,
    identity_verified_at INTEGER,
    identity_method TEXT,
    outcome TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, request_id)
);
CREATE INDEX subject_requests_open ON subject_requests (tenant_id, state, due_on);
CREATE TABLE subject_request_events (
    tenant_id INTEGER NOT NULL,
    event_id INTEGER NOT NULL,
    request_id INTEGER NOT NULL,
    occurred_at INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    step TEXT NOT NULL,
    state TEXT NOT NULL,
    note TEXT,
    PRIMARY KEY (tenant_id, event_id),
    FOREIGN KEY (tenant_id, request_id) REFERENCES subject_requests (tenant_id, request_id) ON DELETE CASCADE
);
CREATE INDEX subject_request_events_by_request ON subject_request_events (tenant_id, request_id, occurred_at);
ALTER TABLE tenants ADD COLUMN request_deadline_days INTEGER;
