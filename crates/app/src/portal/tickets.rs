//! Tickets in the portal: a contact person raises tickets, reads them with
//! their public replies (never the internal notes) and answers; with
//! organisation access, every ticket of their organisation. Another
//! ticket is not found, however it is asked for.

use super::PortalPrincipal;
use crate::records::ListParams;
use crate::Portal;
use crate::{App, AppError};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::helpdesk::{
    MessageFields, MessageVisibility, Ticket, TicketFields, TicketMessage, TicketPriority,
    TicketStatus, CATEGORY_MAX,
};
use custodian_core::page::Page;
use custodian_core::time::Timestamp;
use custodian_core::validation::{
    long_text, optional_text, required_long_text, required_text, ValidationErrors,
};
use custodian_core::values::{BODY_MAX, NAME_MAX};
use custodian_core::{catalog, Refusal, TicketId};
use custodian_store::{ListQuery, MessageAuthor, Reach};
use serde::Deserialize;

/// A ticket as a contact person raises it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortalTicketInput {
    pub subject: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    /// `normal` (the default) or `high`; staff set the rest.
    #[serde(default)]
    pub priority: Option<String>,
}

/// Tickets one contact person may raise in an hour.
const TICKETS_PER_HOUR: usize = 30;

impl App {
    /// Records that the contact person was shown these records.
    pub(super) async fn portal_reads(
        &self,
        principal: &PortalPrincipal,
        action: AuditAction,
        record_type: RecordType,
        ids: Vec<i64>,
    ) -> Result<(), AppError> {
        // The person sees every personal field of what is theirs.
        let fields = catalog::shown_personal_columns(record_type.table()).join(",");
        let entries = crate::audit::read_entries(
            principal.actor(),
            &principal.context,
            action,
            record_type,
            ids,
            &fields,
        );
        self.record_entries(principal.tenant, entries).await
    }

    /// A ticket they may see, or not found.
    async fn visible_ticket(
        &self,
        principal: &PortalPrincipal,
        id: TicketId,
    ) -> Result<Ticket, AppError> {
        let ticket = self
            .store
            .records::<Ticket>()
            .get(principal.tenant, id)
            .await?;
        let own = ticket.contact_id == Some(principal.contact);
        let organisation = principal.organisation_access
            && principal.organisation_id.is_some()
            && ticket.organisation_id == principal.organisation_id;
        if own || organisation {
            Ok(ticket)
        } else {
            Err(AppError::Refused(Refusal::NotFound))
        }
    }
}

