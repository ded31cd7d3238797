//! Changing many tickets at once from the queue: give them to someone (or
//! nobody), move them to a status, or both. Each ticket is changed as if
//! one by one, so a ticket out of the caller's reach or changed meanwhile
//! is left as it is and named in the outcome.

use super::TicketStatus;
use crate::validation::ValidationErrors;
use crate::{TicketId, UserId};
use serde::{Deserialize, Serialize};

/// The most tickets one bulk change takes (a queue page at its largest).
pub const BULK_MAX: usize = 200;

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BulkTicketInput {
    /// The tickets to change, 1 to 200.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 200))]
    pub ticket_ids: Vec<TicketId>,
    /// Give them to this staff user; 0 gives them to nobody.
    #[serde(default)]
    pub assignee_id: Option<i64>,
    /// Move them to `new`, `open`, `pending`, `resolved` or `closed`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<TicketStatus>))]
    pub status: Option<String>,
}

/// A validated bulk change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkTicketChange {
    pub ticket_ids: Vec<TicketId>,
    /// `Some(None)`: to nobody.
    pub assignee: Option<Option<UserId>>,
    pub status: Option<TicketStatus>,
}

impl BulkTicketInput {
    pub fn validate(&self) -> Result<BulkTicketChange, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let mut ticket_ids = self.ticket_ids.clone();
        ticket_ids.sort_unstable_by_key(|t| t.0);
        ticket_ids.dedup();
        if ticket_ids.is_empty() {
            errors.add("ticket_ids", "required", "Tick the tickets to change.");
        } else if ticket_ids.len() > BULK_MAX {
            errors.add(
                "ticket_ids",
                "too_many",
                "Change at most 200 tickets at once.",
            );
        }
        let status_text = self
            .status
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let status = match status_text {
            None => None,
            Some(text) => match TicketStatus::parse(text) {
                Some(status) => Some(status),
                None => {
                    errors.add(
                        "status",
                        "invalid_choice",
                        "Choose new, open, pending, resolved or closed.",
                    );
                    None
                }
            },
        };
        let assignee = self.assignee_id.map(|id| (id != 0).then_some(UserId(id)));
        if assignee.is_none() && status_text.is_none() {
            errors.add(
                "assignee_id",
                "nothing_to_change",
                "Choose whom to give the tickets to, or their new status.",
            );
        }
        errors.finish(BulkTicketChange {
            ticket_ids,
            assignee,
            status,
        })
    }
}

/// What a bulk change did: the tickets changed, and those left as they were
/// with the reason.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkOutcome {
    pub changed: Vec<TicketId>,
    pub refused: Vec<BulkRefusal>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkRefusal {
    pub ticket_id: TicketId,
    /// The ticket's number, when the caller may see the ticket.
    pub number: Option<i64>,
    /// The stable error code, as the single change would answer.
    pub code: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bulk_change_names_tickets_and_something_to_change() {
        let empty = BulkTicketInput::default().validate().unwrap_err();
        let codes: Vec<&str> = empty.0.iter().map(|e| e.code).collect();
        assert_eq!(codes, ["required", "nothing_to_change"]);
        let change = BulkTicketInput {
            ticket_ids: vec![TicketId(3), TicketId(1), TicketId(3)],
            assignee_id: Some(0),
            status: Some("closed".into()),
        }
        .validate()
        .unwrap();
        assert_eq!(change.ticket_ids, [TicketId(1), TicketId(3)]);
        assert_eq!(change.assignee, Some(None));
        assert_eq!(change.status, Some(TicketStatus::Closed));
        let wrong = BulkTicketInput {
            ticket_ids: vec![TicketId(1)],
            status: Some("done".into()),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(wrong.0[0].field, "status");
    }
}
