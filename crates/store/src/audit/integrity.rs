//! What `custodian audit verify` reads: a tenant's chain in order, its head,
//! and the signed checkpoints of the chain head.

use crate::{Store, StoreError};
use custodian_core::audit::chain::{
    ChainBreak, ChainVerifier, ClientContext, EntryView, StoredEntry,
};
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

/// The outcome of walking a chain with a verifier.
pub struct ChainWalk {
    pub verifier: ChainVerifier,
    /// Entries that passed.
    pub checked: i64,
    /// The first break, where the walk stopped.
    pub broken: Option<ChainBreak>,
}

const CHAIN_SQL: &str = "SELECT seq, audit_id, occurred_at, actor_kind, actor_id, action, record_type, record_id, fields,
        entry_hash, context_digest, context_salt, source_ip, user_agent, reason
 FROM audit_entries WHERE tenant_id = ?1 ORDER BY seq";

/// Entries read per query on PostgreSQL.
const SCAN_BATCH: i64 = 20_000;

impl Store {
    /// Walks a tenant's whole chain in order through `verifier`, stopping at
    /// the first break. On SQLite the file is read in place on a blocking
    /// thread, without copying rows; PostgreSQL is read in batches.
    pub async fn verify_audit_chain(
        &self,
        tenant: TenantId,
        verifier: ChainVerifier,
    ) -> Result<ChainWalk, StoreError> {
        match &self.sqlite_file {
            Some(file) => {
                let file = file.clone();
                tokio::task::spawn_blocking(move || walk_sqlite(&file, tenant, verifier))
                    .await
                    .map_err(|e| StoreError::Io(std::io::Error::other(e.to_string())))?
            }
            None => self.walk_in_batches(tenant, verifier).await,
        }
    }

    async fn walk_in_batches(
        &self,
        tenant: TenantId,
        mut verifier: ChainVerifier,
    ) -> Result<ChainWalk, StoreError> {
        let mut checked = 0;
        let mut after = 0;
        loop {
            let batch = self.audit_chain_after(tenant, after, SCAN_BATCH).await?;
            for entry in &batch {
                if let Err(broken) = verifier.check(&entry.view()) {
                    return Ok(ChainWalk {
                        verifier,
                        checked,
                        broken: Some(broken),
                    });
                }
                checked += 1;
            }
            match batch.last() {
                Some(last) if batch.len() as i64 == SCAN_BATCH => after = last.seq,
                _ => {
                    return Ok(ChainWalk {
                        verifier,
                        checked,
                        broken: None,
                    })
                }
            }
        }
    }
}

fn walk_sqlite(
    file: &std::path::Path,
    tenant: TenantId,
    mut verifier: ChainVerifier,
) -> Result<ChainWalk, StoreError> {
    use rusqlite::{Connection, OpenFlags};
    let connection = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    connection.busy_timeout(std::time::Duration::from_secs(10))?;
    let mut statement = connection.prepare(CHAIN_SQL)?;
    let mut rows = statement.query([tenant.0])?;
    let mut checked = 0;
    while let Some(row) = rows.next()? {
        let entry = EntryView {
            seq: row.get_ref(0)?.as_i64()?,
            audit_id: row.get_ref(1)?.as_i64()?,
            occurred_at: row.get_ref(2)?.as_i64()?,
            actor_kind: row.get_ref(3)?.as_str()?,
            actor_id: row.get_ref(4)?.as_i64()?,
            action: row.get_ref(5)?.as_str()?,
            record_type: row.get_ref(6)?.as_str()?,
            record_id: row.get_ref(7)?.as_i64()?,
            fields: row.get_ref(8)?.as_str()?,
            entry_hash: row.get_ref(9)?.as_blob()?,
            context_digest: row.get_ref(10)?.as_blob()?,
            context_salt: row.get_ref(11)?.as_blob_or_null()?,
            source_ip: row.get_ref(12)?.as_str_or_null()?,
            user_agent: row.get_ref(13)?.as_str_or_null()?,
            reason: row.get_ref(14)?.as_str_or_null()?,
        };
        if let Err(broken) = verifier.check(&entry) {
            return Ok(ChainWalk {
                verifier,
                checked,
                broken: Some(broken),
            });
        }
        checked += 1;
    }
    Ok(ChainWalk {
        verifier,
        checked,
        broken: None,
    })
}
