-- Which process carries out a retention run (the machine's boot and the
-- process id), so that a run whose process is gone (kill -9, a crash) is
-- marked interrupted at once instead of after its heartbeat goes stale.
ALTER TABLE retention_runs ADD COLUMN runner TEXT;
