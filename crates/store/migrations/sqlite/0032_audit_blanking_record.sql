-- Erasure blanks the client context (address, browser, reason) of audit
-- entries about the erased person; from now on the blanking is itself an
-- entry of the chain (action blank_context) naming the entries it blanked,
-- so that `audit verify` tells an erasure from an edit. This migration has
-- no schema change: its backfill (custodian-store's migrate.rs) records one
-- such entry per tenant for the entries blanked before it.
SELECT 1;
