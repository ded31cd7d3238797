-- Roles a tenant defines for itself (users.roles names them next to the
-- built-in ones), how far the built-in sales and support roles reach across
-- records, and the catalog categories the tenant marks sensitive (reading
-- them needs a stated reason).
CREATE TABLE roles (
    tenant_id BIGINT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    role_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    label TEXT NOT NULL,
    permissions TEXT NOT NULL,
    categories TEXT NOT NULL,
    record_scope TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, role_id),
    UNIQUE (tenant_id, name)
);
ALTER TABLE tenants ADD COLUMN sales_record_scope TEXT NOT NULL DEFAULT 'all';
ALTER TABLE tenants ADD COLUMN support_record_scope TEXT NOT NULL DEFAULT 'all';
ALTER TABLE tenants ADD COLUMN sensitive_categories TEXT NOT NULL DEFAULT '';
ALTER TABLE roles ENABLE ROW LEVEL SECURITY;
ALTER TABLE roles FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_wall ON roles USING (
    current_setting('app.operator', true) = 'on'
    OR tenant_id::text = current_setting('app.tenant_id', true));
