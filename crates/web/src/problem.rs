//! RFC 9457 problem+json: the one mapping from app errors to HTTP answers,
//! with a stable machine `code` per kind of problem.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use custodian_app::AppError;
use custodian_core::FieldError;
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the problem type.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// Stable machine code, e.g. `validation_failed`, `not_found`.
    pub code: &'static str,
    pub detail: String,
    /// For validation problems: each field and what is wrong with it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    #[serde(skip)]
    pub retry_after: Option<u64>,
}

impl Problem {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Problem {
        Problem {
            kind: format!("https://custodian.example/problems/{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            code,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    pub fn field(status: StatusCode, code: &'static str, field: &str, message: String) -> Problem {
        let mut problem = Problem::new(status, code, message.clone());
        problem.errors.push(FieldError {
            field: field.to_string(),
            code,
            message,
        });
        problem
    }
}

impl From<AppError> for Problem {
    fn from(error: AppError) -> Problem {
        match error {
            AppError::Validation(errors) => {
                let mut p = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", errors.to_string());
                p.errors = errors.0;
                p
            }
            AppError::NotFound => Problem::new(StatusCode::NOT_FOUND, "not_found", "No such record."),
            AppError::Duplicate { field } => Problem::field(StatusCode::CONFLICT, "duplicate", field, format!("This {field} is already in use.")),
            AppError::UnknownReference { field } => Problem::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_reference",
                field,
                format!("{field} refers to a record that does not exist."),
            ),
            AppError::VersionMismatch { current } => Problem::new(
                StatusCode::PRECONDITION_FAILED,
                "version_mismatch",
                format!("The record was changed by someone else; it is now at version {current}. Reload it and apply your change again."),
            ),
            AppError::InUse(message) => Problem::new(StatusCode::CONFLICT, "in_use", message),
            AppError::LastAdministrator => Problem::field(
                StatusCode::CONFLICT,
                "last_administrator",
                "roles",
                "This would leave the tenant without an administrator; make someone else administrator first.".into(),
            ),
            AppError::BadCredentials => Problem::new(StatusCode::UNAUTHORIZED, "bad_credentials", "The email, password or two-factor code is wrong."),
            AppError::Unauthenticated => Problem::new(StatusCode::UNAUTHORIZED, "unauthenticated", "Send a valid API token as 'Authorization: Bearer …'."),
            AppError::Forbidden => Problem::new(StatusCode::FORBIDDEN, "forbidden", "Your role does not allow this."),
            AppError::ReasonRequired => Problem::field(StatusCode::UNPROCESSABLE_ENTITY, "reason_required", "reason", "State why you need this data, in at least 3 characters (X-Access-Reason header, or the reason field on the page).".into()),
            AppError::TooManyAttempts { retry_after_seconds } => {
                let mut p = Problem::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", format!("Too many attempts; try again in {retry_after_seconds} seconds."));
                p.retry_after = Some(retry_after_seconds);
                p
            }
            AppError::InvalidCursor => Problem::field(StatusCode::BAD_REQUEST, "invalid_cursor", "cursor", "The cursor is not valid for this list; start from the first page.".into()),
            AppError::InvalidSort => Problem::field(StatusCode::BAD_REQUEST, "invalid_sort", "sort", "This list cannot be sorted by that field.".into()),
            AppError::InvalidLimit => Problem::field(StatusCode::BAD_REQUEST, "invalid_limit", "limit", "A page holds 1 to 200 records.".into()),
            AppError::UnsupportedFilter(parameter) => Problem::field(StatusCode::BAD_REQUEST, "unsupported_filter", parameter, format!("This list cannot be filtered by {parameter}; the reference names the filters of each list.")),
            AppError::ExportNeedsEveryCategory { missing } => Problem::new(StatusCode::FORBIDDEN, "export_needs_every_category", format!("An export answers a data-subject request with everything kept about the person, and your roles do not see {missing}; the data protection officer (or a role granted every category) makes it.")),
            AppError::FilterOnHiddenField { hidden } => Problem::field(StatusCode::FORBIDDEN, "filter_on_hidden_field", "q", format!("This filter searches {hidden}, which your role does not see: its answer would tell what is hidden. Filter by what you see, or state a reason for access if the field is sensitive.")),
            AppError::InvalidFilter { field } => Problem::field(StatusCode::BAD_REQUEST, "invalid_filter", field, format!("{field} is not a value this filter knows; the reference lists them.")),
            AppError::PortalLink(problem) => Problem::new(
                StatusCode::GONE,
                "link_not_usable",
                format!("The link cannot be used ({problem:?}); ask for a new one."),
            ),
            AppError::TicketClosed => Problem::new(
                StatusCode::CONFLICT,
                "ticket_closed",
                "The ticket is closed and takes no reply or note; reopen it (set its status to open) first.",
            ),
            AppError::ReturningSubject { field } => Problem::field(
                StatusCode::CONFLICT,
                "previously_erased",
                field,
                "One of these belongs to a person who was erased at their request. Create the record only if they came back of their own accord (a new contract or consent): send X-Returning-Subject: confirmed.".into(),
            ),
            AppError::Restricted => Problem::new(
                StatusCode::CONFLICT,
                "restricted",
                "Processing of this person's data is restricted at their request (Art. 18): only the data protection officer can change their records.",
            ),
            AppError::AuditUnavailable => Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "audit_unavailable",
                "Personal data cannot be shown while its reading cannot be recorded; try again shortly.",
            ),
            AppError::PasswordHashing | AppError::Configuration(_) | AppError::Internal(_) | AppError::Export(_) => {
                tracing::error!(error = ?custodian_app::with_causes(&error), "internal error");
                Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "Something went wrong on our side.")
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.retry_after;
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(seconds) = retry_after {
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}

/// Every error the API answers is problem+json, including those the
/// framework makes before a handler runs (a body over the limit, a method
/// the route does not take, an address the API does not have): an answer
/// of 400 or more under /api/ that is not yet a problem becomes one, with
/// the framework's own text as its detail.
pub async fn api_errors_as_problems(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    if !api || status.as_u16() < 400 {
        return response;
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if content_type.starts_with("application/problem+json") {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let said = if content_type.starts_with("text/plain") {
        axum::body::to_bytes(body, 4096)
            .await
            .ok()
            .map(|b| String::from_utf8_lossy(&b).trim().to_string())
            .filter(|t| !t.is_empty())
    } else {
        None
    };
    let (code, detail): (&'static str, String) = match status {
        StatusCode::NOT_FOUND => (
            "not_found",
            "The API has no such address; the reference at /api/v1/docs lists them.".into(),
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "This address does not take that method; the Allow header names those it takes.".into(),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "payload_too_large",
            said.unwrap_or_else(|| "The body is larger than this operation accepts.".into()),
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            said.unwrap_or_else(|| {
                "Send the body with the Content-Type this operation takes.".into()
            }),
        ),
        StatusCode::LENGTH_REQUIRED => ("length_required", "Send a Content-Length.".into()),
        s if s.is_server_error() => {
            // The framework's text may name internals: logged, not sent.
            tracing::error!(status = s.as_u16(), detail = ?said, "an error answer without a problem");
            ("internal", "Something went wrong on our side.".into())
        }
        StatusCode::UNPROCESSABLE_ENTITY => (
            "invalid_body",
            said.unwrap_or_else(|| "The request could not be read.".into()),
        ),
        _ => (
            "bad_request",
            said.unwrap_or_else(|| "The request could not be read.".into()),
        ),
    };
    let problem = Problem::new(status, code, detail).into_response();
    let (problem_parts, problem_body) = problem.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    for (name, value) in problem_parts.headers.iter() {
        parts.headers.insert(name, value.clone());
    }
    Response::from_parts(parts, problem_body)
}
