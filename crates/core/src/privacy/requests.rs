//! Data-subject requests: their types (GDPR Art. 15–21), the states a
//! request moves through and which moves are allowed, and the deadline
//! (Art. 12(3): one month from receipt, extendable by two further months
//! with a reason; a tenant may promise less).

use crate::time::CalendarDate;
use crate::validation::{optional_text, required_text, ValidationErrors};
use crate::{ContactId, SubjectRequestId, UserId};
use serde::{Deserialize, Serialize};

named_enum!(
    /// What the subject asks for.
    RequestType {
        Access => "access", "Access (Art. 15)",
        Portability => "portability", "Portability (Art. 20)",
        Rectification => "rectification", "Rectification (Art. 16)",
        Erasure => "erasure", "Erasure (Art. 17)",
        Restriction => "restriction", "Restriction (Art. 18)",
        Objection => "objection", "Objection (Art. 21)",
    }
);

named_enum!(
    /// How the request reached the tenant.
    Channel {
        Letter => "letter", "Letter",
        Phone => "phone", "Phone",
        Email => "email", "Email",
        InPerson => "in_person", "In person",
        Portal => "portal", "Customer portal",
        Api => "api", "API",
    }
);

named_enum!(
    /// Where a request stands.
    RequestState {
        Received => "received", "Received",
        AwaitingIdentity => "awaiting_identity", "Awaiting identity",
        InProgress => "in_progress", "In progress",
        AwaitingApproval => "awaiting_approval", "Awaiting approval",
        Completed => "completed", "Completed",
        Refused => "refused", "Refused",
        Withdrawn => "withdrawn", "Withdrawn",
    }
);

impl RequestState {
    /// Completed, refused and withdrawn requests are closed for good.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            RequestState::Completed | RequestState::Refused | RequestState::Withdrawn
        )
    }

    /// Whether a request may move from `self` to `next`.
    pub fn may_become(self, next: RequestState) -> bool {
        use RequestState::*;
        self.is_open()
            && match next {
                Received => false,
                AwaitingIdentity => self == Received,
                InProgress => matches!(self, Received | AwaitingIdentity | AwaitingApproval),
                AwaitingApproval => self == InProgress,
                Completed => matches!(self, InProgress | AwaitingApproval),
                Refused | Withdrawn => true,
            }
    }
}

/// The longest extension Art. 12(3) allows, in months.
pub const MAX_EXTENSION_MONTHS: u32 = 2;

/// When a request received on `received` is due: one month later, or
/// `stricter_days` after receipt when the tenant promises less.
pub fn due_date(received: CalendarDate, stricter_days: Option<u32>) -> CalendarDate {
    let month = received.plus_months(1);
    match stricter_days {
        Some(days) => month.min(received.plus_days(days)),
        None => month,
    }
}

/// The due date after extending by `months` in all (1 or 2), counted from
/// the one-month deadline as Art. 12(3) does.
pub fn extended_due_date(received: CalendarDate, months: u32) -> CalendarDate {
    received.plus_months(1 + months.min(MAX_EXTENSION_MONTHS))
}

/// Moving a request to another state.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StateChange {
    /// awaiting_identity, in_progress, awaiting_approval, completed, refused
    /// or withdrawn.
    pub state: String,
    /// Required when refusing: the reason the subject is told.
    #[serde(default)]
    pub note: Option<String>,
}

/// Extending the deadline (Art. 12(3)).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Extension {
    /// Months beyond the first, in all: 1 or 2.
    pub months: u32,
    pub reason: String,
}

/// How the subject's identity was checked.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IdentityCheck {
    /// E.g. "called back on the number in our records".
    pub method: String,
}

/// The tenant's own, stricter answer deadline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeadlinePolicy {
    /// 1 to 30 days; null for the month of Art. 12(3).
    pub days: Option<u32>,
}

