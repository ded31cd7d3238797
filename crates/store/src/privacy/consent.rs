//! The consent ledger's storage: consent texts (versioned per purpose; a
//! published text is never updated) and consent events (append-only, with
//! the client's address and browser from the scope as proof). Every change
//! is audited.

use crate::statement::Bindable;
use crate::Privacy;
use crate::{Scope, StoreError};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::privacy::consent::{
    ConsentAction, ConsentChannel, ConsentEvent, ConsentEventFields, ConsentText, ConsentTextFields,
};
use custodian_core::time::Timestamp;
use custodian_core::{
    ConsentEventId, ConsentTextId, ContactId, PurposeId, Refusal, TenantId, UserId,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

const TEXT_SELECT: &str = "SELECT t.text_id, t.purpose_id, p.name AS purpose_name, t.version, t.title, t.body,
    t.language, t.published_at
    FROM consent_texts t JOIN purposes p ON p.tenant_id = t.tenant_id AND p.purpose_id = t.purpose_id";

const EVENT_SELECT: &str = "SELECT e.event_id, e.contact_id, e.purpose_id, p.name AS purpose_name, e.text_id,
    t.version AS text_version, e.action, e.channel, e.occurred_at, e.form, e.source_ip, e.user_agent,
    e.recorded_by, u.display_name AS recorded_by_name
    FROM consent_events e
    JOIN consent_texts t ON t.tenant_id = e.tenant_id AND t.text_id = e.text_id
    JOIN purposes p ON p.tenant_id = e.tenant_id AND p.purpose_id = e.purpose_id
    LEFT JOIN users u ON u.tenant_id = e.tenant_id AND u.user_id = e.recorded_by";

fn text_from_row(row: &AnyRow) -> Result<ConsentText, StoreError> {
    Ok(ConsentText {
        id: ConsentTextId(row.try_get("text_id")?),
        purpose_id: PurposeId(row.try_get("purpose_id")?),
        purpose_name: row.try_get("purpose_name")?,
        version: row.try_get("version")?,
        title: row.try_get("title")?,
        body: row.try_get("body")?,
        language: row.try_get("language")?,
        published_at: row
            .try_get::<Option<i64>, _>("published_at")?
            .map(Timestamp),
    })
}

fn event_from_row(row: &AnyRow) -> Result<ConsentEvent, StoreError> {
    let action: String = row.try_get("action")?;
    let channel: String = row.try_get("channel")?;
    Ok(ConsentEvent {
        id: ConsentEventId(row.try_get("event_id")?),
        contact_id: ContactId(row.try_get("contact_id")?),
        purpose_id: PurposeId(row.try_get("purpose_id")?),
        purpose_name: row.try_get("purpose_name")?,
        text_id: ConsentTextId(row.try_get("text_id")?),
        text_version: row.try_get("text_version")?,
        action: ConsentAction::parse(&action)
            .ok_or(StoreError::Corrupt("a consent event of an unknown action"))?,
        channel: ConsentChannel::parse(&channel)
            .ok_or(StoreError::Corrupt("a consent event by an unknown channel"))?,
        occurred_at: Timestamp(row.try_get("occurred_at")?),
        form: row.try_get("form")?,
        source_ip: row.try_get("source_ip")?,
        user_agent: row.try_get("user_agent")?,
        recorded_by: row.try_get::<Option<i64>, _>("recorded_by")?.map(UserId),
        recorded_by_name: row.try_get("recorded_by_name")?,
        masked_fields: Vec::new(),
        reason_required_fields: Vec::new(),
    })
}

async fn load_text(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: ConsentTextId,
) -> Result<ConsentText, StoreError> {
    let row = sqlx::query(&format!(
        "{TEXT_SELECT} WHERE t.tenant_id = $1 AND t.text_id = $2"
    ))
    .bind_all((tenant.0, id.0))
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::Refused(Refusal::NotFound))?;
    text_from_row(&row)
}

const TEXT_FIELDS: [&str; 4] = ["purpose_id", "title", "body", "language"];

