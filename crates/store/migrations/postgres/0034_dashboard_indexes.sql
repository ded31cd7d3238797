-- The home dashboard (issue 22): tickets resolved per week and agreements
-- ending soon are found through an index instead of a read of the tenant's
-- every ticket or agreement. Tickets opened per week use tickets_by_created.
CREATE INDEX tickets_by_resolved ON tickets (tenant_id, resolved_at);
CREATE INDEX agreements_by_end ON agreements (tenant_id, end_date);
