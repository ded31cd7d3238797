-- The consent ledger: versioned consent texts per purpose (published ones
-- never change) and every grant and withdrawal with its proof; purposes
-- that are direct marketing; a contact's objection to direct marketing.
ALTER TABLE purposes ADD COLUMN direct_marketing INTEGER NOT NULL DEFAULT 0;
UPDATE purposes SET direct_marketing = 1 WHERE name = 'Marketing communications';
ALTER TABLE contacts ADD COLUMN marketing_objection_at INTEGER;

CREATE TABLE consent_texts (
    tenant_id INTEGER NOT NULL,
    text_id INTEGER NOT NULL,
    purpose_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    language TEXT NOT NULL,
    published_at INTEGER,
    created_by INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, text_id),
    UNIQUE (tenant_id, purpose_id, version),
    FOREIGN KEY (tenant_id, purpose_id) REFERENCES purposes (tenant_id, purpose_id)
);

CREATE TABLE consent_events (
    tenant_id INTEGER NOT NULL,
    event_id INTEGER NOT NULL,
    contact_id INTEGER NOT NULL,
    purpose_id INTEGER NOT NULL,
    text_id INTEGER NOT NULL,
    action TEXT NOT NULL,
    channel TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    form TEXT,
    source_ip TEXT,
    user_agent TEXT,
    recorded_by INTEGER,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, event_id),
    FOREIGN KEY (tenant_id, text_id) REFERENCES consent_texts (tenant_id, text_id)
);
CREATE INDEX consent_events_by_contact ON consent_events (tenant_id, contact_id, occurred_at);
