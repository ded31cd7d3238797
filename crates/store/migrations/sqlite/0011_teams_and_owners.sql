-- Teams of staff users, and who owns an organisation or a contact: a role
-- that reaches only its own or its team's records sees what its user (or a
-- team mate) owns, and what belongs to such an organisation.
CREATE TABLE teams (
    tenant_id INTEGER NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    team_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, team_id),
    UNIQUE (tenant_id, name)
);
CREATE TABLE team_members (
    tenant_id INTEGER NOT NULL,
    team_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, team_id, user_id),
    FOREIGN KEY (tenant_id, team_id) REFERENCES teams (tenant_id, team_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE
);
CREATE INDEX team_members_by_user ON team_members (tenant_id, user_id, team_id);
-- SQLite cannot add a two-column foreign key to an existing table; the
-- store checks that the owner is a user of the tenant.
ALTER TABLE organisations ADD COLUMN owner_id INTEGER;
ALTER TABLE contacts ADD COLUMN owner_id INTEGER;
CREATE INDEX organisations_by_owner ON organisations (tenant_id, owner_id);
CREATE INDEX contacts_by_owner ON contacts (tenant_id, owner_id);
