//! The plain page that says what went wrong: an app error with the status
//! and message the API would answer (`AppError::public`), or a message.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use custodian_app::AppError;

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An app error as a page, with the status and message the API would
/// answer.
pub fn error_page(error: AppError) -> Response {
    let public = crate::problem::public(&error);
    let status = StatusCode::from_u16(public.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    message_page(status, &public.message)
}

/// A plain page saying what went wrong, with the status as its title.
pub fn message_page(status: StatusCode, message: &str) -> Response {
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{0}</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head><body><main><h1>{0}</h1><p>{1}</p><p><a href=\"/\">Back to Custodian</a></p></main></body></html>",
        status.canonical_reason().unwrap_or("Error"),
        escape(message)
    );
    (status, Html(body)).into_response()
}
