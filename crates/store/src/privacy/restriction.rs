//! Restriction of processing (Art. 18): the mark on a contact, and which of
//! some contacts carry it.

use crate::rows::placeholders;
use crate::statement::Bindable;
use crate::Privacy;
use crate::{Scope, StoreError};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::time::Timestamp;
use custodian_core::{ContactId, TenantId};

impl Privacy<'_> {
    /// Restricts the contacts (or lifts it); returns how many changed.
    pub async fn set_restriction(
        self,
        scope: &Scope,
        contacts: &[ContactId],
        restricted: bool,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        let mut changed = 0;
        let (value, condition) = if restricted {
            (Some(Timestamp::now().0), "restricted_at IS NULL")
        } else {
            (None, "restricted_at IS NOT NULL")
        };
        for contact in contacts {
            let done = sqlx::query(&format!(
                "UPDATE contacts SET restricted_at = $1 WHERE tenant_id = $2 AND contact_id = $3 AND {condition}"
            ))
            .bind_all((value, scope.tenant.0, contact.0))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done > 0 {
                self.audit(
                    &mut tx,
                    scope,
                    AuditAction::Update,
                    RecordType::Contact,
                    contact.0,
                    &["restricted_at"],
                )
                .await?;
            }
            changed += done;
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// Those of the contacts whose processing is restricted.
    pub async fn restricted_contacts(
        self,
        tenant: TenantId,
        contacts: &[ContactId],
    ) -> Result<Vec<ContactId>, StoreError> {
        if contacts.is_empty() {
            return Ok(Vec::new());
        }
        let list = placeholders(2, contacts.len());
        let sql = format!(
            "SELECT contact_id FROM contacts WHERE tenant_id = $1 AND restricted_at IS NOT NULL AND contact_id IN ({list})"
        );
        let mut query = sqlx::query_scalar::<_, i64>(&sql).bind(tenant.0);
        for contact in contacts {
            query = query.bind(contact.0);
        }
        let mut tx = self.read_one(tenant).await?;
        let ids = query.fetch_all(&mut *tx).await?;
        tx.commit().await?;
        Ok(ids.into_iter().map(ContactId).collect())
    }

    /// The contacts an activity is linked to now.
    pub async fn activity_contact_ids(
        self,
        tenant: TenantId,
        activity: i64,
    ) -> Result<Vec<ContactId>, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT contact_id FROM activity_contacts WHERE tenant_id = $1 AND activity_id = $2",
        )
        .bind_all((tenant.0, activity))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(ids.into_iter().map(ContactId).collect())
    }
}
