-- Ending a leaver's access disables the account: no login, no session, no
-- token works while disabled_at is set. An administrator can reactivate.
ALTER TABLE users ADD COLUMN disabled_at BIGINT;
