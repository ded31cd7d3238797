//! Files handed to the browser to save (a subject's export, a certificate):
//! one attachment answer for the API and the pages. Caching is already
//! forbidden for every answer but static files (headers.rs).

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

/// `bytes` as a download named `file_name` (ASCII, chosen by us).
pub(crate) fn attachment(content_type: &'static str, file_name: &str, bytes: Vec<u8>) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
