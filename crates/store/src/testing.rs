//! Helpers for tests of this and the other crates: a fresh PostgreSQL
//! database per test, so tests run in parallel without sharing tables.

use crate::StoreError;
use sqlx::{Connection, Executor};

/// Test databases older than this are dropped by the next test run.
const STALE_AFTER_SECONDS: u64 = 3600;

/// Creates an empty database next to the one `base_url` names and returns
/// its URL. Its name carries its creation time, so later runs can drop the
/// databases earlier runs left behind.
pub async fn fresh_postgres_database(base_url: &str) -> Result<String, StoreError> {
    sqlx::any::install_default_drivers();
    let mut bytes = [0u8; 4];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| StoreError::Io(std::io::Error::other(e.to_string())))?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let name = format!("custodian_test_{now}_{}", u32::from_le_bytes(bytes));
    let mut conn = sqlx::AnyConnection::connect(base_url).await?;
    drop_stale_databases(&mut conn, now).await;
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

/// Best effort: a database still in use (a test running elsewhere) stays.
async fn drop_stale_databases(conn: &mut sqlx::AnyConnection, now: u64) {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT datname::text FROM pg_database WHERE datname LIKE 'custodian\\_test\\_%'",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap_or_default();
    for name in names {
        let created: Option<u64> = name
            .strip_prefix("custodian_test_")
            .and_then(|rest| rest.split_once('_'))
            .and_then(|(secs, _)| secs.parse().ok());
        // Names without a time come from older runs: stale as well.
        let stale = created.is_none_or(|secs| now.saturating_sub(secs) > STALE_AFTER_SECONDS);
        let safe = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if stale && safe {
            let _ = conn
                .execute(format!("DROP DATABASE IF EXISTS {name}").as_str())
                .await;
        }
    }
}
