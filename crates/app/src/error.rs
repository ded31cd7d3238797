//! The app layer's one error type, and the one place that says what each
//! error tells a client: its status, stable code and public message. The
//! API, the pages and the portal only choose how to show that answer.

use custodian_core::portal::LinkProblem;
use custodian_core::{FieldError, Refusal, ValidationErrors};
use custodian_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Validation(#[from] ValidationErrors),
    /// What is stored refuses the operation; the store's refusal as it is.
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error("the email, password or two-factor code is wrong")]
    BadCredentials,
    #[error("sign in first")]
    Unauthenticated,
    #[error("you do not have permission for this")]
    Forbidden,
    #[error("too many attempts; wait {retry_after_seconds} seconds")]
    TooManyAttempts { retry_after_seconds: u64 },
    #[error("a page holds 1 to 200 records")]
    InvalidLimit,
    #[error("this list cannot be filtered by {0}")]
    UnsupportedFilter(&'static str),
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
    PortalLink(custodian_core::portal::LinkProblem),
    /// A staff invitation or new-password link that cannot be used, and why.
    #[error("the staff link cannot be used: {0:?}")]
    StaffLink(custodian_core::portal::LinkProblem),
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
            StoreError::Refused(refusal) => AppError::Refused(refusal),
            other => AppError::Internal(other),
        }
    }
}

/// What a client is told about an error, whatever the channel: the API
/// sends it as problem+json, the pages and the portal as an HTML page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicError {
    /// The HTTP status it answers with.
    pub status: u16,
    /// Stable machine code, e.g. `validation_failed`, `not_found`.
    pub code: &'static str,
    /// A short headline for a page, e.g. "Not found".
    pub title: &'static str,
    /// A sentence for a person; never names internals or personal values.
    pub message: String,
    /// The fields at fault: every field of a validation, or the one field
    /// an error is about.
    pub errors: Vec<FieldError>,
    /// Seconds to wait before trying again, when throttled.
    pub retry_after: Option<u64>,
}

