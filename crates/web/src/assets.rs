//! The stylesheet and script, served from the binary under names that
//! carry a hash of their content (`/static/app.3f2a….css`), so browsers
//! may keep them for a year and still never run a stale copy after an
//! upgrade. The plain names stay for old links, revalidated each time.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::OnceLock;

const CSS: &str = include_str!("../static/app.css");
const JS: &str = include_str!("../static/app.js");

/// FNV-1a, 64 bits: enough to tell two versions of a file apart.
fn fingerprint(content: &str) -> String {
    let hash = content
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
        });
    format!("{hash:016x}")
}

fn names() -> &'static (String, String) {
    static NAMES: OnceLock<(String, String)> = OnceLock::new();
    NAMES.get_or_init(|| {
        (
            format!("app.{}.css", fingerprint(CSS)),
            format!("app.{}.js", fingerprint(JS)),
        )
    })
}

/// Where pages link the stylesheet.
pub fn css_href() -> String {
    format!("/static/{}", names().0)
}

/// Where pages load the script.
pub fn js_href() -> String {
    format!("/static/{}", names().1)
}

/// `/static/{file}`: the fingerprinted names for a year, the plain ones
/// revalidated on every use.
pub async fn serve(Path(file): Path<String>) -> Response {
    let (css, js) = names();
    let (content_type, body, cache) = match file.as_str() {
        name if name == css => ("text/css", CSS, "public, max-age=31536000, immutable"),
        name if name == js => ("text/javascript", JS, "public, max-age=31536000, immutable"),
        "app.css" => ("text/css", CSS, "no-cache"),
        "app.js" => ("text/javascript", JS, "no-cache"),
        _ => return (StatusCode::NOT_FOUND, [(header::CACHE_CONTROL, "no-store")]).into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, cache),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_names_change_with_the_content() {
        assert_ne!(
            fingerprint("a { color: red }"),
            fingerprint("a { color: blue }")
        );
        assert!(css_href().starts_with("/static/app.") && css_href().ends_with(".css"));
        assert_eq!(css_href(), css_href());
    }
}
