-- Retention: per-tenant rules, legal holds, the coalesced last access of
-- records, the review list and the history of runs. The tenant's contract
-- end is a trigger; anonymised activities and staff accounts are marked so
-- that a rule does not act on them twice.
ALTER TABLE tenants ADD COLUMN contract_ends_on TEXT;
ALTER TABLE activities ADD COLUMN anonymised_at BIGINT;
ALTER TABLE users ADD COLUMN anonymised_at BIGINT;

CREATE TABLE retention_rules (
    tenant_id BIGINT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    rule_id BIGINT NOT NULL,
    record_type TEXT NOT NULL,
    starts_from TEXT NOT NULL,
    period TEXT NOT NULL,
    action TEXT NOT NULL,
    activity_kind TEXT,
    description TEXT NOT NULL,
    enabled BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, rule_id)
);

CREATE TABLE legal_holds (
    tenant_id BIGINT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    hold_id BIGINT NOT NULL,
    target_type TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    reason TEXT NOT NULL,
    owner_id BIGINT NOT NULL,
    review_on TEXT NOT NULL,
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    released_at BIGINT,
    released_by BIGINT,
    release_reason TEXT,
    PRIMARY KEY (tenant_id, hold_id)
);
CREATE INDEX legal_holds_by_target ON legal_holds (tenant_id, target_type, target_id);

CREATE TABLE record_access (
    tenant_id BIGINT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    record_type TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    accessed_on BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, record_type, record_id)
);

CREATE TABLE retention_runs (
    tenant_id BIGINT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    run_id BIGINT NOT NULL,
    started_by_kind TEXT NOT NULL,
    started_by BIGINT,
    started_at BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL,
    finished_at BIGINT,
    status TEXT NOT NULL,
    counts TEXT NOT NULL,
    PRIMARY KEY (tenant_id, run_id)
);
CREATE INDEX retention_runs_by_time ON retention_runs (tenant_id, started_at);

CREATE TABLE retention_reviews (
    tenant_id BIGINT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    review_id BIGINT NOT NULL,
    rule_id BIGINT NOT NULL,
    record_type TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    run_id BIGINT NOT NULL,
    listed_at BIGINT NOT NULL,
    decision TEXT,
    decided_at BIGINT,
    decided_by BIGINT,
    reason TEXT,
    keep_until TEXT,
    PRIMARY KEY (tenant_id, review_id)
);
CREATE UNIQUE INDEX retention_reviews_open ON retention_reviews (tenant_id, record_type, record_id) WHERE decision IS NULL;
CREATE INDEX retention_reviews_by_record ON retention_reviews (tenant_id, record_type, record_id, keep_until);
CREATE INDEX retention_reviews_by_decision ON retention_reviews (tenant_id, decided_at);
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['retention_rules', 'legal_holds', 'record_access', 'retention_runs', 'retention_reviews']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY tenant_wall ON %I USING (
            current_setting('app.operator', true) = 'on'
            OR tenant_id::text = current_setting('app.tenant_id', true))$p$, t);
    END LOOP;
END $$;
