//! The review list: records a rule put in front of a person, who approves
//! (the record is deleted as the rule's record type is deleted) or keeps it
//! with a reason, for a year unless they say otherwise.

use super::period::Period;
use crate::time::{CalendarDate, Timestamp};
use crate::validation::ValidationErrors;
use crate::RetentionReviewId;
use crate::RetentionRuleId;
use crate::UserId;
use serde::{Deserialize, Serialize};

named_enum! {
    /// What the reviewer decided.
    ReviewDecision {
        Approve => "approve", "Delete",
        Keep => "keep", "Keep",
    }
}

/// A decision on one or many listed records, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewDecisionFields {
    pub review_ids: Vec<RetentionReviewId>,
    /// approve or keep
    pub decision: String,
    /// Required to keep.
    #[serde(default)]
    pub reason: Option<String>,
    /// Keep until (`YYYY-MM-DD`); default one year from today.
    #[serde(default)]
    pub keep_until: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub review_ids: Vec<RetentionReviewId>,
    pub decision: ReviewDecision,
    pub reason: Option<String>,
    pub keep_until: Option<CalendarDate>,
}

/// Records one bulk decision takes at most.
pub const MAX_DECISIONS: usize = 5_000;

impl ReviewDecisionFields {
    pub fn validate(&self, today: CalendarDate) -> Result<Decision, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if self.review_ids.is_empty() {
            errors.add(
                "review_ids",
                "required",
                "Select at least one listed record.",
            );
        } else if self.review_ids.len() > MAX_DECISIONS {
            errors.add(
                "review_ids",
                "too_many",
                format!("Decide on at most {MAX_DECISIONS} records at once."),
            );
        }
        let decision = ReviewDecision::parse(self.decision.trim());
        if decision.is_none() {
            errors.add(
                "decision",
                "unknown_value",
                "Choose approve (delete) or keep.",
            );
        }
        let reason = self
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string);
        if reason.as_ref().is_some_and(|r| r.chars().count() > 1000) {
            errors.add(
                "reason",
                "too_long",
                "Keep the reason under 1,000 characters.",
            );
        }
        let mut keep_until = None;
        if decision == Some(ReviewDecision::Keep) {
            if reason.is_none() {
                errors.add(
                    "reason",
                    "required",
                    "Say why the records are kept (the law, a contract, an open matter).",
                );
            }
            keep_until = match self.keep_until.as_deref().map(str::trim) {
                None | Some("") => Some(Period::years(1).after(today)),
                Some(text) => match CalendarDate::parse(text) {
                    Some(date) if date > today => Some(date),
                    Some(_) => {
                        errors.add(
                            "keep_until",
                            "date_in_past",
                            "Keep until a date after today.",
                        );
                        None
                    }
                    None => {
                        errors.add("keep_until", "invalid_date", "Give the date as YYYY-MM-DD.");
                        None
                    }
                },
            };
        }
        let Some(decision) = decision else {
            return Err(errors);
        };
        let mut review_ids = self.review_ids.clone();
        review_ids.sort_unstable();
        review_ids.dedup();
        errors.finish(Decision {
            review_ids,
            decision,
            reason,
            keep_until,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeping_needs_a_reason_and_lasts_a_year_by_default() {
        let today = CalendarDate::parse("2026-12-02").unwrap();
        let keep = ReviewDecisionFields {
            review_ids: vec![
                RetentionReviewId(3),
                RetentionReviewId(1),
                RetentionReviewId(3),
            ],
            decision: "keep".into(),
            reason: Some("Open warranty case".into()),
            keep_until: None,
        };
        let decision = keep.validate(today).unwrap();
        assert_eq!(
            decision.review_ids,
            [RetentionReviewId(1), RetentionReviewId(3)]
        );
        assert_eq!(
            decision.keep_until.map(|d| d.to_iso()),
            Some("2027-12-02".into())
        );
        let no_reason = ReviewDecisionFields {
            reason: None,
            ..keep.clone()
        };
        assert_eq!(no_reason.validate(today).unwrap_err().0[0].code, "required");
        let nothing = ReviewDecisionFields {
            review_ids: vec![],
            decision: "shred".into(),
            ..keep
        };
        let codes: Vec<&str> = nothing
            .validate(today)
            .unwrap_err()
            .0
            .iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(codes, ["required", "unknown_value"]);
    }
}

/// One record on the review list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewEntry {
    pub id: RetentionReviewId,
    /// The rule that listed it.
    pub rule_id: RetentionRuleId,
    /// contact, activity or staff_user
    pub record_type: String,
    pub record_id: i64,
    /// The contact's or staff member's name, or the activity's subject;
    /// empty once the record is gone.
    pub label: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub listed_at: Timestamp,
    /// approve or keep; absent while open.
    pub decision: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub decided_at: Option<Timestamp>,
    /// The staff user who decided.
    pub decided_by: Option<UserId>,
    pub reason: Option<String>,
    /// `YYYY-MM-DD`: a kept record is left alone until then.
    pub keep_until: Option<String>,
}

/// What a bulk decision did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionOutcome {
    pub approved: u64,
    pub kept: u64,
    /// Listed records a legal hold now covers: left on the list.
    pub held: Vec<RetentionReviewId>,
    /// Ids that were not open entries of the list.
    pub not_open: Vec<RetentionReviewId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewFilter {
    Open,
    /// Decided since (milliseconds).
    DecidedSince(i64),
}
