//! Erasing a data subject, as the catalog's strategies say, in one
//! transaction with the request's completing step: a failure leaves
//! nothing half-erased. Mentions of the subject in others' text go too
//! (`mentions`); afterwards the storage is made to forget (`forgetting`).

use super::mentions::{
    find_mentions, redact_mentions, still_mentioning, with_own_streets, TableMentions,
};
use super::requests::{RequestChange, Step};
use super::subject_tables::{
    owned_condition, rows_condition, shared_condition, subject_table, SubjectTable, ERASURE_ORDER,
};
use super::suppression::add_suppressions;
use crate::audit::trail::about_contacts;
use crate::connect::Backend;
use crate::retention::full_text_secure_delete;
use crate::rows::{id_array, id_set};
use crate::statement::Bindable;
use crate::Privacy;
use crate::{NewAuditEntry, Scope, Store, StoreError};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::privacy::erasure::{
    table_erasure, ErasureCertificate, TableErasure, TableOutcome, CERTIFICATE_FORMAT, MENTIONED,
};
use custodian_core::privacy::redaction::{Identifiers, REDACTED};
use custodian_core::privacy::suppression::IdentifierKind;
use custodian_core::time::Timestamp;
use custodian_core::{ContactId, Refusal, SubjectRequestId, TenantId, UserId};
use sqlx::{Any, AnyConnection, Row, Transaction};
use std::time::Instant;

/// The step that completes the erasure request, taken in the erasure's
/// transaction.
#[derive(Debug, Clone)]
pub struct ErasureStep<'a> {
    pub step: Step<'a>,
    pub issued_by: UserId,
}

/// A subject table's condition bound to the tenant and the contacts (an
/// [`id_set`] in `$2`).
fn bound<'q>(
    sql: &'q str,
    tenant: TenantId,
    contacts: &[ContactId],
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    sqlx::query(sql).bind_all((tenant.0, id_array(contacts.iter().map(|c| c.0))))
}

/// The rows of one subject table under `condition` (built for the same
/// contacts), to count, delete or rewrite.
struct Rows<'a> {
    table: &'a SubjectTable,
    condition: String,
    tenant: TenantId,
    contacts: &'a [ContactId],
}

