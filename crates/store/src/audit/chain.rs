//! Appending to a tenant's hash chain. Every writer locks the tenant's head
//! row first, so entries are numbered without gaps and each chains onto the
//! one before, whether they come from a change (in the change's transaction)
//! or from a batch of recorded reads.

use crate::connect::Backend;
use crate::rows::PARAMETERS_PER_STATEMENT;
use crate::statement::Bindable;
use crate::AuditTrail;
use crate::{Store, StoreError};
use custodian_core::audit::chain::{
    context_digest, entry_hash, ChainedEntry, ClientContext, Hash, GENESIS,
};
use custodian_core::audit::{Actor, AuditAction, RecordType};
use custodian_core::time::Timestamp;
use custodian_core::TenantId;
use sqlx::{Any, AnyConnection, Row, Transaction};
use std::sync::Arc;

/// One entry to append; the store numbers and chains it.
#[derive(Debug, Clone)]
pub struct NewAuditEntry {
    pub actor: Actor,
    pub action: AuditAction,
    pub record_type: RecordType,
    pub record_id: i64,
    /// Field names, comma-separated.
    pub fields: String,
    pub context: Option<Arc<ClientContext>>,
    pub occurred_at: Timestamp,
    /// For a list: every record it showed (then `record_id` is 0). One
    /// chained entry covers them all, and each is indexed for "who saw this
    /// record".
    pub record_ids: Vec<i64>,
}

const COLUMNS: usize = 17;
/// Rows per INSERT statement.
const ROWS_PER_STATEMENT: usize = PARAMETERS_PER_STATEMENT / COLUMNS;
/// Rows of the list index per INSERT statement (4 parameters each).
const INDEX_ROWS_PER_STATEMENT: usize = PARAMETERS_PER_STATEMENT / 4;

