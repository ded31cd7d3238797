-- Mentions of a person in text that is not theirs (issue 20, item 13): a
-- full-text index over every free-text column the catalog redacts, so that
-- erasure finds the subject's whole name, emails and phones in a colleague's
-- call note or another customer's ticket without reading every text.
-- External-content FTS5 tables keep only the index (the text stays in its
-- table), kept in step by triggers whatever code writes the row. Each
-- forgets deleted words at once (secure-delete), as the search index does.
-- Text attachments are indexed by their content; other files by name only.
-- The index is keyed by the tables' rowids (VACUUM keeps them: each table
-- has a primary-key index); a migration that rebuilds one of these tables
-- must rebuild its index. Each index is filled and then optimised into one
-- segment: a secure delete probes every segment, so it starts cheapest.

CREATE VIRTUAL TABLE subject_requests_mentions USING fts5 (
    extension_reason, details, identity_method, outcome, content = 'subject_requests', content_rowid = 'rowid', tokenize = "unicode61 remove_diacritics 2"
);
INSERT INTO subject_requests_mentions (subject_requests_mentions, rank) VALUES ('secure-delete', 1);
CREATE TRIGGER subject_requests_mentions_ai AFTER INSERT ON subject_requests BEGIN
    INSERT INTO subject_requests_mentions (rowid, extension_reason, details, identity_method, outcome) VALUES (new.rowid, new.extension_reason, new.details, new.identity_method, new.outcome);
END;
CREATE TRIGGER subject_requests_mentions_ad AFTER DELETE ON subject_requests BEGIN
    INSERT INTO subject_requests_mentions (subject_requests_mentions, rowid, extension_reason, details, identity_method, outcome) VALUES ('delete', old.rowid, old.extension_reason, old.details, old.identity_method, old.outcome);
END;
CREATE TRIGGER subject_requests_mentions_au AFTER UPDATE OF extension_reason, details, identity_method, outcome ON subject_requests BEGIN
    INSERT INTO subject_requests_mentions (subject_requests_mentions, rowid, extension_reason, details, identity_method, outcome) VALUES ('delete', old.rowid, old.extension_reason, old.details, old.identity_method, old.outcome);
    INSERT INTO subject_requests_mentions (rowid, extension_reason, details, identity_method, outcome) VALUES (new.rowid, new.extension_reason, new.details, new.identity_method, new.outcome);
END;
INSERT INTO subject_requests_mentions (rowid, extension_reason, details, identity_method, outcome) SELECT rowid, extension_reason, details, identity_method, outcome FROM subject_requests;
INSERT INTO subject_requests_mentions (subject_requests_mentions) VALUES ('optimize');

CREATE VIRTUAL TABLE subject_request_events_mentions USING fts5 (
    note, content = 'subject_request_events', content_rowid = 'rowid', tokenize = "unicode61 remove_diacritics 2"
);
INSERT INTO subject_request_events_mentions (subject_request_events_mentions, rank) VALUES ('secure-delete', 1);
CREATE TRIGGER subject_request_events_mentions_ai AFTER INSERT ON subject_request_events BEGIN
    INSERT INTO subject_request_events_mentions (rowid, note) VALUES (new.rowid, new.note);
END;
CREATE TRIGGER subject_request_events_mentions_ad AFTER DELETE ON subject_request_events BEGIN
    INSERT INTO subject_request_events_mentions (subject_request_events_mentions, rowid, note) VALUES ('delete', old.rowid, old.note);
END;
CREATE TRIGGER subject_request_events_mentions_au AFTER UPDATE OF note ON subject_request_events BEGIN
    INSERT INTO subject_request_events_mentions (subject_request_events_mentions, rowid, note) VALUES ('delete', old.rowid, old.note);
    INSERT INTO subject_request_events_mentions (rowid, note) VALUES (new.rowid, new.note);
END;
INSERT INTO subject_request_events_mentions (rowid, note) SELECT rowid, note FROM subject_request_events;
INSERT INTO subject_request_events_mentions (subject_request_events_mentions) VALUES ('optimize');