impl Portal<'_> {
    /// Their own tickets (with organisation access, their organisation's),
    /// newest first, by status (`active` the default) or number/subject.
    pub async fn portal_tickets(
        self,
        principal: &PortalPrincipal,
        params: &ListParams,
    ) -> Result<Page<Ticket>, AppError> {
        let asked = ListParams {
            status: match params.status.as_deref() {
                Some("all") => None,
                None => Some("active".into()),
                Some(other) => Some(other.to_string()),
            },
            ..params.clone()
        };
        let mut query: ListQuery = asked.to_query(crate::helpdesk::TICKET_FILTERS, &self.key)?;
        query.reach = Reach::All;
        query.assignee_id = None;
        query.priority = None;
        match (principal.organisation_access, principal.organisation_id) {
            (true, Some(org)) => {
                query.contact_id = None;
                query.organisation_id = None;
                query.requester_or_organisation = Some((principal.contact.0, org.0));
            }
            _ => {
                query.organisation_id = None;
                query.contact_id = Some(principal.contact.0);
            }
        }
        let page = self
            .store
            .helpdesk()
            .list_tickets(principal.tenant, &query)
            .await?;
        self.portal_reads(
            principal,
            AuditAction::List,
            RecordType::Ticket,
            page.items.iter().map(|t| t.id.0).collect(),
        )
        .await?;
        Ok(self.sealed(page))
    }

    /// A ticket with its public replies, oldest first.
    pub async fn portal_ticket(
        self,
        principal: &PortalPrincipal,
        id: TicketId,
    ) -> Result<(Ticket, Vec<TicketMessage>), AppError> {
        let ticket = self.visible_ticket(principal, id).await?;
        let messages = self
            .store
            .helpdesk()
            .ticket_messages(principal.tenant, id, false)
            .await?;
        self.portal_reads(principal, AuditAction::Read, RecordType::Ticket, vec![id.0])
            .await?;
        self.portal_reads(
            principal,
            AuditAction::List,
            RecordType::TicketMessage,
            messages.iter().map(|m| m.id.0).collect(),
        )
        .await?;
        Ok((ticket, messages))
    }

    /// Raises a ticket for themselves (and their organisation).
    pub async fn portal_raise_ticket(
        self,
        principal: &PortalPrincipal,
        input: &PortalTicketInput,
    ) -> Result<Ticket, AppError> {
        let mut errors = ValidationErrors::new();
        let subject = errors.check("subject", required_text(&input.subject, NAME_MAX));
        let description = errors.check(
            "description",
            long_text(input.description.as_deref(), BODY_MAX),
        );
        let category = errors.check(
            "category",
            optional_text(input.category.as_deref(), CATEGORY_MAX),
        );
        let priority = match input.priority.as_deref().map(str::trim) {
            None | Some("") | Some("normal") => Some(TicketPriority::Normal),
            Some("high") => Some(TicketPriority::High),
            Some(_) => {
                errors.add("priority", "invalid_choice", "Choose normal or high.");
                None
            }
        };
        let (Some(subject), Some(description), Some(category), Some(priority)) =
            (subject, description, category, priority)
        else {
            return Err(errors.into());
        };
        let recent = self
            .store
            .helpdesk()
            .tickets_raised_since(
                principal.tenant,
                principal.contact,
                Timestamp(Timestamp::now().0 - 3_600_000),
            )
            .await?;
        if recent >= TICKETS_PER_HOUR {
            return Err(AppError::TooManyAttempts {
                retry_after_seconds: 3600,
            });
        }
        let fields = TicketFields {
            subject,
            description,
            status: TicketStatus::New,
            priority,
            category: category.unwrap_or_default(),
            organisation_id: principal.organisation_id,
            contact_id: Some(principal.contact),
            assignee_id: None,
        };
        Ok(self
            .store
            .helpdesk()
            .create_ticket(&principal.scope(), None, &fields)
            .await?)
    }

    /// Closes a ticket they may see, when their problem is solved; staff
    /// see who closed it in its history. A closed ticket stays closed.
    pub async fn portal_close_ticket(
        self,
        principal: &PortalPrincipal,
        id: TicketId,
    ) -> Result<Ticket, AppError> {
        let ticket = self.visible_ticket(principal, id).await?;
        if ticket.status == TicketStatus::Closed {
            return Err(AppError::Refused(Refusal::TicketClosed));
        }
        let mut fields = ticket.to_input().validate()?;
        fields.status = TicketStatus::Closed;
        Ok(self
            .store
            .records::<Ticket>()
            .update(&principal.scope(), id, Some(ticket.version), &fields)
            .await?)
    }

    /// Answers on a ticket they may see; a closed one is refused.
    pub async fn portal_reply(
        self,
        principal: &PortalPrincipal,
        id: TicketId,
        body: &str,
    ) -> Result<TicketMessage, AppError> {
        let body = required_long_text(body, BODY_MAX).map_err(|problem| {
            let mut errors = ValidationErrors::new();
            errors.add("body", problem.code, problem.message);
            errors
        })?;
        self.visible_ticket(principal, id).await?;
        let fields = MessageFields {
            body,
            visibility: MessageVisibility::Public,
            status: None,
        };
        Ok(self
            .store
            .helpdesk()
            .add_ticket_message(
                &principal.scope(),
                id,
                MessageAuthor::Contact(principal.contact),
                &fields,
                None,
            )
            .await?)
    }
}

impl Portal<'_> {
    /// Attaches a file to a ticket they may see; a closed one is refused.
    pub async fn portal_attach(
        self,
        principal: &PortalPrincipal,
        id: TicketId,
        file_name: &str,
        content: &[u8],
    ) -> Result<custodian_core::helpdesk::TicketAttachment, AppError> {
        self.visible_ticket(principal, id).await?;
        let (name, kind) = custodian_core::helpdesk::check_upload(file_name, content)?;
        Ok(self
            .store
            .helpdesk()
            .add_ticket_attachment(
                &principal.scope(),
                id,
                MessageAuthor::Contact(principal.contact),
                &name,
                kind,
                content,
            )
            .await?)
    }

    /// The files of a ticket they may see.
    pub async fn portal_attachments(
        self,
        principal: &PortalPrincipal,
        id: TicketId,
    ) -> Result<Vec<custodian_core::helpdesk::TicketAttachment>, AppError> {
        self.visible_ticket(principal, id).await?;
        Ok(self
            .store
            .helpdesk()
            .ticket_attachments(principal.tenant, id)
            .await?)
    }

    /// A file of a ticket they may see, for a download.
    pub async fn portal_attachment(
        self,
        principal: &PortalPrincipal,
        id: custodian_core::TicketAttachmentId,
    ) -> Result<(custodian_core::helpdesk::TicketAttachment, Vec<u8>), AppError> {
        let (attachment, content) = self
            .store
            .helpdesk()
            .ticket_attachment(principal.tenant, id)
            .await?;
        self.visible_ticket(principal, attachment.ticket_id).await?;
        self.portal_reads(
            principal,
            AuditAction::Read,
            RecordType::TicketAttachment,
            vec![id.0],
        )
        .await?;
        Ok((attachment, content))
    }
}
