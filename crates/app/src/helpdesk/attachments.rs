//! Files on tickets for staff: attaching one (checked by its content),
//! the list, and a download, which is recorded as a read.

use crate::{App, AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::helpdesk::{check_upload, TicketAttachment};
use custodian_core::{TicketAttachmentId, TicketId};
use custodian_store::MessageAuthor;

impl App {
    pub async fn attach_to_ticket(
        &self,
        principal: &Principal,
        ticket: TicketId,
        file_name: &str,
        content: &[u8],
    ) -> Result<TicketAttachment, AppError> {
        principal.authorize(Area::Support, Action::Update)?;
        self.require_reach(principal, RecordType::Ticket, ticket.0)
            .await?;
        self.store.ticket(principal.tenant, ticket).await?;
        self.refuse_restricted_change(principal, RecordType::Ticket, Some(ticket.0), Vec::new())
            .await?;
        let (name, kind) = check_upload(file_name, content)?;
        Ok(self
            .store
            .add_ticket_attachment(
                &principal.scope(),
                ticket,
                MessageAuthor::Staff(principal.user_id),
                &name,
                kind,
                content,
            )
            .await?)
    }

    pub async fn ticket_attachments(
        &self,
        principal: &Principal,
        ticket: TicketId,
    ) -> Result<Vec<TicketAttachment>, AppError> {
        principal.authorize(Area::Support, Action::Read)?;
        self.require_reach(principal, RecordType::Ticket, ticket.0)
            .await?;
        self.store.ticket(principal.tenant, ticket).await?;
        Ok(self
            .store
            .ticket_attachments(principal.tenant, ticket)
            .await?)
    }

    /// A file's content, for a download.
    pub async fn ticket_attachment(
        &self,
        principal: &Principal,
        id: TicketAttachmentId,
    ) -> Result<(TicketAttachment, Vec<u8>), AppError> {
        principal.authorize(Area::Support, Action::Read)?;
        let (attachment, content) = self.store.ticket_attachment(principal.tenant, id).await?;
        self.require_reach(principal, RecordType::Ticket, attachment.ticket_id.0)
            .await?;
        self.record_reads(
            principal,
            AuditAction::Read,
            RecordType::TicketAttachment,
            [id.0],
        )
        .await?;
        Ok((attachment, content))
    }
}