CREATE VIRTUAL TABLE consent_events_mentions USING fts5 (
    form, content = 'consent_events', content_rowid = 'rowid', tokenize = "unicode61 remove_diacritics 2"
);
INSERT INTO consent_events_mentions (consent_events_mentions, rank) VALUES ('secure-delete', 1);
CREATE TRIGGER consent_events_mentions_ai AFTER INSERT ON consent_events BEGIN
    INSERT INTO consent_events_mentions (rowid, form) VALUES (new.rowid, new.form);
END;
CREATE TRIGGER consent_events_mentions_ad AFTER DELETE ON consent_events BEGIN
    INSERT INTO consent_events_mentions (consent_events_mentions, rowid, form) VALUES ('delete', old.rowid, old.form);
END;
CREATE TRIGGER consent_events_mentions_au AFTER UPDATE OF form ON consent_events BEGIN
    INSERT INTO consent_events_mentions (consent_events_mentions, rowid, form) VALUES ('delete', old.rowid, old.form);
    INSERT INTO consent_events_mentions (rowid, form) VALUES (new.rowid, new.form);
END;
INSERT INTO consent_events_mentions (rowid, form) SELECT rowid, form FROM consent_events;
INSERT INTO consent_events_mentions (consent_events_mentions) VALUES ('optimize');

CREATE VIRTUAL TABLE activities_mentions USING fts5 (
    subject, body, content = 'activities', content_rowid = 'rowid', tokenize = "unicode61 remove_diacritics 2"
);
INSERT INTO activities_mentions (activities_mentions, rank) VALUES ('secure-delete', 1);
CREATE TRIGGER activities_mentions_ai AFTER INSERT ON activities BEGIN
    INSERT INTO activities_mentions (rowid, subject, body) VALUES (new.rowid, new.subject, new.body);
END;
CREATE TRIGGER activities_mentions_ad AFTER DELETE ON activities BEGIN
    INSERT INTO activities_mentions (activities_mentions, rowid, subject, body) VALUES ('delete', old.rowid, old.subject, old.body);
END;
CREATE TRIGGER activities_mentions_au AFTER UPDATE OF subject, body ON activities BEGIN
    INSERT INTO activities_mentions (activities_mentions, rowid, subject, body) VALUES ('delete', old.rowid, old.subject, old.body);
    INSERT INTO activities_mentions (rowid, subject, body) VALUES (new.rowid, new.subject, new.body);
END;
INSERT INTO activities_mentions (rowid, subject, body) SELECT rowid, subject, body FROM activities;
INSERT INTO activities_mentions (activities_mentions) VALUES ('optimize');

CREATE VIRTUAL TABLE legal_holds_mentions USING fts5 (
    reason, release_reason, content = 'legal_holds', content_rowid = 'rowid', tokenize = "unicode61 remove_diacritics 2"
);
INSERT INTO legal_holds_mentions (legal_holds_mentions, rank) VALUES ('secure-delete', 1);
CREATE TRIGGER legal_holds_mentions_ai AFTER INSERT ON legal_holds BEGIN
    INSERT INTO legal_holds_mentions (rowid, reason, release_reason) VALUES (new.rowid, new.reason, new.release_reason);
END;
CREATE TRIGGER legal_holds_mentions_ad AFTER DELETE ON legal_holds BEGIN
    INSERT INTO legal_holds_mentions (legal_holds_mentions, rowid, reason, release_reason) VALUES ('delete', old.rowid, old.reason, old.release_reason);
END;
CREATE TRIGGER legal_holds_mentions_au AFTER UPDATE OF reason, release_reason ON legal_holds BEGIN
    INSERT INTO legal_holds_mentions (legal_holds_mentions, rowid, reason, release_reason) VALUES ('delete', old.rowid, old.reason, old.release_reason);
    INSERT INTO legal_holds_mentions (rowid, reason, release_reason) VALUES (new.rowid, new.reason, new.release_reason);
END;
INSERT INTO legal_holds_mentions (rowid, reason, release_reason) SELECT rowid, reason, release_reason FROM legal_holds;
INSERT INTO legal_holds_mentions (legal_holds_mentions) VALUES ('optimize');

CREATE VIRTUAL TABLE retention_reviews_mentions USING fts5 (
    reason, content = 'retention_reviews', content_rowid = 'rowid', tokenize = "unicode61 remove_diacritics 2"
);
INSERT INTO retention_reviews_mentions (retention_reviews_mentions, rank) VALUES ('secure-delete', 1);
CREATE TRIGGER retention_reviews_mentions_ai AFTER INSERT ON retention_reviews BEGIN
    INSERT INTO retention_reviews_mentions (rowid, reason) VALUES (new.rowid, new.reason);
