//! Schema migrations, one SQL file per backend and version, applied in order
//! on start and by `custodian migrate`.

use crate::connect::Backend;
use crate::{Store, StoreError};
use custodian_core::sorting::sort_key;
use custodian_core::time::Timestamp;
use sqlx::{AnyConnection, Row};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
    /// Rust that fills new columns of existing rows, in the same transaction.
    backfill: Option<Backfill>,
}

#[derive(Clone, Copy)]
enum Backfill {
    SortNames,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sqlite: include_str!("../migrations/sqlite/0001_foundation.sql"),
        postgres: include_str!("../migrations/postgres/0001_foundation.sql"),
        backfill: None,
    },
    Migration {
        version: 2,
        name: "sort_names",
        sqlite: include_str!("../migrations/sqlite/0002_sort_names.sql"),
        postgres: include_str!("../migrations/postgres/0002_sort_names.sql"),
        backfill: Some(Backfill::SortNames),
    },
];

/// Rows per read while backfilling, walking the primary key.
const BACKFILL_BATCH: i64 = 1_000;

/// Gives every existing organisation and contact its sort key.
async fn backfill_sort_names(conn: &mut AnyConnection) -> Result<(), StoreError> {
    let tables: [(&str, &str, &[&str]); 2] = [
        ("organisations", "organisation_id", &["name"]),
        ("contacts", "contact_id", &["last_name", "first_name"]),
    ];
    for (table, id_column, name_columns) in tables {
        let (mut tenant, mut id) = (i64::MIN, i64::MIN);
        loop {
            let rows = sqlx::query(&format!(
                "SELECT tenant_id, {id_column}, {names} FROM {table}
                 WHERE tenant_id > $1 OR (tenant_id = $1 AND {id_column} > $2)
                 ORDER BY tenant_id, {id_column} LIMIT $3",
                names = name_columns.join(", ")
            ))
            .bind(tenant)
            .bind(id)
            .bind(BACKFILL_BATCH)
            .fetch_all(&mut *conn)
            .await?;
            let Some(last) = rows.last() else { break };
            tenant = last.try_get("tenant_id")?;
            id = last.try_get(id_column)?;
            for row in &rows {
                let names = name_columns
                    .iter()
                    .map(|c| row.try_get::<String, _>(*c))
                    .collect::<Result<Vec<_>, _>>()?;
                let parts: Vec<&str> = names.iter().map(String::as_str).collect();
                sqlx::query(&format!(
                    "UPDATE {table} SET sort_name = $1 WHERE tenant_id = $2 AND {id_column} = $3"
                ))
                .bind(sort_key(&parts))
                .bind(row.try_get::<i64, _>("tenant_id")?)
                .bind(row.try_get::<i64, _>(id_column)?)
                .execute(&mut *conn)
                .await?;
            }
        }
    }
    Ok(())
}

impl Store {
    /// Applies the migrations this database has not seen; returns their versions.
    pub async fn migrate(&self) -> Result<Vec<i64>, StoreError> {
        self.migrate_until(i64::MAX).await
    }

    async fn migrate_until(&self, last: i64) -> Result<Vec<i64>, StoreError> {
        sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT NOT NULL PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at BIGINT NOT NULL)",
        )
        .execute(&self.writer)
        .await?;
        let mut applied = Vec::new();
        for migration in MIGRATIONS.iter().filter(|m| m.version <= last) {
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
            match migration.backfill {
                Some(Backfill::SortNames) => backfill_sort_names(&mut tx).await?,
                None => {}
            }
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

#[cfg(test)]
mod tests {
    use crate::Store;
    use sqlx::Row;

    #[tokio::test]
    async fn existing_names_get_their_sort_keys() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&format!("sqlite://{}/m.db", dir.path().display()))
            .await
            .unwrap();
        assert_eq!(store.migrate_until(1).await.unwrap(), vec![1]);
        sqlx::raw_sql(
            "INSERT INTO tenants (tenant_id, name, created_at) VALUES (1, 'T', 0);
             INSERT INTO organisations (tenant_id, organisation_id, name, created_at, updated_at, version)
                 VALUES (1, 10, 'Ölwerk AG', 0, 0, 1);
             INSERT INTO contacts (tenant_id, contact_id, first_name, last_name, emails, phones, created_at, updated_at, version)
                 VALUES (1, 20, 'Jan', 'de Vries', '', '', 0, 0, 1);",
        )
        .execute(&store.pool)
        .await
        .unwrap();
        assert_eq!(store.migrate().await.unwrap(), vec![2]);
        let org: String = sqlx::query("SELECT sort_name FROM organisations")
            .fetch_one(&store.pool)
            .await
            .unwrap()
            .get(0);
        let contact: String = sqlx::query("SELECT sort_name FROM contacts")
            .fetch_one(&store.pool)
            .await
            .unwrap()
            .get(0);
        assert_eq!(org, "olwerk ag");
        assert_eq!(contact, "de vries\u{1}jan");
    }
}
