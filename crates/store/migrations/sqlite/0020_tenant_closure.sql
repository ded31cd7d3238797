-- Tenant offboarding: a closed tenant keeps its row with the day it was
-- closed and the aggregate counts kept for legal claims; every personal
-- value of the tenant is gone.
ALTER TABLE tenants ADD COLUMN closed_at INTEGER;
ALTER TABLE tenants ADD COLUMN closure_counts TEXT;