END;
CREATE TRIGGER retention_reviews_mentions_ad AFTER DELETE ON retention_reviews BEGIN
    INSERT INTO retention_reviews_mentions (retention_reviews_mentions, rowid, reason) VALUES ('delete', old.rowid, old.reason);
END;
CREATE TRIGGER retention_reviews_mentions_au AFTER UPDATE OF reason ON retention_reviews BEGIN
    INSERT INTO retention_reviews_mentions (retention_reviews_mentions, rowid, reason) VALUES ('delete', old.rowid, old.reason);
    INSERT INTO retention_reviews_mentions (rowid, reason) VALUES (new.rowid, new.reason);
END;
INSERT INTO retention_reviews_mentions (rowid, reason) SELECT rowid, reason FROM retention_reviews;
INSERT INTO retention_reviews_mentions (retention_reviews_mentions) VALUES ('optimize');

CREATE VIRTUAL TABLE tickets_mentions USING fts5 (
    subject, description, content = 'tickets', content_rowid = 'rowid', tokenize = "unicode61 remove_diacritics 2"
);
INSERT INTO tickets_mentions (tickets_mentions, rank) VALUES ('secure-delete', 1);
CREATE TRIGGER tickets_mentions_ai AFTER INSERT ON tickets BEGIN
    INSERT INTO tickets_mentions (rowid, subject, description) VALUES (new.rowid, new.subject, new.description);
END;
CREATE TRIGGER tickets_mentions_ad AFTER DELETE ON tickets BEGIN
    INSERT INTO tickets_mentions (tickets_mentions, rowid, subject, description) VALUES ('delete', old.rowid, old.subject, old.description);
END;
CREATE TRIGGER tickets_mentions_au AFTER UPDATE OF subject, description ON tickets BEGIN
    INSERT INTO tickets_mentions (tickets_mentions, rowid, subject, description) VALUES ('delete', old.rowid, old.subject, old.description);
    INSERT INTO tickets_mentions (rowid, subject, description) VALUES (new.rowid, new.subject, new.description);
END;
INSERT INTO tickets_mentions (rowid, subject, description) SELECT rowid, subject, description FROM tickets;
INSERT INTO tickets_mentions (tickets_mentions) VALUES ('optimize');

CREATE VIRTUAL TABLE ticket_messages_mentions USING fts5 (
    body, content = 'ticket_messages', content_rowid = 'rowid', tokenize = "unicode61 remove_diacritics 2"
);
INSERT INTO ticket_messages_mentions (ticket_messages_mentions, rank) VALUES ('secure-delete', 1);
CREATE TRIGGER ticket_messages_mentions_ai AFTER INSERT ON ticket_messages BEGIN
    INSERT INTO ticket_messages_mentions (rowid, body) VALUES (new.rowid, new.body);
END;
CREATE TRIGGER ticket_messages_mentions_ad AFTER DELETE ON ticket_messages BEGIN
    INSERT INTO ticket_messages_mentions (ticket_messages_mentions, rowid, body) VALUES ('delete', old.rowid, old.body);
END;
CREATE TRIGGER ticket_messages_mentions_au AFTER UPDATE OF body ON ticket_messages BEGIN
    INSERT INTO ticket_messages_mentions (ticket_messages_mentions, rowid, body) VALUES ('delete', old.rowid, old.body);
    INSERT INTO ticket_messages_mentions (rowid, body) VALUES (new.rowid, new.body);
END;
INSERT INTO ticket_messages_mentions (rowid, body) SELECT rowid, body FROM ticket_messages;
INSERT INTO ticket_messages_mentions (ticket_messages_mentions) VALUES ('optimize');

CREATE VIRTUAL TABLE outbox_mentions USING fts5 (
    subject, body, last_error, content = 'outbox', content_rowid = 'rowid', tokenize = "unicode61 remove_diacritics 2"
);
INSERT INTO outbox_mentions (outbox_mentions, rank) VALUES ('secure-delete', 1);
CREATE TRIGGER outbox_mentions_ai AFTER INSERT ON outbox BEGIN
    INSERT INTO outbox_mentions (rowid, subject, body, last_error) VALUES (new.rowid, new.subject, new.body, new.last_error);
