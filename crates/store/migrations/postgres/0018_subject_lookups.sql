-- Finding a subject's activities answers from the index alone: the planner
-- (SQLite keeps no statistics) otherwise walks the tenant's links.
CREATE INDEX activity_contacts_by_contact_activity ON activity_contacts (tenant_id, contact_id, activity_id);
