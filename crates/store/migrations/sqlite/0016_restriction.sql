-- Restriction of processing (Art. 18): while set, the contact's records are
-- kept but only the data protection officer changes them.
ALTER TABLE contacts ADD COLUMN restricted_at INTEGER;
