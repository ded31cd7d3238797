//! One story on each backend: SQLite in a temporary directory, and
//! PostgreSQL in a fresh database when CUSTODIAN_TEST_POSTGRES_URL is set
//! (CI sets it; without it the PostgreSQL tests say they were skipped).

/// A SQLite database URL in a new temporary directory, which lives as long
/// as the returned guard.
pub fn sqlite_url(file: &str) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    (format!("sqlite://{}/{file}", dir.path().display()), dir)
}

/// A fresh PostgreSQL database, or None when none is configured (see
/// `custodian_store::testing::postgres_server_url`).
pub async fn postgres_url() -> Option<String> {
    custodian_store::testing::fresh_postgres_url().await
}

pub use custodian_store::on_both_backends;
