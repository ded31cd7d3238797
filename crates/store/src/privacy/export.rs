//! Reading a subject's rows for an export: every subject table's exported
//! columns, as the catalog lists them, in one snapshot; and who in the
//! tenant accessed the subject's records, from the audit trail.

use super::subject_tables::{rows_condition, shared_condition, SUBJECT_TABLES};
use crate::audit::trail::about_contact;
use crate::rows::{id_array, id_set};
use crate::statement::Bindable;
use crate::Privacy;
use crate::StoreError;
use custodian_core::catalog::{Category, ColumnClass};
use custodian_core::hex::to_hex;
use custodian_core::privacy::export::AccessSummary;
use custodian_core::privacy::export::{export_columns, ExportKind};
use custodian_core::time::Timestamp;
use custodian_core::{ContactId, SubjectRequestId, TenantId};
use serde_json::Value;
use sqlx::any::{AnyRow, AnyTypeInfoKind};
use sqlx::{Row, ValueRef};

/// One table's rows of the subject, with the columns the export carries.
#[derive(Debug, Clone)]
pub struct TableRows {
    pub table: &'static str,
    pub columns: Vec<&'static ColumnClass>,
    pub rows: Vec<Vec<Value>>,
}

/// Rows of a subject's that also concern other people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedRows {
    pub table: &'static str,
    /// The column that names a row, and the rows' values of it.
    pub key: &'static str,
    pub keys: Vec<i64>,
}

fn json_value(row: &AnyRow, index: usize) -> Result<Value, StoreError> {
    let raw = row.try_get_raw(index)?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let kind = raw.type_info().kind();
    Ok(match kind {
        AnyTypeInfoKind::SmallInt | AnyTypeInfoKind::Integer | AnyTypeInfoKind::BigInt => {
            Value::from(row.try_get::<i64, _>(index)?)
        }
        AnyTypeInfoKind::Real | AnyTypeInfoKind::Double => {
            Value::from(row.try_get::<f64, _>(index)?)
        }
        AnyTypeInfoKind::Bool => Value::from(row.try_get::<bool, _>(index)?),
        AnyTypeInfoKind::Blob => Value::from(to_hex(&row.try_get::<Vec<u8>, _>(index)?)),
        AnyTypeInfoKind::Text => Value::from(row.try_get::<String, _>(index)?),
        AnyTypeInfoKind::Null => Value::Null,
    })
}

