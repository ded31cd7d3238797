//! When a request may be carried out: an export answers an access or
//! portability request once the subject's identity is verified; an erasure
//! answers an open erasure request, once identity is verified, the records
//! are confirmed, and the person erasing has said yes to what a legal hold
//! keeps.

use super::erasure::TableOutcome;
use super::export::ExportKind;
use crate::privacy::requests::{RequestState, RequestType, SubjectRequest};
use crate::ContactId;
use crate::ValidationErrors;
use serde::Deserialize;

/// The contact records staff confirm as the subject's.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubjectsInput {
    pub contact_ids: Vec<ContactId>,
}

/// The yes of the person erasing.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ErasureConfirmation {
    /// Must be true: erasure cannot be undone.
    #[serde(default)]
    pub confirm: bool,
    /// Must be true when the plan keeps something under a legal hold: the
    /// person erasing states that they know what stays.
    #[serde(default)]
    pub keep_under_legal_hold: bool,
}

/// Restricting one contact's processing (Art. 18), or lifting it.
#[derive(Debug, Clone, Copy, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RestrictionInput {
    pub restricted: bool,
}

/// What the subject objects to.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ObjectionInput {
    /// true: to direct marketing, which is carried out at once. Other
    /// objections are decided by completing or refusing the request with
    /// a note.
    pub direct_marketing: bool,
}

/// At most this many contact records make up one subject.
pub const MOST_SUBJECT_RECORDS: usize = 50;

fn refuse(field: &str, code: &'static str, message: impl Into<String>) -> ValidationErrors {
    ValidationErrors::single(field, code, message)
}

fn identity_checked(request: &SubjectRequest) -> Result<(), ValidationErrors> {
    if request.identity_verified_at.is_none() {
        return Err(refuse(
            "request",
            "identity_not_verified",
            "Verify the subject's identity first.",
        ));
    }
    Ok(())
}

impl SubjectsInput {
    /// The ids, without repeats; at least one, at most fifty.
    pub fn validate(&self) -> Result<Vec<ContactId>, ValidationErrors> {
        let mut ids = self.contact_ids.clone();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() || ids.len() > MOST_SUBJECT_RECORDS {
            return Err(refuse(
                "contact_ids",
                "invalid_length",
                format!("Tick the contact records that are the subject's (1 to {MOST_SUBJECT_RECORDS})."),
            ));
        }
        Ok(ids)
    }
}

impl SubjectRequest {
    /// Refuses a step meant for another type of request.
    pub fn require_type(&self, wanted: RequestType, refusal: &str) -> Result<(), ValidationErrors> {
        if self.request_type == wanted {
            Ok(())
        } else {
            Err(refuse("request", "wrong_request_type", refusal))
        }
    }

    /// Whether the request may be completed now (identity verified, still
    /// open); the state it then moves to.
    pub fn check_completion(&self) -> Result<RequestState, ValidationErrors> {
        let (to, _) = self.check_move(&crate::privacy::requests::StateChange {
            state: RequestState::Completed.as_str().into(),
            note: None,
        })?;
        Ok(to)
    }

    /// Which export answers this request, if it may be made now.
    pub fn export_kind(&self) -> Result<ExportKind, ValidationErrors> {
        let kind = match self.request_type {
            RequestType::Access => ExportKind::Access,
            RequestType::Portability => ExportKind::Portability,
            _ => {
                return Err(refuse(
                    "request",
                    "wrong_request_type",
                    "Only access and portability requests are answered with an export.",
                ))
            }
        };
        if matches!(self.state, RequestState::Refused | RequestState::Withdrawn) {
            return Err(refuse(
                "request",
                "request_closed",
                "The request was refused or withdrawn.",
            ));
        }
        identity_checked(self)?;
        Ok(kind)
    }

