//! Reads the live schema, so a test can hold it against the data catalog.

use crate::connect::Backend;
use crate::{Store, StoreError};
use sqlx::Row;

impl Store {
    /// Every (table, column) of the database's own tables; SQLite's FTS5
    /// virtual table and its shadow tables are an index and are left out.
    pub async fn live_columns(&self) -> Result<Vec<(String, String)>, StoreError> {
        let mut columns = Vec::new();
        match self.backend {
            Backend::Sqlite => {
                let tables: Vec<String> = sqlx::query_scalar(
                    "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%'",
                )
                .fetch_all(&self.pool)
                .await?;
                for table in tables {
                    let names: Vec<String> =
                        sqlx::query_scalar("SELECT name FROM pragma_table_info($1)")
                            .bind(&table)
                            .fetch_all(&self.pool)
                            .await?;
                    columns.extend(names.into_iter().map(|c| (table.clone(), c)));
                }
            }
            Backend::Postgres => {
                let rows = sqlx::query(
                    "SELECT table_name::text AS table_name, column_name::text AS column_name FROM information_schema.columns
                     WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
                )
                .fetch_all(&self.pool)
                .await?;
                for row in rows {
                    columns.push((row.try_get("table_name")?, row.try_get("column_name")?));
                }
            }
        }
        Ok(columns)
    }
}
