//! Text comes in through the path and query, page forms, JSON bodies and
//! headers. A NUL character in any of it is refused with a 400 naming the
//! problem before a handler sees it: no person types one, PostgreSQL cannot
//! store one (it answered 500), and SQLite would store what the other
//! backend refuses. Headers never carry one (HTTP/1 parsing refuses control
//! characters); JSON bodies are checked where they are parsed
//! (`api::extract::ApiJson`); uploaded files are bytes, and their names are
//! cleaned of control characters.

use crate::problem::Problem;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The most a page form may send; the same as axum's own limit for forms.
const FORM_LIMIT: usize = 2 * 1024 * 1024;

pub const NUL_DETAIL: &str =
    "The request contains a NUL character (%00 or \\u0000), which no text field accepts.";

pub async fn refuse_nul(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let api = parts.uri.path().starts_with("/api/");
    if encodes_nul(parts.uri.path().as_bytes())
        || parts.uri.query().is_some_and(|q| encodes_nul(q.as_bytes()))
    {
        return refusal(api);
    }
    let form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    if !form || api {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let bytes = match axum::body::to_bytes(body, FORM_LIMIT).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return (
                StatusCode::PAYLOAD_TOO_LARGE,
                "The form is larger than this server accepts.",
            )
                .into_response()
        }
    };
    if encodes_nul(&bytes) {
        return refusal(api);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// A raw NUL byte, or `%00` in URL encoding.
fn encodes_nul(raw: &[u8]) -> bool {
    raw.contains(&0)
        || raw
            .windows(3)
            .any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0')
}

fn refusal(api: bool) -> Response {
    if api {
        Problem::new(StatusCode::BAD_REQUEST, "nul_character", NUL_DETAIL).into_response()
    } else {
        crate::pages::bad_request(NUL_DETAIL)
    }
}

/// Whether a parsed JSON value holds a NUL in any string or key.
pub fn json_has_nul(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::String(text) => text.contains('\0'),
        serde_json::Value::Array(items) => items.iter().any(json_has_nul),
        serde_json::Value::Object(map) => map
            .iter()
            .any(|(key, value)| key.contains('\0') || json_has_nul(value)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_is_found_however_it_is_written() {
        assert!(encodes_nul(b"q=%00"));
        assert!(encodes_nul(b"email=a%00b@c.example&x=1"));
        assert!(encodes_nul(b"a\0b"));
        assert!(!encodes_nul(b"q=100%25&n=%2000"));
        assert!(json_has_nul(&serde_json::json!({"a": ["x", "b\u{0}"]})));
        assert!(json_has_nul(&serde_json::json!({"k\u{0}": 1})));
        assert!(!json_has_nul(&serde_json::json!({"a": "\\u0000"})));
    }
}
