-- Reads of the home dashboard in one index step each: the newest change
-- to a tenant's tickets (whether its kept ticket counts are still current),
-- and the agreements ending soonest in the order shown (no sort of every
-- agreement in the window).
CREATE INDEX IF NOT EXISTS tickets_by_change ON tickets (tenant_id, updated_at);
CREATE INDEX IF NOT EXISTS agreements_by_end_then_id ON agreements (tenant_id, end_date, agreement_id);
