//! After an erasure commits, the storage is made to forget the old bytes
//! too. SQLite has zeroed them already (secure_delete) and only the
//! write-ahead log is left to fold in and truncate. PostgreSQL keeps the old
//! row versions in the table's pages until their space is reused, even after
//! VACUUM: there, every table the erasure touched that is small enough is
//! rewritten into new files (VACUUM FULL, which drops the old ones), and the
//! larger ones are vacuumed. docs/privacy.md has the measurements.

use super::subject_tables::ERASURE_ORDER;
use crate::connect::Backend;
use crate::retention::optimize_full_text;
use crate::Privacy;
use crate::{Store, StoreError};
use sqlx::{Executor, Row};
use std::time::Duration;

/// Tables up to this size (with their indexes and TOAST) are rewritten
/// after an erasure on PostgreSQL. Rewriting holds an exclusive lock on the
/// table while it copies it and rebuilds its indexes: about 1.6 s for this
/// size with a full-text index, on two cores (docs/privacy.md).
const REWRITE_AT_MOST_BYTES: i64 = 16 * 1024 * 1024;
/// How long a rewrite waits for its table's lock before it gives way to a
/// plain VACUUM, so that a long report never stalls the erasure's tables.
const REWRITE_LOCK_TIMEOUT: &str = "3s";

/// What PostgreSQL does after the commit: the touched tables it rewrites
/// and those it only vacuums. Empty on SQLite.
#[derive(Debug, Default)]
pub(crate) struct Forgetting {
    rewrite: Vec<&'static str>,
    vacuum: Vec<&'static str>,
    /// SQLite: the erasure left tombstones in the full-text indexes, which
    /// are rewritten without them before the answer.
    pub(crate) rewrite_full_text: bool,
}

/// The tables an erasure writes to.
fn touched_tables() -> impl Iterator<Item = &'static str> + 'static {
    ERASURE_ORDER.iter().copied().chain(["audit_entries"])
}

impl Store {
    /// Which touched tables PostgreSQL will rewrite (by their size now).
    pub(crate) async fn plan_forgetting(&self) -> Result<Forgetting, StoreError> {
        let mut plan = Forgetting::default();
        if self.backend != Backend::Postgres {
            return Ok(plan);
        }
        let tables: Vec<&str> = touched_tables().collect();
        let json = serde_json::to_string(&tables)
            .map_err(|_| StoreError::Corrupt("table names that cannot be written"))?;
        let sizes = sqlx::query(
            "SELECT value, pg_total_relation_size(CAST(value AS regclass))
             FROM json_array_elements_text($1::json)",
        )
        .bind(json)
        .fetch_all(&self.pool)
        .await?;
        for row in sizes {
            let name: String = row.try_get(0)?;
            let size: i64 = row.try_get(1)?;
            let Some(table) = tables.iter().find(|t| **t == name) else {
                continue;
            };
            if size <= REWRITE_AT_MOST_BYTES {
                plan.rewrite.push(table);
            } else {
                plan.vacuum.push(table);
            }
        }
        Ok(plan)
    }

    /// What the storage does beyond the rows, the last line being the step
    /// taken right after the commit.
    pub(crate) fn storage_measures(&self, plan: &Forgetting) -> Vec<String> {
        match self.backend {
            Backend::Sqlite => vec![
                "Removed rows and replaced values were overwritten with zeros in the database file (SQLite secure_delete).".into(),
                if plan.rewrite_full_text {
                    "The full-text indexes (search, mentions) were rewritten without the erased entries right after the commit.".into()
                } else {
                    "The search entry and the erased texts' words were removed from the full-text indexes themselves (FTS5 secure-delete).".into()
                },
                "Right after the commit the write-ahead log was checkpointed into the database file and truncated (and it is at every start of the server).".into(),
            ],
            Backend::Postgres => {
                let mut lines = vec![
                    "Removed rows and replaced values are invisible to every transaction from the commit on.".to_string(),
                ];
                if !plan.vacuum.is_empty() {
                    lines.push(format!(
                        "Old row versions in {} (larger than {} MB) stay in space marked free until new rows reuse it, and in the write-ahead log until its segments are recycled (docs/privacy.md).",
                        plan.vacuum.join(", "),
                        REWRITE_AT_MOST_BYTES / (1024 * 1024)
                    ));
                }
                let mut step = String::from("Right after the commit, beside the answer, ");
                if !plan.rewrite.is_empty() {
                    step.push_str(&format!(
                        "{} were rewritten into new files without the old row versions (VACUUM FULL; a table whose lock is not free within {REWRITE_LOCK_TIMEOUT} is vacuumed instead)",
                        plan.rewrite.join(", ")
                    ));
                }
                if !plan.vacuum.is_empty() {
                    if !plan.rewrite.is_empty() {
                        step.push_str(" and ");
                    }
                    step.push_str(&format!("{} were vacuumed", plan.vacuum.join(", ")));
                }
                step.push_str("; the server log says if that failed, and autovacuum does it later then.");
                lines.push(step);
                lines
            }
        }
    }

