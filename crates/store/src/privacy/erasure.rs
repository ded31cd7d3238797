//! Erasing a data subject, as the catalog's strategies say, in one
//! transaction with the request's completing step: a failure leaves
//! nothing half-erased. Afterwards the storage is made to forget too: on
//! SQLite, secure_delete has overwritten what was removed and a checkpoint
//! truncates the write-ahead log; on PostgreSQL, VACUUM removes the old
//! row versions (docs/privacy.md says what that does and does not reach).

use super::subject_tables::{rows_condition, subject_table, SubjectTable, ERASURE_ORDER};
use super::suppression::add_suppressions;
use crate::audit::trail::about_contact;
use crate::connect::Backend;
use crate::requests::{RequestChange, Step};
use crate::{NewAuditEntry, Scope, Store, StoreError};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::privacy::erasure::{
    table_erasure, ErasureCertificate, TableErasure, TableOutcome, CERTIFICATE_FORMAT,
};
use custodian_core::privacy::redaction::{Identifiers, REDACTED};
use custodian_core::privacy::suppression::IdentifierKind;
use custodian_core::time::Timestamp;
use custodian_core::{ContactId, TenantId, UserId};
use sqlx::{Any, AnyConnection, Executor, Row, Transaction};
use std::time::{Duration, Instant};

/// The step that completes the erasure request, taken in the erasure's
/// transaction.
#[derive(Debug, Clone)]
pub struct ErasureStep<'a> {
    pub step: Step<'a>,
    pub issued_by: UserId,
}

/// A subject table's condition bound to the tenant and the contacts.
fn bound<'q>(
    sql: &'q str,
    tenant: TenantId,
    contacts: &[ContactId],
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    let mut query = sqlx::query(sql).bind(tenant.0);
    for contact in contacts {
        query = query.bind(contact.0);
    }
    query
}

async fn count_rows(
    conn: &mut AnyConnection,
    table: &SubjectTable,
    tenant: TenantId,
    contacts: &[ContactId],
) -> Result<u64, StoreError> {
    let sql = format!(
        "SELECT COUNT(*) FROM {} WHERE {}",
        table.table,
        rows_condition(table, contacts.len())
    );
    let count: i64 = bound(&sql, tenant, contacts)
        .fetch_one(conn)
        .await?
        .try_get(0)?;
    Ok(u64::try_from(count).unwrap_or(0))
}

fn outcome(table: &str, action: &str, rows: u64, columns: &[&str]) -> TableOutcome {
    TableOutcome {
        table: table.to_string(),
        action: action.to_string(),
        rows,
        columns: columns.iter().map(|c| c.to_string()).collect(),
    }
}

/// What erasure does to each table, as outcomes; `rows` comes from `count`.
fn outcomes(table: &str, erasure: &TableErasure, changed: u64, held: u64) -> Vec<TableOutcome> {
    let mut out = Vec::new();
    if erasure.delete_rows {
        out.push(outcome(table, "deleted", changed, &[]));
        return out;
    }
    let columns = erasure.changed_columns();
    if !columns.is_empty() {
        out.push(outcome(table, "updated", changed, &columns));
    }
    if !erasure.held.is_empty() {
        out.push(outcome(table, "kept", held, &erasure.held));
    }
    out
}

impl Store {
    /// What erasing the contacts would do, table by table, changing
    /// nothing: rows that would go, be rewritten, or be kept under a hold.
    pub async fn erasure_plan(
        &self,
        tenant: TenantId,
        contacts: &[ContactId],
    ) -> Result<Vec<TableOutcome>, StoreError> {
        let mut plan = Vec::new();
        if contacts.is_empty() {
            return Ok(plan);
        }
        let mut tx = self.begin_read(tenant).await?;
        for name in ERASURE_ORDER {
            let (Some(table), erasure) = (subject_table(name), table_erasure(name)) else {
                continue;
            };
            let rows = count_rows(&mut tx, table, tenant, contacts).await?;
            plan.extend(outcomes(name, &erasure, rows, rows));
        }
        tx.commit().await?;
        Ok(plan)
    }

