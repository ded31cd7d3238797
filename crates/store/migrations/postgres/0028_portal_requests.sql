-- Requests a person raises themselves in the customer portal: a step may be
-- taken by the subject (contact_id) instead of a staff user (user_id), and
-- the subject's own signed-in session may confirm which contact record is
-- theirs (confirmed_by empty).
ALTER TABLE subject_request_events ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE subject_request_events ADD COLUMN contact_id BIGINT;
ALTER TABLE subject_request_contacts ALTER COLUMN confirmed_by DROP NOT NULL;
