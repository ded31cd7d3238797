//! The outbox: messages are written in the transaction of what caused them
//! (so a reply that was saved always has its notice), then the delivery
//! loop takes those due, and records each send's outcome.

use crate::statement::Bindable;
use crate::Mail;
use crate::{Scope, Store, StoreError};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::mail::{MailPurpose, MailStatus, OutboxMail};
use custodian_core::time::Timestamp;
use custodian_core::Refusal;
use custodian_core::{ContactId, MailId, TenantId};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

/// A message to write to the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    pub contact_id: Option<ContactId>,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub purpose: MailPurpose,
    /// The record the message is about.
    pub about: Option<(RecordType, i64)>,
    /// A one-time link for the place of `mail::LINK_PLACEHOLDER` in the
    /// body, kept apart from it.
    pub secret_link: Option<String>,
}

/// What one send came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    /// Failed; tried again at the time given.
    Retry {
        at: Timestamp,
        error: String,
    },
    /// Failed for the last time.
    GaveUp {
        error: String,
    },
}

const SELECT: &str =
    "SELECT mail_id, contact_id, recipient, subject, body, purpose, status, attempts,
    next_attempt_at, last_error, created_at, sent_at, secret_link FROM outbox";

fn from_row(row: &AnyRow) -> Result<OutboxMail, StoreError> {
    let purpose: String = row.try_get("purpose")?;
    let status: String = row.try_get("status")?;
    Ok(OutboxMail {
        id: MailId(row.try_get("mail_id")?),
        contact_id: row.try_get::<Option<i64>, _>("contact_id")?.map(ContactId),
        recipient: row.try_get("recipient")?,
        subject: row.try_get("subject")?,
        body: row.try_get("body")?,
        purpose: MailPurpose::parse(&purpose)
            .ok_or(StoreError::Corrupt("an unknown mail purpose"))?,
        status: MailStatus::parse(&status).ok_or(StoreError::Corrupt("an unknown mail status"))?,
        attempts: row.try_get("attempts")?,
        next_attempt_at: Timestamp(row.try_get("next_attempt_at")?),
        last_error: row.try_get("last_error")?,
        created_at: Timestamp(row.try_get("created_at")?),
        sent_at: row.try_get::<Option<i64>, _>("sent_at")?.map(Timestamp),
        secret_link: row.try_get("secret_link")?,
    })
}

impl Store {
    /// Writes a message to the outbox inside `tx`, due at once.
    pub(crate) async fn enqueue_mail(
        &self,
        tx: &mut Transaction<'static, Any>,
        scope: &Scope,
        mail: &NewMail,
    ) -> Result<MailId, StoreError> {
        let id = MailId(self.next_id());
        let now = Timestamp::now().0;
        sqlx::query(
            "INSERT INTO outbox (tenant_id, mail_id, contact_id, recipient, subject, body, purpose, record_type, record_id,
             status, attempts, next_attempt_at, last_error, created_at, sent_at, secret_link)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', 0, $10, NULL, $10, NULL, $11)",
        )
        .bind_all((scope.tenant.0, id.0, mail.contact_id.map(|c| c.0), &mail.recipient, &mail.subject, &mail.body, mail.purpose.as_str(), mail.about.map(|(t, _)| t.as_str()), mail.about.map(|(_, id)| id), now, mail.secret_link.as_deref()))
        .execute(&mut **tx)
        .await?;
        self.audit(
            tx,
            scope,
            AuditAction::Create,
            RecordType::Mail,
            id.0,
            &["recipient", "subject", "body"],
        )
        .await?;
        Ok(id)
    }
}

