//! Schema migrations, one SQL file per backend and version, applied in order
//! on start and by `custodian migrate`.

use crate::connect::Backend;
use crate::{Store, StoreError};
use custodian_core::time::Timestamp;

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "foundation",
    sqlite: include_str!("../migrations/sqlite/0001_foundation.sql"),
    postgres: include_str!("../migrations/postgres/0001_foundation.sql"),
}];

impl Store {
    /// Applies the migrations this database has not seen; returns their versions.
    pub async fn migrate(&self) -> Result<Vec<i64>, StoreError> {
        sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT NOT NULL PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at BIGINT NOT NULL)",
        )
        .execute(&self.pool)
        .await?;
        let mut applied = Vec::new();
        for migration in MIGRATIONS {
            let mut tx = self.begin_operator().await?;
            if self.backend == Backend::Postgres {
                // Two servers starting at once must not both migrate.
                sqlx::query("SELECT pg_advisory_xact_lock(727001)")
                    .execute(&mut *tx)
                    .await?;
            }
            let seen: Option<i64> =
                sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                    .bind(migration.version)
                    .fetch_optional(&mut *tx)
                    .await?;
            if seen.is_some() {
                continue;
            }
            let sql = match self.backend {
                Backend::Sqlite => migration.sqlite,
                Backend::Postgres => migration.postgres,
            };
            sqlx::raw_sql(sql)
                .execute(&mut *tx)
                .await
                .map_err(|source| StoreError::Migration {
                    version: migration.version,
                    source,
                })?;
            sqlx::query(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            )
            .bind(migration.version)
            .bind(migration.name)
            .bind(Timestamp::now().0)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            applied.push(migration.version);
        }
        Ok(applied)
    }
}
