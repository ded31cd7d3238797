//! A ticket: what was asked, by whom, for which organisation, who works on
//! it, where it stands, and when answers are due.

use super::service_levels::ServiceLevels;
use crate::ids::{ContactId, OrganisationId, TicketId, UserId};
use crate::time::Timestamp;
use crate::validation::{long_text, optional_text, required_text, FieldProblem, ValidationErrors};
use crate::values::{BODY_MAX, NAME_MAX};
use serde::{Deserialize, Serialize};

/// A category is a short label the tenant's staff choose ("Billing").
pub const CATEGORY_MAX: usize = 60;

named_enum!(
    /// Where a ticket stands.
    TicketStatus {
        New => "new", "New",
        Open => "open", "Open",
        Pending => "pending", "Waiting for the customer",
        Resolved => "resolved", "Resolved",
        Closed => "closed", "Closed",
    }
);

impl TicketStatus {
    /// Whether someone still has to act on the ticket.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            TicketStatus::New | TicketStatus::Open | TicketStatus::Pending
        )
    }

    /// The status as the customer reads it in the portal: what it means
    /// for them, not for the helpdesk.
    pub fn customer_label(self) -> &'static str {
        match self {
            TicketStatus::New => "Received",
            TicketStatus::Open => "We are working on it",
            TicketStatus::Pending => "Awaiting your reply",
            TicketStatus::Resolved => "Solved",
            TicketStatus::Closed => "Closed",
        }
    }
}

named_enum!(
    /// How urgent a ticket is; the service levels are set per priority.
    TicketPriority {
        Low => "low", "Low",
        Normal => "normal", "Normal",
        High => "high", "High",
        Urgent => "urgent", "Urgent",
    }
);

fn choice<T: Copy>(
    value: Option<&str>,
    default: T,
    parse: fn(&str) -> Option<T>,
    message: &'static str,
) -> Result<T, FieldProblem> {
    match value.map(str::trim) {
        None | Some("") => Ok(default),
        Some(value) => parse(value).ok_or_else(|| FieldProblem::new("invalid_choice", message)),
    }
}

/// A ticket as a form or an API client sends it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TicketInput {
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, pattern = r"\S", max_length = 200)
    )]
    pub subject: String,
    #[serde(default)]
    pub description: Option<String>,
    /// `new` (the default), `open`, `pending`, `resolved` or `closed`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<TicketStatus>))]
    pub status: Option<String>,
    /// `low`, `normal` (the default), `high` or `urgent`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<TicketPriority>))]
    pub priority: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    /// Defaults to the requesting contact's organisation.
    #[serde(default)]
    pub organisation_id: Option<OrganisationId>,
    /// The contact person who asked.
    #[serde(default)]
    pub contact_id: Option<ContactId>,
    /// The staff user working on it.
    #[serde(default)]
    pub assignee_id: Option<UserId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketFields {
    pub subject: String,
    pub description: String,
    pub status: TicketStatus,
    pub priority: TicketPriority,
    pub category: String,
    pub organisation_id: Option<OrganisationId>,
    pub contact_id: Option<ContactId>,
    pub assignee_id: Option<UserId>,
}

impl TicketInput {
    pub fn validate(&self) -> Result<TicketFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let subject = errors.check("subject", required_text(&self.subject, NAME_MAX));
        let description = errors.check(
            "description",
            long_text(self.description.as_deref(), BODY_MAX),
        );
        let status = errors.check(
            "status",
            choice(
                self.status.as_deref(),
                TicketStatus::New,
                TicketStatus::parse,
                "Choose new, open, pending, resolved or closed.",
            ),
        );
        let priority = errors.check(
            "priority",
            choice(
                self.priority.as_deref(),
                TicketPriority::Normal,
                TicketPriority::parse,
                "Choose low, normal, high or urgent.",
            ),
        );
        let category = errors.check(
            "category",
            optional_text(self.category.as_deref(), CATEGORY_MAX),
        );
        if self.contact_id.is_none() && self.organisation_id.is_none() {
            errors.add(
                "contact_id",
                "required",
                "Name the contact person who asked, or at least their organisation.",
            );
        }
        match (subject, description, status, priority, category) {
            (Some(subject), Some(description), Some(status), Some(priority), Some(category))
                if errors.is_empty() =>
            {
                Ok(TicketFields {
                    subject,
                    description,
                    status,
                    priority,
                    category: category.unwrap_or_default(),
                    organisation_id: self.organisation_id,
                    contact_id: self.contact_id,
                    assignee_id: self.assignee_id,
                })
            }
            _ => Err(errors),
        }
    }
}

impl TicketFields {
    /// (field, value) pairs, to name what an update changed.
    pub fn field_values(&self) -> Vec<(&'static str, String)> {
        vec![
            ("subject", self.subject.clone()),
            ("description", self.description.clone()),
            ("status", self.status.as_str().to_string()),
            ("priority", self.priority.as_str().to_string()),
            ("category", self.category.clone()),
            ("organisation_id", format!("{:?}", self.organisation_id)),
            ("contact_id", format!("{:?}", self.contact_id)),
            ("assignee_id", format!("{:?}", self.assignee_id)),
        ]
    }
}

/// The times a ticket keeps: when answers are due by the service level and
/// when they were given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketTimes {
    pub created_at: Timestamp,
    pub first_response_due_at: Timestamp,
    pub resolution_due_at: Timestamp,
    pub first_responded_at: Option<Timestamp>,
    pub resolved_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
}

