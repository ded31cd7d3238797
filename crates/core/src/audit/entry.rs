//! An entry of the audit trail as read back: who did what to which
//! record, when and from where.

use crate::time::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    pub audit_id: i64,
    pub occurred_at: Timestamp,
    pub actor_kind: String,
    pub actor_id: i64,
    pub action: String,
    pub record_type: String,
    pub record_id: i64,
    pub fields: Vec<String>,
    /// The acting user's display name; for an API token, its owner's.
    pub actor_name: Option<String>,
    /// The acting user; for an API token, its owner.
    pub actor_user_id: Option<i64>,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
    pub reason: Option<String>,
    /// For a list: the records it showed (then `record_id` is 0).
    pub record_ids: Vec<i64>,
}