impl Privacy<'_> {
    /// A new draft: the purpose's next version.
    pub async fn create_consent_text(
        self,
        scope: &Scope,
        author: UserId,
        fields: &ConsentTextFields,
    ) -> Result<ConsentText, StoreError> {
        let id = self.next_id();
        let now = Timestamp::now().0;
        let mut tx = self.begin(scope.tenant).await?;
        crate::rows::require_reference(
            &mut tx,
            "purposes",
            "purpose_id",
            scope.tenant.0,
            Some(fields.purpose_id.0),
            "purpose_id",
        )
        .await?;
        let latest: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(version) FROM consent_texts WHERE tenant_id = $1 AND purpose_id = $2",
        )
        .bind_all((scope.tenant.0, fields.purpose_id.0))
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO consent_texts (tenant_id, text_id, purpose_id, version, title, body, language,
                 created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
        )
        .bind_all((scope.tenant.0, id, fields.purpose_id.0, latest.unwrap_or(0) + 1, &fields.title, &fields.body, &fields.language, author.0, now))
        .execute(&mut *tx)
        .await?;
        self.audit(
            &mut tx,
            scope,
            AuditAction::Create,
            RecordType::ConsentText,
            id,
            &TEXT_FIELDS,
        )
        .await?;
        let text = load_text(&mut tx, scope.tenant, ConsentTextId(id)).await?;
        tx.commit().await?;
        Ok(text)
    }

    /// Rewords a draft; a published text is refused.
    pub async fn update_consent_text(
        self,
        scope: &Scope,
        id: ConsentTextId,
        fields: &ConsentTextFields,
    ) -> Result<ConsentText, StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        let current = load_text(&mut tx, scope.tenant, id).await?;
        if current.published_at.is_some() {
            return Err(StoreError::Refused(Refusal::InUse(
                "A published consent text never changes; write a new version instead.",
            )));
        }
        if current.purpose_id != fields.purpose_id {
            return Err(StoreError::Refused(Refusal::InUse(
                "A consent text stays with its purpose; write a new text for the other purpose.",
            )));
        }
        sqlx::query(
            "UPDATE consent_texts SET title = $1, body = $2, language = $3, updated_at = $4
             WHERE tenant_id = $5 AND text_id = $6 AND published_at IS NULL",
        )
        .bind_all((
            &fields.title,
            &fields.body,
            &fields.language,
            Timestamp::now().0,
            scope.tenant.0,
            id.0,
        ))
        .execute(&mut *tx)
        .await?;
        self.audit(
            &mut tx,
            scope,
            AuditAction::Update,
            RecordType::ConsentText,
            id.0,
            &["title", "body", "language"],
        )
        .await?;
        let text = load_text(&mut tx, scope.tenant, id).await?;
        tx.commit().await?;
        Ok(text)
    }

    /// Publishes a draft: from now on it is what subjects consent to.
    pub async fn publish_consent_text(
        self,
        scope: &Scope,
        id: ConsentTextId,
    ) -> Result<ConsentText, StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        load_text(&mut tx, scope.tenant, id).await?;
        let published = sqlx::query(
            "UPDATE consent_texts SET published_at = $1 WHERE tenant_id = $2 AND text_id = $3 AND published_at IS NULL",
        )
        .bind_all((Timestamp::now().0, scope.tenant.0, id.0))
        .execute(&mut *tx)
        .await?;
        if published.rows_affected() == 0 {
            return Err(StoreError::Refused(Refusal::InUse(
                "The consent text is published already.",
            )));
        }
        self.audit(
            &mut tx,
            scope,
            AuditAction::Update,
            RecordType::ConsentText,
            id.0,
            &["published_at"],
        )
        .await?;
        let text = load_text(&mut tx, scope.tenant, id).await?;
        tx.commit().await?;
        Ok(text)
    }

    pub async fn consent_text(
        self,
        tenant: TenantId,
        id: ConsentTextId,
    ) -> Result<ConsentText, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let text = load_text(&mut tx, tenant, id).await?;
        tx.commit().await?;
        Ok(text)
    }

    /// Every text, by purpose and version.
    pub async fn consent_texts(self, tenant: TenantId) -> Result<Vec<ConsentText>, StoreError> {
        self.read_rows(
            tenant,
            sqlx::query(&format!(
                "{TEXT_SELECT} WHERE t.tenant_id = $1 ORDER BY p.name, t.version"
            ))
            .bind(tenant.0),
            text_from_row,
        )
        .await
    }

    /// Records a grant or withdrawal of a published text for a contact.
    pub async fn record_consent(
        self,
        scope: &Scope,
        contact: ContactId,
        text: &ConsentText,
        fields: &ConsentEventFields,
        recorded_by: Option<UserId>,
    ) -> Result<ConsentEvent, StoreError> {
        let id = self.next_id();
        let mut tx = self.begin(scope.tenant).await?;
        crate::rows::require_reference(
            &mut tx,
            "contacts",
            "contact_id",
            scope.tenant.0,
            Some(contact.0),
            "contact_id",
        )
        .await
        .map_err(|_| StoreError::Refused(Refusal::NotFound))?;
        let context = scope.context.as_deref();
        sqlx::query(
            "INSERT INTO consent_events (tenant_id, event_id, contact_id, purpose_id, text_id, action, channel,
                 occurred_at, form, source_ip, user_agent, recorded_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind_all((scope.tenant.0, id, contact.0, text.purpose_id.0, text.id.0, fields.action.as_str(), fields.channel.as_str(), fields.occurred_at.0, fields.form.as_deref(), context.and_then(|c| c.source_ip.clone()), context.and_then(|c| c.user_agent.clone()), recorded_by.map(|u| u.0), Timestamp::now().0))
        .execute(&mut *tx)
        .await?;
        self.audit(
            &mut tx,
            scope,
            AuditAction::Create,
            RecordType::ConsentEvent,
            id,
            &["contact_id", "action", "channel", "source_ip", "user_agent"],
        )
        .await?;
        tx.commit().await?;
        let mut events = self.consent_events(scope.tenant, contact).await?;
        events.retain(|e| e.id == ConsentEventId(id));
        events.pop().ok_or(StoreError::Refused(Refusal::NotFound))
    }

    /// A contact's consent events, newest first.
    pub async fn consent_events(
        self,
        tenant: TenantId,
        contact: ContactId,
    ) -> Result<Vec<ConsentEvent>, StoreError> {
        self.read_rows(tenant, sqlx::query(&format!(
            "{EVENT_SELECT} WHERE e.tenant_id = $1 AND e.contact_id = $2 ORDER BY e.occurred_at DESC, e.event_id DESC"
        ))
        .bind_all((tenant.0, contact.0)), event_from_row).await
    }

    /// Marks the contacts as objecting to direct marketing.
    pub async fn set_marketing_objection(
        self,
        scope: &Scope,
        contacts: &[ContactId],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        for contact in contacts {
            let changed = sqlx::query(
                "UPDATE contacts SET marketing_objection_at = $1
                 WHERE tenant_id = $2 AND contact_id = $3 AND marketing_objection_at IS NULL",
            )
            .bind_all((Timestamp::now().0, scope.tenant.0, contact.0))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed > 0 {
                self.audit(
                    &mut tx,
                    scope,
                    AuditAction::Update,
                    RecordType::Contact,
                    contact.0,
                    &["marketing_objection_at"],
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Lifts a contact's objection to direct marketing: they consented
    /// again themself.
    pub async fn clear_marketing_objection(
        self,
        scope: &Scope,
        contact: ContactId,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        sqlx::query(
            "UPDATE contacts SET marketing_objection_at = NULL WHERE tenant_id = $1 AND contact_id = $2",
        )
        .bind_all((scope.tenant.0, contact.0))
        .execute(&mut *tx)
        .await?;
        self.audit(
            &mut tx,
            scope,
            AuditAction::Update,
            RecordType::Contact,
            contact.0,
            &["marketing_objection_at"],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
