//! The history of retention runs: who started each, when, what it did per
//! rule, and whether it finished. Progress is written in each batch's own
//! transaction, so the counts of an interrupted run are what was done.

use crate::statement::Bindable;
use crate::Retention;
use crate::{Scope, Store, StoreError};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::retention::report::RunStart;
use custodian_core::retention::{RunCounts, RunSummary};
use custodian_core::time::Timestamp;
use custodian_core::{Refusal, RetentionRunId, TenantId, UserId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// A run that has not written progress for this long is taken to have
/// stopped (a crash, a kill -9) and is marked interrupted; each batch writes progress, and a batch takes well under a second.
const STALE_MS: i64 = 60 * 1000;

fn from_row(row: &AnyRow) -> Result<RunSummary, StoreError> {
    let counts: String = row.try_get("counts")?;
    Ok(RunSummary {
        id: RetentionRunId(row.try_get("run_id")?),
        started_by: row.try_get("started_by_kind")?,
        started_by_user: row.try_get::<Option<i64>, _>("started_by")?.map(UserId),
        started_at: Timestamp(row.try_get("started_at")?),
        finished_at: row.try_get::<Option<i64>, _>("finished_at")?.map(Timestamp),
        status: row.try_get("status")?,
        counts: serde_json::from_str(&counts)
            .map_err(|_| StoreError::Corrupt("unreadable counts of a retention run"))?,
    })
}

fn counts_json(counts: &RunCounts) -> Result<String, StoreError> {
    serde_json::to_string(counts).map_err(|_| StoreError::Corrupt("counts that cannot be written"))
}

const COLUMNS: &str =
    "run_id, started_by_kind, started_by, started_at, finished_at, status, counts";

impl Store {
    pub(crate) async fn record_run_progress(
        &self,
        conn: &mut AnyConnection,
        tenant: TenantId,
        run: i64,
        counts: &RunCounts,
    ) -> Result<(), StoreError> {
        let updated = sqlx::query(
            "UPDATE retention_runs SET counts = $3, heartbeat_at = $4
             WHERE tenant_id = $1 AND run_id = $2 AND status = 'running'",
        )
        .bind_all((tenant.0, run, counts_json(counts)?, Timestamp::now().0))
        .execute(conn)
        .await?
        .rows_affected();
        // Another start took this run for crashed: stop rather than run
        // beside the new one (the batch rolls back).
        if updated == 0 {
            return Err(StoreError::Refused(Refusal::InUse(
                "This retention run was marked interrupted meanwhile; the run now under way carries on.",
            )));
        }
        Ok(())
    }
}

impl Retention<'_> {
    /// Starts a run, unless another is under way in the tenant; a run that
    /// stopped without finishing is marked interrupted first.
    ///
    /// `runner` names this process; `gone` tells whether the process that
    /// carries out another running run has ended, so that its run is
    /// marked interrupted without waiting for its heartbeat to go stale.
    pub async fn start_retention_run(
        self,
        scope: &Scope,
        start: RunStart,
        runner: &str,
        gone: &(dyn Fn(&str) -> bool + Sync),
    ) -> Result<i64, StoreError> {
        let now = Timestamp::now().0;
        let mut tx = self.begin(scope.tenant).await?;
        let others: Vec<(i64, Option<String>)> = sqlx::query_as(
            "SELECT run_id, runner FROM retention_runs WHERE tenant_id = $1 AND status = 'running'",
        )
        .bind(scope.tenant.0)
        .fetch_all(&mut *tx)
        .await?;
        for (run, other) in others {
            if other.as_deref().is_some_and(gone) {
                sqlx::query(
                    "UPDATE retention_runs SET status = 'interrupted', finished_at = heartbeat_at
                     WHERE tenant_id = $1 AND run_id = $2",
                )
                .bind_all((scope.tenant.0, run))
                .execute(&mut *tx)
                .await?;
            }
        }
        sqlx::query(
            "UPDATE retention_runs SET status = 'interrupted', finished_at = heartbeat_at
             WHERE tenant_id = $1 AND status = 'running' AND heartbeat_at < $2",
        )
        .bind_all((scope.tenant.0, now - STALE_MS))
        .execute(&mut *tx)
        .await?;
        let running: Option<i64> = sqlx::query_scalar(
            "SELECT run_id FROM retention_runs WHERE tenant_id = $1 AND status = 'running'",
        )
        .bind(scope.tenant.0)
        .fetch_optional(&mut *tx)
        .await?;
        if running.is_some() {
            return Err(StoreError::Refused(Refusal::InUse(
                "A retention run is already under way in this tenant; wait for it to finish.",
            )));
        }
        let (kind, user) = match start {
            RunStart::Schedule => ("schedule", None),
            RunStart::Command => ("command", None),
            RunStart::Staff(user) => ("staff", Some(user)),
        };
        let id = self.next_id();
        sqlx::query(
            "INSERT INTO retention_runs (tenant_id, run_id, started_by_kind, started_by, started_at, heartbeat_at, status, counts, runner)
             VALUES ($1, $2, $3, $4, $5, $5, 'running', $6, $7)",
        )
        .bind_all((scope.tenant.0, id, kind, user, now, counts_json(&RunCounts::default())?, runner))
        .execute(&mut *tx)
        .await?;
        self.audit(
            &mut tx,
            scope,
            AuditAction::Create,
            RecordType::RetentionRun,
            id,
            &[],
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records the end of a run: completed, or failed.
    pub async fn finish_retention_run(
        self,
        scope: &Scope,
        run: i64,
        counts: &RunCounts,
        status: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        let now = Timestamp::now().0;
        sqlx::query(
            "UPDATE retention_runs SET counts = $3, heartbeat_at = $4, finished_at = $4, status = $5
             WHERE tenant_id = $1 AND run_id = $2 AND status = 'running'",
        )
        .bind_all((scope.tenant.0, run, counts_json(counts)?, now, status))
        .execute(&mut *tx)
        .await?;
        self.audit(
            &mut tx,
            scope,
            AuditAction::Update,
            RecordType::RetentionRun,
            run,
            &["status", "counts"],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The newest runs first.
    pub async fn retention_runs(
        self,
        tenant: TenantId,
        limit: i64,
    ) -> Result<Vec<RunSummary>, StoreError> {
        self.read_rows(tenant, sqlx::query(&format!(
            "SELECT {COLUMNS} FROM retention_runs WHERE tenant_id = $1 ORDER BY started_at DESC, run_id DESC LIMIT $2"
        ))
        .bind_all((tenant.0, limit)), from_row).await
    }

    pub async fn retention_run(
        self,
        tenant: TenantId,
        id: RetentionRunId,
    ) -> Result<RunSummary, StoreError> {
        self.read_row(
            tenant,
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM retention_runs WHERE tenant_id = $1 AND run_id = $2"
            ))
            .bind_all((tenant.0, id.0)),
            from_row,
        )
        .await
    }

    /// When the last scheduled run that completed started, for the daily
    /// schedule.
    pub async fn last_scheduled_run(
        self,
        tenant: TenantId,
    ) -> Result<Option<Timestamp>, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let at: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(started_at) FROM retention_runs WHERE tenant_id = $1 AND started_by_kind = 'schedule' AND status = 'completed'",
        )
        .bind(tenant.0)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(at.map(Timestamp))
    }
}
