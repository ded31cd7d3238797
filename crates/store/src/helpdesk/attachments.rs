//! Files on tickets: written with their checks done (core), listed without
//! their content, read whole for a download. A closed ticket takes none.

use super::tickets::{load, lock_ticket};
use crate::statement::Bindable;
use crate::Helpdesk;
use crate::{MessageAuthor, Scope, StoreError};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::helpdesk::{FileKind, TicketAttachment, TicketStatus};
use custodian_core::time::Timestamp;
use custodian_core::Refusal;
use custodian_core::{ContactId, TenantId, TicketAttachmentId, TicketId, UserId};
use sqlx::any::AnyRow;
use sqlx::Row;

const COLUMNS: &str =
    "attachment_id, ticket_id, file_name, content_type, size_bytes, uploaded_by_user,
    uploaded_by_contact, created_at";

fn from_row(row: &AnyRow) -> Result<TicketAttachment, StoreError> {
    Ok(TicketAttachment {
        id: TicketAttachmentId(row.try_get("attachment_id")?),
        ticket_id: TicketId(row.try_get("ticket_id")?),
        file_name: row.try_get("file_name")?,
        content_type: row.try_get("content_type")?,
        size_bytes: row.try_get("size_bytes")?,
        uploaded_by_user: row
            .try_get::<Option<i64>, _>("uploaded_by_user")?
            .map(UserId),
        uploaded_by_contact: row
            .try_get::<Option<i64>, _>("uploaded_by_contact")?
            .map(ContactId),
        created_at: Timestamp(row.try_get("created_at")?),
        masked_fields: Vec::new(),
        reason_required_fields: Vec::new(),
    })
}

impl Helpdesk<'_> {
    /// Attaches a checked file to the ticket.
    pub async fn add_ticket_attachment(
        self,
        scope: &Scope,
        ticket: TicketId,
        author: MessageAuthor,
        file_name: &str,
        kind: FileKind,
        content: &[u8],
    ) -> Result<TicketAttachment, StoreError> {
        let tenant = scope.tenant;
        let mut tx = self.begin(tenant).await?;
        lock_ticket(&mut tx, tenant, ticket).await?;
        if load(&mut tx, tenant, ticket).await?.status == TicketStatus::Closed {
            return Err(StoreError::Refused(Refusal::TicketClosed));
        }
        let id = TicketAttachmentId(self.next_id());
        let (user, contact) = match author {
            MessageAuthor::Staff(user) => (Some(user.0), None),
            MessageAuthor::Contact(contact) => (None, Some(contact.0)),
        };
        sqlx::query(
            "INSERT INTO ticket_attachments (tenant_id, attachment_id, ticket_id, file_name, content_type, size_bytes, content,
             uploaded_by_user, uploaded_by_contact, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind_all((tenant.0, id.0, ticket.0, file_name, kind.as_str(), i64::try_from(content.len()).unwrap_or(i64::MAX), content.to_vec(), user, contact, Timestamp::now().0))
        .execute(&mut *tx)
        .await?;
        self.audit(
            &mut tx,
            scope,
            AuditAction::Create,
            RecordType::TicketAttachment,
            id.0,
            &["file_name", "content"],
        )
        .await?;
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM ticket_attachments WHERE tenant_id = $1 AND attachment_id = $2"
        ))
        .bind_all((tenant.0, id.0))
        .fetch_one(&mut *tx)
        .await?;
        let attachment = from_row(&row)?;
        tx.commit().await?;
        Ok(attachment)
    }

    /// The ticket's files, oldest first, without their content.
    pub async fn ticket_attachments(
        self,
        tenant: TenantId,
        ticket: TicketId,
    ) -> Result<Vec<TicketAttachment>, StoreError> {
        self.read_rows(
            tenant,
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM ticket_attachments WHERE tenant_id = $1 AND ticket_id = $2
             ORDER BY created_at, attachment_id LIMIT 500"
            ))
            .bind_all((tenant.0, ticket.0)),
            from_row,
        )
        .await
    }

    /// One file with its content.
    pub async fn ticket_attachment(
        self,
        tenant: TenantId,
        id: TicketAttachmentId,
    ) -> Result<(TicketAttachment, Vec<u8>), StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS}, content FROM ticket_attachments WHERE tenant_id = $1 AND attachment_id = $2"
        ))
        .bind_all((tenant.0, id.0))
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::Refused(Refusal::NotFound))?;
        tx.commit().await?;
        let content: Vec<u8> = row.try_get("content")?;
        Ok((from_row(&row)?, content))
    }
}
