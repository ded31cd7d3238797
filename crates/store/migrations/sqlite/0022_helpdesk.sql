-- The helpdesk: tickets with their public replies and internal notes, and
-- the tenant's service levels (first response and resolution due times per
-- priority). A ticket's number counts up per tenant, kept on the tenant's
-- row so that two tickets never get the same one.
ALTER TABLE tenants ADD COLUMN ticket_counter INTEGER NOT NULL DEFAULT 0;

CREATE TABLE tickets (
    tenant_id INTEGER NOT NULL,
    ticket_id INTEGER NOT NULL,
    number INTEGER NOT NULL,
    subject TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    category TEXT NOT NULL,
    organisation_id INTEGER,
    contact_id INTEGER,
    assignee_id INTEGER,
    created_by INTEGER,
    first_response_due_at INTEGER NOT NULL,
    resolution_due_at INTEGER NOT NULL,
    first_responded_at INTEGER,
    resolved_at INTEGER,
    closed_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, ticket_id),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, organisation_id),
    FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts (tenant_id, contact_id),
    FOREIGN KEY (tenant_id, assignee_id) REFERENCES users (tenant_id, user_id)
);
CREATE UNIQUE INDEX tickets_by_number ON tickets (tenant_id, number);
CREATE INDEX tickets_by_status ON tickets (tenant_id, status, created_at, ticket_id);
CREATE INDEX tickets_by_assignee ON tickets (tenant_id, assignee_id, created_at, ticket_id);
CREATE INDEX tickets_by_contact ON tickets (tenant_id, contact_id, created_at, ticket_id);
CREATE INDEX tickets_by_organisation ON tickets (tenant_id, organisation_id, created_at, ticket_id);
CREATE INDEX tickets_by_created ON tickets (tenant_id, created_at, ticket_id);

CREATE TABLE ticket_messages (
    tenant_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    ticket_id INTEGER NOT NULL,
    visibility TEXT NOT NULL,
    body TEXT NOT NULL,
    author_user_id INTEGER,
    author_contact_id INTEGER,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, message_id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, ticket_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, author_user_id) REFERENCES users (tenant_id, user_id),
    FOREIGN KEY (tenant_id, author_contact_id) REFERENCES contacts (tenant_id, contact_id)
);
CREATE INDEX ticket_messages_by_ticket ON ticket_messages (tenant_id, ticket_id, created_at, message_id);
CREATE INDEX ticket_messages_by_contact ON ticket_messages (tenant_id, author_contact_id);

CREATE TABLE ticket_service_levels (
    tenant_id INTEGER NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    priority TEXT NOT NULL,
    first_response_minutes INTEGER NOT NULL,
    resolution_minutes INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, priority)
);
