//! Acting on due records, one batch per transaction: contacts go through
//! the erasure machinery (`erase_contacts_in`, the same as an erasure
//! request), activities and staff accounts follow the catalog's strategies,
//! and a review rule lists them. A batch is whole or not at all, so an
//! interrupted run leaves no half-erased subject.

use super::search_purge::{full_text_secure_delete, mark_search_purge};
use crate::privacy::{owned_activity_ids, ContactsErased};
use crate::rows::{id_array, id_set};
use crate::statement::Bindable;
use crate::Retention;
use crate::{NewAuditEntry, Scope, Store, StoreError};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::catalog::{self, Erasure, Subject};
use custodian_core::privacy::erasure::table_erasure;
use custodian_core::privacy::redaction::{Identifiers, REDACTED};
use custodian_core::retention::{RetainedType, RetentionAction, RetentionRule, RunCounts};
use custodian_core::time::Timestamp;
use custodian_core::{ContactId, TenantId};
use sqlx::{Any, AnyConnection, Transaction};

/// The size of the write-ahead log past which a sweep rewinds it.
const LOG_REWIND_BYTES: u64 = 256 << 20;

/// What one batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Acted {
    pub records: u64,
}

/// Runs `statement(set)` for the ids, with `$1` the tenant and `set` the
/// ids bound as one [`id_set`]: the rows affected.
async fn run_with_ids(
    conn: &mut AnyConnection,
    tenant: TenantId,
    ids: &[i64],
    statement: impl Fn(&str) -> String,
) -> Result<u64, StoreError> {
    let sql = statement(&id_set(conn, 2));
    let done = sqlx::query(&sql)
        .bind_all((tenant.0, id_array(ids.iter().copied())))
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}

fn entry(
    scope: &Scope,
    action: AuditAction,
    record_type: RecordType,
    ids: &[i64],
    fields: &[&str],
) -> NewAuditEntry {
    let (record_id, record_ids) = match ids {
        [one] => (*one, Vec::new()),
        _ => (0, ids.to_vec()),
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

/// Anonymises activities as the catalog says: their free text is replaced,
/// their links to contacts go, and they are marked; what stays (kind,
/// time, organisation) is no one's personal data.
async fn anonymise_activities(
    conn: &mut AnyConnection,
    tenant: TenantId,
    ids: &[i64],
) -> Result<Vec<&'static str>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let erasure = table_erasure("activities");
    let mut assignments: Vec<String> = erasure
        .redact
        .iter()
        .chain(&erasure.pseudonymise)
        .map(|c| format!("{c} = '{REDACTED}'"))
        .chain(erasure.set_null.iter().map(|c| format!("{c} = NULL")))
        .collect();
    assignments.push(format!("anonymised_at = {}", Timestamp::now().0));
    let assignments = assignments.join(", ");
    run_with_ids(&mut *conn, tenant, ids, |list| {
        format!(
            "UPDATE activities SET {assignments} WHERE tenant_id = $1 AND activity_id IN ({list})"
        )
    })
    .await?;
    if table_erasure("activity_contacts").delete_rows {
        run_with_ids(&mut *conn, tenant, ids, |list| {
            format!(
                "DELETE FROM activity_contacts WHERE tenant_id = $1 AND activity_id IN ({list})"
            )
        })
        .await?;
    }
    let mut fields = erasure.changed_columns();
    fields.push("contact_ids");
    Ok(fields)
}

/// Anonymises staff accounts as the catalog says for a staff user's
/// columns: names and emails become pseudonyms, secrets are cleared,
/// sessions and tokens go, and the context of the audit entries they caused
/// is blanked (the entries themselves stay).
async fn anonymise_staff(
    conn: &mut AnyConnection,
    tenant: TenantId,
    ids: &[i64],
) -> Result<Vec<&'static str>, StoreError> {
    let mut fields = Vec::new();
    for table in catalog::tables() {
        let columns: Vec<_> = catalog::table(table)
            .filter(|c| c.subject == Subject::StaffUser)
            .collect();
        if columns.is_empty() {
            continue;
        }
        for &id in ids {
            if table == "users" {
                let mut assignments = vec!["anonymised_at = $3".to_string()];
                for column in &columns {
                    match column.erasure {
                        Erasure::Pseudonymise if column.column == "email" => assignments
                            .push(format!("email = 'former-staff-{id}@anonymised.invalid'")),
                        Erasure::Pseudonymise => {
                            assignments.push(format!("{} = 'Former staff member'", column.column))
                        }
                        Erasure::SetNull => assignments.push(format!("{} = NULL", column.column)),
                        _ => continue,
                    }
                    fields.push(column.column);
                }
                sqlx::query(&format!(
                    "UPDATE users SET {} WHERE tenant_id = $1 AND user_id = $2",
                    assignments.join(", ")
                ))
                .bind_all((tenant.0, id, Timestamp::now().0))
                .execute(&mut *conn)
                .await?;
            } else if table == "audit_entries" {
                let blank = columns
                    .iter()
                    .filter(|c| c.erasure == Erasure::SetNull)
                    .map(|c| format!("{} = NULL", c.column))
                    .collect::<Vec<_>>()
                    .join(", ");
                sqlx::query(&format!(
                    "UPDATE audit_entries SET {blank} WHERE tenant_id = $1 AND actor_kind = 'user' AND actor_id = $2"
                ))
                .bind_all((tenant.0, id))
                .execute(&mut *conn)
                .await?;
            } else if columns.iter().any(|c| c.erasure == Erasure::DeleteRow) {
                sqlx::query(&format!(
                    "DELETE FROM {table} WHERE tenant_id = $1 AND user_id = $2"
                ))
                .bind_all((tenant.0, id))
                .execute(&mut *conn)
                .await?;
            }
        }
    }
    fields.sort_unstable();
    fields.dedup();
    Ok(fields)
}

