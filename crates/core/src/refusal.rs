//! Why a well-formed operation is refused by what is stored: the record is
//! missing, a unique value is taken, it changed meanwhile, it is still in
//! use. The store finds these; the app passes them on as they are (both
//! wrap this one list rather than each keeping a copy), and
//! `AppError::public` says once what each tells a client.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("not found")]
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
    #[error("the cursor is not valid for this list")]
    InvalidCursor,
    /// The ticket is closed: reopen it before writing on it.
    #[error("the ticket is closed")]
    TicketClosed,
}
