//! RFC 9457 problem+json: the one mapping from app errors to HTTP answers,
//! with a stable machine `code` per kind of problem.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use custodian_app::{AppError, PublicError};
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

/// The public answer to an app error, for any channel; a server-side
/// failure is logged here, once, with its causes.
pub fn public(error: &AppError) -> PublicError {
    let public = error.public();
    if public.is_internal() {
        tracing::error!(error = %custodian_app::with_causes(error), code = public.code, "internal error");
    }
    public
}

impl From<AppError> for Problem {
    fn from(error: AppError) -> Problem {
        let public = public(&error);
        let status =
            StatusCode::from_u16(public.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut problem = Problem::new(status, public.code, public.message);
        problem.errors = public.errors;
        problem.retry_after = public.retry_after;
        problem
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
        match retry_after {
            Some(seconds) => with_retry_after(response, seconds),
            None => response,
        }
    }
}

/// A throttled answer (API, back office or portal), with the seconds to
/// wait in `Retry-After`.
pub(crate) fn with_retry_after(mut response: Response, retry_after_seconds: u64) -> Response {
    if let Ok(value) = HeaderValue::from_str(&retry_after_seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
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
