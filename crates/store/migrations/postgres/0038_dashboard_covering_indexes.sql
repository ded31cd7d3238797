-- The home dashboard's ticket counts and weekly series read only these
-- indexes, not the ticket rows (issue 22 quality bar: the dashboard with
-- 100,000 tickets): the open work by status with who has it and its due
-- times, and the tickets by creation with their first answer.
CREATE INDEX IF NOT EXISTS tickets_open_work ON tickets (tenant_id, status, assignee_id, first_responded_at, first_response_due_at, resolved_at, resolution_due_at);
CREATE INDEX IF NOT EXISTS tickets_by_created_answer ON tickets (tenant_id, created_at, first_responded_at);
