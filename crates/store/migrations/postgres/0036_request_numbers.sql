-- Short numbers for data-subject requests (issue 22, item 4): people say
-- "request 12", not its 15-digit id. The number counts up per tenant on the
-- tenant's row, as tickets' do, so two requests never get the same one;
-- requests made before this get numbers in the order they were logged.
ALTER TABLE tenants ADD COLUMN request_counter BIGINT NOT NULL DEFAULT 0;
ALTER TABLE subject_requests ADD COLUMN number BIGINT NOT NULL DEFAULT 0;
UPDATE subject_requests SET number = (
    SELECT COUNT(*) FROM subject_requests earlier
    WHERE earlier.tenant_id = subject_requests.tenant_id
      AND (earlier.created_at < subject_requests.created_at
           OR (earlier.created_at = subject_requests.created_at
               AND earlier.request_id <= subject_requests.request_id))
);
UPDATE tenants SET request_counter = (
    SELECT COUNT(*) FROM subject_requests r WHERE r.tenant_id = tenants.tenant_id
);
CREATE UNIQUE INDEX subject_requests_by_number ON subject_requests (tenant_id, number);