impl Store {
    /// Deletes, anonymises or lists the records inside the transaction.
    pub(crate) async fn act_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        scope: &Scope,
        record_type: RetainedType,
        action: RetentionAction,
        listing: Option<(i64, i64)>,
        ids: &[i64],
    ) -> Result<u64, StoreError> {
        if ids.is_empty() {
            return Ok(0);
        }
        let tenant = scope.tenant;
        if action == RetentionAction::Review {
            let (rule_id, run) = listing.ok_or(StoreError::Corrupt("a review without its rule"))?;
            let mut review_ids = Vec::with_capacity(ids.len());
            let now = Timestamp::now().0;
            for id in ids {
                let review = self.next_id();
                let inserted = sqlx::query(
                    "INSERT INTO retention_reviews (tenant_id, review_id, rule_id, record_type, record_id, run_id, listed_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)
                     ON CONFLICT (tenant_id, record_type, record_id) WHERE decision IS NULL DO NOTHING",
                )
                .bind_all((tenant.0, review, rule_id, record_type.as_str(), *id, run, now))
                .execute(&mut **tx)
                .await?
                .rows_affected();
                if inserted > 0 {
                    review_ids.push(review);
                }
            }
            let audit = [entry(
                scope,
                AuditAction::Create,
                RecordType::RetentionReview,
                &review_ids,
                &[],
            )];
            if !review_ids.is_empty() {
                self.append_audit(tx, tenant, &audit).await?;
            }
            return Ok(review_ids.len() as u64);
        }
        // The record leaves the review list: it is gone or anonymised.
        let listed_type = record_type.as_str();
        run_with_ids(tx, tenant, ids, |list| {
            format!(
                "DELETE FROM retention_reviews WHERE tenant_id = $1 AND decision IS NULL
                 AND record_type = '{listed_type}' AND record_id IN ({list})"
            )
        })
        .await?;
        // Inside a run, the full-text indexes keep tombstones until the
        // run's end (search_purge.rs).
        let tombstones = listing
            .filter(|_| self.leaves_index_tombstones(action))
            .map(|(_, run)| run);
        if let Some(run) = tombstones {
            full_text_secure_delete(tx, false).await?;
            mark_search_purge(tx, tenant, run).await?;
        }
        self.act_on_records(tx, scope, record_type, action, ids)
            .await?;
        if tombstones.is_some() {
            full_text_secure_delete(tx, true).await?;
        }
        Ok(ids.len() as u64)
    }

    /// Deletes or anonymises the records inside the transaction.
    async fn act_on_records(
        &self,
        tx: &mut Transaction<'static, Any>,
        scope: &Scope,
        record_type: RetainedType,
        action: RetentionAction,
        ids: &[i64],
    ) -> Result<(), StoreError> {
        let tenant = scope.tenant;
        match (record_type, action) {
            (RetainedType::Contact, action) => {
                self.erase_retained_contacts(tx, scope, action, ids).await?;
            }
            (RetainedType::Activity, RetentionAction::Delete) => {
                // The audit entry names them in key order (the deletes
                // visit them so anyway: SQLite reads the set back sorted).
                let mut sorted = ids.to_vec();
                sorted.sort_unstable();
                let ids = &sorted[..];
                run_with_ids(tx, tenant, ids, |list| {
                    format!("DELETE FROM record_access WHERE tenant_id = $1 AND record_type = 'activity' AND record_id IN ({list})")
                })
                .await?;
                run_with_ids(tx, tenant, ids, |list| {
                    format!("DELETE FROM activity_contacts WHERE tenant_id = $1 AND activity_id IN ({list})")
                })
                .await?;
                run_with_ids(tx, tenant, ids, |list| {
                    format!(
                        "DELETE FROM activities WHERE tenant_id = $1 AND activity_id IN ({list})"
                    )
                })
                .await?;
                let audit = [entry(
                    scope,
                    AuditAction::Delete,
                    RecordType::Activity,
                    ids,
                    &[],
                )];
                self.append_audit(tx, tenant, &audit).await?;
            }
            (RetainedType::Activity, _) => {
                let fields = anonymise_activities(tx, tenant, ids).await?;
                let audit = [entry(
                    scope,
                    AuditAction::Update,
                    RecordType::Activity,
                    ids,
                    &fields,
                )];
                self.append_audit(tx, tenant, &audit).await?;
            }
            (RetainedType::StaffUser, _) => {
                let fields = anonymise_staff(tx, tenant, ids).await?;
                let audit = [entry(
                    scope,
                    AuditAction::Update,
                    RecordType::User,
                    ids,
                    &fields,
                )];
                self.append_audit(tx, tenant, &audit).await?;
            }
        }
        Ok(())
    }

    /// Erases (or, anonymising, first keeps their own activities as
    /// anonymous records) contacts a rule made due, inside the transaction.
    async fn erase_retained_contacts(
        &self,
        tx: &mut Transaction<'static, Any>,
        scope: &Scope,
        action: RetentionAction,
        ids: &[i64],
    ) -> Result<(), StoreError> {
        let tenant = scope.tenant;
        let contacts: Vec<ContactId> = ids.iter().copied().map(ContactId).collect();
        let mut identifiers = Identifiers::new();
        for contact in &contacts {
            identifiers.add_contact(&crate::contacts::load(tx, tenant, *contact).await?);
        }
        if action == RetentionAction::Anonymise {
            // What only these contacts' activities said stays as an
            // anonymous record of the work done.
            let owned = owned_activity_ids(tx, tenant, &contacts).await?;
            let fields = anonymise_activities(tx, tenant, &owned).await?;
            if !owned.is_empty() {
                let audit = [entry(
                    scope,
                    AuditAction::Update,
                    RecordType::Activity,
                    &owned,
                    &fields,
                )];
                self.append_audit(tx, tenant, &audit).await?;
            }
        }
        let ContactsErased { .. } = self
            .erase_contacts_in(tx, scope, &contacts, &identifiers)
            .await?;
        Ok(())
    }
}

