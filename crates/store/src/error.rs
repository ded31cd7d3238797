//! The store's one error type: a refusal the caller can act on
//! ([`Refusal`], shared with the app layer), or a failure of the database,
//! a file or the data itself.

use custodian_core::Refusal;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// What is stored refuses the operation (missing, taken, changed, in use).
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error("unsupported database URL: {0}")]
    UnsupportedUrl(String),
    #[error("migration {version} failed")]
    Migration {
        version: i64,
        #[source]
        source: sqlx::Error,
    },
    #[error("database error")]
    Database(#[from] sqlx::Error),
    #[error("database error")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database error: unexpected value")]
    SqliteValue(#[from] rusqlite::types::FromSqlError),
    /// Stored data that cannot be what this program wrote.
    #[error("corrupt data: {0}")]
    Corrupt(&'static str),
    #[error("I/O error")]
    Io(#[from] std::io::Error),
    /// The task that commits grouped writes is gone (a bug, or shutting down).
    #[error("the write queue stopped")]
    GroupCommitStopped,
    /// The transaction a write was grouped into could not be committed;
    /// the write was not kept.
    #[error("the grouped write could not be committed: {0}")]
    GroupCommitFailed(String),
    /// After erasing, the subject was still found: nothing is committed.
    #[error("the erasure left the subject in {0}; nothing was erased")]
    ErasureUnverified(&'static str),
}

impl StoreError {
    /// Maps a unique violation on `field` to `Duplicate`, anything else stays.
    pub(crate) fn unique_as(field: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
        move |error| match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Refused(Refusal::Duplicate { field })
            }
            _ => StoreError::Database(error),
        }
    }
}
