//! What `custodian audit verify` reads: a tenant's chain in order, its head,
//! and the signed checkpoints of the chain head.

use crate::statement::Bindable;
use crate::AuditTrail;
use crate::{Store, StoreError};
use custodian_core::audit::chain::{
    ChainBreak, ChainVerifier, ClientContext, EntryView, IndexDigest, StoredEntry,
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

impl AuditTrail<'_> {
    /// Every tenant's id: the operator's maintenance path.
    pub async fn tenant_ids(self) -> Result<Vec<TenantId>, StoreError> {
        let mut tx = self.begin_operator().await?;
        let ids: Vec<i64> = sqlx::query_scalar("SELECT tenant_id FROM tenants ORDER BY tenant_id")
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(ids.into_iter().map(TenantId).collect())
    }

    /// The ids of the tenants in use (not closed): what the retention
    /// schedule and commands walk.
    pub async fn open_tenant_ids(self) -> Result<Vec<TenantId>, StoreError> {
        let mut tx = self.begin_operator().await?;
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT tenant_id FROM tenants WHERE closed_at IS NULL ORDER BY tenant_id",
        )
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(ids.into_iter().map(TenantId).collect())
    }

    /// Up to `limit` entries of a tenant's chain after position `after_seq`,
    /// in chain order.
    pub async fn audit_chain_after(
        self,
        tenant: TenantId,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let rows = sqlx::query(
            "SELECT seq, audit_id, occurred_at, actor_kind, actor_id, action, record_type, record_id, fields,
                    entry_hash, context_digest, context_salt, source_ip, user_agent, reason, record_ids
             FROM audit_entries WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        )
        .bind_all((tenant.0, after_seq, limit))
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
                    record_ids: row.try_get(15)?,
                })
            })
            .collect()
    }

    /// The position and hash of a tenant's newest entry, as the head row
    /// records it.
    pub async fn audit_head(self, tenant: TenantId) -> Result<Option<(i64, Vec<u8>)>, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let row = sqlx::query("SELECT seq, entry_hash FROM audit_heads WHERE tenant_id = $1")
            .bind(tenant.0)
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        row.map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .transpose()
    }

    pub async fn save_audit_checkpoint(self, checkpoint: &Checkpoint) -> Result<(), StoreError> {
        let mut tx = self.begin(checkpoint.tenant).await?;
        sqlx::query(
            "INSERT INTO audit_checkpoints (tenant_id, seq, entry_hash, created_at, public_key, signature)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, seq) DO NOTHING",
        )
        .bind_all((checkpoint.tenant.0, checkpoint.seq, checkpoint.entry_hash.clone(), checkpoint.created_at.0, &checkpoint.public_key, &checkpoint.signature))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The chain position of a tenant's newest checkpoint.
    pub async fn last_audit_checkpoint_seq(
        self,
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

    /// The head's position and, in the same snapshot, how many rows of the
    /// trail (entries and record index rows) lie beyond it: a writer moves
    /// the head in the transaction that appends, so any row beyond it was
    /// put there by someone else.
    pub async fn audit_rows_beyond_head(self, tenant: TenantId) -> Result<(i64, i64), StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let row = sqlx::query(
            "SELECT h.seq,
                    (SELECT COUNT(*) FROM audit_entries e WHERE e.tenant_id = $1 AND e.seq > h.seq)
                  + (SELECT COUNT(*) FROM audit_entry_records r WHERE r.tenant_id = $1 AND r.seq > h.seq)
             FROM (SELECT COALESCE((SELECT seq FROM audit_heads WHERE tenant_id = $1), 0) AS seq) AS h",
        )
        .bind(tenant.0)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((row.try_get(0)?, row.try_get(1)?))
    }

    /// The record index rows (`audit_entry_records`) of a tenant up to
    /// `until_seq`, summed up as the chain's entries call for them.
    pub async fn audit_index_digest(
        self,
        tenant: TenantId,
        until_seq: i64,
    ) -> Result<IndexDigest, StoreError> {
        let mut digest = IndexDigest::default();
        let mut after: Option<(String, i64, i64)> = None;
        loop {
            let mut tx = self.read_one(tenant).await?;
            let rows = match &after {
                None => sqlx::query(
                    "SELECT record_type, record_id, seq FROM audit_entry_records
                     WHERE tenant_id = $1 AND seq <= $2
                     ORDER BY record_type, record_id, seq LIMIT $3",
                )
                .bind_all((tenant.0, until_seq, SCAN_BATCH))
                .fetch_all(&mut *tx)
                .await?,
                Some((record_type, record_id, seq)) => sqlx::query(
                    "SELECT record_type, record_id, seq FROM audit_entry_records
                     WHERE tenant_id = $1 AND seq <= $2
                       AND (record_type > $4 OR (record_type = $4 AND (record_id > $5 OR (record_id = $5 AND seq > $6))))
                     ORDER BY record_type, record_id, seq LIMIT $3",
                )
                .bind_all((tenant.0, until_seq, SCAN_BATCH, record_type.clone(), *record_id, *seq))
                .fetch_all(&mut *tx)
                .await?,
            };
            tx.commit().await?;
            for row in &rows {
                let record_type: String = row.try_get(0)?;
                digest.add(&record_type, row.try_get(1)?, row.try_get(2)?);
            }
            match rows.last() {
                Some(last) if rows.len() as i64 == SCAN_BATCH => {
                    after = Some((last.try_get(0)?, last.try_get(1)?, last.try_get(2)?))
                }
                _ => return Ok(digest),
            }
        }
    }

    /// Tenants that the trail's tables hold rows of but that do not exist:
    /// the operator's maintenance path.
    pub async fn audit_rows_of_unknown_tenants(self) -> Result<Vec<TenantId>, StoreError> {
        let mut tx = self.begin_operator().await?;
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT tenant_id FROM (
                 SELECT DISTINCT tenant_id FROM audit_entries
                 UNION SELECT DISTINCT tenant_id FROM audit_entry_records
                 UNION SELECT tenant_id FROM audit_heads
             ) AS t WHERE tenant_id NOT IN (SELECT tenant_id FROM tenants) ORDER BY tenant_id",
        )
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(ids.into_iter().map(TenantId).collect())
    }

    /// A tenant's checkpoints, oldest first.
    pub async fn audit_checkpoints(self, tenant: TenantId) -> Result<Vec<Checkpoint>, StoreError> {
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
        entry_hash, context_digest, context_salt, source_ip, user_agent, reason, record_ids
 FROM audit_entries WHERE tenant_id = ?1 AND seq <= ?2 ORDER BY seq";

/// Entries read per query on PostgreSQL.
const SCAN_BATCH: i64 = 20_000;

impl Store {
    async fn walk_in_batches(
        &self,
        tenant: TenantId,
        until_seq: i64,
        mut verifier: ChainVerifier,
    ) -> Result<ChainWalk, StoreError> {
        let mut checked = 0;
        let mut after = 0;
        loop {
            let batch = self
                .audit_trail()
                .audit_chain_after(tenant, after, SCAN_BATCH)
                .await?;
            for entry in batch.iter().take_while(|e| e.seq <= until_seq) {
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
                Some(last) if batch.len() as i64 == SCAN_BATCH && last.seq < until_seq => {
                    after = last.seq
                }
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

impl AuditTrail<'_> {
    /// Walks a tenant's whole chain in order through `verifier`, stopping at
    /// the first break. On SQLite the file is read in place on a blocking
    /// thread, without copying rows; PostgreSQL is read in batches.
    pub async fn verify_audit_chain(
        self,
        tenant: TenantId,
        until_seq: i64,
        verifier: ChainVerifier,
    ) -> Result<ChainWalk, StoreError> {
        match &self.sqlite_file {
            Some(file) => {
                let file = file.clone();
                tokio::task::spawn_blocking(move || walk_sqlite(&file, tenant, until_seq, verifier))
                    .await
                    .map_err(|e| StoreError::Io(std::io::Error::other(e.to_string())))?
            }
            None => self.walk_in_batches(tenant, until_seq, verifier).await,
        }
    }
}

/// Rows copied from SQLite into one buffer, handed from the reading thread
/// to the hashing thread: reading and hashing each take about half of a
/// core's time per entry, so on two threads verify runs nearly twice as fast.
#[derive(Default)]
struct RowChunk {
    /// seq, audit_id, occurred_at, actor_id, record_id per row.
    numbers: Vec<i64>,
    /// Eleven byte columns per row, as (start, length) in `bytes`; NULL has
    /// length u32::MAX.
    spans: Vec<(u32, u32)>,
    bytes: Vec<u8>,
}

const CHUNK_ROWS: usize = 4_096;
const BYTE_COLUMNS: usize = 11;
const NULL: u32 = u32::MAX;

impl RowChunk {
    fn rows(&self) -> usize {
        self.numbers.len() / 5
    }

    fn push_bytes(&mut self, value: Option<&[u8]>) {
        match value {
            Some(value) => {
                self.spans
                    .push((self.bytes.len() as u32, value.len() as u32));
                self.bytes.extend_from_slice(value);
            }
            None => self.spans.push((0, NULL)),
        }
    }

    fn bytes_at(&self, row: usize, column: usize) -> Option<&[u8]> {
        let (start, length) = self.spans[row * BYTE_COLUMNS + column];
        (length != NULL).then(|| &self.bytes[start as usize..(start + length) as usize])
    }

    fn text_at(&self, row: usize, column: usize) -> Result<Option<&str>, StoreError> {
        self.bytes_at(row, column)
            .map(std::str::from_utf8)
            .transpose()
            .map_err(|e| StoreError::SqliteValue(rusqlite::types::FromSqlError::Other(Box::new(e))))
    }

    fn view(&self, row: usize) -> Result<EntryView<'_>, StoreError> {
        let n = &self.numbers[row * 5..row * 5 + 5];
        let text =
            |column| -> Result<&str, StoreError> { Ok(self.text_at(row, column)?.unwrap_or("")) };
        Ok(EntryView {
            seq: n[0],
            audit_id: n[1],
            occurred_at: n[2],
            actor_id: n[3],
            record_id: n[4],
            actor_kind: text(0)?,
            action: text(1)?,
            record_type: text(2)?,
            fields: text(3)?,
            entry_hash: self.bytes_at(row, 4).unwrap_or(&[]),
            context_digest: self.bytes_at(row, 5).unwrap_or(&[]),
            context_salt: self.bytes_at(row, 6),
            source_ip: self.text_at(row, 7)?,
            user_agent: self.text_at(row, 8)?,
            reason: self.text_at(row, 9)?,
            record_ids: self.text_at(row, 10)?.unwrap_or(""),
        })
    }
}

/// Reads the chain on this thread and checks it on a second one.
fn walk_sqlite(
    file: &std::path::Path,
    tenant: TenantId,
    until_seq: i64,
    mut verifier: ChainVerifier,
) -> Result<ChainWalk, StoreError> {
    let (full, filled) = std::sync::mpsc::sync_channel::<RowChunk>(4);
    let (empty, recycled) = std::sync::mpsc::channel::<RowChunk>();
    std::thread::scope(|threads| {
        let checker = threads.spawn(move || -> Result<ChainWalk, StoreError> {
            let mut checked = 0;
            for chunk in filled {
                for row in 0..chunk.rows() {
                    if let Err(broken) = verifier.check(&chunk.view(row)?) {
                        return Ok(ChainWalk {
                            verifier,
                            checked,
                            broken: Some(broken),
                        });
                    }
                    checked += 1;
                }
                let _ = empty.send(chunk);
            }
            Ok(ChainWalk {
                verifier,
                checked,
                broken: None,
            })
        });
        let read = read_sqlite_chain(file, tenant, until_seq, &full, &recycled);
        drop(full);
        let walked = checker
            .join()
            .map_err(|_| StoreError::Io(std::io::Error::other("the verify thread panicked")))?;
        // A reader stopped early by a break is no error.
        let walk = walked?;
        if walk.broken.is_none() {
            read?;
        }
        Ok(walk)
    })
}

fn read_sqlite_chain(
    file: &std::path::Path,
    tenant: TenantId,
    until_seq: i64,
    full: &std::sync::mpsc::SyncSender<RowChunk>,
    recycled: &std::sync::mpsc::Receiver<RowChunk>,
) -> Result<(), StoreError> {
    use rusqlite::{Connection, OpenFlags};
    let connection = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    connection.busy_timeout(std::time::Duration::from_secs(10))?;
    let mut statement = connection.prepare(CHAIN_SQL)?;
    let mut rows = statement.query([tenant.0, until_seq])?;
    let mut chunk = RowChunk::default();
    while let Some(row) = rows.next()? {
        for column in [0, 1, 2, 4, 7] {
            chunk.numbers.push(row.get_ref(column)?.as_i64()?);
        }
        for column in [3, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15] {
            let value = row.get_ref(column)?;
            let bytes = match value {
                rusqlite::types::ValueRef::Null => None,
                rusqlite::types::ValueRef::Text(b) | rusqlite::types::ValueRef::Blob(b) => Some(b),
                _ => return Err(rusqlite::types::FromSqlError::InvalidType.into()),
            };
            chunk.push_bytes(bytes);
        }
        if chunk.rows() == CHUNK_ROWS {
            let mut next = recycled.try_recv().unwrap_or_default();
            next.numbers.clear();
            next.spans.clear();
            next.bytes.clear();
            if full.send(std::mem::replace(&mut chunk, next)).is_err() {
                // The checker found a break and stopped listening.
                return Ok(());
            }
        }
    }
    if chunk.rows() > 0 {
        let _ = full.send(chunk);
    }
    Ok(())
}
