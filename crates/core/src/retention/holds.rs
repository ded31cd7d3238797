//! Legal holds: a record, a subject or an organisation that no retention
//! rule may touch, for a reason, with an owner and a date to review the
//! hold by. An organisation's hold covers its contacts and their
//! activities; a contact's hold covers the activities they are linked to.

use crate::time::{CalendarDate, Timestamp};
use crate::validation::ValidationErrors;
use crate::ContactId;
use crate::LegalHoldId;
use crate::UserId;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

named_enum! {
    /// What a hold is placed on.
    HoldTarget {
        Contact => "contact", "Contact (the data subject)",
        Organisation => "organisation", "Organisation",
        Activity => "activity", "Activity",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LegalHold {
    pub id: LegalHoldId,
    pub target: HoldTarget,
    pub target_id: i64,
    pub reason: String,
    /// The staff user who answers for the hold.
    pub owner_id: UserId,
    /// `YYYY-MM-DD`: by then someone decides whether the hold still stands.
    pub review_on: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub released_at: Option<Timestamp>,
    pub release_reason: Option<String>,
}

impl LegalHold {
    pub fn is_active(&self) -> bool {
        self.released_at.is_none()
    }

    /// Active and past its review date: listed as due for review. It still
    /// holds until someone releases it.
    pub fn review_due(&self, today: CalendarDate) -> bool {
        self.is_active()
            && CalendarDate::parse(&self.review_on).is_some_and(|review| review <= today)
    }
}

/// A hold as typed, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HoldFields {
    pub target: String,
    pub target_id: i64,
    pub reason: String,
    /// Default: the caller.
    #[serde(default)]
    pub owner_id: Option<UserId>,
    /// `YYYY-MM-DD`, today or later.
    pub review_on: String,
}

/// A valid hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHold {
    pub target: HoldTarget,
    pub target_id: i64,
    pub reason: String,
    pub owner_id: Option<UserId>,
    pub review_on: CalendarDate,
}

impl HoldFields {
    pub fn validate(&self, today: CalendarDate) -> Result<NewHold, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let target = HoldTarget::parse(self.target.trim());
        if target.is_none() {
            errors.add(
                "target",
                "unknown_value",
                "A hold is placed on a contact, an organisation or an activity.",
            );
        }
        if self.target_id <= 0 {
            errors.add("target_id", "required", "Name the record the hold is on.");
        }
        let reason = self.reason.trim();
        if reason.is_empty() {
            errors.add(
                "reason",
                "required",
                "Say why the data is held (e.g. the claim or proceedings it is evidence for).",
            );
        } else if reason.chars().count() > 1000 {
            errors.add(
                "reason",
                "too_long",
                "Keep the reason under 1,000 characters.",
            );
        }
        let review_on = CalendarDate::parse(&self.review_on);
        match review_on {
            None => errors.add(
                "review_on",
                "invalid_date",
                "Give the date to review the hold by, as YYYY-MM-DD.",
            ),
            Some(date) if date < today => errors.add(
                "review_on",
                "date_in_past",
                "The review date must be today or later.",
            ),
            Some(_) => {}
        }
        let (Some(target), Some(review_on)) = (target, review_on) else {
            return Err(errors);
        };
        errors.finish(NewHold {
            target,
            target_id: self.target_id,
            reason: reason.to_string(),
            owner_id: self.owner_id,
            review_on,
        })
    }
}

/// What the active holds of a tenant cover, with organisations' holds
/// already spread to their contacts.
#[derive(Debug, Clone, Default)]
pub struct HeldSet {
    pub contacts: HashSet<i64>,
    pub organisations: HashSet<i64>,
    pub activities: HashSet<i64>,
}

impl HeldSet {
    pub fn is_empty(&self) -> bool {
        self.contacts.is_empty() && self.organisations.is_empty() && self.activities.is_empty()
    }

    pub fn covers_contact(&self, contact: ContactId, organisation: Option<i64>) -> bool {
        self.contacts.contains(&contact.0)
            || organisation.is_some_and(|o| self.organisations.contains(&o))
    }

    /// An activity is held by its own hold, its organisation's, or that of
    /// any contact it is linked to.
    pub fn covers_activity(
        &self,
        activity: i64,
        organisation: Option<i64>,
        contacts: impl IntoIterator<Item = i64>,
    ) -> bool {
        self.activities.contains(&activity)
            || organisation.is_some_and(|o| self.organisations.contains(&o))
            || contacts.into_iter().any(|c| self.contacts.contains(&c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> CalendarDate {
        CalendarDate::parse("2026-12-02").unwrap()
    }

    #[test]
    fn a_hold_needs_a_target_a_reason_and_a_future_review_date() {
        let fields = HoldFields {
            target: "organisation".into(),
            target_id: 7,
            reason: "Pending claim 2026-114".into(),
            owner_id: None,
            review_on: "2027-06-30".into(),
        };
        assert_eq!(
            fields.validate(today()).unwrap().target,
            HoldTarget::Organisation
        );
        let bad = HoldFields {
            target: "invoice".into(),
            target_id: 0,
            reason: " ".into(),
            owner_id: None,
            review_on: "2026-12-01".into(),
        };
        let codes: Vec<&str> = bad
            .validate(today())
            .unwrap_err()
            .0
            .iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(
            codes,
            ["unknown_value", "required", "required", "date_in_past"]
        );
    }

    #[test]
    fn an_organisations_hold_covers_its_contacts_and_their_activities() {
        let mut held = HeldSet::default();
        held.organisations.insert(7);
        held.contacts.insert(42);
        assert!(held.covers_contact(ContactId(1), Some(7)));
        assert!(held.covers_contact(ContactId(42), None));
        assert!(!held.covers_contact(ContactId(1), Some(8)));
        assert!(held.covers_activity(100, None, [3, 42]));
        assert!(held.covers_activity(100, Some(7), []));
        assert!(!held.covers_activity(100, Some(8), [3]));
    }

    #[test]
    fn a_hold_past_its_review_date_is_listed_but_still_holds() {
        let hold = LegalHold {
            id: LegalHoldId(1),
            target: HoldTarget::Contact,
            target_id: 42,
            reason: "Claim".into(),
            owner_id: UserId(1),
            review_on: "2026-12-01".into(),
            created_at: Timestamp(0),
            released_at: None,
            release_reason: None,
        };
        assert!(hold.review_due(today()) && hold.is_active());
    }
}