impl Rows<'_> {
    async fn count(&self, conn: &mut AnyConnection) -> Result<u64, StoreError> {
        let sql = format!(
            "SELECT COUNT(*) FROM {} WHERE {}",
            self.table.table, self.condition
        );
        let count: i64 = bound(&sql, self.tenant, self.contacts)
            .fetch_one(conn)
            .await?
            .try_get(0)?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// The ids the audit entries name, of the rows that also meet `and`.
    async fn audited_ids(
        &self,
        conn: &mut AnyConnection,
        and: &str,
    ) -> Result<Vec<i64>, StoreError> {
        let Some((_, column)) = self.table.audited_as else {
            return Ok(Vec::new());
        };
        let sql = format!(
            "SELECT {column} FROM {} WHERE {}{and}",
            self.table.table, self.condition
        );
        let rows = bound(&sql, self.tenant, self.contacts)
            .fetch_all(conn)
            .await?;
        rows.iter()
            .map(|r| r.try_get::<i64, _>(0).map_err(StoreError::from))
            .collect()
    }

    /// Deletes the rows (or, as a dry run, counts them).
    async fn delete(
        &self,
        conn: &mut AnyConnection,
        dry_run: bool,
    ) -> Result<(u64, Vec<i64>), StoreError> {
        if dry_run {
            return Ok((self.count(conn).await?, Vec::new()));
        }
        let ids = self.audited_ids(&mut *conn, "").await?;
        let sql = format!("DELETE FROM {} WHERE {}", self.table.table, self.condition);
        let deleted = bound(&sql, self.tenant, self.contacts)
            .execute(conn)
            .await?;
        Ok((deleted.rows_affected(), ids))
    }

    /// Nulls, redacts and pseudonymises the columns the catalog says (or,
    /// as a dry run, finds the rows that would change); how many rows
    /// change and the audited ids of those rows.
    async fn rewrite(
        &self,
        conn: &mut AnyConnection,
        erasure: &TableErasure,
        identifiers: &Identifiers,
        dry_run: bool,
        examined: &mut Vec<i64>,
    ) -> Result<(u64, Vec<i64>), StoreError> {
        let table = self.table;
        let mut changed_ids = Vec::new();
        let mut changed = 0;
        if !erasure.set_null.is_empty() {
            let any_set = erasure
                .set_null
                .iter()
                .map(|c| format!("{c} IS NOT NULL"))
                .collect::<Vec<_>>()
                .join(" OR ");
            let ids = self
                .audited_ids(&mut *conn, &format!(" AND ({any_set})"))
                .await?;
            if dry_run {
                changed += ids.len() as u64;
            } else {
                let sql = format!(
                    "UPDATE {} SET {} WHERE {} AND ({any_set})",
                    table.table,
                    erasure
                        .set_null
                        .iter()
                        .map(|c| format!("{c} = NULL"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    self.condition
                );
                changed += bound(&sql, self.tenant, self.contacts)
                    .execute(&mut *conn)
                    .await?
                    .rows_affected();
                changed_ids.extend(ids);
            }
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
            "SELECT {}, {audit_column}, {} FROM {} WHERE {}",
            table.key,
            texts.join(", "),
            table.table,
            self.condition
        );
        let rows = bound(&sql, self.tenant, self.contacts)
            .fetch_all(&mut *conn)
            .await?;
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
            examined.push(key);
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
            changed += 1;
            if dry_run {
                continue;
            }
            let mut query = sqlx::query(&update);
            for value in values {
                query = query.bind(value);
            }
            query
                .bind_all((self.tenant.0, key))
                .execute(&mut *conn)
                .await?;
            changed_ids.push(audited);
        }
        Ok((changed, changed_ids))
    }
}

fn outcome(table: &str, action: &str, rows: u64, columns: &[&str]) -> TableOutcome {
    TableOutcome {
        table: table.to_string(),
        action: action.to_string(),
        rows,
        columns: columns.iter().map(|c| c.to_string()).collect(),
        records: Vec::new(),
    }
}

/// What erasing the contacts does to every subject table, in order: rows
/// about the subject alone are deleted, the rest follow the catalog's
/// column strategies, and legally held columns are counted. A dry run
/// changes nothing and returns no audit entries.
/// What one erasure did, for its audit entries and its verification.
struct Erased {
    tables: Vec<TableOutcome>,
    audit: Vec<NewAuditEntry>,
    /// The rows whose free text was examined, per table.
    examined: Vec<(&'static str, Vec<i64>)>,
    /// Others' rows whose text named them, redacted.
    mentions: Vec<TableMentions>,
}

async fn erase_tables(
    conn: &mut AnyConnection,
    scope: &Scope,
    contacts: &[ContactId],
    identifiers: &Identifiers,
    dry_run: bool,
) -> Result<Erased, StoreError> {
    let tenant = scope.tenant;
    let set = id_set(conn, 2);
    let mut tables = Vec::new();
    let mut audit = Vec::new();
    let mut examined = Vec::new();
    // Others' text that names them, found while their own records (which
    // the search leaves out) are still linked to them.
    let mentions = find_mentions(&mut *conn, tenant, contacts, identifiers).await?;
    if !dry_run {
        redact_mentions(&mut *conn, tenant, &mentions).await?;
    }
    for found in &mentions {
        let columns = found.columns();
        let ids = found.audited_ids();
        if let (Some((record_type, _)), false) = (found.table.audited_as, dry_run) {
            audit.push(erasure_entry(
                scope,
                AuditAction::Update,
                record_type,
                ids.clone(),
                &columns,
            ));
        }
        tables.push(TableOutcome {
            records: ids,
            ..outcome(
                found.table.table,
                MENTIONED,
                found.rows.len() as u64,
                &columns,
            )
        });
    }
    // Rows that go whole are counted before anything is deleted: deleting a
    // note about the subject alone also takes its links (ON DELETE
    // CASCADE), which the plan counts as links deleted.
    let mut going = Vec::new();
    for name in ERASURE_ORDER {
        if let (Some(table), true) = (subject_table(name), table_erasure(name).delete_rows) {
            let rows = Rows {
                table,
                condition: rows_condition(table, &set),
                tenant,
                contacts,
            };
            going.push((*name, rows.count(&mut *conn).await?));
        }
    }
    for name in ERASURE_ORDER {
        let (Some(table), erasure) = (subject_table(name), table_erasure(name)) else {
            continue;
        };
        let rows = |condition: String| Rows {
            table,
            condition,
            tenant,
            contacts,
        };
        let mut record = |action: AuditAction, ids: Vec<i64>, fields: &[&str]| {
            if let (Some((record_type, _)), false) = (table.audited_as, ids.is_empty()) {
                audit.push(erasure_entry(scope, action, record_type, ids, fields));
            }
        };
        if !erasure.held.is_empty() {
            let held = rows(rows_condition(table, &set)).count(&mut *conn).await?;
            tables.push(outcome(name, "kept", held, &erasure.held));
        }
        if let Some(owned) = owned_condition(table, &set) {
            let (deleted, ids) = rows(owned).delete(&mut *conn, dry_run).await?;
            record(AuditAction::Delete, ids, &[]);
            tables.push(outcome(name, "deleted", deleted, &[]));
        }
        let shared = rows(shared_condition(table, &set));
        if erasure.delete_rows {
            let (_, ids) = shared.delete(&mut *conn, dry_run).await?;
            record(AuditAction::Delete, ids, &[]);
            let counted = going.iter().find(|(n, _)| n == name).map_or(0, |(_, c)| *c);
            tables.push(outcome(name, "deleted", counted, &[]));
        } else {
            let columns = erasure.changed_columns();
            if !columns.is_empty() {
                let mut keys = Vec::new();
                let (changed, ids) = shared
                    .rewrite(&mut *conn, &erasure, identifiers, dry_run, &mut keys)
                    .await?;
                examined.push((*name, keys));
                record(AuditAction::Update, ids, &columns);
                tables.push(outcome(name, "updated", changed, &columns));
            }
        }
    }
    // The "kept" line of a table goes after what is done to it, and the
    // mentions in others' rows last.
    tables.sort_by_key(|t| {
        (
            t.action == MENTIONED,
            ERASURE_ORDER.iter().position(|n| *n == t.table),
            t.action == "kept",
        )
    });
    Ok(Erased {
        tables,
        audit,
        examined,
        mentions,
    })
}

/// Checks, inside the erasure's transaction, that it did what it says: no
/// row of the contacts is left in a table whose rows go, no link they are
/// named in is left set, and no text that was examined still holds one of
/// their identifiers. Refuses (and so rolls back) otherwise.
async fn verify_erasure(
    conn: &mut AnyConnection,
    tenant: TenantId,
    contacts: &[ContactId],
    identifiers: &Identifiers,
    examined: &[(&'static str, Vec<i64>)],
    mentions: &[TableMentions],
) -> Result<String, StoreError> {
    let set = id_set(conn, 2);
    let mut rows_checked = 0;
    for name in ERASURE_ORDER {
        let (Some(table), erasure) = (subject_table(name), table_erasure(name)) else {
            continue;
        };
        let mut condition = rows_condition(table, &set);
        if !erasure.delete_rows {
            if erasure.set_null.is_empty() {
                continue;
            }
            let any_set = erasure
                .set_null
                .iter()
                .map(|c| format!("{c} IS NOT NULL"))
                .collect::<Vec<_>>()
                .join(" OR ");
            condition = format!("{condition} AND ({any_set})");
        }
        let left = Rows {
            table,
            condition,
            tenant,
            contacts,
        }
        .count(&mut *conn)
        .await?;
        if left > 0 {
            return Err(StoreError::ErasureUnverified(table.table));
        }
        rows_checked += 1;
    }
    let mut texts_checked = 0;
    for (name, keys) in examined {
        let (Some(table), erasure) = (subject_table(name), table_erasure(name)) else {
            continue;
        };
        // In slices, so that the texts read back are not all in memory at once.
        for chunk in keys.chunks(500) {
            let sql = format!(
                "SELECT {} FROM {} WHERE tenant_id = $1 AND {} IN ({set})",
                erasure.redact.join(", "),
                table.table,
                table.key
            );
            let rows = sqlx::query(&sql)
                .bind_all((tenant.0, id_array(chunk.iter().copied())))
                .fetch_all(&mut *conn)
                .await?;
            for row in rows {
                for i in 0..erasure.redact.len() {
                    let text: Option<String> = row.try_get(i)?;
                    if text
                        .as_deref()
                        .and_then(|t| identifiers.redact(t))
                        .is_some()
                    {
                        return Err(StoreError::ErasureUnverified(table.table));
                    }
                }
                texts_checked += 1;
            }
        }
    }
    let mentions_checked = still_mentioning(&mut *conn, tenant, identifiers, mentions).await?;
    Ok(format!(
        "Checked before the commit: no row of the subject is left in the {rows_checked} tables whose rows go or whose link is cleared, none of their names, emails or phone numbers is left in the {texts_checked} texts examined, and none of the {mentions_checked} texts in others' records that the full-text index found naming them still does."
    ))
}

/// Erasures of more linked activities than this remove their texts from
/// the full-text indexes by a rewrite of the indexes after the commit
/// instead of entry by entry: FTS5's secure-delete costs 0.3–0.7 ms per
/// text scattered over a million-activity index, the rewrite of that index
/// about 1.3 s (docs/benchmarks.md).
const TEXTS_FOR_A_REWRITE: u64 = 2_000;

/// How many activities are linked to the contacts.
async fn linked_texts(
    conn: &mut AnyConnection,
    tenant: TenantId,
    contacts: &[ContactId],
) -> Result<u64, StoreError> {
    let Some(table) = subject_table("activities") else {
        return Ok(0);
    };
    Rows {
        table,
        condition: rows_condition(table, &id_set(conn, 2)),
        tenant,
        contacts,
    }
    .count(conn)
    .await
}

/// The activities about these contacts alone.
pub(crate) async fn owned_activity_ids(
    conn: &mut AnyConnection,
    tenant: TenantId,
    contacts: &[ContactId],
) -> Result<Vec<i64>, StoreError> {
    let (Some(table), false) = (subject_table("activities"), contacts.is_empty()) else {
        return Ok(Vec::new());
    };
    let Some(condition) = owned_condition(table, &id_set(conn, 2)) else {
        return Ok(Vec::new());
    };
    let sql = format!("SELECT activity_id FROM activities WHERE {condition}");
    let rows = bound(&sql, tenant, contacts).fetch_all(conn).await?;
    rows.iter()
        .map(|r| r.try_get::<i64, _>(0).map_err(StoreError::from))
        .collect()
}

/// What erasing contacts inside an open transaction did.
pub(crate) struct ContactsErased {
    pub(crate) tables: Vec<TableOutcome>,
    /// Audit entries about the contacts whose context was blanked.
    pub(crate) blanked: u64,
    pub(crate) verification: String,
}

impl Store {
    /// Erases the contacts as the catalog says, inside the caller's
    /// transaction, verifies it and appends the audit entries: the one
    /// machinery behind erasure requests and retention rules.
    pub(crate) async fn erase_contacts_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        scope: &Scope,
        contacts: &[ContactId],
        identifiers: &Identifiers,
    ) -> Result<ContactsErased, StoreError> {
        let tenant = scope.tenant;
        let identifiers = &with_own_streets(tx, tenant, contacts, identifiers).await?;
        // Reasons staff gave for reading the subject's records may name
        // them: blank them, with the rest of the context they are salted
        // with (the chain commits only to the salted digest).
        // The blanking is itself an entry of the chain, naming the entries
        // it blanked, so that verify tells an erasure from an edit.
        let sql = format!(
            "SELECT a.seq FROM audit_entries AS a
             WHERE a.tenant_id = $1 AND a.reason IS NOT NULL AND {}",
            about_contacts(&format!("IN ({})", id_set(tx, 2)))
        );
        let seqs: Vec<i64> = bound(&sql, tenant, contacts)
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|row| row.try_get(0))
            .collect::<Result<_, _>>()?;
        let mut blanking = Vec::new();
        if !seqs.is_empty() {
            let sql = format!(
                "UPDATE audit_entries SET reason = NULL, source_ip = NULL, user_agent = NULL, context_salt = NULL
                 WHERE tenant_id = $1 AND seq IN ({})",
                id_set(tx, 2)
            );
            sqlx::query(&sql)
                .bind_all((tenant.0, id_array(seqs.iter().copied())))
                .execute(&mut **tx)
                .await?;
            blanking.push(NewAuditEntry {
                actor: scope.actor,
                action: AuditAction::BlankContext,
                record_type: RecordType::AuditEntry,
                record_id: 0,
                fields: "source_ip,user_agent,reason".into(),
                context: scope.context.clone(),
                occurred_at: Timestamp::now(),
                record_ids: seqs.clone(),
            });
        }
        let blanked = seqs.len() as u64;
        // When they were last read goes too (ids and a day only: it is not
        // a table of their data, and a read answered just before may still
        // write its day afterwards).
        let sql = format!(
            "DELETE FROM record_access WHERE tenant_id = $1 AND record_type = 'contact' AND record_id IN ({})",
            id_set(tx, 2)
        );
        bound(&sql, tenant, contacts).execute(&mut **tx).await?;
        let Erased {
            tables,
            audit,
            examined,
            mentions,
        } = erase_tables(tx, scope, contacts, identifiers, false).await?;
        let verification =
            verify_erasure(tx, tenant, contacts, identifiers, &examined, &mentions).await?;
        blanking.extend(audit);
        self.append_audit(tx, tenant, &blanking).await?;
        Ok(ContactsErased {
            tables,
            blanked,
            verification,
        })
    }
}

impl Privacy<'_> {
    /// What erasing the contacts would do, table by table, changing
    /// nothing: the rows that would be deleted, rewritten (those in which
    /// the subject's identifiers were found) or kept under a hold.
    pub async fn erasure_plan(
        self,
        scope: &Scope,
        contacts: &[ContactId],
        identifiers: &Identifiers,
    ) -> Result<Vec<TableOutcome>, StoreError> {
        if contacts.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.begin_read(scope.tenant).await?;
        let identifiers = &with_own_streets(&mut tx, scope.tenant, contacts, identifiers).await?;
        let erased = erase_tables(&mut tx, scope, contacts, identifiers, true).await?;
        tx.commit().await?;
        Ok(erased.tables)
    }

    /// How many of the contacts' rows a legal hold keeps, per table.
    pub async fn legal_holds(
        self,
        tenant: TenantId,
        contacts: &[ContactId],
    ) -> Result<Vec<TableOutcome>, StoreError> {
        let mut holds = Vec::new();
        let mut tx = self.begin_read(tenant).await?;
        for name in ERASURE_ORDER {
            let (Some(table), erasure) = (subject_table(name), table_erasure(name)) else {
                continue;
            };
            if erasure.held.is_empty() || contacts.is_empty() {
                continue;
            }
            let rows = Rows {
                table,
                condition: rows_condition(table, &id_set(&tx, 2)),
                tenant,
                contacts,
            };
            holds.push(outcome(
                name,
                "kept",
                rows.count(&mut tx).await?,
                &erasure.held,
            ));
        }
        tx.commit().await?;
        Ok(holds)
    }

    /// Erases the contacts' personal data from every subject table, adds
    /// their emails and phones to the suppression list, completes the
    /// request and keeps the certificate; then makes the storage forget.
    #[allow(clippy::too_many_arguments)]
    pub async fn erase_subject(
        self,
        scope: &Scope,
        request: SubjectRequestId,
        contacts: &[ContactId],
        identifiers: &Identifiers,
        suppress: &[(IdentifierKind, String)],
        completion: &ErasureStep<'_>,
    ) -> Result<ErasureCertificate, StoreError> {
        let started = Instant::now();
        let tenant = scope.tenant;
        let mut tx = self.begin(tenant).await?;
        // The records confirmed when the caller planned are the ones erased.
        let mut confirmed: Vec<i64> = sqlx::query_scalar(
            "SELECT contact_id FROM subject_request_contacts WHERE tenant_id = $1 AND request_id = $2",
        )
        .bind_all((tenant.0, request.0))
        .fetch_all(&mut *tx)
        .await?;
        let mut asked: Vec<i64> = contacts.iter().map(|c| c.0).collect();
        confirmed.sort_unstable();
        asked.sort_unstable();
        if confirmed != asked {
            return Err(StoreError::Refused(Refusal::InUse(
                "The records confirmed for this request changed meanwhile; reload it and look at the plan again.",
            )));
        }
        let mut forgetting = self.plan_forgetting().await?;
        // Many texts at once leave tombstones, and the indexes are
        // rewritten after the commit (search_purge.rs has the costs).
        forgetting.rewrite_full_text = self.backend == Backend::Sqlite
            && linked_texts(&mut tx, tenant, contacts).await? > TEXTS_FOR_A_REWRITE;
        if forgetting.rewrite_full_text {
            full_text_secure_delete(&mut tx, false).await?;
        }
        let ContactsErased {
            tables,
            blanked,
            verification,
        } = self
            .erase_contacts_in(&mut tx, scope, contacts, identifiers)
            .await?;
        if forgetting.rewrite_full_text {
            full_text_secure_delete(&mut tx, true).await?;
        }
        let suppression_entries = add_suppressions(&mut tx, tenant, request, suppress).await?;
        let mut certificate = ErasureCertificate {
            format: CERTIFICATE_FORMAT.to_string(),
            request_id: request,
            issued_at: Timestamp::now().to_rfc3339(),
            issued_by: completion.issued_by,
            contact_records: contacts.len() as u64,
            tables,
            suppression_entries,
            verification,
            storage: {
                let mut storage = self.storage_measures(&forgetting);
                storage.insert(
                    0,
                    format!("The reasons, addresses and browsers of {blanked} audit entries about the subject's records were blanked; the entries themselves (ids and field names only) stay."),
                );
                storage
            },
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
        if let Err(note) = self.forget_old_versions(&forgetting).await {
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
        self,
        tenant: TenantId,
        request: SubjectRequestId,
    ) -> Result<Option<ErasureCertificate>, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let text: Option<String> = sqlx::query_scalar(
            "SELECT certificate FROM erasure_certificates WHERE tenant_id = $1 AND request_id = $2",
        )
        .bind_all((tenant.0, request.0))
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        text.map(|t| {
            serde_json::from_str(&t).map_err(|_| StoreError::Corrupt("an unreadable certificate"))
        })
        .transpose()
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
        .bind_all((
            tenant.0,
            certificate.request_id.0,
            Timestamp::now().0,
            certificate.issued_by.0,
            text,
        ))
        .execute(&mut **tx)
        .await?;
    Ok(())
}
