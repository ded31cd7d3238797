//! What `custodian audit verify` reads: a tenant's chain in order, its head,
//! and the signed checkpoints of the chain head.

use crate::{Store, StoreError};
use custodian_core::audit::chain::{ClientContext, StoredEntry};
use custodian_core::time::Timestamp;
use custodian_core::TenantId;
use sqlx::Row;

/// A chain head signed by the operator's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub tenant: TenantId,
    pub seq: i64,
    pub entry_hash: Vec<u8>,
    pub created_at: Timestamp,
    /// Hex of the Ed25519 public key.
    pub public_key: String,
    /// Hex of the Ed25519 signature.
    pub signature: String,
}

impl Store {
    /// Every tenant's id: the operator's maintenance path.
    pub async fn tenant_ids(&self) -> Result<Vec<TenantId>, StoreError> {
        let mut tx = self.begin_operator().await?;
        let ids: Vec<i64> = sqlx::query_scalar("SELECT tenant_id FROM tenants ORDER BY tenant_id")
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(ids.into_iter().map(TenantId).collect())
    }

    /// Up to `limit` entries of a tenant's chain after position `after_seq`,
    /// in chain order.
    pub async fn audit_chain_after(
        &self,
        tenant: TenantId,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let rows = sqlx::query(
            "SELECT seq, audit_id, occurred_at, actor_kind, actor_id, action, record_type, record_id, fields,
                    entry_hash, context_digest, context_salt, source_ip, user_agent, reason
             FROM audit_entries WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        )
        .bind(tenant.0)
        .bind(after_seq)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        rows.iter()
            .map(|row| {
                Ok(StoredEntry {
                    seq: row.try_get(0)?,
                    audit_id: row.try_get(1)?,
                    occurred_at: row.try_get(2)?,
                    actor_kind: row.try_get(3)?,
                    actor_id: row.try_get(4)?,
                    action: row.try_get(5)?,
                    record_type: row.try_get(6)?,
                    record_id: row.try_get(7)?,
                    fields: row.try_get(8)?,
                    entry_hash: row.try_get(9)?,
                    context_digest: row.try_get(10)?,
                    context_salt: row.try_get(11)?,
                    context: ClientContext {
                        source_ip: row.try_get(12)?,
                        user_agent: row.try_get(13)?,
                        reason: row.try_get(14)?,
                    },
                })
            })
            .collect()
    }

    /// The position and hash of a tenant's newest entry, as the head row
    /// records it.
    pub async fn audit_head(&self, tenant: TenantId) -> Result<Option<(i64, Vec<u8>)>, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let row = sqlx::query("SELECT seq, entry_hash FROM audit_heads WHERE tenant_id = $1")
            .bind(tenant.0)
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        row.map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .transpose()
    }

    pub async fn save_audit_checkpoint(&self, checkpoint: &Checkpoint) -> Result<(), StoreError> {
        let mut tx = self.begin(checkpoint.tenant).await?;
        sqlx::query(
            "INSERT INTO audit_checkpoints (tenant_id, seq, entry_hash, created_at, public_key, signature)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, seq) DO NOTHING",
        )
        .bind(checkpoint.tenant.0)
        .bind(checkpoint.seq)
        .bind(checkpoint.entry_hash.clone())
        .bind(checkpoint.created_at.0)
        .bind(&checkpoint.public_key)
        .bind(&checkpoint.signature)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The chain position of a tenant's newest checkpoint.
    pub async fn last_audit_checkpoint_seq(
        &self,
        tenant: TenantId,
    ) -> Result<Option<i64>, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let seq: Option<i64> =
            sqlx::query_scalar("SELECT MAX(seq) FROM audit_checkpoints WHERE tenant_id = $1")
                .bind(tenant.0)
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(seq)
    }

    /// A tenant's checkpoints, oldest first.
    pub async fn audit_checkpoints(&self, tenant: TenantId) -> Result<Vec<Checkpoint>, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let rows = sqlx::query(
            "SELECT seq, entry_hash, created_at, public_key, signature FROM audit_checkpoints
             WHERE tenant_id = $1 ORDER BY seq",
        )
        .bind(tenant.0)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        rows.iter()
            .map(|row| {
                Ok(Checkpoint {
                    tenant,
                    seq: row.try_get(0)?,
                    entry_hash: row.try_get(1)?,
                    created_at: Timestamp(row.try_get(2)?),
                    public_key: row.try_get(3)?,
                    signature: row.try_get(4)?,
                })
            })
            .collect()
    }
}
