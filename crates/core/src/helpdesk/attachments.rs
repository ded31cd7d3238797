//! Files on a ticket: at most 10 MiB, and of a kind told by their content,
//! never by their name: PDF, PNG, JPEG, GIF, WebP or plain text. A file
//! whose name claims another kind than its content is refused as
//! disguised. They are kept in the database, so that deleting or erasing a
//! ticket takes them with it.

use crate::ids::{ContactId, TicketAttachmentId, TicketId, UserId};
use crate::time::Timestamp;
use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};

/// The largest file a ticket takes.
pub const ATTACHMENT_MAX_BYTES: usize = 10 * 1024 * 1024;

named_enum!(
    /// What a file is, by its content; the name is its media type.
    FileKind {
        Pdf => "application/pdf", "PDF document",
        Png => "image/png", "PNG image",
        Jpeg => "image/jpeg", "JPEG image",
        Gif => "image/gif", "GIF image",
        Webp => "image/webp", "WebP image",
        Text => "text/plain", "Text",
    }
);

impl FileKind {
    /// The file name endings that belong to this kind.
    fn endings(self) -> &'static [&'static str] {
        match self {
            FileKind::Pdf => &["pdf"],
            FileKind::Png => &["png"],
            FileKind::Jpeg => &["jpg", "jpeg"],
            FileKind::Gif => &["gif"],
            FileKind::Webp => &["webp"],
            FileKind::Text => &["txt", "log", "csv", "text", "md"],
        }
    }
}

/// The kind of a file by its first bytes; text is UTF-8 without control
/// characters other than tabs, line and page breaks.
pub fn detect(bytes: &[u8]) -> Option<FileKind> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"%PDF-") {
        Some(FileKind::Pdf)
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        Some(FileKind::Png)
    } else if starts(&[0xFF, 0xD8, 0xFF]) {
        Some(FileKind::Jpeg)
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Some(FileKind::Gif)
    } else if bytes.len() >= 12 && starts(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(FileKind::Webp)
    } else {
        let text = std::str::from_utf8(bytes).ok()?;
        text.chars()
            .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
            .then_some(FileKind::Text)
    }
}

/// A file name as kept: the last part of a path, without control
/// characters, at most 200 characters; "attachment" when nothing is left.
fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last.chars().filter(|c| !c.is_control()).take(200).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "attachment".into()
    } else {
        cleaned
    }
}

/// Checks an upload: its size, its kind by content, and that its name
/// does not claim another kind. The cleaned name and the kind.
pub fn check_upload(file_name: &str, bytes: &[u8]) -> Result<(String, FileKind), ValidationErrors> {
    if bytes.is_empty() {
        return Err(ValidationErrors::single(
            "file",
            "empty_file",
            "The file is empty.",
        ));
    }
    if bytes.len() > ATTACHMENT_MAX_BYTES {
        return Err(ValidationErrors::single(
            "file",
            "too_large",
            "The file is larger than 10 MiB.",
        ));
    }
    let Some(kind) = detect(bytes) else {
        return Err(ValidationErrors::single(
            "file",
            "unsupported_type",
            "Attach a PDF, an image (PNG, JPEG, GIF, WebP) or a text file; this file's content is none of them.",
        ));
    };
    let name = clean_name(file_name);
    let ending = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_lowercase())
        .unwrap_or_default();
    let claims_other = FileKind::ALL
        .iter()
        .any(|other| *other != kind && other.endings().contains(&ending.as_str()));
    let executable = [
        "exe", "bat", "cmd", "com", "scr", "js", "vbs", "ps1", "sh", "html", "htm", "svg",
    ]
    .contains(&ending.as_str());
    if claims_other || executable {
        return Err(ValidationErrors::single(
            "file",
            "disguised_file",
            format!(
                "The file is named .{ending} but its content is a {}; rename it or attach the right file.",
                kind.label()
            ),
        ));
    }
    Ok((name, kind))
}

/// A file on a ticket, without its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketAttachment {
    pub id: TicketAttachmentId,
    pub ticket_id: TicketId,
    pub file_name: String,
    /// The media type, told by the content.
    pub content_type: String,
    pub size_bytes: i64,
    pub uploaded_by_user: Option<UserId>,
    pub uploaded_by_contact: Option<ContactId>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    /// Fields hidden from this reader (need-to-know).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub masked_fields: Vec<&'static str>,
    /// Of `masked_fields`, those a stated reason (`X-Access-Reason`) shows.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub reason_required_fields: Vec<&'static str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_told_by_their_content() {
        assert_eq!(detect(b"%PDF-1.7\n..."), Some(FileKind::Pdf));
        assert_eq!(detect(b"\x89PNG\r\n\x1a\n\0\0"), Some(FileKind::Png));
        assert_eq!(
            detect("Grüße, error E-23\n".as_bytes()),
            Some(FileKind::Text)
        );
        assert_eq!(detect(b"MZ\x90\0\x03\0\0\0"), None, "a Windows program");
        assert_eq!(detect(b"\x7fELF\x02\x01"), None);
    }

    #[test]
    fn a_name_that_claims_another_kind_is_refused() {
        let pdf = b"%PDF-1.4 invoice";
        assert_eq!(
            check_upload("../../invoice.pdf", pdf).unwrap(),
            ("invoice.pdf".into(), FileKind::Pdf)
        );
        let refused = check_upload("photo.png", pdf).unwrap_err();
        assert_eq!(refused.for_field("file").unwrap().code, "disguised_file");
        let script = check_upload("notes.html", b"<script>alert(1)</script>").unwrap_err();
        assert_eq!(script.for_field("file").unwrap().code, "disguised_file");
        let program = check_upload("invoice.pdf", b"MZ\x90\0").unwrap_err();
        assert_eq!(program.for_field("file").unwrap().code, "unsupported_type");
        assert_eq!(
            check_upload("a.txt", b"")
                .unwrap_err()
                .for_field("file")
                .unwrap()
                .code,
            "empty_file"
        );
        let big = vec![b'a'; ATTACHMENT_MAX_BYTES + 1];
        assert_eq!(
            check_upload("a.txt", &big)
                .unwrap_err()
                .for_field("file")
                .unwrap()
                .code,
            "too_large"
        );
    }
}
