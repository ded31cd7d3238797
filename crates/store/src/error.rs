//! The store's one error type.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("record not found")]
    NotFound,
    /// A unique value is taken, e.g. an account number.
    #[error("{field} is already in use")]
    Duplicate { field: &'static str },
    /// A referenced record (organisation, contact) does not exist in the tenant.
    #[error("{field} refers to a record that does not exist")]
    UnknownReference { field: &'static str },
    /// The record changed since the caller read it.
    #[error("the record was changed by someone else (now version {current})")]
    VersionMismatch { current: i64 },
    /// The record is still referenced and cannot be deleted.
    #[error("{0}")]
    InUse(&'static str),
    /// The change would leave the tenant without an administrator.
    #[error("the tenant would have no administrator left")]
    LastAdministrator,
    #[error("this list cannot be sorted by that field")]
    InvalidSort,
    /// A list filter was given a value it does not know.
    #[error("{field} is not a value this filter knows")]
    InvalidFilter { field: &'static str },
    #[error("the cursor does not belong to this list and sort")]
    InvalidCursor,
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
    /// The ticket is closed: reopen it before writing on it.
    #[error("the ticket is closed")]
    TicketClosed,
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
                StoreError::Duplicate { field }
            }
            _ => StoreError::Database(error),
        }
    }
}
