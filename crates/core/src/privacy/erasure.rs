//! What erasing a data subject does to each table, read from the catalog's
//! erasure strategies, and the certificate that says what was done. The
//! certificate names tables, columns and row counts, never a value.

use crate::catalog::{self, Category, Erasure, Subject};
use crate::{SubjectRequestId, UserId};
use serde::{Deserialize, Serialize};

/// What erasure does to the subject's rows of one table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableErasure {
    /// A personal column says the row goes: the whole row is deleted.
    pub delete_rows: bool,
    /// Columns that become NULL.
    pub set_null: Vec<&'static str>,
    /// Free text from which the subject's identifiers are redacted.
    pub redact: Vec<&'static str>,
    /// Other columns replaced by a pseudonym.
    pub pseudonymise: Vec<&'static str>,
    /// Columns kept under a legal hold (the rest of the row is still erased).
    pub held: Vec<&'static str>,
}

impl TableErasure {
    pub fn is_empty(&self) -> bool {
        !self.delete_rows
            && self.set_null.is_empty()
            && self.redact.is_empty()
            && self.pseudonymise.is_empty()
            && self.held.is_empty()
    }

    /// Columns the erasure writes (not deletes, not keeps).
    pub fn changed_columns(&self) -> Vec<&'static str> {
        let mut columns = self.set_null.clone();
        columns.extend(&self.redact);
        columns.extend(&self.pseudonymise);
        columns
    }
}

/// The catalog's strategies for the contact's personal columns of `table`.
pub fn table_erasure(table: &str) -> TableErasure {
    let mut erasure = TableErasure::default();
    for column in catalog::table(table).filter(|c| c.subject == Subject::Contact) {
        match column.erasure {
            Erasure::Keep => {}
            Erasure::DeleteRow => erasure.delete_rows = true,
            Erasure::SetNull => erasure.set_null.push(column.column),
            Erasure::Pseudonymise if column.category == Category::FreeText => {
                erasure.redact.push(column.column)
            }
            Erasure::Pseudonymise => erasure.pseudonymise.push(column.column),
            Erasure::LegalHold => erasure.held.push(column.column),
        }
    }
    erasure
}

/// What happens, or happened, to one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TableOutcome {
    pub table: String,
    /// deleted, updated, kept, or mentioned: rows that are not the
    /// subject's but whose text names them (their whole name, an email or
    /// a phone number), redacted there.
    pub action: String,
    pub rows: u64,
    /// The columns written (updated, mentioned) or kept under legal hold
    /// (kept).
    pub columns: Vec<String>,
    /// For mentioned: the records the mentions are on, as the audit trail
    /// names them (an activity, a ticket message, a request).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<i64>,
}

/// What `action` says of rows that mention the subject.
pub const MENTIONED: &str = "mentioned";

/// Proof of an erasure, without personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErasureCertificate {
    pub format: String,
    pub request_id: SubjectRequestId,
    /// RFC 3339, UTC.
    pub issued_at: String,
    /// The staff user who erased.
    pub issued_by: UserId,
    /// How many contact records the subject had.
    pub contact_records: u64,
    pub tables: Vec<TableOutcome>,
    /// Keyed hashes of emails and phone numbers kept so that the person is
    /// recognised if they are entered again.
    pub suppression_entries: u64,
    /// What was checked before the commit: that no row of the subject is
    /// left outside the legal hold and no text they were in still names
    /// them.
    pub verification: String,
    /// What was done beyond the rows: search index, write-ahead log, old
    /// row versions.
    pub storage: Vec<String>,
    /// How long the erasure took, in milliseconds.
    pub duration_ms: u64,
}

pub const CERTIFICATE_FORMAT: &str = "custodian-erasure-certificate/1";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strategies_come_from_the_catalog() {
        assert!(table_erasure("contacts").delete_rows);
        let activities = table_erasure("activities");
        assert!(!activities.delete_rows);
        assert_eq!(activities.redact, ["subject", "body"]);
        assert_eq!(table_erasure("assets").set_null, ["contact_id"]);
        let requests = table_erasure("subject_requests");
        assert_eq!(requests.held, ["subject_name", "subject_email"]);
        assert_eq!(
            requests.redact,
            ["extension_reason", "details", "identity_method", "outcome"]
        );
        assert!(table_erasure("organisations").is_empty());
    }
}