impl TicketTimes {
    /// A ticket raised at `created_at` with `priority`.
    pub fn raised(created_at: Timestamp, priority: TicketPriority, levels: &ServiceLevels) -> Self {
        let level = levels.for_priority(priority);
        TicketTimes {
            created_at,
            first_response_due_at: level.first_response_due(created_at),
            resolution_due_at: level.resolution_due(created_at),
            first_responded_at: None,
            resolved_at: None,
            closed_at: None,
        }
    }

    /// The times after a change at `now`: due times follow a new priority
    /// (counted from when the ticket was raised), resolving and closing are
    /// stamped, and reopening clears them.
    pub fn after_change(
        self,
        now: Timestamp,
        priority: TicketPriority,
        status: TicketStatus,
        levels: &ServiceLevels,
    ) -> Self {
        let due = TicketTimes::raised(self.created_at, priority, levels);
        let resolved = matches!(status, TicketStatus::Resolved | TicketStatus::Closed);
        TicketTimes {
            first_response_due_at: due.first_response_due_at,
            resolution_due_at: due.resolution_due_at,
            resolved_at: if resolved {
                self.resolved_at.or(Some(now))
            } else {
                None
            },
            closed_at: if status == TicketStatus::Closed {
                self.closed_at.or(Some(now))
            } else {
                None
            },
            ..self
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ticket {
    pub id: TicketId,
    /// The tenant's running number, shown as `#1042`.
    pub number: i64,
    pub subject: String,
    pub description: String,
    pub status: TicketStatus,
    pub priority: TicketPriority,
    pub category: String,
    pub organisation_id: Option<OrganisationId>,
    pub organisation_name: Option<String>,
    pub contact_id: Option<ContactId>,
    pub contact_name: Option<String>,
    pub assignee_id: Option<UserId>,
    pub assignee_name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub first_response_due_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub resolution_due_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub first_responded_at: Option<Timestamp>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub resolved_at: Option<Timestamp>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub closed_at: Option<Timestamp>,
    /// No first answer yet, and its due time has passed.
    pub first_response_overdue: bool,
    /// Not resolved, and its due time has passed.
    pub resolution_overdue: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: Timestamp,
    /// Fields emptied because the reader's roles are not granted their
    /// category (need-to-know); absent when nothing was hidden.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub masked_fields: Vec<&'static str>,
    /// Of `masked_fields`, those a stated reason (`X-Access-Reason`) shows.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub reason_required_fields: Vec<&'static str>,
    pub version: i64,
}

impl Ticket {
    pub fn times(&self) -> TicketTimes {
        TicketTimes {
            created_at: self.created_at,
            first_response_due_at: self.first_response_due_at,
            resolution_due_at: self.resolution_due_at,
            first_responded_at: self.first_responded_at,
            resolved_at: self.resolved_at,
            closed_at: self.closed_at,
        }
    }

    /// Sets the overdue marks as they stand at `now`.
    pub fn mark_overdue(&mut self, now: Timestamp) {
        self.first_response_overdue = self.first_responded_at.is_none()
            && self.status.is_active()
            && now > self.first_response_due_at;
        self.resolution_overdue =
            self.resolved_at.is_none() && self.status.is_active() && now > self.resolution_due_at;
    }

    pub fn to_input(&self) -> TicketInput {
        TicketInput {
            subject: self.subject.clone(),
            description: Some(self.description.clone()),
            status: Some(self.status.as_str().to_string()),
            priority: Some(self.priority.as_str().to_string()),
            category: Some(self.category.clone()),
            organisation_id: self.organisation_id,
            contact_id: self.contact_id,
            assignee_id: self.assignee_id,
        }
    }

    /// `#1042`
    pub fn reference(&self) -> String {
        format!("#{}", self.number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> TicketInput {
        TicketInput {
            subject: "Printer jams".into(),
            contact_id: Some(ContactId(7)),
            ..Default::default()
        }
    }

    #[test]
    fn a_ticket_defaults_to_new_and_normal() {
        let fields = input().validate().unwrap();
        assert_eq!(fields.status, TicketStatus::New);
        assert_eq!(fields.priority, TicketPriority::Normal);
        assert_eq!(fields.category, "");
    }

    #[test]
    fn bad_choices_and_a_missing_requester_are_named() {
        let bad = TicketInput {
            subject: " ".into(),
            status: Some("done".into()),
            priority: Some("asap".into()),
            category: Some("x".repeat(CATEGORY_MAX + 1)),
            contact_id: None,
            ..input()
        };
        let errors = bad.validate().unwrap_err();
        for field in ["subject", "status", "priority", "category", "contact_id"] {
            assert!(errors.for_field(field).is_some(), "{field}");
        }
    }

    #[test]
    fn due_times_follow_the_priority_and_resolving_is_stamped() {
        let levels = ServiceLevels::defaults();
        let raised = Timestamp(1_000_000);
        let times = TicketTimes::raised(raised, TicketPriority::Normal, &levels);
        let normal = levels.for_priority(TicketPriority::Normal);
        assert_eq!(
            times.resolution_due_at.0,
            raised.0 + normal.resolution_minutes * 60_000
        );
        let later = Timestamp(2_000_000);
        let urgent = times.after_change(
            later,
            TicketPriority::Urgent,
            TicketStatus::Resolved,
            &levels,
        );
        assert!(urgent.resolution_due_at < times.resolution_due_at);
        assert_eq!(urgent.resolved_at, Some(later));
        let reopened = urgent.after_change(
            Timestamp(3_000_000),
            TicketPriority::Urgent,
            TicketStatus::Open,
            &levels,
        );
        assert_eq!(reopened.resolved_at, None);
    }
}
