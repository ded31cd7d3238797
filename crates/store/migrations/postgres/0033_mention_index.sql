-- Mentions of a person in text that is not theirs (issue 20, item 13): a
-- GIN index over every free-text column the catalog redacts, so that
-- erasure finds the subject's whole name, emails and phones in a colleague's
-- call note or another customer's ticket without reading every text. The
-- expression must stay the one custodian-store's privacy/mentions.rs queries
-- with. Hyphens, plus signs, slashes and brackets count as spaces, so that
-- 030-5550199 and 030/5550199 are words the index can match.

-- A text attachment's content as text (NULL for other files, for bytes that
-- are not UTF-8, and beyond the first 200,000 characters: tsvector's limit
-- is 1 MB). Declared immutable for the index: the database encoding, the
-- only thing convert_from depends on, never changes.
CREATE FUNCTION custodian_text_file(content_type TEXT, content BYTEA) RETURNS TEXT
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    IF content_type NOT LIKE 'text/%' THEN
        RETURN NULL;
    END IF;
    RETURN left(convert_from(content, 'UTF8'), 200000);
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END;
$$;

CREATE INDEX subject_requests_mentions ON subject_requests USING gin (to_tsvector('simple', translate(coalesce(extension_reason, '') || ' ' || coalesce(details, '') || ' ' || coalesce(identity_method, '') || ' ' || coalesce(outcome, ''), '-+/()', '     ')));
CREATE INDEX subject_request_events_mentions ON subject_request_events USING gin (to_tsvector('simple', translate(coalesce(note, ''), '-+/()', '     ')));
CREATE INDEX consent_events_mentions ON consent_events USING gin (to_tsvector('simple', translate(coalesce(form, ''), '-+/()', '     ')));
CREATE INDEX activities_mentions ON activities USING gin (to_tsvector('simple', translate(coalesce(subject, '') || ' ' || coalesce(body, ''), '-+/()', '     ')));
CREATE INDEX legal_holds_mentions ON legal_holds USING gin (to_tsvector('simple', translate(coalesce(reason, '') || ' ' || coalesce(release_reason, ''), '-+/()', '     ')));
CREATE INDEX retention_reviews_mentions ON retention_reviews USING gin (to_tsvector('simple', translate(coalesce(reason, ''), '-+/()', '     ')));
CREATE INDEX tickets_mentions ON tickets USING gin (to_tsvector('simple', translate(coalesce(subject, '') || ' ' || coalesce(description, ''), '-+/()', '     ')));
CREATE INDEX ticket_messages_mentions ON ticket_messages USING gin (to_tsvector('simple', translate(coalesce(body, ''), '-+/()', '     ')));
CREATE INDEX outbox_mentions ON outbox USING gin (to_tsvector('simple', translate(coalesce(subject, '') || ' ' || coalesce(body, '') || ' ' || coalesce(last_error, ''), '-+/()', '     ')));
CREATE INDEX faq_articles_mentions ON faq_articles USING gin (to_tsvector('simple', translate(coalesce(title, '') || ' ' || coalesce(body, ''), '-+/()', '     ')));
CREATE INDEX ticket_attachments_mentions ON ticket_attachments USING gin (to_tsvector('simple', translate(coalesce(file_name, '') || ' ' || coalesce(custodian_text_file(content_type, content), ''), '-+/()', '     ')));
