-- Requests a person raises themselves in the customer portal: a step may be
-- taken by the subject (contact_id) instead of a staff user (user_id), and
-- the subject's own signed-in session may confirm which contact record is
-- theirs (confirmed_by empty). SQLite cannot drop NOT NULL in place, so
-- both tables are rebuilt; no other table refers to them.
CREATE TABLE subject_request_events_rebuilt (
    tenant_id INTEGER NOT NULL,
    event_id INTEGER NOT NULL,
    request_id INTEGER NOT NULL,
    occurred_at INTEGER NOT NULL,
    user_id INTEGER,
    contact_id INTEGER,
    step TEXT NOT NULL,
    state TEXT NOT NULL,
    note TEXT,
    PRIMARY KEY (tenant_id, event_id),
    FOREIGN KEY (tenant_id, request_id) REFERENCES subject_requests (tenant_id, request_id) ON DELETE CASCADE
);
INSERT INTO subject_request_events_rebuilt (tenant_id, event_id, request_id, occurred_at, user_id, step, state, note)
    SELECT tenant_id, event_id, request_id, occurred_at, user_id, step, state, note FROM subject_request_events;
DROP TABLE subject_request_events;
ALTER TABLE subject_request_events_rebuilt RENAME TO subject_request_events;
CREATE INDEX subject_request_events_by_request ON subject_request_events (tenant_id, request_id, occurred_at);

CREATE TABLE subject_request_contacts_rebuilt (
    tenant_id INTEGER NOT NULL,
    request_id INTEGER NOT NULL,
    contact_id INTEGER NOT NULL,
    confirmed_by INTEGER,
    confirmed_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, request_id, contact_id),
    FOREIGN KEY (tenant_id, request_id) REFERENCES subject_requests (tenant_id, request_id) ON DELETE CASCADE
);
INSERT INTO subject_request_contacts_rebuilt SELECT tenant_id, request_id, contact_id, confirmed_by, confirmed_at FROM subject_request_contacts;
DROP TABLE subject_request_contacts;
ALTER TABLE subject_request_contacts_rebuilt RENAME TO subject_request_contacts;
CREATE INDEX subject_request_contacts_by_contact ON subject_request_contacts (tenant_id, contact_id, request_id);
