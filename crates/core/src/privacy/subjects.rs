//! Finding the subject: the contact records that may be one person's,
//! why each was found, and what hangs off it, for staff to confirm before
//! anything is exported or erased.

use crate::ContactId;
use serde::Serialize;

/// Records of one contact, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordCounts {
    pub activities: i64,
    pub assets: i64,
    pub requests: i64,
    /// Tickets the contact raised.
    pub tickets: i64,
}

/// One contact record that may be the subject's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubjectCandidate {
    pub contact_id: ContactId,
    pub name: String,
    pub organisation_name: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    /// Why it was found: `request_contact` (the record the request names),
    /// `confirmed`, `email` or `phone` (shares one with the subject).
    pub matched_by: Vec<&'static str>,
    pub records: RecordCounts,
    /// Staff confirmed it as the subject's.
    pub confirmed: bool,
    /// Processing of it is restricted (Art. 18).
    pub restricted: bool,
}
