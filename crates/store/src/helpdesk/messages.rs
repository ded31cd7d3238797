//! Replies and notes on a ticket. A message is written with the ticket's
//! change in one transaction: staff's first public reply stamps the first
//! response (and opens a new ticket), and the status the writer chose is
//! set with it, and the requester's notice is written to the outbox in the
//! same transaction. A closed ticket takes no message.

use super::service_levels::load_levels;
use super::tickets::{fields_of, load, lock_ticket, write_ticket};
use crate::rows::bump_version;
use crate::statement::Bindable;
use crate::Helpdesk;
use crate::{NewMail, Scope, StoreError};
use custodian_core::audit::{changed_fields, AuditAction, RecordType};
use custodian_core::helpdesk::{
    MessageFields, MessageVisibility, TicketMessage, TicketStatus, Writer,
};
use custodian_core::time::Timestamp;
use custodian_core::Refusal;
use custodian_core::{ContactId, TenantId, TicketId, TicketMessageId, UserId};
use sqlx::any::AnyRow;
use sqlx::Row;

/// Who writes a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageAuthor {
    Staff(UserId),
    Contact(ContactId),
}

const SELECT: &str = "SELECT m.message_id, m.ticket_id, m.visibility, m.body, m.author_user_id,
    m.author_contact_id, m.created_at, u.display_name AS user_name,
    c.first_name AS contact_first_name, c.last_name AS contact_last_name
    FROM ticket_messages m
    LEFT JOIN users u ON u.tenant_id = m.tenant_id AND u.user_id = m.author_user_id
    LEFT JOIN contacts c ON c.tenant_id = m.tenant_id AND c.contact_id = m.author_contact_id";

fn from_row(row: &AnyRow) -> Result<TicketMessage, StoreError> {
    let visibility: String = row.try_get("visibility")?;
    let contact_name = match (
        row.try_get::<Option<String>, _>("contact_first_name")?,
        row.try_get::<Option<String>, _>("contact_last_name")?,
    ) {
        (Some(first), Some(last)) => Some(format!("{first} {last}")),
        _ => None,
    };
    Ok(TicketMessage {
        id: TicketMessageId(row.try_get("message_id")?),
        ticket_id: TicketId(row.try_get("ticket_id")?),
        visibility: MessageVisibility::parse(&visibility)
            .ok_or(StoreError::Corrupt("an unknown message visibility"))?,
        body: row.try_get("body")?,
        author_user_id: row.try_get::<Option<i64>, _>("author_user_id")?.map(UserId),
        author_contact_id: row
            .try_get::<Option<i64>, _>("author_contact_id")?
            .map(ContactId),
        author_name: row
            .try_get::<Option<String>, _>("user_name")?
            .or(contact_name),
        created_at: Timestamp(row.try_get("created_at")?),
    })
}

impl Helpdesk<'_> {
    /// Writes a reply or note on the ticket and changes the ticket with it.
    pub async fn add_ticket_message(
        self,
        scope: &Scope,
        ticket_id: TicketId,
        author: MessageAuthor,
        fields: &MessageFields,
        notice: Option<&NewMail>,
    ) -> Result<TicketMessage, StoreError> {
        let tenant = scope.tenant;
        let mut tx = self.begin(tenant).await?;
        lock_ticket(&mut tx, tenant, ticket_id).await?;
        let ticket = load(&mut tx, tenant, ticket_id).await?;
        if ticket.status == TicketStatus::Closed {
            return Err(StoreError::Refused(Refusal::TicketClosed));
        }
        let now = Timestamp::now();
        let id = TicketMessageId(self.next_id());
        let (user, contact) = match author {
            MessageAuthor::Staff(user) => (Some(user.0), None),
            MessageAuthor::Contact(contact) => (None, Some(contact.0)),
        };
        sqlx::query(
            "INSERT INTO ticket_messages (tenant_id, message_id, ticket_id, visibility, body, author_user_id, author_contact_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind_all((tenant.0, id.0, ticket_id.0, fields.visibility.as_str(), &fields.body, user, contact, now.0))
        .execute(&mut *tx)
        .await?;
        self.audit(
            &mut tx,
            scope,
            AuditAction::Create,
            RecordType::TicketMessage,
            id.0,
            &["body", "visibility"],
        )
        .await?;

        let writer = match author {
            MessageAuthor::Staff(_) => Writer::Staff,
            MessageAuthor::Contact(_) => Writer::Requester,
        };
        let staff_reply = fields.answers_requester(writer);
        let before = fields_of(&ticket);
        let mut after = before.clone();
        after.status = fields.status_after(writer, ticket.status);
        let mut times = ticket.times();
        if staff_reply && times.first_responded_at.is_none() {
            times.first_responded_at = Some(now);
        }
        let levels = load_levels(&mut tx, tenant).await?;
        let times = times.after_change(now, after.priority, after.status, &levels);
        bump_version(
            &mut tx,
            "tickets",
            "ticket_id",
            tenant.0,
            ticket_id.0,
            None,
            now.0,
        )
        .await?;
        write_ticket(
            &mut tx,
            tenant,
            ticket_id,
            &after,
            ticket.organisation_id.map(|o| o.0),
            &times,
        )
        .await?;
        let mut changed = changed_fields(&before.field_values(), &after.field_values());
        if times.first_responded_at != ticket.first_responded_at {
            changed.push("first_responded_at");
        }
        if !changed.is_empty() {
            self.audit(
                &mut tx,
                scope,
                AuditAction::Update,
                RecordType::Ticket,
                ticket_id.0,
                &changed,
            )
            .await?;
        }
        if let Some(notice) = notice {
            self.enqueue_mail(&mut tx, scope, notice).await?;
        }
        let row = sqlx::query(&format!(
            "{SELECT} WHERE m.tenant_id = $1 AND m.message_id = $2"
        ))
        .bind_all((tenant.0, id.0))
        .fetch_one(&mut *tx)
        .await?;
        let message = from_row(&row)?;
        tx.commit().await?;
        Ok(message)
    }

    /// The ticket's messages, oldest first; internal notes only when asked.
    pub async fn ticket_messages(
        self,
        tenant: TenantId,
        ticket_id: TicketId,
        with_internal: bool,
    ) -> Result<Vec<TicketMessage>, StoreError> {
        let internal = if with_internal {
            ""
        } else {
            " AND m.visibility = 'public'"
        };
        self.read_rows(tenant, sqlx::query(&format!(
            "{SELECT} WHERE m.tenant_id = $1 AND m.ticket_id = $2{internal} ORDER BY m.created_at, m.message_id LIMIT 1000"
        ))
        .bind_all((tenant.0, ticket_id.0)), from_row).await
    }
}
