-- Processing purposes: each tenant's record of why it processes personal
-- data, on which lawful basis, with which categories, for how long and for
-- whom. Existing tenants get the default purposes (a Rust backfill).
CREATE TABLE purposes (
    tenant_id INTEGER NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    purpose_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    lawful_basis TEXT NOT NULL,
    special_category_condition TEXT,
    categories TEXT NOT NULL,
    retention TEXT NOT NULL,
    recipients TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, purpose_id),
    UNIQUE (tenant_id, name)
);