END;
CREATE TRIGGER outbox_mentions_ad AFTER DELETE ON outbox BEGIN
    INSERT INTO outbox_mentions (outbox_mentions, rowid, subject, body, last_error) VALUES ('delete', old.rowid, old.subject, old.body, old.last_error);
END;
CREATE TRIGGER outbox_mentions_au AFTER UPDATE OF subject, body, last_error ON outbox BEGIN
    INSERT INTO outbox_mentions (outbox_mentions, rowid, subject, body, last_error) VALUES ('delete', old.rowid, old.subject, old.body, old.last_error);
    INSERT INTO outbox_mentions (rowid, subject, body, last_error) VALUES (new.rowid, new.subject, new.body, new.last_error);
END;
INSERT INTO outbox_mentions (rowid, subject, body, last_error) SELECT rowid, subject, body, last_error FROM outbox;
INSERT INTO outbox_mentions (outbox_mentions) VALUES ('optimize');

CREATE VIRTUAL TABLE faq_articles_mentions USING fts5 (
    title, body, content = 'faq_articles', content_rowid = 'rowid', tokenize = "unicode61 remove_diacritics 2"
);
INSERT INTO faq_articles_mentions (faq_articles_mentions, rank) VALUES ('secure-delete', 1);
CREATE TRIGGER faq_articles_mentions_ai AFTER INSERT ON faq_articles BEGIN
    INSERT INTO faq_articles_mentions (rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
CREATE TRIGGER faq_articles_mentions_ad AFTER DELETE ON faq_articles BEGIN
    INSERT INTO faq_articles_mentions (faq_articles_mentions, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
END;
CREATE TRIGGER faq_articles_mentions_au AFTER UPDATE OF title, body ON faq_articles BEGIN
    INSERT INTO faq_articles_mentions (faq_articles_mentions, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
    INSERT INTO faq_articles_mentions (rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
INSERT INTO faq_articles_mentions (rowid, title, body) SELECT rowid, title, body FROM faq_articles;
INSERT INTO faq_articles_mentions (faq_articles_mentions) VALUES ('optimize');

CREATE VIRTUAL TABLE ticket_attachments_mentions USING fts5 (
    file_name, content, content = 'ticket_attachments', content_rowid = 'rowid', tokenize = "unicode61 remove_diacritics 2"
);
INSERT INTO ticket_attachments_mentions (ticket_attachments_mentions, rank) VALUES ('secure-delete', 1);
CREATE TRIGGER ticket_attachments_mentions_ai AFTER INSERT ON ticket_attachments BEGIN
    INSERT INTO ticket_attachments_mentions (rowid, file_name, content) VALUES (new.rowid, new.file_name, CASE WHEN new.content_type LIKE 'text/%' THEN CAST(new.content AS TEXT) END);
END;
CREATE TRIGGER ticket_attachments_mentions_ad AFTER DELETE ON ticket_attachments BEGIN
    INSERT INTO ticket_attachments_mentions (ticket_attachments_mentions, rowid, file_name, content) VALUES ('delete', old.rowid, old.file_name, CASE WHEN old.content_type LIKE 'text/%' THEN CAST(old.content AS TEXT) END);
END;
CREATE TRIGGER ticket_attachments_mentions_au AFTER UPDATE OF file_name, content, content_type ON ticket_attachments BEGIN
    INSERT INTO ticket_attachments_mentions (ticket_attachments_mentions, rowid, file_name, content) VALUES ('delete', old.rowid, old.file_name, CASE WHEN old.content_type LIKE 'text/%' THEN CAST(old.content AS TEXT) END);
    INSERT INTO ticket_attachments_mentions (rowid, file_name, content) VALUES (new.rowid, new.file_name, CASE WHEN new.content_type LIKE 'text/%' THEN CAST(new.content AS TEXT) END);
END;
INSERT INTO ticket_attachments_mentions (rowid, file_name, content) SELECT rowid, file_name, CASE WHEN content_type LIKE 'text/%' THEN CAST(content AS TEXT) END FROM ticket_attachments;
INSERT INTO ticket_attachments_mentions (ticket_attachments_mentions) VALUES ('optimize');
