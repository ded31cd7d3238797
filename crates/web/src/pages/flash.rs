//! "Saved." after a form went through: a successful form post (a redirect)
//! leaves a short-lived cookie naming what happened — a fixed word, never
//! user content — and the next page shows the message once.

use super::cookies::set_cookie;
use axum::extract::Request;
use axum::http::header;
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
    if path == "/login" || path == "/logout" || path.starts_with("/access-reason") {
        None
    } else if path.ends_with("/delete") {
        Some("deleted")
    } else if path.ends_with("/activities") {
        Some("added")
    } else {
        Some("saved")
    }
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
    // A post sent after the session ended is also answered with a redirect,
    // to the login page; nothing was saved then.
    let to_login = response
        .headers()
        .get(header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .is_some_and(|l| l == "/login" || l.starts_with("/login?"));
    if method == Method::POST && status == StatusCode::SEE_OTHER && !to_login {
        if let Some(outcome) = outcome(&path) {
            response
                .headers_mut()
                .append(header::SET_COOKIE, set_cookie(FLASH_COOKIE, outcome, 60));
        }
    } else if method == Method::GET && status == StatusCode::OK && had_flash {
        // Shown on this page; not again.
        response
            .headers_mut()
            .append(header::SET_COOKIE, set_cookie(FLASH_COOKIE, "", 0));
    }
    response
}
