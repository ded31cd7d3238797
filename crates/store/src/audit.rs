//! The audit hook: one entry per change, written in the transaction of the
//! change. Holds field names, never values.

use crate::{Scope, Store, StoreError};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::time::Timestamp;
use sqlx::{Any, Transaction};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub audit_id: i64,
    pub occurred_at: Timestamp,
    pub actor_kind: String,
    pub actor_id: i64,
    pub action: String,
    pub record_type: String,
    pub record_id: i64,
    pub fields: Vec<String>,
    /// The acting user's display name; for an API token, its owner's.
    pub actor_name: Option<String>,
}

impl Store {
    pub(crate) async fn audit(
        &self,
        tx: &mut Transaction<'static, Any>,
        scope: &Scope,
        action: AuditAction,
        record_type: RecordType,
        record_id: i64,
        fields: &[&str],
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO audit_entries (tenant_id, audit_id, occurred_at, actor_kind, actor_id, action, record_type, record_id, fields)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(scope.tenant.0)
        .bind(self.next_id())
        .bind(Timestamp::now().0)
        .bind(scope.actor.kind.as_str())
        .bind(scope.actor.id)
        .bind(action.as_str())
        .bind(record_type.as_str())
        .bind(record_id)
        .bind(fields.join(","))
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// The audit entries of one record, newest first.
    pub async fn audit_of_record(
        &self,
        scope: &Scope,
        record_type: RecordType,
        record_id: i64,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let mut tx = self.read_one(scope.tenant).await?;
        let rows = sqlx::query(
            "SELECT a.audit_id, a.occurred_at, a.actor_kind, a.actor_id, a.action, a.record_type, a.record_id, a.fields,
                    COALESCE(u.display_name, tu.display_name) AS actor_name
             FROM audit_entries a
             LEFT JOIN users u ON a.actor_kind = 'user' AND u.tenant_id = a.tenant_id AND u.user_id = a.actor_id
             LEFT JOIN api_tokens t ON a.actor_kind = 'api_token' AND t.tenant_id = a.tenant_id AND t.token_id = a.actor_id
             LEFT JOIN users tu ON tu.tenant_id = t.tenant_id AND tu.user_id = t.user_id
             WHERE a.tenant_id = $1 AND a.record_type = $2 AND a.record_id = $3
             ORDER BY a.audit_id DESC LIMIT $4",
        )
        .bind(scope.tenant.0)
        .bind(record_type.as_str())
        .bind(record_id)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        rows.iter()
            .map(|row| {
                use sqlx::Row;
                let fields: String = row.try_get("fields")?;
                Ok(AuditEntry {
                    audit_id: row.try_get("audit_id")?,
                    occurred_at: Timestamp(row.try_get("occurred_at")?),
                    actor_kind: row.try_get("actor_kind")?,
                    actor_id: row.try_get("actor_id")?,
                    action: row.try_get("action")?,
                    record_type: row.try_get("record_type")?,
                    record_id: row.try_get("record_id")?,
                    fields: fields
                        .split(',')
                        .filter(|f| !f.is_empty())
                        .map(str::to_string)
                        .collect(),
                    actor_name: row.try_get("actor_name")?,
                })
            })
            .collect()
    }
}
