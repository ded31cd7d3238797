//! Reading and setting the back office's and the portal's cookies.

use axum::http::{header, HeaderMap, HeaderValue};

pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// `Secure` is added to every cookie of a request that came over TLS
/// (directly or through a trusted proxy that says so), in one place:
/// `headers::security_headers`.
pub(crate) fn set_cookie(name: &str, value: &str, max_age_seconds: i64) -> HeaderValue {
    set_cookie_at(name, value, max_age_seconds, "/")
}

/// A cookie for the pages under `path` only (the portal keeps its own).
pub(crate) fn set_cookie_at(
    name: &str,
    value: &str,
    max_age_seconds: i64,
    path: &str,
) -> HeaderValue {
    let text =
        format!("{name}={value}; Path={path}; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}");
    HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static("invalid=1"))
}