impl Retention<'_> {
    /// Acts on one batch of due records as the rule says, and records the
    /// run's counts so far in the same transaction.
    pub async fn act_on_due(
        self,
        scope: &Scope,
        rule: &RetentionRule,
        run: i64,
        ids: &[i64],
        counts: &RunCounts,
    ) -> Result<Acted, StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        let records = self
            .act_in(
                &mut tx,
                scope,
                rule.record_type,
                rule.action,
                Some((rule.id.0, run)),
                ids,
            )
            .await?;
        self.record_run_progress(&mut tx, scope.tenant, run, counts)
            .await?;
        tx.commit().await?;
        Ok(Acted { records })
    }

    /// On SQLite, after a batch, once the write-ahead log has grown past
    /// `LOG_REWIND_BYTES`: copy it into the file and let the next write
    /// start it over. Readers that never stop (a busy server) otherwise keep
    /// every checkpoint from rewinding the log, which then grows by each
    /// batch's pages (30 GB in the benchmark). The copy is made first
    /// without the write lock (PASSIVE: 1–2 s for 256 MB, during which the
    /// server's own writes go on); RESTART then holds the lock only to copy
    /// what those wrote and to wait for the reads under way (at most the
    /// busy timeout). A failure is left to the next batch.
    pub async fn rewind_log(self) {
        let Some(file) = &self.sqlite_file else {
            return;
        };
        let mut log = file.as_os_str().to_owned();
        log.push("-wal");
        let grown = std::fs::metadata(std::path::PathBuf::from(log))
            .is_ok_and(|m| m.len() > LOG_REWIND_BYTES);
        if !grown {
            return;
        }
        // The copy on a reading connection, so that this process's own
        // writers keep the write connection meanwhile.
        for (checkpoint, connection) in [
            ("PRAGMA wal_checkpoint(PASSIVE)", &self.pool),
            ("PRAGMA wal_checkpoint(RESTART)", &self.writer),
        ] {
            if let Err(error) = sqlx::query(checkpoint).fetch_one(connection).await {
                tracing::debug!(%error, "checkpoint after a retention batch");
                return;
            }
        }
    }
}
