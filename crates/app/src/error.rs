//! The app layer's one error type; web maps it once to problem+json.

use custodian_core::ValidationErrors;
use custodian_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Validation(#[from] ValidationErrors),
    #[error("not found")]
    NotFound,
    #[error("{field} is already in use")]
    Duplicate { field: &'static str },
    #[error("{field} refers to a record that does not exist")]
    UnknownReference { field: &'static str },
    #[error("the record was changed by someone else")]
    VersionMismatch { current: i64 },
    #[error("{0}")]
    InUse(&'static str),
    #[error("the tenant would have no administrator left")]
    LastAdministrator,
    #[error("the email, password or two-factor code is wrong")]
    BadCredentials,
    #[error("sign in first")]
    Unauthenticated,
    #[error("you do not have permission for this")]
    Forbidden,
    #[error("too many attempts; wait {retry_after_seconds} seconds")]
    TooManyAttempts { retry_after_seconds: u64 },
    #[error("the cursor is not valid for this list")]
    InvalidCursor,
    #[error("this list cannot be sorted by that field")]
    InvalidSort,
    #[error("a page holds 1 to 200 records")]
    InvalidLimit,
    #[error("this list cannot be filtered by {0}")]
    UnsupportedFilter(&'static str),
    #[error("{field} is not a value this filter knows")]
    InvalidFilter { field: &'static str },
    /// A subject's export holds every kind of personal data kept about
    /// them; a role that does not see all of it is refused the export
    /// rather than handed a partial answer to a request.
    #[error("an export answers a data-subject request with everything kept about the person; your roles do not see {missing}")]
    ExportNeedsEveryCategory { missing: String },
    /// A filter that searches fields the caller may not see: its answer
    /// would tell whether a hidden value is there.
    #[error("this filter searches {hidden}, which your role does not see")]
    FilterOnHiddenField { hidden: &'static str },
    /// A portal link that does not let anyone in, and why.
    #[error("the link cannot be used: {0:?}")]
    PortalLink(custodian_store::LinkProblem),
    /// The ticket is closed; it takes no reply or note until reopened.
    #[error("the ticket is closed")]
    TicketClosed,
    #[error("password hashing failed")]
    PasswordHashing,
    /// The operator's setup is wrong (a key or file that cannot be used).
    #[error("{0}")]
    Configuration(String),
    /// Reads cannot be recorded, so they are not served.
    #[error("the audit trail cannot record right now")]
    AuditUnavailable,
    /// A reason for access was asked for and left (nearly) empty.
    #[error("state a reason for access of at least 3 characters")]
    ReasonRequired,
    /// The email or phone belongs to a person erased at their request.
    #[error("{field} belongs to a person who was erased")]
    ReturningSubject { field: &'static str },
    /// The subject asked to restrict processing (Art. 18).
    #[error("processing of this person's data is restricted")]
    Restricted,
    #[error("internal error")]
    Internal(#[source] StoreError),
    /// A subject export could not be packed.
    #[error("the export could not be built")]
    Export(#[source] crate::privacy::ZipError),
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Duplicate { field } => AppError::Duplicate { field },
            StoreError::UnknownReference { field } => AppError::UnknownReference { field },
            StoreError::VersionMismatch { current } => AppError::VersionMismatch { current },
            StoreError::InUse(message) => AppError::InUse(message),
            StoreError::InvalidSort => AppError::InvalidSort,
            StoreError::LastAdministrator => AppError::LastAdministrator,
            StoreError::InvalidCursor => AppError::InvalidCursor,
            StoreError::InvalidFilter { field } => AppError::InvalidFilter { field },
            StoreError::TicketClosed => AppError::TicketClosed,
            other => AppError::Internal(other),
        }
    }
}

/// An error with its causes on one line ("a: b: c"), for operators' logs
/// and reports; never shown to a client.
pub fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
