-- TOTP two-factor: the secret a user confirmed (and one offered but not yet
-- confirmed), the last time step used (a code works once), and whether the
-- tenant makes two-factor mandatory.
ALTER TABLE users ADD COLUMN totp_secret BYTEA;
ALTER TABLE users ADD COLUMN totp_pending_secret BYTEA;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
ALTER TABLE tenants ADD COLUMN require_two_factor BIGINT NOT NULL DEFAULT 0;