    /// Erases the contacts' personal data from every subject table, adds
    /// their emails and phones to the suppression list, completes the
    /// request and keeps the certificate; then makes the storage forget.
    #[allow(clippy::too_many_arguments)]
    pub async fn erase_subject(
        &self,
        scope: &Scope,
        request: i64,
        contacts: &[ContactId],
        identifiers: &Identifiers,
        suppress: &[(IdentifierKind, String)],
        completion: &ErasureStep<'_>,
    ) -> Result<ErasureCertificate, StoreError> {
        let started = Instant::now();
        let tenant = scope.tenant;
        let mut tx = self.begin(tenant).await?;
        // Reasons staff gave for reading the subject's records may name
        // them: blank them, with the rest of the context they are salted
        // with (the chain commits only to the salted digest).
        for contact in contacts {
            let sql = format!(
                "UPDATE audit_entries AS a SET reason = NULL, source_ip = NULL, user_agent = NULL, context_salt = NULL
                 WHERE a.tenant_id = $1 AND a.reason IS NOT NULL AND {}",
                about_contact("$2")
            );
            sqlx::query(&sql)
                .bind(tenant.0)
                .bind(contact.0)
                .execute(&mut *tx)
                .await?;
        }
        let mut tables = Vec::new();
        let mut audit = Vec::new();
        for name in ERASURE_ORDER {
            let (Some(table), erasure) = (subject_table(name), table_erasure(name)) else {
                continue;
            };
            let held = if erasure.held.is_empty() {
                0
            } else {
                count_rows(&mut tx, table, tenant, contacts).await?
            };
            let (changed, ids) = if erasure.delete_rows {
                delete_rows(&mut tx, table, tenant, contacts).await?
            } else {
                rewrite_rows(&mut tx, table, &erasure, tenant, contacts, identifiers).await?
            };
            if let Some((record_type, _)) = table.audited_as {
                if !ids.is_empty() {
                    let action = if erasure.delete_rows {
                        AuditAction::Delete
                    } else {
                        AuditAction::Update
                    };
                    audit.push(erasure_entry(
                        scope,
                        action,
                        record_type,
                        ids,
                        &erasure.changed_columns(),
                    ));
                }
            }
            tables.extend(outcomes(name, &erasure, changed, held));
        }
        self.append_audit(&mut tx, tenant, &audit).await?;
        let suppression_entries = add_suppressions(&mut tx, tenant, request, suppress).await?;
        let mut certificate = ErasureCertificate {
            format: CERTIFICATE_FORMAT.to_string(),
            request_id: request,
            issued_at: Timestamp::now().to_rfc3339(),
            issued_by: completion.issued_by.0,
            contact_records: contacts.len() as u64,
            tables,
            suppression_entries,
            storage: self.storage_measures(),
            duration_ms: 0,
        };
        let change = RequestChange {
            outcome: Some(format!(
                "Erased {} contact record(s); certificate issued.",
                contacts.len()
            )),
            ..RequestChange::default()
        };
        self.apply_step(&mut tx, scope, request, &completion.step, &change)
            .await?;
        certificate.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        save_certificate(&mut tx, tenant, &certificate, true).await?;
        tx.commit().await?;
        // The certificate already says what comes next; it is written again
        // only when that did not happen.
        if let Err(note) = self.forget_old_versions().await {
            if let Some(planned) = certificate.storage.last_mut() {
                *planned = note;
            }
            let mut tx = self.begin(tenant).await?;
            save_certificate(&mut tx, tenant, &certificate, false).await?;
            tx.commit().await?;
        }
        Ok(certificate)
    }

