-- Teams of staff users, and who owns an organisation or a contact: a role
-- that reaches only its own or its team's records sees what its user (or a
-- team mate) owns, and what belongs to such an organisation.
CREATE TABLE teams (
    tenant_id BIGINT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    team_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, team_id),
    UNIQUE (tenant_id, name)
);
CREATE TABLE team_members (
    tenant_id BIGINT NOT NULL,
    team_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, team_id, user_id),
    FOREIGN KEY (tenant_id, team_id) REFERENCES teams (tenant_id, team_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE
);
CREATE INDEX team_members_by_user ON team_members (tenant_id, user_id, team_id);
ALTER TABLE organisations ADD COLUMN owner_id BIGINT;
ALTER TABLE contacts ADD COLUMN owner_id BIGINT;
ALTER TABLE organisations ADD FOREIGN KEY (tenant_id, owner_id) REFERENCES users (tenant_id, user_id);
ALTER TABLE contacts ADD FOREIGN KEY (tenant_id, owner_id) REFERENCES users (tenant_id, user_id);
CREATE INDEX organisations_by_owner ON organisations (tenant_id, owner_id);
CREATE INDEX contacts_by_owner ON contacts (tenant_id, owner_id);
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['teams', 'team_members']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY tenant_wall ON %I USING (
            current_setting('app.operator', true) = 'on'
            OR tenant_id::text = current_setting('app.tenant_id', true))$p$, t);
    END LOOP;
END $$;
