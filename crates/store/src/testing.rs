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

/// The PostgreSQL server the tests run against: `CUSTODIAN_TEST_POSTGRES_URL`.
/// Without it a PostgreSQL test says it was skipped and passes, unless
/// `CUSTODIAN_REQUIRE_POSTGRES=1` (CI sets it): then it fails, so a CI run
/// that lost its database cannot pass silently.
pub fn postgres_server_url() -> Option<String> {
    match std::env::var("CUSTODIAN_TEST_POSTGRES_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var("CUSTODIAN_REQUIRE_POSTGRES").as_deref() == Ok("1") => {
            panic!("CUSTODIAN_REQUIRE_POSTGRES=1 but CUSTODIAN_TEST_POSTGRES_URL is not set")
        }
        _ => {
            eprintln!("skipped on PostgreSQL: CUSTODIAN_TEST_POSTGRES_URL is not set");
            None
        }
    }
}

/// A fresh, empty database on the test server (see `postgres_server_url`);
/// a server that cannot be reached fails the test.
pub async fn fresh_postgres_url() -> Option<String> {
    let base = postgres_server_url()?;
    match fresh_postgres_database(&base).await {
        Ok(url) => Some(url),
        Err(error) => panic!("the PostgreSQL test server cannot be used: {error}"),
    }
}

/// `on_both_backends!(story, …)` makes a test per backend of each story,
/// given the fixture builders `sqlite()` and `postgres()` (which returns
/// None when PostgreSQL is skipped) of the test file; `on_both_backends!(
/// sqlite_fixture, postgres_fixture => story, …)` names other builders.
#[macro_export]
macro_rules! on_both_backends {
    ($sqlite:ident, $postgres:ident => $($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name(super::$sqlite().await).await;
            }
            #[tokio::test]
            async fn postgres() {
                if let Some(fixture) = super::$postgres().await {
                    super::$name(fixture).await;
                }
            }
        }
    )*};
    ($($name:ident),* $(,)?) => {
        $crate::on_both_backends!(sqlite, postgres => $($name),*);
    };
}
