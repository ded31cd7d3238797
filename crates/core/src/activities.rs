//! Activities on a timeline: call notes, meetings, emails, tasks and notes,
//! linked to contacts and an organisation.

use crate::ids::{ActivityId, ContactId, OrganisationId, UserId};
use crate::time::Timestamp;
use crate::validation::{long_text, required_text, FieldProblem, ValidationErrors};
use crate::values::{BODY_MAX, NAME_MAX};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Call,
    Meeting,
    Email,
    Task,
    Note,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 5] = [
        ActivityKind::Call,
        ActivityKind::Meeting,
        ActivityKind::Email,
        ActivityKind::Task,
        ActivityKind::Note,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Call => "call",
            ActivityKind::Meeting => "meeting",
            ActivityKind::Email => "email",
            ActivityKind::Task => "task",
            ActivityKind::Note => "note",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ActivityKind::Call => "Call",
            ActivityKind::Meeting => "Meeting",
            ActivityKind::Email => "Email",
            ActivityKind::Task => "Task",
            ActivityKind::Note => "Note",
        }
    }

    pub fn parse(value: &str) -> Result<Self, FieldProblem> {
        ActivityKind::ALL
            .into_iter()
            .find(|k| k.as_str() == value.trim())
            .ok_or_else(|| {
                FieldProblem::new(
                    "invalid_choice",
                    "Choose call, meeting, email, task or note.",
                )
            })
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ActivityInput {
    /// One of `call`, `meeting`, `email`, `task`, `note`.
    #[cfg_attr(feature = "openapi", schema(value_type = ActivityKind))]
    pub kind: String,
    /// When it happened (or is due), RFC 3339.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub occurred_at: String,
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, pattern = r"\S", max_length = 200)
    )]
    pub subject: String,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub contact_ids: Vec<ContactId>,
    /// Defaults to the organisation of the first linked contact.
    #[serde(default)]
    pub organisation_id: Option<OrganisationId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityFields {
    pub kind: ActivityKind,
    pub occurred_at: Timestamp,
    pub subject: String,
    pub body: String,
    pub contact_ids: Vec<ContactId>,
    pub organisation_id: Option<OrganisationId>,
}

impl ActivityFields {
    /// (field, value) pairs, to name what an update changed.
    pub fn field_values(&self) -> Vec<(&'static str, String)> {
        vec![
            ("kind", self.kind.as_str().to_string()),
            ("occurred_at", self.occurred_at.0.to_string()),
            ("subject", self.subject.clone()),
            ("body", self.body.clone()),
            ("contact_ids", format!("{:?}", self.contact_ids)),
            ("organisation_id", format!("{:?}", self.organisation_id)),
        ]
    }
}

impl ActivityInput {
    pub fn validate(&self) -> Result<ActivityFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let kind = errors.check("kind", ActivityKind::parse(&self.kind));
        let occurred_at = errors.check(
            "occurred_at",
            Timestamp::parse(&self.occurred_at).ok_or_else(|| {
                FieldProblem::new("invalid_time", "Give a time like 2026-11-24T09:30:00Z.")
            }),
        );
        let subject = errors.check("subject", required_text(&self.subject, NAME_MAX));
        let body = errors.check("body", long_text(self.body.as_deref(), BODY_MAX));
        let mut contact_ids = self.contact_ids.clone();
        contact_ids.sort();
        contact_ids.dedup();
        if contact_ids.len() > 50 {
            errors.add("contact_ids", "too_many", "Link at most 50 contacts.");
        }
        if contact_ids.is_empty() && self.organisation_id.is_none() {
            errors.add(
                "contact_ids",
                "required",
                "Link the activity to at least one contact or an organisation.",
            );
        }
        match (kind, occurred_at, subject, body) {
            (Some(kind), Some(occurred_at), Some(subject), Some(body)) if errors.is_empty() => {
                Ok(ActivityFields {
                    kind,
                    occurred_at,
                    subject,
                    body,
                    contact_ids,
                    organisation_id: self.organisation_id,
                })
            }
            _ => Err(errors),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Activity {
    pub id: ActivityId,
    pub kind: ActivityKind,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub occurred_at: Timestamp,
    pub author_id: Option<UserId>,
    pub author_name: Option<String>,
    pub subject: String,
    pub body: String,
    pub organisation_id: Option<OrganisationId>,
    pub contacts: Vec<LinkedContact>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: Timestamp,
    /// Fields emptied because the reader's roles are not granted their
    /// category (need-to-know); absent when nothing was hidden.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub masked_fields: Vec<&'static str>,
    /// Of `masked_fields`, those the reader's roles do grant but the tenant
    /// marks sensitive: a stated reason (`X-Access-Reason`) shows them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub reason_required_fields: Vec<&'static str>,
    pub version: i64,
}

impl Activity {
    pub fn to_input(&self) -> ActivityInput {
        ActivityInput {
            kind: self.kind.as_str().to_string(),
            occurred_at: self.occurred_at.to_rfc3339(),
            subject: self.subject.clone(),
            body: Some(self.body.clone()),
            contact_ids: self.contacts.iter().map(|c| c.id).collect(),
            organisation_id: self.organisation_id,
        }
    }
}

/// A contact an activity is linked to, with the name to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkedContact {
    pub id: ContactId,
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_activity_needs_something_to_attach_to() {
        let input = ActivityInput {
            kind: "call".into(),
            occurred_at: "2026-11-24T09:30:00Z".into(),
            subject: "Renewal".into(),
            ..Default::default()
        };
        assert!(input
            .validate()
            .unwrap_err()
            .for_field("contact_ids")
            .is_some());
        let input = ActivityInput {
            contact_ids: vec![ContactId(3), ContactId(3)],
            ..input
        };
        assert_eq!(input.validate().unwrap().contact_ids, vec![ContactId(3)]);
    }

    #[test]
    fn bad_kind_and_time_are_named() {
        let input = ActivityInput {
            kind: "party".into(),
            occurred_at: "soon".into(),
            subject: "x".into(),
            contact_ids: vec![ContactId(1)],
            ..Default::default()
        };
        let errors = input.validate().unwrap_err();
        assert!(errors.for_field("kind").is_some());
        assert!(errors.for_field("occurred_at").is_some());
    }
}