impl Store {
    /// Appends entries of one tenant inside the caller's transaction.
    pub(crate) async fn append_audit(
        &self,
        conn: &mut AnyConnection,
        tenant: TenantId,
        entries: &[NewAuditEntry],
    ) -> Result<(), StoreError> {
        if entries.is_empty() {
            return Ok(());
        }
        let lock = match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
        };
        let head = sqlx::query(&format!(
            "SELECT seq, entry_hash FROM audit_heads WHERE tenant_id = $1{lock}"
        ))
        .bind(tenant.0)
        .fetch_optional(&mut *conn)
        .await?;
        let (mut seq, mut previous): (i64, Hash) = match head {
            Some(row) => {
                let hash: Vec<u8> = row.try_get("entry_hash")?;
                let hash: Hash = hash.try_into().map_err(|_| {
                    StoreError::Corrupt("the tenant's audit head holds no 32-byte hash")
                })?;
                (row.try_get("seq")?, hash)
            }
            None => (0, GENESIS),
        };
        // (record type, record id, seq) of every record a list showed.
        let mut listed: Vec<(&'static str, i64, i64)> = Vec::new();
        for chunk in entries.chunks(ROWS_PER_STATEMENT) {
            let sql = self.multi_row_insert(
                "INSERT INTO audit_entries (tenant_id, audit_id, seq, occurred_at, actor_kind, actor_id, action, record_type, record_id, fields, entry_hash, context_digest, context_salt, source_ip, user_agent, reason, record_ids) VALUES ",
                chunk.len(),
                COLUMNS,
            );
            let mut query = sqlx::query(&sql);
            let mut salts = random_salts(chunk.len());
            for entry in chunk {
                seq += 1;
                let audit_id = self.next_id();
                let (digest, salt, context) = match entry.context.as_deref() {
                    Some(context) if !context.is_empty() => {
                        let salt = salts.next().unwrap_or_default();
                        (
                            context_digest(&salt, context),
                            Some(salt.to_vec()),
                            Some(context),
                        )
                    }
                    _ => (GENESIS, None, None),
                };
                let record_ids = entry
                    .record_ids
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(",");
                listed.extend(
                    entry
                        .record_ids
                        .iter()
                        .map(|id| (entry.record_type.as_str(), *id, seq)),
                );
                let hash = entry_hash(
                    &previous,
                    &ChainedEntry {
                        tenant_id: tenant.0,
                        seq,
                        audit_id,
                        occurred_at: entry.occurred_at.0,
                        actor_kind: entry.actor.kind.as_str(),
                        actor_id: entry.actor.id,
                        action: entry.action.as_str(),
                        record_type: entry.record_type.as_str(),
                        record_id: entry.record_id,
                        fields: &entry.fields,
                        context_digest: &digest,
                        record_ids: &record_ids,
                    },
                );
                previous = hash;
                query = query.bind_all((
                    tenant.0,
                    audit_id,
                    seq,
                    entry.occurred_at.0,
                    entry.actor.kind.as_str(),
                    entry.actor.id,
                    entry.action.as_str(),
                    entry.record_type.as_str(),
                    entry.record_id,
                    entry.fields.clone(),
                    hash.to_vec(),
                    digest.to_vec(),
                    salt,
                    context.and_then(|c| c.source_ip.clone()),
                    context.and_then(|c| c.user_agent.clone()),
                    context.and_then(|c| c.reason.clone()),
                    (!record_ids.is_empty()).then_some(record_ids),
                ));
            }
            query.execute(&mut *conn).await?;
        }
        // A record shown twice in one list is indexed once.
        listed.sort_unstable();
        listed.dedup();
        for chunk in listed.chunks(INDEX_ROWS_PER_STATEMENT) {
            let sql = self.multi_row_insert(
                "INSERT INTO audit_entry_records (tenant_id, record_type, record_id, seq) VALUES ",
                chunk.len(),
                4,
            );
            let mut query = sqlx::query(&sql);
            for (record_type, record_id, seq) in chunk {
                query = query.bind_all((tenant.0, *record_type, *record_id, *seq));
            }
            query.execute(&mut *conn).await?;
        }
        sqlx::query(
            "INSERT INTO audit_heads (tenant_id, seq, entry_hash) VALUES ($1, $2, $3)
             ON CONFLICT (tenant_id) DO UPDATE SET seq = excluded.seq, entry_hash = excluded.entry_hash",
        )
        .bind_all((tenant.0, seq, previous.to_vec()))
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// `INSERT … VALUES` with `rows` rows of `columns` parameters.
    fn multi_row_insert(&self, head: &str, rows: usize, columns: usize) -> String {
        let mut sql = String::from(head);
        for row in 0..rows {
            if row > 0 {
                sql.push(',');
            }
            sql.push('(');
            for column in 1..=columns {
                if column > 1 {
                    sql.push(',');
                }
                match self.backend {
                    // sqlx looks up each numbered parameter by name, and
                    // SQLite's lookup walks every name: quadratic in the
                    // row count (85% of the time at 200 rows). Anonymous
                    // parameters bind by position.
                    Backend::Sqlite => sql.push('?'),
                    Backend::Postgres => sql.push_str(&format!("${}", row * columns + column)),
                }
            }
            sql.push(')');
        }
        sql
    }
}

impl AuditTrail<'_> {
    /// Appends entries of one tenant in a transaction of their own: how
    /// recorded reads reach the trail.
    pub async fn record_audit_entries(
        self,
        tenant: TenantId,
        entries: &[NewAuditEntry],
    ) -> Result<(), StoreError> {
        let mut tx: Transaction<'static, Any> = self.begin(tenant).await?;
        self.append_audit(&mut tx, tenant, entries).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Fresh random salts, one system call for all of them.
fn random_salts(count: usize) -> impl Iterator<Item = [u8; 16]> {
    let mut bytes = vec![0u8; count * 16];
    // Without randomness the salt would be guessable: never go on silently.
    if getrandom::getrandom(&mut bytes).is_err() {
        std::process::abort();
    }
    (0..count).map(move |i| {
        let mut salt = [0u8; 16];
        salt.copy_from_slice(&bytes[i * 16..i * 16 + 16]);
        salt
    })
}
