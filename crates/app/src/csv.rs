//! CSV cells as spreadsheets read them safely: the audit trail's export
//! and a subject's export share them.

/// Quotes a cell, and defuses text a spreadsheet would run as a formula
/// (a user agent is whatever the client sent).
pub fn csv_cell(value: &str) -> String {
    let defused = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if defused.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}
