-- The outbox: every message Custodian sends is written here in the
-- transaction of what caused it, then sent by the delivery loop with
-- retries, so that a failed send is never lost. Without an SMTP server the
-- messages stay here for an administrator to read.
CREATE TABLE outbox (
    tenant_id BIGINT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    mail_id BIGINT NOT NULL,
    contact_id BIGINT,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    purpose TEXT NOT NULL,
    record_type TEXT,
    record_id BIGINT,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    PRIMARY KEY (tenant_id, mail_id),
    FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts (tenant_id, contact_id)
);
CREATE INDEX outbox_due ON outbox (tenant_id, status, next_attempt_at);
CREATE INDEX outbox_by_created ON outbox (tenant_id, created_at, mail_id);
CREATE INDEX outbox_by_contact ON outbox (tenant_id, contact_id);
ALTER TABLE outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_wall ON outbox USING (
    current_setting('app.operator', true) = 'on'
    OR tenant_id::text = current_setting('app.tenant_id', true));
