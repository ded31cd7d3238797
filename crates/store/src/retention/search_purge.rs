//! The full-text indexes during a retention run (SQLite): the search index
//! and the mention indexes (privacy/mentions.rs). A run erases thousands of
//! records; FTS5's secure-delete, which rewrites the index pages of each
//! removed entry at once, took a millisecond per contact's search entry and
//! 0.3–0.7 ms per activity's text (scattered over a million-row index),
//! most of the run. So inside a run the entries are removed as tombstones
//! (gone from every query at once, their words still in the index file),
//! the run is marked, and at the end of the run `purge_search_index`
//! rewrites the indexes without them ('optimize', with SQLite's
//! secure_delete zeroing the freed pages) and clears the mark. A run cut
//! off before that is purged by the next run of the tenant or the hourly
//! schedule, whichever comes first. Erasure outside a run keeps the
//! immediate secure-delete unless it removes many texts at once
//! (privacy/erasure.rs).

use crate::privacy::full_text_indexes;
use crate::statement::Bindable;
use crate::Retention;
use crate::{Backend, Store, StoreError};
use custodian_core::retention::RetentionAction;
use custodian_core::TenantId;
use sqlx::AnyConnection;

impl Store {
    /// Whether a run's batch leaves tombstones in the full-text indexes.
    pub(super) fn leaves_index_tombstones(&self, action: RetentionAction) -> bool {
        self.backend == Backend::Sqlite && action != RetentionAction::Review
    }
}

impl Retention<'_> {
    /// Rewrites the full-text indexes without the tombstones the tenant's
    /// runs left, if any are marked. True if it purged. The indexes are
    /// shared by the tenants, so this purges theirs as well; each tenant's
    /// own mark is cleared by its own next run or hour, at the cost of a
    /// second rewrite rather than a query across tenants.
    pub async fn purge_search_index(self, tenant: TenantId) -> Result<bool, StoreError> {
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
        optimize_full_text(&mut tx).await?;
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
    .bind_all((tenant.0, run))
    .execute(conn)
    .await?;
    Ok(())
}

/// Switches FTS5's secure-delete of every full-text index inside the
/// transaction. Setting it first flushes the deletions made so far under
/// the setting they were made with.
pub(crate) async fn full_text_secure_delete(
    conn: &mut AnyConnection,
    on: bool,
) -> Result<(), StoreError> {
    for index in full_text_indexes() {
        let sql = format!("INSERT INTO {index} ({index}, rank) VALUES ('secure-delete', $1)");
        sqlx::query(&sql)
            .bind(i64::from(on))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Rewrites every full-text index into one segment without its tombstones.
pub(crate) async fn optimize_full_text(conn: &mut AnyConnection) -> Result<(), StoreError> {
    for index in full_text_indexes() {
        let sql = format!("INSERT INTO {index} ({index}) VALUES ('optimize')");
        sqlx::query(&sql).execute(&mut *conn).await?;
    }
    Ok(())
}
