//! How a subject export names its tables and writes a stored value as
//! text: shared by the data files (`export.rs`) and the readable summary
//! (`summary.rs`).

use serde_json::Value;

/// What one table's file is called and says it holds.
pub(crate) fn table_label(table: &str) -> &'static str {
    match table {
        "contacts" => "Your contact record",
        "activities" => "Calls, meetings, emails and notes about you",
        "activity_contacts" => "Which activities concern you",
        "assets" => "Products you are responsible for",
        "subject_requests" => "Your requests about your data",
        "subject_request_events" => "Steps taken on your requests",
        "consent_events" => "Your consents and their withdrawals",
        "tickets" => "Support tickets you raised",
        "ticket_messages" => "Replies and notes on your tickets, and what you wrote",
        _ => "Other records",
    }
}

pub(crate) fn cell_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