    /// Whether the erasure may go ahead, given its plan.
    pub fn check_erasure(
        &self,
        confirmation: &ErasureConfirmation,
        plan: &[TableOutcome],
    ) -> Result<(), ValidationErrors> {
        self.require_type(RequestType::Erasure, "Only an erasure request erases.")?;
        if !self.state.is_open() {
            return Err(refuse(
                "request",
                "request_closed",
                "The request is closed.",
            ));
        }
        identity_checked(self)?;
        if !confirmation.confirm {
            return Err(refuse(
                "confirm",
                "confirmation_required",
                "Erasure cannot be undone: confirm it.",
            ));
        }
        let kept: Vec<String> = plan
            .iter()
            .filter(|t| t.action == "kept" && t.rows > 0)
            .map(|t| format!("{} ({})", t.table, t.columns.join(", ")))
            .collect();
        if !kept.is_empty() && !confirmation.keep_under_legal_hold {
            return Err(refuse(
                "keep_under_legal_hold",
                "legal_hold_not_acknowledged",
                format!(
                    "A legal hold keeps {}: state that you know this (keep_under_legal_hold).",
                    kept.join("; ")
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::requests::{Channel, RequestState};
    use crate::time::{CalendarDate, Timestamp};
    use crate::{SubjectRequestId, UserId};

    fn request(request_type: RequestType, verified: bool) -> SubjectRequest {
        SubjectRequest {
            number: 1,
            id: SubjectRequestId(1),
            request_type,
            channel: Channel::Letter,
            received_on: CalendarDate::parse("2026-01-31").unwrap(),
            due_on: CalendarDate::parse("2026-02-28").unwrap(),
            extended_months: 0,
            extension_reason: None,
            state: RequestState::InProgress,
            contact_id: None,
            subject_name: "A".into(),
            subject_email: None,
            details: None,
            owner_id: UserId(1),
            owner_name: None,
            identity_verified_at: verified.then_some(Timestamp(1)),
            identity_method: None,
            outcome: None,
            steps: Vec::new(),
            masked_fields: Vec::new(),
            reason_required_fields: Vec::new(),
        }
    }

    fn code(result: Result<impl std::fmt::Debug, ValidationErrors>) -> &'static str {
        result.unwrap_err().0[0].code
    }

    #[test]
    fn exports_answer_access_and_portability_after_the_identity_check() {
        assert_eq!(
            request(RequestType::Portability, true)
                .export_kind()
                .unwrap(),
            ExportKind::Portability
        );
        assert_eq!(
            code(request(RequestType::Access, false).export_kind()),
            "identity_not_verified"
        );
        assert_eq!(
            code(request(RequestType::Erasure, true).export_kind()),
            "wrong_request_type"
        );
    }

    #[test]
    fn erasure_needs_a_yes_and_a_yes_to_what_a_hold_keeps() {
        let held = [TableOutcome {
            table: "subject_requests".into(),
            action: "kept".into(),
            rows: 1,
            columns: vec!["subject_name".into()],
            records: Vec::new(),
        }];
        let erasure = request(RequestType::Erasure, true);
        let no = ErasureConfirmation::default();
        assert_eq!(
            code(erasure.check_erasure(&no, &held)),
            "confirmation_required"
        );
        let yes = ErasureConfirmation {
            confirm: true,
            keep_under_legal_hold: false,
        };
        assert_eq!(
            code(erasure.check_erasure(&yes, &held)),
            "legal_hold_not_acknowledged"
        );
        assert!(erasure.check_erasure(&yes, &[]).is_ok());
        let both = ErasureConfirmation {
            confirm: true,
            keep_under_legal_hold: true,
        };
        assert!(erasure.check_erasure(&both, &held).is_ok());
        assert_eq!(
            code(request(RequestType::Erasure, false).check_erasure(&both, &held)),
            "identity_not_verified"
        );
    }

    #[test]
    fn a_subject_is_one_to_fifty_records() {
        let ids = SubjectsInput {
            contact_ids: vec![ContactId(3), ContactId(1), ContactId(3)],
        };
        assert_eq!(ids.validate().unwrap(), [ContactId(1), ContactId(3)]);
        assert!(SubjectsInput::default().validate().is_err());
    }
}
