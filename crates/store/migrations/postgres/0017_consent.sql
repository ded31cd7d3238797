-- The consent ledger: versioned consent texts per purpose (published ones
-- never change) and every grant and withdrawal with its proof; purposes
-- that are direct marketing; a contact's objection to direct marketing.
ALTER TABLE purposes ADD COLUMN direct_marketing BIGINT NOT NULL DEFAULT 0;
UPDATE purposes SET direct_marketing = 1 WHERE name = 'Marketing communications';
ALTER TABLE contacts ADD COLUMN marketing_objection_at BIGINT;

CREATE TABLE consent_texts (
    tenant_id BIGINT NOT NULL,
    text_id BIGINT NOT NULL,
    purpose_id BIGINT NOT NULL,
    version BIGINT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    language TEXT NOT NULL,
    published_at BIGINT,
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, text_id),
    UNIQUE (tenant_id, purpose_id, version),
    FOREIGN KEY (tenant_id, purpose_id) REFERENCES purposes (tenant_id, purpose_id)
);

CREATE TABLE consent_events (
    tenant_id BIGINT NOT NULL,
    event_id BIGINT NOT NULL,
    contact_id BIGINT NOT NULL,
    purpose_id BIGINT NOT NULL,
    text_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    channel TEXT NOT NULL,
    occurred_at BIGINT NOT NULL,
    form TEXT,
    source_ip TEXT,
    user_agent TEXT,
    recorded_by BIGINT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, event_id),
    FOREIGN KEY (tenant_id, text_id) REFERENCES consent_texts (tenant_id, text_id)
);
CREATE INDEX consent_events_by_contact ON consent_events (tenant_id, contact_id, occurred_at);
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['consent_texts', 'consent_events']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY tenant_wall ON %I USING (
            current_setting('app.operator', true) = 'on'
            OR tenant_id::text = current_setting('app.tenant_id', true))$p$, t);
    END LOOP;
END $$;