/// A request as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubjectRequest {
    pub id: SubjectRequestId,
    /// The request's number as the tenant counts them: what people are told.
    pub number: i64,
    pub request_type: RequestType,
    pub channel: Channel,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub received_on: CalendarDate,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub due_on: CalendarDate,
    pub extended_months: u32,
    pub extension_reason: Option<String>,
    pub state: RequestState,
    pub contact_id: Option<ContactId>,
    pub subject_name: String,
    pub subject_email: Option<String>,
    pub details: Option<String>,
    /// The staff user who owns the request.
    pub owner_id: UserId,
    pub owner_name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub identity_verified_at: Option<crate::time::Timestamp>,
    pub identity_method: Option<String>,
    /// The completion note or the reason for refusal.
    pub outcome: Option<String>,
    /// Every step, oldest first.
    pub steps: Vec<RequestStep>,
    /// Fields hidden from this reader (need-to-know).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub masked_fields: Vec<&'static str>,
    /// Of `masked_fields`, those a stated reason (`X-Access-Reason`) shows.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub reason_required_fields: Vec<&'static str>,
}

/// One step taken on a request, by whom and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestStep {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub occurred_at: crate::time::Timestamp,
    /// The staff user who took the step; empty when the subject did.
    pub user_id: Option<UserId>,
    pub user_name: Option<String>,
    /// The subject took the step themselves, signed in to the portal.
    pub by_subject: bool,
    /// received, identity_verified, extended, or the state moved to.
    pub step: String,
    pub state: RequestState,
    pub note: Option<String>,
}

impl SubjectRequest {
    /// Days left until the due date (negative when overdue).
    pub fn days_left(&self, today: CalendarDate) -> i64 {
        today.days_until(self.due_on)
    }

    /// Checks a move: the state is known and reachable from here, a
    /// completion comes after the identity check, a refusal gives its
    /// reason. Returns the state and the trimmed note.
    pub fn check_move(
        &self,
        change: &StateChange,
    ) -> Result<(RequestState, Option<String>), ValidationErrors> {
        let to = RequestState::parse(change.state.trim()).ok_or_else(|| {
            ValidationErrors::single(
                "state",
                "unknown_state",
                "The state is one of awaiting_identity, in_progress, awaiting_approval, completed, refused or withdrawn.",
            )
        })?;
        let note = change
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > 2_000) {
            return Err(ValidationErrors::single(
                "note",
                "too_long",
                "A note is at most 2,000 characters.",
            ));
        }
        if !self.state.may_become(to) {
            return Err(ValidationErrors::single(
                "state",
                "not_allowed",
                format!(
                    "A request that is {} cannot become {}.",
                    self.state.label().to_lowercase(),
                    to.label().to_lowercase()
                ),
            ));
        }
        if to == RequestState::Completed && self.identity_verified_at.is_none() {
            return Err(ValidationErrors::single(
                "state",
                "identity_not_verified",
                "Verify the subject's identity before completing the request.",
            ));
        }
        if to == RequestState::Refused && note.is_none() {
            return Err(ValidationErrors::single(
                "note",
                "reason_required",
                "Give the reason for refusing; the subject is told it.",
            ));
        }
        Ok((to, note.map(str::to_string)))
    }

    /// Checks an extension (Art. 12(3)): one or two further months in all,
    /// with a reason, longer than any before, on an open request. Returns
    /// the new due day and the trimmed reason.
    pub fn check_extension(
        &self,
        extension: &Extension,
    ) -> Result<(CalendarDate, String), ValidationErrors> {
        if !(1..=MAX_EXTENSION_MONTHS).contains(&extension.months) {
            return Err(ValidationErrors::single(
                "months",
                "extension_too_long",
                "Art. 12(3) allows up to two further months.",
            ));
        }
        let reason = required_text(&extension.reason, 1_000).map_err(|p| {
            let code = if p.code == "required" {
                "reason_required"
            } else {
                p.code
            };
            ValidationErrors::single(
                "reason",
                code,
                "Say why the request needs more time; the subject is told it.",
            )
        })?;
        if !self.state.is_open() {
            return Err(ValidationErrors::single(
                "months",
                "request_closed",
                "The request is closed.",
            ));
        }
        if extension.months <= self.extended_months {
            return Err(ValidationErrors::single(
                "months",
                "not_longer",
                format!(
                    "The deadline is already extended by {} month(s); an extension can only lengthen it.",
                    self.extended_months
                ),
            ));
        }
        Ok((
            extended_due_date(self.received_on, extension.months),
            reason,
        ))
    }
}