impl Mail<'_> {
    /// Writes one message to the outbox on its own.
    pub async fn queue_mail(self, scope: &Scope, mail: &NewMail) -> Result<MailId, StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        let id = self.enqueue_mail(&mut tx, scope, mail).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Messages waiting whose time has come, oldest first.
    pub async fn due_mail(
        self,
        tenant: TenantId,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<OutboxMail>, StoreError> {
        self.read_rows(
            tenant,
            sqlx::query(&format!(
                "{SELECT} WHERE tenant_id = $1 AND status = 'pending' AND next_attempt_at <= $2
             ORDER BY next_attempt_at, mail_id LIMIT $3"
            ))
            .bind_all((tenant.0, now.0, limit)),
            from_row,
        )
        .await
    }

    /// Records a send's outcome: sent, to be tried again, or given up.
    pub async fn record_delivery(
        self,
        scope: &Scope,
        id: MailId,
        delivery: &Delivery,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        let now = Timestamp::now().0;
        let (status, next, error, sent_at) = match delivery {
            Delivery::Sent => ("sent", now, None, Some(now)),
            Delivery::Retry { at, error } => ("pending", at.0, Some(error.as_str()), None),
            Delivery::GaveUp { error } => ("failed", now, Some(error.as_str()), None),
        };
        let changed = sqlx::query(
            "UPDATE outbox SET status = $1, attempts = attempts + 1, next_attempt_at = $2, last_error = $3, sent_at = $4,
                    secret_link = CASE WHEN $1 = 'pending' THEN secret_link ELSE NULL END
             WHERE tenant_id = $5 AND mail_id = $6 AND status = 'pending'",
        )
        .bind_all((status, next, error, sent_at, scope.tenant.0, id.0))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::Refused(Refusal::NotFound));
        }
        self.audit(
            &mut tx,
            scope,
            AuditAction::Update,
            RecordType::Mail,
            id.0,
            &["status"],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The outbox, newest first, optionally of one status.
    pub async fn outbox(
        self,
        tenant: TenantId,
        status: Option<MailStatus>,
        limit: i64,
    ) -> Result<Vec<OutboxMail>, StoreError> {
        let filter = if status.is_some() {
            " AND status = $3"
        } else {
            ""
        };
        let mut tx = self.read_one(tenant).await?;
        let sql = format!(
            "{SELECT} WHERE tenant_id = $1{filter} ORDER BY created_at DESC, mail_id DESC LIMIT $2"
        );
        let mut query = sqlx::query(&sql).bind(tenant.0).bind(limit);
        if let Some(status) = status {
            query = query.bind(status.as_str());
        }
        let rows = query.fetch_all(&mut *tx).await?;
        tx.commit().await?;
        rows.iter().map(from_row).collect()
    }

    pub async fn get(self, tenant: TenantId, id: MailId) -> Result<OutboxMail, StoreError> {
        self.read_row(
            tenant,
            sqlx::query(&format!("{SELECT} WHERE tenant_id = $1 AND mail_id = $2"))
                .bind_all((tenant.0, id.0)),
            from_row,
        )
        .await
    }

    /// A message given up is tried again now, with its attempts counted
    /// afresh. Only given-up messages can be.
    pub async fn retry_mail(self, scope: &Scope, id: MailId) -> Result<(), StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        let changed = sqlx::query(
            "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $1
             WHERE tenant_id = $2 AND mail_id = $3 AND status = 'failed'
               AND (secret_link IS NOT NULL OR body NOT LIKE $4)",
        )
        .bind_all((
            Timestamp::now().0,
            scope.tenant.0,
            id.0,
            format!("%{}%", custodian_core::mail::LINK_PLACEHOLDER),
        ))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            let exists: Option<i64> = sqlx::query_scalar(
                "SELECT mail_id FROM outbox WHERE tenant_id = $1 AND mail_id = $2",
            )
            .bind_all((scope.tenant.0, id.0))
            .fetch_optional(&mut *tx)
            .await?;
            return Err(match exists {
                None => StoreError::Refused(Refusal::NotFound),
                Some(_) => StoreError::Refused(Refusal::InUse(
                    "Only a message that was given up can be sent again, and not one whose one-time link was discarded: send a new invitation or link instead.",
                )),
            });
        }
        self.audit(
            &mut tx,
            scope,
            AuditAction::Update,
            RecordType::Mail,
            id.0,
            &["status"],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes messages sent before `cutoff`: a record of whom was written
    /// what is kept as long as it helps support, not longer.
    pub async fn forget_sent_mail(
        self,
        scope: &Scope,
        cutoff: Timestamp,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT mail_id FROM outbox WHERE tenant_id = $1 AND status = 'sent' AND sent_at < $2 LIMIT 1000",
        )
        .bind_all((scope.tenant.0, cutoff.0))
        .fetch_all(&mut *tx)
        .await?;
        if ids.is_empty() {
            return Ok(0);
        }
        let list = crate::rows::placeholders(2, ids.len());
        let sql = format!("DELETE FROM outbox WHERE tenant_id = $1 AND mail_id IN ({list})");
        let mut delete = sqlx::query(&sql).bind(scope.tenant.0);
        for id in &ids {
            delete = delete.bind(*id);
        }
        let deleted = delete.execute(&mut *tx).await?.rows_affected();
        let entry = crate::NewAuditEntry {
            actor: scope.actor,
            action: AuditAction::Delete,
            record_type: RecordType::Mail,
            record_id: 0,
            fields: String::new(),
            context: scope.context.clone(),
            occurred_at: Timestamp::now(),
            record_ids: ids,
        };
        self.append_audit(&mut tx, scope.tenant, std::slice::from_ref(&entry))
            .await?;
        tx.commit().await?;
        Ok(deleted)
    }
}