    /// The certificate of an erasure request, once erased.
    pub async fn erasure_certificate(
        &self,
        tenant: TenantId,
        request: i64,
    ) -> Result<Option<ErasureCertificate>, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let text: Option<String> = sqlx::query_scalar(
            "SELECT certificate FROM erasure_certificates WHERE tenant_id = $1 AND request_id = $2",
        )
        .bind(tenant.0)
        .bind(request)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        text.map(|t| {
            serde_json::from_str(&t).map_err(|_| StoreError::Corrupt("an unreadable certificate"))
        })
        .transpose()
    }

    /// What the storage does beyond the rows, the last line being the step
    /// taken right after the commit.
    fn storage_measures(&self) -> Vec<String> {
        match self.backend {
            Backend::Sqlite => vec![
                "Removed rows and replaced values were overwritten with zeros in the database file (SQLite secure_delete).".into(),
                "The search entry was removed from the full-text index itself (FTS5 secure-delete).".into(),
                "Right after the commit the write-ahead log was checkpointed into the database file and truncated (and it is at every start of the server).".into(),
            ],
            Backend::Postgres => vec![
                "Removed rows and replaced values are invisible to every transaction from the commit on.".into(),
                format!("Right after the commit VACUUM removed the old row versions of {}.", ERASURE_ORDER.join(", ")),
            ],
        }
    }

    /// After the commit: SQLite copies the write-ahead log into the
    /// database and truncates it; PostgreSQL vacuums the subject tables.
    /// The error is what the certificate says instead.
    async fn forget_old_versions(&self) -> Result<(), String> {
        match self.backend {
            Backend::Sqlite => {
                for _ in 0..40 {
                    let result = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                        .fetch_one(&self.writer)
                        .await;
                    match result {
                        Ok(row) if row.try_get::<i64, _>(0).unwrap_or(1) == 0 => return Ok(()),
                        Ok(_) => tokio::time::sleep(Duration::from_millis(25)).await,
                        Err(error) => {
                            tracing::warn!(%error, "checkpoint after an erasure failed");
                            break;
                        }
                    }
                }
                Err("The write-ahead log could not be truncated while others read; the server truncates it at its next start, and SQLite overwrites it on later checkpoints.".into())
            }
            Backend::Postgres => {
                let vacuum = format!("VACUUM {}", ERASURE_ORDER.join(", "));
                match (&self.writer).execute(vacuum.as_str()).await {
                    Ok(_) => Ok(()),
                    Err(error) => {
                        tracing::warn!(%error, "vacuum after an erasure failed");
                        Err("VACUUM after the erasure failed; autovacuum removes the old row versions later.".into())
                    }
                }
            }
        }
    }
}

fn erasure_entry(
    scope: &Scope,
    action: AuditAction,
    record_type: RecordType,
    mut ids: Vec<i64>,
    fields: &[&str],
) -> NewAuditEntry {
    ids.sort_unstable();
    ids.dedup();
    let (record_id, record_ids) = if ids.len() == 1 {
        (ids[0], Vec::new())
    } else {
        (0, ids)
    };
    NewAuditEntry {
        actor: scope.actor,
        action,
        record_type,
        record_id,
        fields: fields.join(","),
        context: scope.context.clone(),
        occurred_at: Timestamp::now(),
        record_ids,
    }
}

async fn audited_ids(
    conn: &mut AnyConnection,
    table: &SubjectTable,
    tenant: TenantId,
    contacts: &[ContactId],
    only_where: &str,
) -> Result<Vec<i64>, StoreError> {
    let Some((_, column)) = table.audited_as else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT {column} FROM {} WHERE {}{only_where}",
        table.table,
        rows_condition(table, contacts.len())
    );
    let rows = bound(&sql, tenant, contacts).fetch_all(conn).await?;
    rows.iter()
        .map(|r| r.try_get::<i64, _>(0).map_err(StoreError::from))
        .collect()
}

async fn delete_rows(
    conn: &mut AnyConnection,
    table: &SubjectTable,
    tenant: TenantId,
    contacts: &[ContactId],
) -> Result<(u64, Vec<i64>), StoreError> {
    let ids = audited_ids(&mut *conn, table, tenant, contacts, "").await?;
    let sql = format!(
        "DELETE FROM {} WHERE {}",
        table.table,
        rows_condition(table, contacts.len())
    );
    let deleted = bound(&sql, tenant, contacts).execute(conn).await?;
    Ok((deleted.rows_affected(), ids))
}