impl DeadlinePolicy {
    /// 1 to 30 days, or none for the month of Art. 12(3).
    pub fn validate(&self) -> Result<Option<u32>, ValidationErrors> {
        match self.days {
            Some(days) if !(1..=30).contains(&days) => Err(ValidationErrors::single(
                "days",
                "out_of_range",
                "A stricter deadline is 1 to 30 days; leave it empty for the month of Art. 12(3).",
            )),
            days => Ok(days),
        }
    }
}

/// A request as staff (or the API) log it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RequestInput {
    /// access, portability, rectification, erasure, restriction or objection.
    #[cfg_attr(feature = "openapi", schema(value_type = RequestType))]
    pub request_type: String,
    /// letter, phone, email, in_person, portal or api.
    #[cfg_attr(feature = "openapi", schema(value_type = Channel))]
    pub channel: String,
    /// The day the request arrived (YYYY-MM-DD); today when omitted.
    #[serde(default)]
    pub received_on: Option<String>,
    /// The contact the request is about, when known.
    #[serde(default)]
    pub contact_id: Option<ContactId>,
    /// Who the subject says they are.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, pattern = r"\S", max_length = 200)
    )]
    pub subject_name: String,
    #[serde(default)]
    pub subject_email: Option<String>,
    /// What was asked, in the subject's words or the staff's note (no more
    /// personal data than needed).
    #[serde(default)]
    pub details: Option<String>,
}

/// A validated request, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFields {
    pub request_type: RequestType,
    pub channel: Channel,
    pub received_on: CalendarDate,
    pub contact_id: Option<ContactId>,
    pub subject_name: String,
    pub subject_email: Option<String>,
    pub details: Option<String>,
}

