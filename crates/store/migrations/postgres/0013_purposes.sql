-- Processing purposes: each tenant's record of why it processes personal
-- data, on which lawful basis, with which categories, for how long and for
-- whom. Existing tenants get the default purposes (a Rust backfill).
CREATE TABLE purposes (
    tenant_id BIGINT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    purpose_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    lawful_basis TEXT NOT NULL,
    special_category_condition TEXT,
    categories TEXT NOT NULL,
    retention TEXT NOT NULL,
    recipients TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, purpose_id),
    UNIQUE (tenant_id, name)
);
ALTER TABLE purposes ENABLE ROW LEVEL SECURITY;
ALTER TABLE purposes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_wall ON purposes USING (
    current_setting('app.operator', true) = 'on'
    OR tenant_id::text = current_setting('app.tenant_id', true));
