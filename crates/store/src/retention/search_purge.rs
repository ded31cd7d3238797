//! Erased contacts' search entries during a retention run (SQLite). A run
//! erases thousands of contacts; FTS5's secure-delete, which rewrites the
//! index pages of each removed entry at once, took a millisecond per entry
//! and two thirds of a contact's erasure. So inside a run the entries are
//! removed as tombstones (gone from every search at once, their terms still
//! in the index file), the run is marked, and at the end of the run
//! `purge_search_index` rewrites the index without them ('optimize', with
//! SQLite's secure_delete zeroing the freed pages) and clears the mark. A
//! run cut off before that is purged by the next run of the tenant or the
//! hourly schedule, whichever comes first. Erasure outside a run (a subject's
//! request, a review decision) keeps the immediate secure-delete.

use crate::{Backend, Store, StoreError};
use custodian_core::retention::{RetainedType, RetentionAction};
use custodian_core::TenantId;
use sqlx::AnyConnection;

impl Store {
    /// Whether a run's batch of these records leaves search tombstones.
    pub(super) fn leaves_search_tombstones(
        &self,
        record_type: RetainedType,
        action: RetentionAction,
    ) -> bool {
        self.backend == Backend::Sqlite
            && record_type == RetainedType::Contact
            && action != RetentionAction::Review
    }

    /// Rewrites the search index without the tombstones the tenant's runs
    /// left, if any are marked. True if it purged. The index is shared by
    /// the tenants, so this purges theirs as well; each tenant's own mark
    /// is cleared by its own next run or hour, at the cost of a cheap
    /// second rewrite rather than a query across tenants.
    pub async fn purge_search_index(&self, tenant: TenantId) -> Result<bool, StoreError> {
        if self.backend != Backend::Sqlite {
            return Ok(false);
        }
        let marked = "SELECT run_id FROM retention_runs WHERE tenant_id = $1 AND search_purge_pending = 1 LIMIT 1";
        let pending: Option<i64> = sqlx::query_scalar(marked)
            .bind(tenant.0)
            .fetch_optional(&self.pool)
            .await?;
        if pending.is_none() {
            return Ok(false);
        }
        let mut tx = self.begin(tenant).await?;
        sqlx::query("INSERT INTO search_entries_fts (search_entries_fts) VALUES ('optimize')")
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE retention_runs SET search_purge_pending = 0
             WHERE tenant_id = $1 AND search_purge_pending = 1",
        )
        .bind(tenant.0)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

/// Marks the run: its batch left tombstones (in the batch's transaction).
pub(super) async fn mark_search_purge(
    conn: &mut AnyConnection,
    tenant: TenantId,
    run: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE retention_runs SET search_purge_pending = 1
         WHERE tenant_id = $1 AND run_id = $2 AND search_purge_pending = 0",
    )
    .bind(tenant.0)
    .bind(run)
    .execute(conn)
    .await?;
    Ok(())
}

/// Switches FTS5's secure-delete of the search index inside the
/// transaction. Setting it first flushes the deletions made so far under
/// the setting they were made with.
pub(super) async fn search_index_secure_delete(
    conn: &mut AnyConnection,
    on: bool,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO search_entries_fts (search_entries_fts, rank) VALUES ('secure-delete', $1)",
    )
    .bind(i64::from(on))
    .execute(conn)
    .await?;
    Ok(())
}