/// Nulls, redacts and pseudonymises the columns the catalog says; returns
/// how many rows changed and the audited ids of those rows.
async fn rewrite_rows(
    conn: &mut AnyConnection,
    table: &SubjectTable,
    erasure: &TableErasure,
    tenant: TenantId,
    contacts: &[ContactId],
    identifiers: &Identifiers,
) -> Result<(u64, Vec<i64>), StoreError> {
    let mut changed_ids = Vec::new();
    let mut changed = 0;
    let condition = rows_condition(table, contacts.len());
    if !erasure.set_null.is_empty() {
        let any_set = erasure
            .set_null
            .iter()
            .map(|c| format!("{c} IS NOT NULL"))
            .collect::<Vec<_>>()
            .join(" OR ");
        changed_ids.extend(
            audited_ids(
                &mut *conn,
                table,
                tenant,
                contacts,
                &format!(" AND ({any_set})"),
            )
            .await?,
        );
        let sql = format!(
            "UPDATE {} SET {} WHERE {condition} AND ({any_set})",
            table.table,
            erasure
                .set_null
                .iter()
                .map(|c| format!("{c} = NULL"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        changed += bound(&sql, tenant, contacts)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    let texts: Vec<&str> = erasure
        .redact
        .iter()
        .chain(&erasure.pseudonymise)
        .copied()
        .collect();
    if texts.is_empty() {
        return Ok((changed, changed_ids));
    }
    let audit_column = table.audited_as.map_or(table.key, |(_, column)| column);
    let sql = format!(
        "SELECT {}, {audit_column}, {} FROM {} WHERE {condition}",
        table.key,
        texts.join(", "),
        table.table
    );
    let rows = bound(&sql, tenant, contacts).fetch_all(&mut *conn).await?;
    let assignments = texts
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} = ${}", i + 1))
        .collect::<Vec<_>>()
        .join(", ");
    let update = format!(
        "UPDATE {} SET {assignments} WHERE tenant_id = ${} AND {} = ${}",
        table.table,
        texts.len() + 1,
        table.key,
        texts.len() + 2
    );
    for row in &rows {
        let key: i64 = row.try_get(0)?;
        let audited: i64 = row.try_get(1)?;
        let mut values: Vec<Option<String>> = Vec::with_capacity(texts.len());
        let mut row_changed = false;
        for (i, column) in texts.iter().enumerate() {
            let value: Option<String> = row.try_get(i + 2)?;
            let new = match value {
                None => None,
                Some(text) if erasure.pseudonymise.contains(column) => {
                    row_changed |= text != REDACTED;
                    Some(REDACTED.to_string())
                }
                Some(text) => match identifiers.redact(&text) {
                    Some(redacted) => {
                        row_changed = true;
                        Some(redacted)
                    }
                    None => Some(text),
                },
            };
            values.push(new);
        }
        if !row_changed {
            continue;
        }
        let mut query = sqlx::query(&update);
        for value in values {
            query = query.bind(value);
        }
        query.bind(tenant.0).bind(key).execute(&mut *conn).await?;
        changed += 1;
        changed_ids.push(audited);
    }
    Ok((changed, changed_ids))
}

async fn save_certificate(
    tx: &mut Transaction<'static, Any>,
    tenant: TenantId,
    certificate: &ErasureCertificate,
    first: bool,
) -> Result<(), StoreError> {
    let text = serde_json::to_string(certificate)
        .map_err(|_| StoreError::Corrupt("a certificate that cannot be written"))?;
    let sql = if first {
        "INSERT INTO erasure_certificates (tenant_id, request_id, issued_at, issued_by, certificate)
         VALUES ($1, $2, $3, $4, $5)"
    } else {
        "UPDATE erasure_certificates SET issued_at = $3, issued_by = $4, certificate = $5
         WHERE tenant_id = $1 AND request_id = $2"
    };
    sqlx::query(sql)
        .bind(tenant.0)
        .bind(certificate.request_id)
        .bind(Timestamp::now().0)
        .bind(certificate.issued_by)
        .bind(text)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
