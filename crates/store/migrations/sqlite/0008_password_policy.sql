-- Each tenant's password policy: a minimum length and, optionally, a
-- rotation interval after which a user must choose a new password at the
-- next login. Users remember when they last set their password.
ALTER TABLE tenants ADD COLUMN password_min_length INTEGER NOT NULL DEFAULT 12;
ALTER TABLE tenants ADD COLUMN password_rotation_days INTEGER;
ALTER TABLE users ADD COLUMN password_changed_at INTEGER NOT NULL DEFAULT 0;
UPDATE users SET password_changed_at = created_at;
