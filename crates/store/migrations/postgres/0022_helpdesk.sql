-- The helpdesk: tickets with their public replies and internal notes, and
-- the tenant's service levels (first response and resolution due times per
-- priority). A ticket's number counts up per tenant, kept on the tenant's
-- row so that two tickets never get the same one.
ALTER TABLE tenants ADD COLUMN ticket_counter BIGINT NOT NULL DEFAULT 0;

CREATE TABLE tickets (
    tenant_id BIGINT NOT NULL,
    ticket_id BIGINT NOT NULL,
    number BIGINT NOT NULL,
    subject TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    category TEXT NOT NULL,
    organisation_id BIGINT,
    contact_id BIGINT,
    assignee_id BIGINT,
    created_by BIGINT,
    first_response_due_at BIGINT NOT NULL,
    resolution_due_at BIGINT NOT NULL,
    first_responded_at BIGINT,
    resolved_at BIGINT,
    closed_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL,
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
    tenant_id BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    ticket_id BIGINT NOT NULL,
    visibility TEXT NOT NULL,
    body TEXT NOT NULL,
    author_user_id BIGINT,
    author_contact_id BIGINT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, message_id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, ticket_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, author_user_id) REFERENCES users (tenant_id, user_id),
    FOREIGN KEY (tenant_id, author_contact_id) REFERENCES contacts (tenant_id, contact_id)
);
CREATE INDEX ticket_messages_by_ticket ON ticket_messages (tenant_id, ticket_id, created_at, message_id);
CREATE INDEX ticket_messages_by_contact ON ticket_messages (tenant_id, author_contact_id);

CREATE TABLE ticket_service_levels (
    tenant_id BIGINT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    priority TEXT NOT NULL,
    first_response_minutes BIGINT NOT NULL,
    resolution_minutes BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, priority)
);
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['tickets', 'ticket_messages', 'ticket_service_levels']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY tenant_wall ON %I USING (
            current_setting('app.operator', true) = 'on'
            OR tenant_id::text = current_setting('app.tenant_id', true))$p$, t);
    END LOOP;
END $$;
