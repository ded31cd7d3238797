//! Helpers for tests of this and the other crates: a fresh PostgreSQL
//! database per test, so tests run in parallel without sharing tables.

use crate::StoreError;
use sqlx::{Connection, Executor};

/// Creates an empty database next to the one `base_url` names and returns
/// its URL.
pub async fn fresh_postgres_database(base_url: &str) -> Result<String, StoreError> {
    sqlx::any::install_default_drivers();
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| StoreError::Io(std::io::Error::other(e.to_string())))?;
    let name = format!("custodian_test_{}", u64::from_le_bytes(bytes));
    let mut conn = sqlx::AnyConnection::connect(base_url).await?;
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await?;
    conn.close().await?;
    let (server, query) = base_url
        .split_once('?')
        .map_or((base_url, None), |(s, q)| (s, Some(q)));
    let server = server.rsplit_once('/').map_or(server, |(s, _)| s);
    Ok(match query {
        Some(q) => format!("{server}/{name}?{q}"),
        None => format!("{server}/{name}"),
    })
}
