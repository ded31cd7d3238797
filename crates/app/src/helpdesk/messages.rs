//! Replies and internal notes on a ticket, written by staff.

use crate::Helpdesk;
use crate::{App, AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::catalog;
use custodian_core::contacts::Contact;
use custodian_core::helpdesk::Ticket;
use custodian_core::helpdesk::{MessageInput, MessageVisibility, TicketMessage};
use custodian_core::mail::{ticket_reply_notice, MailPurpose};
use custodian_core::TicketId;
use custodian_store::{MessageAuthor, NewMail};

impl App {
    /// The requester's notice of a public reply: to their first email, with
    /// the ticket's number and a link to it in the portal, nothing more.
    async fn reply_notice(
        &self,
        principal: &Principal,
        id: TicketId,
    ) -> Result<Option<NewMail>, AppError> {
        let ticket = self
            .store
            .records::<Ticket>()
            .get(principal.tenant, id)
            .await?;
        let Some(contact_id) = ticket.contact_id else {
            return Ok(None);
        };
        let contact = self
            .store
            .records::<Contact>()
            .get(principal.tenant, contact_id)
            .await?;
        let Some(email) = contact.emails.first() else {
            return Ok(None);
        };
        let text = ticket_reply_notice(
            ticket.number,
            &self.mailer.link(&format!("/portal/tickets/{id}")),
        );
        Ok(Some(NewMail {
            contact_id: Some(contact_id),
            recipient: email.as_str().to_string(),
            subject: text.subject,
            body: text.body,
            purpose: MailPurpose::TicketReply,
            about: Some((RecordType::Ticket, id.0)),
            secret_link: None,
        }))
    }
}

impl Helpdesk<'_> {
    /// A staff member answers the requester (a public reply) or notes
    /// something for colleagues (internal), optionally moving the ticket to
    /// another status with it. A closed ticket is refused.
    pub async fn add_ticket_message(
        self,
        principal: &Principal,
        ticket: TicketId,
        input: &MessageInput,
    ) -> Result<TicketMessage, AppError> {
        principal.authorize(Area::Support, Action::Update)?;
        let fields = input.validate()?;
        self.require_reach(principal, RecordType::Ticket, ticket.0)
            .await?;
        self.refuse_restricted_change(principal, RecordType::Ticket, Some(ticket.0), Vec::new())
            .await?;
        let notice = match fields.visibility {
            MessageVisibility::Public => self.reply_notice(principal, ticket).await?,
            MessageVisibility::Internal => None,
        };
        Ok(self
            .store
            .helpdesk()
            .add_ticket_message(
                &principal.scope(),
                ticket,
                MessageAuthor::Staff(principal.user_id),
                &fields,
                notice.as_ref(),
            )
            .await?)
    }

    /// The ticket's replies and internal notes, oldest first. A reader whose
    /// roles do not see free text gets the messages without their text.
    pub async fn ticket_messages(
        self,
        principal: &Principal,
        ticket: TicketId,
    ) -> Result<Vec<TicketMessage>, AppError> {
        principal.authorize(Area::Support, Action::Read)?;
        self.require_reach(principal, RecordType::Ticket, ticket.0)
            .await?;
        // Another tenant's ticket, or none: not found, never an empty thread.
        self.store
            .records::<Ticket>()
            .get(principal.tenant, ticket)
            .await?;
        let mut messages = self
            .store
            .helpdesk()
            .ticket_messages(principal.tenant, ticket, true)
            .await?;
        if !principal
            .sight()
            .sees(catalog::category_of("ticket_messages", "body"))
        {
            messages.iter_mut().for_each(|m| m.body.clear());
        }
        self.record_reads(
            principal,
            AuditAction::List,
            RecordType::TicketMessage,
            messages.iter().map(|m| m.id.0),
        )
        .await?;
        Ok(messages)
    }
}