    /// After the commit: SQLite copies the write-ahead log into the
    /// database and truncates it; PostgreSQL rewrites or vacuums the
    /// touched tables. The error is what the certificate says instead.
    pub(crate) async fn forget_old_versions(&self, plan: &Forgetting) -> Result<(), String> {
        match self.backend {
            Backend::Sqlite => {
                if plan.rewrite_full_text {
                    let mut writer = self.writer.acquire().await.map_err(|error| {
                        tracing::warn!(%error, "no connection to rewrite the full-text indexes");
                        "The full-text indexes could not be rewritten: the erased entries' words stay in the index file (no query finds them) until its next rewrite at the end of a retention run.".to_string()
                    })?;
                    if let Err(error) = optimize_full_text(&mut writer).await {
                        tracing::warn!(%error, "rewriting the full-text indexes after an erasure failed");
                        return Err("The full-text indexes could not be rewritten: the erased entries' words stay in the index file (no query finds them) until its next rewrite at the end of a retention run.".into());
                    }
                }
                for _ in 0..40 {
                    let result = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                        .fetch_one(&self.writer)
                        .await;
                    match result {
                        Ok(row) if row.try_get::<i64, _>(0).unwrap_or(1) == 0 => return Ok(()),
                        Ok(_) => tokio::time::sleep(Duration::from_millis(25)).await,
                        Err(error) => {
                            tracing::warn!(%error, "checkpoint after an erasure failed");
                            break;
                        }
                    }
                }
                Err("The write-ahead log could not be truncated while others read; the server truncates it at its next start, and SQLite overwrites it on later checkpoints.".into())
            }
            Backend::Postgres => {
                // Rewriting and vacuuming cost many times the erasure
                // itself: they run beside the answer. Nothing can read the
                // old versions meanwhile.
                let pool = self.writer.clone();
                let rewrite = plan.rewrite.clone();
                let vacuum = plan.vacuum.clone();
                tokio::spawn(async move {
                    let mut connection = match pool.acquire().await {
                        Ok(connection) => connection,
                        Err(error) => {
                            tracing::warn!(%error, "no connection to forget an erasure's old rows");
                            return;
                        }
                    };
                    let timeout = format!("SET lock_timeout = '{REWRITE_LOCK_TIMEOUT}'");
                    let _ = connection.execute(timeout.as_str()).await;
                    for table in &rewrite {
                        let full = format!("VACUUM FULL {table}");
                        if let Err(error) = connection.execute(full.as_str()).await {
                            tracing::warn!(%error, table, "rewriting a table after an erasure failed; vacuuming it");
                            let plain = format!("VACUUM {table}");
                            if let Err(error) = connection.execute(plain.as_str()).await {
                                tracing::warn!(%error, table, "vacuum after an erasure failed");
                            }
                        }
                    }
                    let _ = connection.execute("RESET lock_timeout").await;
                    if !vacuum.is_empty() {
                        let plain = format!("VACUUM {}", vacuum.join(", "));
                        if let Err(error) = connection.execute(plain.as_str()).await {
                            tracing::warn!(%error, "vacuum after an erasure failed");
                        }
                    }
                });
                Ok(())
            }
        }
    }
}

impl Privacy<'_> {
    /// After erasing in bulk (retention, the review list): the same
    /// forgetting as after an erasure request; a failure is logged, the
    /// next checkpoint or vacuum does it.
    pub async fn forget_erased(self) {
        let result = match self.plan_forgetting().await {
            Ok(plan) => self.forget_old_versions(&plan).await,
            Err(error) => Err(error.to_string()),
        };
        if let Err(note) = result {
            tracing::warn!(%note, "forgetting erased rows' old versions is left to the next checkpoint");
        }
    }
}
