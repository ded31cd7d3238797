-- A retention run on SQLite leaves the search entries of the contacts it
-- erases as tombstones in the full-text index (FTS5's secure-delete costs a
-- millisecond per entry). The run marks that here, in the batch's
-- transaction, and the mark is cleared once the index has been rewritten
-- without them (custodian-store's purge_search_index). On PostgreSQL the
-- mark stays 0: its search index (GIN) is kept by the row deletion itself.
ALTER TABLE retention_runs ADD COLUMN search_purge_pending BIGINT NOT NULL DEFAULT 0;
