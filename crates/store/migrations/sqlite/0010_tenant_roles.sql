-- Roles a tenant defines for itself (users.roles names them next to the
-- built-in ones), how far the built-in sales and support roles reach across
-- records, and the catalog categories the tenant marks sensitive (reading
-- them needs a stated reason).
CREATE TABLE roles (
    tenant_id INTEGER NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    role_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    label TEXT NOT NULL,
    permissions TEXT NOT NULL,
    categories TEXT NOT NULL,
    record_scope TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, role_id),
    UNIQUE (tenant_id, name)
);
ALTER TABLE tenants ADD COLUMN sales_record_scope TEXT NOT NULL DEFAULT 'all';
ALTER TABLE tenants ADD COLUMN support_record_scope TEXT NOT NULL DEFAULT 'all';
ALTER TABLE tenants ADD COLUMN sensitive_categories TEXT NOT NULL DEFAULT '';
