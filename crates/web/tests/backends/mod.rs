//! One story on each backend: SQLite in a temporary directory, and
//! PostgreSQL in a fresh database when CUSTODIAN_TEST_POSTGRES_URL is set
//! (CI sets it; without it the PostgreSQL tests say they were skipped).

/// A SQLite database URL in a new temporary directory, which lives as long
/// as the returned guard.
pub fn sqlite_url(file: &str) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    (format!("sqlite://{}/{file}", dir.path().display()), dir)
}

/// A fresh PostgreSQL database, or None when none is configured.
pub async fn postgres_url() -> Option<String> {
    let Ok(base) = std::env::var("CUSTODIAN_TEST_POSTGRES_URL") else {
        eprintln!("skipped on PostgreSQL: CUSTODIAN_TEST_POSTGRES_URL is not set");
        return None;
    };
    Some(
        custodian_store::testing::fresh_postgres_database(&base)
            .await
            .unwrap(),
    )
}

/// `on_both_backends!(story, …)` makes a test per backend of each story,
/// given the fixture builders `sqlite()` and `postgres()` of the test file.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name(super::sqlite().await).await;
            }
            #[tokio::test]
            async fn postgres() {
                if let Some(fixture) = super::postgres().await {
                    super::$name(fixture).await;
                }
            }
        }
    )*};
}
