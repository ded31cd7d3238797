//! Files on tickets for staff: attaching one (checked by its content),
//! the list, and a download, which is recorded as a read. A file's name and
//! content are free text: the list hides names from a role without that
//! category, and a download needs sight of it (a stated reason where the
//! tenant marks free text sensitive).

use crate::Helpdesk;
use crate::{AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::helpdesk::Ticket;
use custodian_core::helpdesk::{check_upload, TicketAttachment};
use custodian_core::{TicketAttachmentId, TicketId};
use custodian_store::MessageAuthor;

impl Helpdesk<'_> {
    pub async fn attach_to_ticket(
        self,
        principal: &Principal,
        ticket: TicketId,
        file_name: &str,
        content: &[u8],
    ) -> Result<TicketAttachment, AppError> {
        principal.authorize(Area::Support, Action::Update)?;
        self.require_reach(principal, RecordType::Ticket, ticket.0)
            .await?;
        self.store
            .records::<Ticket>()
            .get(principal.tenant, ticket)
            .await?;
        self.refuse_restricted_change(principal, RecordType::Ticket, Some(ticket.0), Vec::new())
            .await?;
        let (name, kind) = check_upload(file_name, content)?;
        Ok(self
            .store
            .helpdesk()
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
        self,
        principal: &Principal,
        ticket: TicketId,
    ) -> Result<Vec<TicketAttachment>, AppError> {
        principal.authorize(Area::Support, Action::Read)?;
        self.require_reach(principal, RecordType::Ticket, ticket.0)
            .await?;
        self.store
            .records::<Ticket>()
            .get(principal.tenant, ticket)
            .await?;
        let mut files = self
            .store
            .helpdesk()
            .ticket_attachments(principal.tenant, ticket)
            .await?;
        files.iter_mut().for_each(|f| principal.mask(f));
        let shown = crate::audit::shown_among(
            "ticket_attachments",
            &["file_name", "uploaded_by_contact"],
            principal.sight(),
        );
        if !shown.is_empty() && !files.is_empty() {
            self.record_read_fields(
                principal,
                AuditAction::List,
                RecordType::TicketAttachment,
                files.iter().map(|f| f.id.0),
                &shown,
            )
            .await?;
        }
        Ok(files)
    }

    /// A file's content, for a download.
    pub async fn ticket_attachment(
        self,
        principal: &Principal,
        id: TicketAttachmentId,
    ) -> Result<(TicketAttachment, Vec<u8>), AppError> {
        principal.authorize(Area::Support, Action::Read)?;
        let (attachment, content) = self
            .store
            .helpdesk()
            .ticket_attachment(principal.tenant, id)
            .await?;
        self.require_reach(principal, RecordType::Ticket, attachment.ticket_id.0)
            .await?;
        // The content is the file: shown whole or not at all.
        principal.may_see_whole("ticket_attachments")?;
        self.record_read_fields(
            principal,
            AuditAction::Read,
            RecordType::TicketAttachment,
            [id.0],
            "file_name,content,uploaded_by_contact",
        )
        .await?;
        Ok((attachment, content))
    }
}
