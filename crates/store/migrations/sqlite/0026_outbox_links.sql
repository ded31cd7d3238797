-- A one-time link (an invitation, a sign-in link) is kept apart from the
-- text of its message: the text shows a placeholder wherever it is read
-- (the outbox page, the API, an export), and the link is put in only when
-- the message is sent, then forgotten.
ALTER TABLE outbox ADD COLUMN secret_link TEXT;
