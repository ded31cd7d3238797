-- Retention: per-tenant rules, legal holds, the coalesced last access of
-- records, the review list and the history of runs. The tenant's contract
-- end is a trigger; anonymised activities and staff accounts are marked so
-- that a rule does not act on them twice.
ALTER TABLE tenants ADD COLUMN contract_ends_on TEXT;
ALTER TABLE activities ADD COLUMN anonymised_at INTEGER;
ALTER TABLE users ADD COLUMN anonymised_at INTEGER;

CREATE TABLE retention_rules (
    tenant_id INTEGER NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    rule_id INTEGER NOT NULL,
    record_type TEXT NOT NULL,
    starts_from TEXT NOT NULL,
    period TEXT NOT NULL,
    action TEXT NOT NULL,
    activity_kind TEXT,
    description TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, rule_id)
);

CREATE TABLE legal_holds (
    tenant_id INTEGER NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    hold_id INTEGER NOT NULL,
    target_type TEXT NOT NULL,
    target_id INTEGER NOT NULL,
    reason TEXT NOT NULL,
    owner_id INTEGER NOT NULL,
    review_on TEXT NOT NULL,
    created_by INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    released_at INTEGER,
    released_by INTEGER,
    release_reason TEXT,
    PRIMARY KEY (tenant_id, hold_id)
);
CREATE INDEX legal_holds_by_target ON legal_holds (tenant_id, target_type, target_id);

CREATE TABLE record_access (
    tenant_id INTEGER NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    record_type TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    accessed_on INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, record_type, record_id)
);

CREATE TABLE retention_runs (
    tenant_id INTEGER NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    run_id INTEGER NOT NULL,
    started_by_kind TEXT NOT NULL,
    started_by INTEGER,
    started_at INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL,
    finished_at INTEGER,
    status TEXT NOT NULL,
    counts TEXT NOT NULL,
    PRIMARY KEY (tenant_id, run_id)
);
CREATE INDEX retention_runs_by_time ON retention_runs (tenant_id, started_at);

CREATE TABLE retention_reviews (
    tenant_id INTEGER NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    review_id INTEGER NOT NULL,
    rule_id INTEGER NOT NULL,
    record_type TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    run_id INTEGER NOT NULL,
    listed_at INTEGER NOT NULL,
    decision TEXT,
    decided_at INTEGER,
    decided_by INTEGER,
    reason TEXT,
    keep_until TEXT,
    PRIMARY KEY (tenant_id, review_id)
);
CREATE UNIQUE INDEX retention_reviews_open ON retention_reviews (tenant_id, record_type, record_id) WHERE decision IS NULL;
CREATE INDEX retention_reviews_by_record ON retention_reviews (tenant_id, record_type, record_id, keep_until);
CREATE INDEX retention_reviews_by_decision ON retention_reviews (tenant_id, decided_at);
