-- Registering for the portal without an invitation, where the tenant allows
-- it: the tenant's choice, and registrations waiting for the person to
-- follow the link that checks their address (deleted when used and when
-- expired; nothing becomes a contact or an account before).
ALTER TABLE tenants ADD COLUMN portal_registration TEXT NOT NULL DEFAULT 'off';
CREATE TABLE portal_registrations (
    tenant_id INTEGER NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    registration_id INTEGER NOT NULL,
    email TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    contact_id INTEGER,
    token_hash TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, registration_id),
    FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts (tenant_id, contact_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX portal_registrations_by_token ON portal_registrations (tenant_id, token_hash);
CREATE INDEX portal_registrations_by_contact ON portal_registrations (tenant_id, contact_id);
CREATE INDEX portal_registrations_by_expiry ON portal_registrations (expires_at);
CREATE INDEX portal_registrations_by_email ON portal_registrations (tenant_id, email);