impl PublicError {
    fn new(
        status: u16,
        code: &'static str,
        title: &'static str,
        message: impl Into<String>,
    ) -> Self {
        PublicError {
            status,
            code,
            title,
            message: message.into(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    fn on_field(mut self, field: &str) -> Self {
        self.errors.push(FieldError {
            field: field.to_string(),
            code: self.code,
            message: self.message.clone(),
        });
        self
    }

    /// A server-side failure: the operator's log says more, the client
    /// only that it was not their fault.
    pub fn is_internal(&self) -> bool {
        self.status >= 500
    }
}

impl AppError {
    /// The one mapping from errors to answers.
    pub fn public(&self) -> PublicError {
        use PublicError as P;
        match self {
            AppError::Refused(refusal) => refusal_answer(refusal),
            AppError::Validation(errors) => {
                let mut p = P::new(422, "validation_failed", "Please check the form", format!("{errors}."));
                p.errors = errors.0.clone();
                p
            }
            AppError::BadCredentials => P::new(401, "bad_credentials", "Not signed in", "The email, password or two-factor code is wrong."),
            AppError::Unauthenticated => P::new(
                401,
                "unauthenticated",
                "Not signed in",
                "Sign in first; the API takes a valid API token as 'Authorization: Bearer …'.",
            ),
            AppError::Forbidden => P::new(403, "forbidden", "Not allowed", "Your role does not allow this."),
            AppError::ReasonRequired => P::new(
                422,
                "reason_required",
                "A reason is needed",
                "State why you need this data, in at least 3 characters (X-Access-Reason header, or the reason field on the page).",
            )
            .on_field("reason"),
            AppError::TooManyAttempts { retry_after_seconds } => {
                let mut p = P::new(
                    429,
                    "too_many_attempts",
                    "Too many attempts",
                    format!("Too many attempts; try again in {retry_after_seconds} seconds."),
                );
                p.retry_after = Some(*retry_after_seconds);
                p
            }
            AppError::InvalidLimit => P::new(400, "invalid_limit", "Bad request", "A page holds 1 to 200 records.").on_field("limit"),
            AppError::UnsupportedFilter(parameter) => P::new(
                400,
                "unsupported_filter",
                "Bad request",
                format!("This list cannot be filtered by {parameter}; the reference names the filters of each list."),
            )
            .on_field(parameter),
            AppError::ExportNeedsEveryCategory { missing } => P::new(
                403,
                "export_needs_every_category",
                "Not allowed",
                format!("An export answers a data-subject request with everything kept about the person, and your roles do not see {missing}; the data protection officer (or a role granted every category) makes it."),
            ),
            AppError::FilterOnHiddenField { hidden } => P::new(
                403,
                "filter_on_hidden_field",
                "Not allowed",
                format!("This filter searches {hidden}, which your role does not see: its answer would tell what is hidden. Filter by what you see, or state a reason for access if the field is sensitive."),
            )
            .on_field("q"),
            AppError::PortalLink(problem) => link_problem(*problem),
            AppError::StaffLink(problem) => staff_link_problem(*problem),
            AppError::ReturningSubject { field } => P::new(
                409,
                "previously_erased",
                "Erased at their request",
                "One of these belongs to a person who was erased at their request. Create the record only if they came back of their own accord (a new contract or consent): send X-Returning-Subject: confirmed.",
            )
            .on_field(field),
            AppError::Restricted => P::new(
                409,
                "restricted",
                "Processing is restricted",
                "Processing of this person's data is restricted at their request (Art. 18): only the data protection officer can change their records.",
            ),
            AppError::AuditUnavailable => P::new(
                503,
                "audit_unavailable",
                "Please try again",
                "Personal data cannot be shown while its reading cannot be recorded; try again shortly.",
            ),
            AppError::PasswordHashing | AppError::Configuration(_) | AppError::Internal(_) | AppError::Export(_) => {
                P::new(500, "internal", "Something went wrong", "Something went wrong on our side.")
            }
        }
    }
}

/// What a client is told when what is stored refuses the operation.
fn refusal_answer(refusal: &Refusal) -> PublicError {
    use PublicError as P;
    match refusal {
        Refusal::NotFound => P::new(404, "not_found", "Not found", "This record does not exist."),
        Refusal::Duplicate { field } => {
            P::new(409, "duplicate", "Already in use", format!("This {field} is already in use.")).on_field(field)
        }
        Refusal::UnknownReference { field } => P::new(
            422,
            "unknown_reference",
            "Unknown reference",
            format!("{field} refers to a record that does not exist."),
        )
        .on_field(field),
        Refusal::VersionMismatch { current } => P::new(
            412,
            "version_mismatch",
            "Changed by someone else",
            format!("The record was changed by someone else; it is now at version {current}. Reload it and apply your change again."),
        ),
        Refusal::InUse(message) => P::new(409, "in_use", "Still in use", *message),
        Refusal::LastAdministrator => P::new(
            409,
            "last_administrator",
            "An administrator is needed",
            "This would leave the tenant without an administrator; make someone else administrator first.",
        )
        .on_field("roles"),
        Refusal::InvalidCursor => P::new(
            400,
            "invalid_cursor",
            "Bad request",
            "The cursor is not valid for this list; start from the first page.",
        )
        .on_field("cursor"),
        Refusal::InvalidSort => P::new(400, "invalid_sort", "Bad request", "This list cannot be sorted by that field.").on_field("sort"),
        Refusal::InvalidFilter { field } => P::new(
            400,
            "invalid_filter",
            "Bad request",
            format!("{field} is not a value this filter knows; the reference lists them."),
        )
        .on_field(field),
        Refusal::TicketClosed => P::new(
            409,
            "ticket_closed",
            "The ticket is closed",
            "The ticket is closed and takes no reply or note; reopen it (set its status to open) first.",
        ),
    }
}

fn link_problem(problem: LinkProblem) -> PublicError {
    let (status, title, message) = match problem {
        LinkProblem::Used => (
            410,
            "This link was used already",
            "Each link works once. Sign in with your password, or ask for a new link on the sign-in page.",
        ),
        LinkProblem::Expired => (
            410,
            "This link has expired",
            "Ask for a new sign-in link on the sign-in page, or ask your contact at the company for a new invitation.",
        ),
        LinkProblem::Ended => (
            403,
            "Your access has ended",
            "Your access to the portal was ended. Ask your contact at the company if you need it again.",
        ),
        LinkProblem::Taken => (
            409,
            "You have access already",
            "This address can sign in to the portal already. Sign in with your password, or ask for a sign-in link on the sign-in page.",
        ),
        LinkProblem::Unknown => (
            404,
            "This link is not valid",
            "Check that you copied the whole link from the message, or ask for a new one.",
        ),
    };
    PublicError::new(status, "link_not_usable", title, message)
}

fn staff_link_problem(problem: LinkProblem) -> PublicError {
    let (status, title) = match problem {
        LinkProblem::Used | LinkProblem::Taken => (410, "This link was used already"),
        LinkProblem::Expired => (410, "This link has expired"),
        LinkProblem::Ended => (403, "Your access has ended"),
        LinkProblem::Unknown => (404, "This link is not valid"),
    };
    PublicError::new(
        status,
        "link_not_usable",
        title,
        "Each link works once, for 7 days. Sign in with your password if you have set it, or ask an administrator for a new link.",
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    fn samples() -> Vec<AppError> {
        vec![
            AppError::Validation(ValidationErrors::single(
                "email",
                "invalid_email",
                "Not an email.",
            )),
            AppError::Refused(Refusal::NotFound),
            AppError::Refused(Refusal::Duplicate {
                field: "account_number",
            }),
            AppError::Refused(Refusal::UnknownReference {
                field: "organisation_id",
            }),
            AppError::Refused(Refusal::VersionMismatch { current: 4 }),
            AppError::Refused(Refusal::InUse("This hold was already released.")),
            AppError::Refused(Refusal::LastAdministrator),
            AppError::BadCredentials,
            AppError::Unauthenticated,
            AppError::Forbidden,
            AppError::TooManyAttempts {
                retry_after_seconds: 90,
            },
            AppError::Refused(Refusal::InvalidCursor),
            AppError::Refused(Refusal::InvalidSort),
            AppError::InvalidLimit,
            AppError::UnsupportedFilter("colour"),
            AppError::Refused(Refusal::InvalidFilter { field: "status" }),
            AppError::ExportNeedsEveryCategory {
                missing: "financial data".into(),
            },
            AppError::FilterOnHiddenField { hidden: "emails" },
            AppError::PortalLink(LinkProblem::Used),
            AppError::Refused(Refusal::TicketClosed),
            AppError::PasswordHashing,
            AppError::Configuration("secret key file /etc/custodian/key unreadable".into()),
            AppError::AuditUnavailable,
            AppError::ReasonRequired,
            AppError::ReturningSubject { field: "emails" },
            AppError::Restricted,
            AppError::Internal(StoreError::Corrupt("a row of tenant 7")),
        ]
    }

    #[test]
    fn every_error_has_a_status_a_stable_code_and_a_sentence() {
        for error in samples() {
            let public = error.public();
            assert!((400..600).contains(&public.status), "{error:?}");
            assert!(
                !public.code.is_empty()
                    && public
                        .code
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{error:?}"
            );
            assert!(
                public.message.ends_with('.'),
                "{error:?}: {}",
                public.message
            );
        }
    }

    #[test]
    fn conflicts_and_throttling_keep_their_status_on_every_channel() {
        assert_eq!(
            AppError::Refused(Refusal::Duplicate { field: "x" })
                .public()
                .status,
            409
        );
        assert_eq!(
            AppError::Refused(Refusal::VersionMismatch { current: 2 })
                .public()
                .status,
            412
        );
        let throttled = AppError::TooManyAttempts {
            retry_after_seconds: 90,
        }
        .public();
        assert_eq!((throttled.status, throttled.retry_after), (429, Some(90)));
    }

    #[test]
    fn a_server_failure_tells_the_client_nothing_of_its_cause() {
        for error in samples() {
            let public = error.public();
            if public.is_internal() && public.code == "internal" {
                assert_eq!(public.message, "Something went wrong on our side.");
            }
        }
        let public = AppError::Configuration("key file /etc/custodian/key".into()).public();
        assert!(!public.message.contains("/etc"));
    }
}
