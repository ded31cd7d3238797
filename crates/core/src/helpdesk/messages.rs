//! What is written on a ticket: public replies, which the requester sees
//! (and is told of), and internal notes, which only staff see.

use crate::ids::{ContactId, TicketId, TicketMessageId, UserId};
use crate::time::Timestamp;
use crate::validation::{required_long_text, FieldProblem, ValidationErrors};
use crate::values::BODY_MAX;
use serde::{Deserialize, Serialize};

named_enum!(
    /// Who may read a message.
    MessageVisibility {
        Public => "public", "Reply",
        Internal => "internal", "Internal note",
    }
);

/// A reply or note as a form or an API client sends it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MessageInput {
    pub body: String,
    /// `public` (a reply to the requester, the default) or `internal` (a
    /// note for staff).
    #[serde(default)]
    pub visibility: Option<String>,
    /// Moves the ticket to this status with the message, e.g. `pending`
    /// after asking the requester something.
    #[serde(default)]
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageFields {
    pub body: String,
    pub visibility: MessageVisibility,
    pub status: Option<super::TicketStatus>,
}

impl MessageInput {
    pub fn validate(&self) -> Result<MessageFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let body = errors.check("body", required_long_text(&self.body, BODY_MAX));
        let visibility = errors.check(
            "visibility",
            match self.visibility.as_deref().map(str::trim) {
                None | Some("") => Ok(MessageVisibility::Public),
                Some(v) => MessageVisibility::parse(v).ok_or_else(|| {
                    FieldProblem::new("invalid_choice", "Choose public or internal.")
                }),
            },
        );
        let status = errors.check(
            "status",
            match self.status.as_deref().map(str::trim) {
                None | Some("") => Ok(None),
                Some(v) => super::TicketStatus::parse(v).map(Some).ok_or_else(|| {
                    FieldProblem::new(
                        "invalid_choice",
                        "Choose new, open, pending, resolved or closed.",
                    )
                }),
            },
        );
        match (body, visibility, status) {
            (Some(body), Some(visibility), Some(status)) => Ok(MessageFields {
                body,
                visibility,
                status,
            }),
            _ => Err(errors),
        }
    }
}

/// Who writes a message, as the ticket's rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    Staff,
    /// The contact person (the portal).
    Requester,
}

impl MessageFields {
    /// Staff's public reply: it answers the requester (and is the first
    /// response when none was given yet).
    pub fn answers_requester(&self, writer: Writer) -> bool {
        writer == Writer::Staff && self.visibility == MessageVisibility::Public
    }

    /// The ticket's status after this message: the one chosen with it;
    /// otherwise staff's public reply opens a new ticket, and the
    /// requester's answer reopens one waiting for them or resolved.
    pub fn status_after(
        &self,
        writer: Writer,
        current: super::TicketStatus,
    ) -> super::TicketStatus {
        use super::TicketStatus as S;
        match self.status {
            Some(chosen) => chosen,
            None if self.answers_requester(writer) && current == S::New => S::Open,
            None if writer == Writer::Requester && matches!(current, S::Pending | S::Resolved) => {
                S::Open
            }
            None => current,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketMessage {
    pub id: TicketMessageId,
    pub ticket_id: TicketId,
    pub visibility: MessageVisibility,
    pub body: String,
    /// The staff user who wrote it.
    pub author_user_id: Option<UserId>,
    /// The contact person who wrote it (through the portal).
    pub author_contact_id: Option<ContactId>,
    /// The writer's name as shown.
    pub author_name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_a_public_reply_unless_told() {
        let fields = MessageInput {
            body: "We sent a new cartridge.".into(),
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(fields.visibility, MessageVisibility::Public);
        assert_eq!(fields.status, None);
    }

    #[test]
    fn messages_move_the_ticket() {
        use super::super::TicketStatus as S;
        let message = |visibility: &str, status: Option<&str>| {
            MessageInput {
                body: "x".into(),
                visibility: Some(visibility.into()),
                status: status.map(str::to_string),
            }
            .validate()
            .unwrap()
        };
        let reply = message("public", None);
        assert_eq!(reply.status_after(Writer::Staff, S::New), S::Open);
        assert_eq!(reply.status_after(Writer::Staff, S::Pending), S::Pending);
        assert_eq!(reply.status_after(Writer::Requester, S::Resolved), S::Open);
        let note = message("internal", None);
        assert!(!note.answers_requester(Writer::Staff));
        assert_eq!(
            note.status_after(Writer::Staff, S::Resolved),
            S::Resolved,
            "a note reopens nothing"
        );
        assert_eq!(
            message("public", Some("pending")).status_after(Writer::Staff, S::New),
            S::Pending
        );
    }

    #[test]
    fn an_empty_body_and_unknown_choices_are_named() {
        let errors = MessageInput {
            body: "  ".into(),
            visibility: Some("secret".into()),
            status: Some("later".into()),
        }
        .validate()
        .unwrap_err();
        for field in ["body", "visibility", "status"] {
            assert!(errors.for_field(field).is_some(), "{field}");
        }
    }
}
