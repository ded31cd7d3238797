//! "Saved." after a form went through: a successful form post (a redirect)
//! leaves a short-lived cookie naming what happened — a fixed word, never
//! user content — and the next page shows the message once.

use axum::extract::Request;
use axum::http::header::{self, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

pub const FLASH_COOKIE: &str = "custodian_flash";

/// The message for a flash cookie's value.
pub fn message(value: &str) -> Option<&'static str> {
    match value {
        "saved" => Some("Saved."),
        "deleted" => Some("Deleted."),
        "added" => Some("Added to the timeline."),
        _ => None,
    }
}

fn outcome(path: &str) -> Option<&'static str> {
    if path == "/login" || path == "/logout" {
        None
    } else if path.ends_with("/delete") {
        Some("deleted")
    } else if path.ends_with("/activities") {
        Some("added")
    } else {
        Some("saved")
    }
}

fn cookie(value: &str, max_age: u32) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{FLASH_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}"
    ))
    .unwrap_or(HeaderValue::from_static("invalid=1"))
}

pub async fn flash_messages(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let had_flash = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains(FLASH_COOKIE));
    let mut response = next.run(request).await;
    let status = response.status();
    if method == Method::POST && status == StatusCode::SEE_OTHER {
        if let Some(outcome) = outcome(&path) {
            response
                .headers_mut()
                .append(header::SET_COOKIE, cookie(outcome, 60));
        }
    } else if method == Method::GET && status == StatusCode::OK && had_flash {
        // Shown on this page; not again.
        response
            .headers_mut()
            .append(header::SET_COOKIE, cookie("", 0));
    }
    response
}