impl Privacy<'_> {
    /// Records that these rows left the system in an export: one chained
    /// entry per record type naming every record and the columns exported.
    /// Also takes `step` on the request the export answers, in the same
    /// transaction.
    pub async fn record_export(
        self,
        scope: &crate::Scope,
        request: SubjectRequestId,
        step: &crate::Step<'_>,
        tables: &[TableRows],
    ) -> Result<(), StoreError> {
        let mut entries = Vec::new();
        for rows in tables {
            let Some((record_type, id_column)) =
                super::subject_tables::subject_table(rows.table).and_then(|t| t.audited_as)
            else {
                continue;
            };
            let Some(index) = rows.columns.iter().position(|c| c.column == id_column) else {
                continue;
            };
            let mut ids: Vec<i64> = rows.rows.iter().filter_map(|r| r[index].as_i64()).collect();
            ids.sort_unstable();
            ids.dedup();
            if ids.is_empty() {
                continue;
            }
            let fields: Vec<&str> = rows
                .columns
                .iter()
                .filter(|c| c.category != Category::None)
                .map(|c| c.column)
                .collect();
            entries.push(crate::NewAuditEntry {
                actor: scope.actor,
                action: custodian_core::audit::AuditAction::Export,
                record_type,
                record_id: 0,
                fields: fields.join(","),
                context: scope.context.clone(),
                occurred_at: Timestamp::now(),
                record_ids: ids,
            });
        }
        let mut tx = self.begin(scope.tenant).await?;
        self.append_audit(&mut tx, scope.tenant, &entries).await?;
        self.apply_step(
            &mut tx,
            scope,
            request,
            step,
            &crate::RequestChange::default(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The subject's rows of every table that has any, for an export of
    /// `kind`; `portable` as `export_columns` reads it.
    pub async fn subject_rows(
        self,
        tenant: TenantId,
        contacts: &[ContactId],
        kind: ExportKind,
        portable: &[Category],
    ) -> Result<Vec<TableRows>, StoreError> {
        let mut tables = Vec::new();
        if contacts.is_empty() {
            return Ok(tables);
        }
        let mut tx = self.begin_read(tenant).await?;
        for subject in SUBJECT_TABLES {
            let columns = export_columns(subject.table, kind, portable);
            if columns.is_empty() {
                continue;
            }
            let names: Vec<&str> = columns.iter().map(|c| c.column).collect();
            // No ORDER BY: SQLite, without statistics, would walk the
            // primary key of the whole tenant to deliver that order instead
            // of using the index on the contact. The rows are few.
            let sql = format!(
                "SELECT {} FROM {} WHERE {}",
                names.join(", "),
                subject.table,
                rows_condition(subject, &id_set(&tx, 2)),
            );
            let found = sqlx::query(&sql)
                .bind_all((tenant.0, id_array(contacts.iter().map(|c| c.0))))
                .fetch_all(&mut *tx)
                .await?;
            let mut rows = Vec::with_capacity(found.len());
            for row in &found {
                rows.push(
                    (0..names.len())
                        .map(|i| json_value(row, i))
                        .collect::<Result<Vec<_>, _>>()?,
                );
            }
            if let Some(key) = names.iter().position(|n| *n == subject.key) {
                rows.sort_by_key(|row| row[key].as_i64());
            }
            tables.push(TableRows {
                table: subject.table,
                columns,
                rows,
            });
        }
        tx.commit().await?;
        Ok(tables)
    }

    /// The subject's rows that also concern other people (an activity with
    /// other contacts), per table.
    pub async fn shared_subject_rows(
        self,
        tenant: TenantId,
        contacts: &[ContactId],
    ) -> Result<Vec<SharedRows>, StoreError> {
        let mut shared = Vec::new();
        if contacts.is_empty() {
            return Ok(shared);
        }
        let mut tx = self.begin_read(tenant).await?;
        for subject in SUBJECT_TABLES.iter().filter(|t| t.owned.is_some()) {
            let sql = format!(
                "SELECT {} FROM {} WHERE {}",
                subject.key,
                subject.table,
                shared_condition(subject, &id_set(&tx, 2)),
            );
            let keys: Vec<i64> = sqlx::query_scalar(&sql)
                .bind_all((tenant.0, id_array(contacts.iter().map(|c| c.0))))
                .fetch_all(&mut *tx)
                .await?;
            if !keys.is_empty() {
                shared.push(SharedRows {
                    table: subject.table,
                    key: subject.key,
                    keys,
                });
            }
        }
        tx.commit().await?;
        Ok(shared)
    }

    /// Who read or changed the contacts' records, by person and action.
    pub async fn subject_access_summary(
        self,
        tenant: TenantId,
        contacts: &[ContactId],
    ) -> Result<Vec<AccessSummary>, StoreError> {
        // Grouped here rather than in SQL: a GROUP BY over the trail makes
        // SQLite walk an index of the whole trail instead of the lookups.
        let sql = format!(
            "SELECT a.actor_kind, COALESCE(u.display_name, tu.display_name) AS actor_name, a.action, a.occurred_at
             FROM audit_entries a
             LEFT JOIN users u ON a.actor_kind = 'user' AND u.tenant_id = a.tenant_id AND u.user_id = a.actor_id
             LEFT JOIN api_tokens t ON a.actor_kind = 'api_token' AND t.tenant_id = a.tenant_id AND t.token_id = a.actor_id
             LEFT JOIN users tu ON tu.tenant_id = t.tenant_id AND tu.user_id = t.user_id
             WHERE a.tenant_id = $1 AND {}",
            about_contact("$2")
        );
        let mut tx = self.begin_read(tenant).await?;
        let mut rows = Vec::new();
        for contact in contacts {
            rows.extend(
                sqlx::query(&sql)
                    .bind_all((tenant.0, contact.0))
                    .fetch_all(&mut *tx)
                    .await?,
            );
        }
        tx.commit().await?;
        let mut summary: Vec<AccessSummary> = Vec::new();
        for row in &rows {
            let actor_kind: String = row.try_get("actor_kind")?;
            let actor_name: Option<String> = row.try_get("actor_name")?;
            let action: String = row.try_get("action")?;
            let at = Timestamp(row.try_get("occurred_at")?);
            match summary.iter_mut().find(|s| {
                s.actor_kind == actor_kind && s.actor_name == actor_name && s.action == action
            }) {
                Some(known) => {
                    known.count += 1;
                    known.first = Timestamp(known.first.0.min(at.0));
                    known.last = Timestamp(known.last.0.max(at.0));
                }
                None => summary.push(AccessSummary {
                    actor_kind,
                    actor_name,
                    action,
                    count: 1,
                    first: at,
                    last: at,
                }),
            }
        }
        summary.sort_by_key(|s| std::cmp::Reverse(s.last.0));
        Ok(summary)
    }
}
