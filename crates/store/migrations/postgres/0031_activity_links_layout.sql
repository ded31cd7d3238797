-- SQLite only (its links table became one without rowid); PostgreSQL's
-- layout of the links is unchanged.
SELECT 1;
