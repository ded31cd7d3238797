-- Sessions become visible to their user: an id to name one by (the hash
-- never leaves the store), where it was opened from and when it was last
-- used (updated at most every few minutes). Sessions opened before this
-- migration carry none of that; they end, and their users log in again.
DELETE FROM sessions;
ALTER TABLE sessions ADD COLUMN session_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN source_ip TEXT;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
CREATE UNIQUE INDEX sessions_by_id ON sessions (tenant_id, session_id);
CREATE INDEX sessions_by_user ON sessions (tenant_id, user_id);
CREATE INDEX api_tokens_by_user ON api_tokens (tenant_id, user_id);
