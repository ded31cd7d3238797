-- FAQ articles, made from resolved tickets through the anonymisation step
-- (or written from scratch), published to the customer portal. Contacts'
-- first and last names are indexed so that the step finds the tenant's
-- known people in a ticket's text without reading every contact.
CREATE TABLE faq_articles (
    tenant_id BIGINT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    article_id BIGINT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    category TEXT NOT NULL,
    published_at BIGINT,
    source_ticket_id BIGINT,
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, article_id)
);
CREATE INDEX faq_articles_by_title ON faq_articles (tenant_id, published_at, title);
CREATE INDEX faq_articles_by_source ON faq_articles (tenant_id, source_ticket_id);
CREATE INDEX contacts_by_first_name ON contacts (tenant_id, first_name);
CREATE INDEX contacts_by_last_name ON contacts (tenant_id, last_name);
ALTER TABLE faq_articles ENABLE ROW LEVEL SECURITY;
ALTER TABLE faq_articles FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_wall ON faq_articles USING (
    current_setting('app.operator', true) = 'on'
    OR tenant_id::text = current_setting('app.tenant_id', true));