impl RequestInput {
    pub fn validate(&self, today: CalendarDate) -> Result<RequestFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let request_type = RequestType::parse(self.request_type.trim());
        if request_type.is_none() {
            errors.add(
                "request_type",
                "unknown_request_type",
                format!(
                    "The request type is one of: {}.",
                    RequestType::ALL
                        .iter()
                        .map(|t| t.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        let channel = Channel::parse(self.channel.trim());
        if channel.is_none() {
            errors.add(
                "channel",
                "unknown_channel",
                format!(
                    "The channel is one of: {}.",
                    Channel::ALL
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        let received_on = match self
            .received_on
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            None => Some(today),
            Some(text) => match CalendarDate::parse(text) {
                Some(date) if date <= today => Some(date),
                Some(_) => {
                    errors.add(
                        "received_on",
                        "in_the_future",
                        "A request cannot arrive in the future.",
                    );
                    None
                }
                None => {
                    errors.add("received_on", "invalid_date", "Give the day as YYYY-MM-DD.");
                    None
                }
            },
        };
        let subject_name = errors.check("subject_name", required_text(&self.subject_name, 200));
        let subject_email = match self
            .subject_email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            None => None,
            Some(email) => errors
                .check("subject_email", crate::values::EmailAddress::parse(email))
                .map(|e| e.as_str().to_string()),
        };
        let details = errors
            .check("details", optional_text(self.details.as_deref(), 4_000))
            .flatten();
        match (request_type, channel, received_on, subject_name) {
            (Some(request_type), Some(channel), Some(received_on), Some(subject_name))
                if errors.is_empty() =>
            {
                Ok(RequestFields {
                    request_type,
                    channel,
                    received_on,
                    contact_id: self.contact_id,
                    subject_name,
                    subject_email,
                    details,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> CalendarDate {
        CalendarDate::parse(text).unwrap()
    }

    #[test]
    fn one_month_is_counted_as_art_12_reads() {
        assert_eq!(due_date(day("2026-01-15"), None), day("2026-02-15"));
        assert_eq!(due_date(day("2026-01-31"), None), day("2026-02-28"));
        assert_eq!(
            due_date(day("2028-01-31"), None),
            day("2028-02-29"),
            "leap year"
        );
        assert_eq!(due_date(day("2026-03-31"), None), day("2026-04-30"));
        assert_eq!(
            due_date(day("2026-12-31"), None),
            day("2027-01-31"),
            "over the year end"
        );
        assert_eq!(due_date(day("2026-02-28"), None), day("2026-03-28"));
        assert_eq!(due_date(day("2028-02-29"), None), day("2028-03-29"));
    }

    #[test]
    fn a_stricter_promise_and_the_extension() {
        assert_eq!(due_date(day("2026-01-31"), Some(28)), day("2026-02-28"));
        assert_eq!(due_date(day("2026-03-01"), Some(28)), day("2026-03-29"));
        // 28 days is never later than a month, but a 40-day "policy" is not
        // allowed to exceed the month either.
        assert_eq!(due_date(day("2026-02-01"), Some(40)), day("2026-03-01"));
        assert_eq!(extended_due_date(day("2026-01-31"), 2), day("2026-04-30"));
        assert_eq!(extended_due_date(day("2026-11-30"), 2), day("2027-02-28"));
        assert_eq!(
            extended_due_date(day("2026-11-30"), 9),
            day("2027-02-28"),
            "capped"
        );
    }

    #[test]
    fn only_allowed_moves() {
        use RequestState::*;
        assert!(Received.may_become(AwaitingIdentity));
        assert!(AwaitingIdentity.may_become(InProgress));
        assert!(!Received.may_become(Completed));
        assert!(InProgress.may_become(Completed));
        assert!(!Completed.may_become(InProgress));
        assert!(!Withdrawn.may_become(Refused));
        assert!(AwaitingApproval.may_become(Refused));
    }

    fn request(state: RequestState) -> SubjectRequest {
        SubjectRequest {
            number: 1,
            id: SubjectRequestId(1),
            request_type: RequestType::Access,
            channel: Channel::Letter,
            received_on: day("2026-01-31"),
            due_on: day("2026-02-28"),
            extended_months: 0,
            extension_reason: None,
            state,
            contact_id: None,
            subject_name: "Ida".into(),
            subject_email: None,
            details: None,
            owner_id: UserId(1),
            owner_name: None,
            identity_verified_at: None,
            identity_method: None,
            outcome: None,
            steps: Vec::new(),
            masked_fields: Vec::new(),
            reason_required_fields: Vec::new(),
        }
    }

    #[test]
    fn moves_and_extensions_follow_the_rules() {
        fn code<T: std::fmt::Debug>(result: Result<T, ValidationErrors>) -> &'static str {
            result.unwrap_err().0[0].code
        }
        let open = request(RequestState::InProgress);
        let to = |state: &str, note: Option<&str>| StateChange {
            state: state.into(),
            note: note.map(String::from),
        };
        assert_eq!(
            code(open.check_move(&to("completed", None))),
            "identity_not_verified"
        );
        assert_eq!(
            code(open.check_move(&to("refused", Some("  ")))),
            "reason_required"
        );
        assert_eq!(code(open.check_move(&to("lost", None))), "unknown_state");
        assert_eq!(
            open.check_move(&to("refused", Some(" Not our data ")))
                .unwrap(),
            (RequestState::Refused, Some("Not our data".into()))
        );
        let extend = |months, reason: &str| Extension {
            months,
            reason: reason.into(),
        };
        assert_eq!(
            open.check_extension(&extend(2, "Three systems")).unwrap().0,
            day("2026-04-30")
        );
        assert_eq!(
            code(open.check_extension(&extend(3, "x"))),
            "extension_too_long"
        );
        assert_eq!(
            code(open.check_extension(&extend(1, ""))),
            "reason_required"
        );
        let closed = request(RequestState::Withdrawn);
        assert_eq!(
            code(closed.check_extension(&extend(1, "x"))),
            "request_closed"
        );
        assert_eq!(
            code(DeadlinePolicy { days: Some(31) }.validate()),
            "out_of_range"
        );
    }

    #[test]
    fn bad_requests_are_named() {
        let input = RequestInput {
            request_type: "forget_me".into(),
            channel: "pigeon".into(),
            received_on: Some("2026-12-01".into()),
            subject_name: " ".into(),
            subject_email: Some("not-an-email".into()),
            ..Default::default()
        };
        let codes: Vec<&str> = input
            .validate(day("2026-11-25"))
            .unwrap_err()
            .0
            .iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(
            codes,
            [
                "unknown_request_type",
                "unknown_channel",
                "in_the_future",
                "required",
                "invalid_email"
            ]
        );
    }
}
