//! Which columns a subject's export carries, read from the catalog. An
//! access export (Art. 15) carries every column the catalog marks
//! exported; a portability export (Art. 20) only what the subject provided
//! under consent or contract: the exported columns of the categories that
//! the tenant's consent and contract purposes use, without free text
//! (notes staff wrote about the subject) and online identifiers (observed,
//! not provided). Keys and times of the subject's records come along in
//! both, so rows can be told apart.

use crate::catalog::{self, Category, ColumnClass};
use crate::time::Timestamp;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    Access,
    Portability,
}

impl ExportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ExportKind::Access => "access",
            ExportKind::Portability => "portability",
        }
    }
}

/// The format name and version every file of an export names; a change
/// that renames or drops a field raises the version.
pub const EXPORT_FORMAT: &str = "custodian-subject-export";
pub const EXPORT_VERSION: u32 = 1;

/// The categories a portability export may carry, given the categories the
/// tenant's consent and contract purposes use.
pub fn portable_categories(consent_and_contract: &[Category]) -> Vec<Category> {
    consent_and_contract
        .iter()
        .copied()
        .filter(|c| {
            !matches!(
                c,
                Category::None
                    | Category::FreeText
                    | Category::OnlineIdentifier
                    | Category::Credential
            )
        })
        .collect()
}

/// The columns of `table` an export of `kind` carries, in catalog order.
/// `portable` is only read for portability.
pub fn export_columns(
    table: &str,
    kind: ExportKind,
    portable: &[Category],
) -> Vec<&'static ColumnClass> {
    catalog::table(table)
        .filter(|c| c.exported)
        .filter(|c| match kind {
            ExportKind::Access => true,
            ExportKind::Portability => {
                c.category == Category::None || portable.contains(&c.category)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_carries_every_exported_column_and_no_secret() {
        let columns = export_columns("contacts", ExportKind::Access, &[]);
        let names: Vec<&str> = columns.iter().map(|c| c.column).collect();
        assert!(names.contains(&"first_name") && names.contains(&"emails"));
        assert!(!names.contains(&"sort_name"), "derived, not exported");
        assert!(export_columns("users", ExportKind::Access, &[])
            .iter()
            .all(|c| c.category != Category::Credential));
    }

    #[test]
    fn portability_carries_what_the_subject_provided() {
        let portable =
            portable_categories(&[Category::Identifier, Category::Contact, Category::FreeText]);
        assert_eq!(portable, [Category::Identifier, Category::Contact]);
        let contact: Vec<&str> = export_columns("contacts", ExportKind::Portability, &portable)
            .iter()
            .map(|c| c.column)
            .collect();
        assert!(contact.contains(&"first_name") && contact.contains(&"phones"));
        assert!(
            !contact.contains(&"position"),
            "professional is not among the purposes'"
        );
        let activity: Vec<&str> = export_columns("activities", ExportKind::Portability, &portable)
            .iter()
            .map(|c| c.column)
            .collect();
        assert!(
            !activity.contains(&"body"),
            "staff's notes are not provided by the subject"
        );
        assert!(activity.contains(&"activity_id"));
    }
}

/// How often one person (or program) in the tenant read or changed the
/// subject's records, and when first and last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessSummary {
    pub actor_kind: String,
    /// The user, or the owner of the API token; None for the system.
    pub actor_name: Option<String>,
    pub action: String,
    pub count: i64,
    pub first: Timestamp,
    pub last: Timestamp,
}
