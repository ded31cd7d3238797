//! Just enough of `multipart/form-data` (RFC 7578) for the forms that
//! upload a file: the parts, each with its field name, file name and bytes.
//! Written here rather than taken from a crate: the forms are ours, the
//! body is bounded by the route's limit, and anything unexpected is None.

/// One part of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub data: Vec<u8>,
}

impl Part {
    /// The part's bytes as text (form fields such as the CSRF token).
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }
}

/// An upload form as the ticket pages send it: its token, its file and its
/// other fields (as text, in order).
pub(crate) struct UploadForm {
    pub csrf: String,
    pub file: Option<Part>,
    pub fields: Vec<(String, String)>,
}

impl UploadForm {
    /// The form's text fields as a typed form struct, as `CsrfForm` reads
    /// a plain form; `None` when they do not fit it.
    pub(crate) fn fields_as<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        let encoded = serde_urlencoded::to_string(&self.fields).ok()?;
        serde_html_form::from_str(&encoded).ok()
    }
}

/// The upload form of a request; an empty one when it is not a form (its
/// token then fails the CSRF check, which answers for it).
pub(crate) fn upload_form(headers: &axum::http::HeaderMap, body: &[u8]) -> UploadForm {
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // A form without a file may come plainly encoded (a script, a test).
    if content_type.split(';').next().is_some_and(|kind| {
        kind.trim()
            .eq_ignore_ascii_case("application/x-www-form-urlencoded")
    }) {
        let mut fields: Vec<(String, String)> =
            serde_urlencoded::from_bytes(body).unwrap_or_default();
        let csrf = fields
            .iter()
            .position(|(name, _)| name == "_csrf")
            .map(|i| fields.remove(i).1)
            .unwrap_or_default();
        return UploadForm {
            csrf,
            file: None,
            fields,
        };
    }
    let mut parts = parse(content_type, body).unwrap_or_default();
    let csrf = parts
        .iter()
        .find(|p| p.name == "_csrf")
        .map(Part::text)
        .unwrap_or_default();
    let file = parts
        .iter()
        .position(|p| p.name == "file")
        .map(|i| parts.swap_remove(i))
        .filter(|f| !f.data.is_empty() || f.file_name.as_deref().is_some_and(|n| !n.is_empty()));
    let fields = parts
        .iter()
        .filter(|p| p.file_name.is_none() && p.name != "_csrf")
        .map(|p| (p.name.clone(), p.text()))
        .collect();
    UploadForm { csrf, file, fields }
}

fn boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (key, value) = p.trim().split_once('=')?;
        key.eq_ignore_ascii_case("boundary")
            .then(|| value.trim_matches('"').to_string())
            .filter(|b| !b.is_empty() && b.len() <= 200)
    })
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    (from..=haystack.len() - needle.len()).find(|&i| &haystack[i..i + needle.len()] == needle)
}

/// A quoted parameter of a Content-Disposition header, e.g. `name="file"`.
fn parameter(header: &str, key: &str) -> Option<String> {
    let lower = header.to_ascii_lowercase();
    let at = lower.find(&format!("{key}=\""))? + key.len() + 2;
    let end = header[at..].find('"')? + at;
    Some(header[at..end].to_string())
}

/// The parts of a body, or None when it is not a well-formed form.
pub(crate) fn parse(content_type: &str, body: &[u8]) -> Option<Vec<Part>> {
    let delimiter = format!("--{}", boundary(content_type)?);
    let delimiter = delimiter.as_bytes();
    let mut parts = Vec::new();
    let mut at = find(body, delimiter, 0)? + delimiter.len();
    loop {
        if body.get(at..at + 2) == Some(b"--") {
            return Some(parts);
        }
        // After a delimiter: CRLF, headers, a blank line, the data.
        let start = at
            .checked_add(2)
            .filter(|s| body.get(at..*s) == Some(b"\r\n"))?;
        let headers_end = find(body, b"\r\n\r\n", start)?;
        let headers = std::str::from_utf8(&body[start..headers_end]).ok()?;
        let data_start = headers_end + 4;
        let mut closing = b"\r\n".to_vec();
        closing.extend_from_slice(delimiter);
        let data_end = find(body, &closing, data_start)?;
        let disposition = headers
            .split("\r\n")
            .find(|h| h.to_ascii_lowercase().starts_with("content-disposition:"))?;
        parts.push(Part {
            name: parameter(disposition, "name")?,
            file_name: parameter(disposition, "filename"),
            data: body[data_start..data_end].to_vec(),
        });
        at = data_end + closing.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browsers_form_is_read() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"log.txt\"\r\nContent-Type: text/plain\r\n\r\nline 1\r\nline 2\r\n--XyZ--\r\n";
        let parts = parse("multipart/form-data; boundary=XyZ", body).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].text(), "abc");
        assert_eq!(parts[1].file_name.as_deref(), Some("log.txt"));
        assert_eq!(parts[1].data, b"line 1\r\nline 2");
    }

    #[test]
    fn anything_else_is_refused() {
        assert_eq!(parse("application/json", b"{}"), None);
        assert_eq!(
            parse(
                "multipart/form-data; boundary=XyZ",
                b"--XyZ\r\nno headers end"
            ),
            None
        );
        assert_eq!(parse("multipart/form-data", b"--\r\n"), None);
    }
}
