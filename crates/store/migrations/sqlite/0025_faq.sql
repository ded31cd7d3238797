-- FAQ articles, made from resolved tickets through the anonymisation step
-- (or written from scratch), published to the customer portal. Contacts'
-- first and last names are indexed so that the step finds the tenant's
-- known people in a ticket's text without reading every contact.
CREATE TABLE faq_articles (
    tenant_id INTEGER NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    category TEXT NOT NULL,
    published_at INTEGER,
    source_ticket_id INTEGER,
    created_by INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, article_id)
);
CREATE INDEX faq_articles_by_title ON faq_articles (tenant_id, published_at, title);
CREATE INDEX faq_articles_by_source ON faq_articles (tenant_id, source_ticket_id);
CREATE INDEX contacts_by_first_name ON contacts (tenant_id, first_name);
CREATE INDEX contacts_by_last_name ON contacts (tenant_id, last_name);
