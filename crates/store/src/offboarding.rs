//! Closing a tenant (offboarding): in one transaction, count what it held
//! by type and month, remove every row of it, and empty the personal
//! columns of the rows that stay (its own row and the audit trail, whose
//! hash chain stays verifiable and names ids only). Then the storage is
//! made to forget, and a scan looks for anything left: rows of the tenant,
//! and every former personal value in what stayed and, on SQLite, in the
//! bytes of the database file and its write-ahead log.

use crate::connect::Backend;
use crate::rows::placeholders;
use crate::statement::Bindable;
use crate::{NewAuditEntry, Scope, Store, StoreError};
use custodian_core::audit::{Actor, AuditAction, RecordType};
use custodian_core::catalog::{self, Category, OPERATOR_TABLES};
use custodian_core::offboarding::{
    find_probes, probe, probe_index, ClosureCounts, ClosureScan, Leftover, RecordCount,
    TenantClosure, LONGEST_PROBE,
};
use custodian_core::time::Timestamp;
use custodian_core::{Refusal, TenantId};
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Read;

/// Tables whose rows of the tenant stay, with their personal columns
/// emptied: the tenant's own row (which keeps the counts) and the audit
/// trail, whose entries commit to each other by hash.
const KEPT_TABLES: &[&str] = &[
    "tenants",
    "audit_entries",
    "audit_entry_records",
    "audit_heads",
    "audit_checkpoints",
];

/// What the counts keep: the record type, its table, and the column whose
/// month it is counted by.
const COUNTED: &[(&str, &str, &str)] = &[
    ("staff_users", "users", "created_at"),
    ("organisations", "organisations", "created_at"),
    ("contacts", "contacts", "created_at"),
    ("activities", "activities", "occurred_at"),
    ("assets", "assets", "created_at"),
    ("agreements", "agreements", "created_at"),
    ("subject_requests", "subject_requests", "created_at"),
    ("consent_events", "consent_events", "occurred_at"),
    ("tickets", "tickets", "created_at"),
];

/// Former values the scan looks for at most: enough for any tenant's
/// names, addresses and emails to be sampled widely, bounded in memory.
const MAX_PROBES: usize = 200_000;

/// Former values each kept column is compared with in SQL.
const SQL_SCAN_PROBES: usize = 5_000;

/// Bytes of the database file read at a time by the scan.
const FILE_CHUNK: usize = 8 << 20;

fn month_of(backend: Backend, column: &str) -> String {
    match backend {
        Backend::Sqlite => format!("strftime('%Y-%m', {column} / 1000, 'unixepoch')"),
        Backend::Postgres => {
            format!("to_char(to_timestamp({column} / 1000) AT TIME ZONE 'UTC', 'YYYY-MM')")
        }
    }
}

/// The tenant's tables whose rows go, children before parents: the order
/// in which the migrations made them, reversed (a table can only refer to
/// one made before it). A unit test holds this list to the catalog.
const REMOVED_TABLES: &[&str] = &[
    "canned_replies",
    "staff_links",
    "portal_registrations",
    "faq_articles",
    "portal_sessions",
    "portal_links",
    "portal_accounts",
    "outbox",
    "ticket_service_levels",
    "ticket_attachments",
    "ticket_messages",
    "tickets",
    "retention_reviews",
    "retention_runs",
    "record_access",
    "legal_holds",
    "retention_rules",
    "consent_events",
    "consent_texts",
    "suppressions",
    "erasure_certificates",
    "subject_request_contacts",
    "subject_request_events",
    "subject_requests",
    "purposes",
    "team_members",
    "teams",
    "roles",
    "search_entries",
    "agreements",
    "assets",
    "activity_contacts",
    "activities",
    "contacts",
    "organisations",
    "api_tokens",
    "sessions",
    "users",
];

fn removed_tables() -> Vec<&'static str> {
    REMOVED_TABLES.to_vec()
}

fn personal_columns(table: &str) -> Vec<&'static str> {
    catalog::table(table)
        .filter(|c| c.category != Category::None)
        .map(|c| c.column)
        .collect()
}

impl Store {
    /// Whether the tenant was closed, and when.
    pub async fn closed_at(&self, tenant: TenantId) -> Result<Option<Timestamp>, StoreError> {
        let mut tx = self.begin_read(tenant).await?;
        let closed: Option<Option<i64>> =
            sqlx::query_scalar("SELECT closed_at FROM tenants WHERE tenant_id = $1")
                .bind(tenant.0)
                .fetch_optional(&mut *tx)
                .await?;
        tx.commit().await?;
        match closed {
            None => Err(StoreError::Refused(Refusal::NotFound)),
            Some(at) => Ok(at.map(Timestamp)),
        }
    }

    /// The counts a closed tenant kept.
    pub async fn closure_counts(&self, tenant: TenantId) -> Result<ClosureCounts, StoreError> {
        let mut tx = self.begin_read(tenant).await?;
        let counts: Option<Option<String>> =
            sqlx::query_scalar("SELECT closure_counts FROM tenants WHERE tenant_id = $1")
                .bind(tenant.0)
                .fetch_optional(&mut *tx)
                .await?;
        tx.commit().await?;
        let text = counts
            .ok_or(StoreError::Refused(Refusal::NotFound))?
            .ok_or(StoreError::Refused(Refusal::InUse(
                "This tenant is not closed.",
            )))?;
        serde_json::from_str(&text).map_err(|_| StoreError::Corrupt("unreadable closure counts"))
    }

    /// Closes the tenant: counts, removes, empties, forgets, then scans.
    /// Refused for a tenant closed already.
    pub async fn close_tenant(&self, tenant: TenantId) -> Result<TenantClosure, StoreError> {
        let mut tx = self.begin(tenant).await?;
        let closed: Option<Option<i64>> =
            sqlx::query_scalar("SELECT closed_at FROM tenants WHERE tenant_id = $1")
                .bind(tenant.0)
                .fetch_optional(&mut *tx)
                .await?;
        match closed {
            None => return Err(StoreError::Refused(Refusal::NotFound)),
            Some(Some(_)) => {
                return Err(StoreError::Refused(Refusal::InUse(
                    "This tenant is closed already.",
                )))
            }
            Some(None) => {}
        }
        // Whole seconds, as the counts are written and read back.
        let now = Timestamp(Timestamp::now().0 / 1000 * 1000);
        let mut counts = ClosureCounts {
            closed_at: now,
            records: Vec::new(),
        };
        for (record_type, table, column) in COUNTED {
            counts.records.push(
                self.count_by_month(&mut tx, tenant, record_type, table, column)
                    .await?,
            );
        }
        let (probes, not_checked) = former_values(&mut tx, self.backend, tenant).await?;

        let mut removed = BTreeMap::new();
        for table in removed_tables() {
            let gone = sqlx::query(&format!("DELETE FROM {table} WHERE tenant_id = $1"))
                .bind(tenant.0)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            removed.insert(table.to_string(), gone);
        }
        let mut emptied = BTreeMap::new();
        for table in KEPT_TABLES {
            let columns = personal_columns(table);
            if columns.is_empty() {
                continue;
            }
            let set = columns
                .iter()
                .map(|c| format!("{c} = NULL"))
                .collect::<Vec<_>>()
                .join(", ");
            let touched = sqlx::query(&format!("UPDATE {table} SET {set} WHERE tenant_id = $1"))
                .bind(tenant.0)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            emptied.insert(table.to_string(), touched);
        }
        let counts_json = serde_json::to_string(&counts)
            .map_err(|_| StoreError::Corrupt("closure counts that cannot be written"))?;
        sqlx::query(
            "UPDATE tenants SET closed_at = $1, closure_counts = $2, portal_registration = 'off' WHERE tenant_id = $3",
        )
            .bind_all((now.0, counts_json, tenant.0))
            .execute(&mut *tx)
            .await?;
        // The trail's last words on the tenant: closed, by the operator,
        // and every client context before it blanked (so verify tells the
        // closure from an edit).
        self.audit(
            &mut tx,
            &Scope::new(tenant, Actor::SYSTEM),
            AuditAction::Delete,
            RecordType::Tenant,
            tenant.0,
            &["closed_at"],
        )
        .await?;
        self.append_audit(
            &mut tx,
            tenant,
            &[NewAuditEntry {
                actor: Actor::SYSTEM,
                action: AuditAction::BlankContext,
                record_type: RecordType::Tenant,
                record_id: tenant.0,
                fields: "source_ip,user_agent,reason".into(),
                context: None,
                occurred_at: now,
                record_ids: Vec::new(),
            }],
        )
        .await?;
        tx.commit().await?;

        let unforgotten = self.forget_closed_tenant().await;
        let mut scan = self
            .scan_closed_tenant(tenant, &probes, not_checked)
            .await?;
        scan.leftovers
            .extend(unforgotten.into_iter().map(|statement| Leftover {
                place: format!(
                    "the storage: {statement} failed, so old versions may remain until it runs"
                ),
                found: 0,
            }));
        Ok(TenantClosure {
            tenant_id: tenant,
            counts,
            removed,
            emptied,
            scan,
        })
    }

    async fn count_by_month(
        &self,
        conn: &mut AnyConnection,
        tenant: TenantId,
        record_type: &str,
        table: &str,
        column: &str,
    ) -> Result<RecordCount, StoreError> {
        let month = month_of(self.backend, column);
        let rows = sqlx::query(&format!(
            "SELECT {month} AS month, COUNT(*) AS n FROM {table} WHERE tenant_id = $1 GROUP BY 1 ORDER BY 1"
        ))
        .bind(tenant.0)
        .fetch_all(&mut *conn)
        .await?;
        let mut count = RecordCount {
            record_type: record_type.to_string(),
            ..RecordCount::default()
        };
        for row in rows {
            let month: Option<String> = row.try_get("month")?;
            let n = row.try_get::<i64, _>("n")?.max(0) as u64;
            count.total += n;
            *count.by_month.entry(month.unwrap_or_default()).or_default() += n;
        }
        Ok(count)
    }

    /// After the commit: SQLite folds the write-ahead log into the file
    /// (secure_delete zeroed what was removed) and VACUUM rebuilds the file
    /// without the freed pages; PostgreSQL vacuums every table.
    /// Returns the statements that failed.
    async fn forget_closed_tenant(&self) -> Vec<String> {
        let statements: Vec<String> = match self.backend {
            Backend::Sqlite => vec![
                "PRAGMA wal_checkpoint(TRUNCATE)".into(),
                "VACUUM".into(),
                "PRAGMA wal_checkpoint(TRUNCATE)".into(),
            ],
            Backend::Postgres => catalog::tables()
                .into_iter()
                .filter(|t| !OPERATOR_TABLES.contains(t))
                .map(|t| format!("VACUUM {t}"))
                .collect(),
        };
        let mut failed = Vec::new();
        for statement in statements {
            if let Err(error) = sqlx::query(&statement).execute(&self.writer).await {
                tracing::warn!(%error, statement, "forgetting a closed tenant's old rows");
                failed.push(statement);
            }
        }
        failed
    }

    /// Looks for anything of the tenant left after closing.
    async fn scan_closed_tenant(
        &self,
        tenant: TenantId,
        probes: &[String],
        values_not_checked: usize,
    ) -> Result<ClosureScan, StoreError> {
        let mut scan = ClosureScan {
            values_checked: probes.len(),
            values_not_checked,
            ..ClosureScan::default()
        };
        let mut tx = self.begin(tenant).await?;
        for table in removed_tables() {
            scan.tables_checked += 1;
            let left: i64 = sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM {table} WHERE tenant_id = $1"
            ))
            .bind(tenant.0)
            .fetch_one(&mut *tx)
            .await?;
            if left > 0 {
                scan.leftovers.push(Leftover {
                    place: format!("{table}: rows of the tenant"),
                    found: left as u64,
                });
            }
        }
        // The rows that stayed: their personal columns are empty, and no
        // other column holds a former value (a sample of them, so that a
        // tenant with millions of audit entries is scanned in minutes).
        // A value of digits alone (a postcode, a number) cannot be told
        // from the counters and keys these rows keep; the file scan still
        // looks for it.
        let sample: Vec<&String> = probes
            .iter()
            .filter(|p| p.chars().any(char::is_alphabetic))
            .take(SQL_SCAN_PROBES)
            .collect();
        for table in KEPT_TABLES {
            scan.tables_checked += 1;
            for column in catalog::table(table) {
                // The tenant's own row keeps its settings and name, which
                // are not personal (an organisation of the same name is not
                // a leftover).
                if *table == "tenants" && column.category == Category::None {
                    continue;
                }
                let found = if column.category != Category::None {
                    let sql = format!(
                        "SELECT COUNT(*) FROM {table} WHERE tenant_id = $1 AND {} IS NOT NULL",
                        column.column
                    );
                    sqlx::query_scalar::<_, i64>(&sql)
                        .bind(tenant.0)
                        .fetch_one(&mut *tx)
                        .await?
                        .max(0) as u64
                } else {
                    let mut found = 0u64;
                    for chunk in sample.chunks(500) {
                        let list = placeholders(2, chunk.len());
                        let sql = format!(
                            "SELECT COUNT(*) FROM {table} WHERE tenant_id = $1 \
                             AND substr(CAST({} AS TEXT), 1, {LONGEST_PROBE}) IN ({list})",
                            column.column
                        );
                        let mut query = sqlx::query_scalar::<_, i64>(&sql).bind(tenant.0);
                        for value in chunk {
                            query = query.bind(value.as_str());
                        }
                        found += query.fetch_one(&mut *tx).await?.max(0) as u64;
                    }
                    found
                };
                if found > 0 {
                    scan.leftovers.push(Leftover {
                        place: format!("{table}.{}", column.column),
                        found,
                    });
                }
            }
        }
        tx.commit().await?;
        if let Some(file) = &self.sqlite_file {
            self.scan_file(file, probes, &mut scan, tenant).await?;
        }
        Ok(scan)
    }

    /// The bytes of the SQLite file and its write-ahead log, searched for
    /// the former values. A value another tenant also holds (the same
    /// city, the same common name) is found there legitimately: such
    /// values are checked against the other tenants' rows before they
    /// count as left over.
    async fn scan_file(
        &self,
        file: &std::path::Path,
        probes: &[String],
        scan: &mut ClosureScan,
        tenant: TenantId,
    ) -> Result<(), StoreError> {
        let index = probe_index(probes);
        let mut found: BTreeSet<&str> = BTreeSet::new();
        let mut wal = file.as_os_str().to_owned();
        wal.push("-wal");
        for path in [file.to_path_buf(), std::path::PathBuf::from(wal)] {
            let Ok(mut handle) = std::fs::File::open(&path) else {
                continue;
            };
            let mut buffer = vec![0u8; FILE_CHUNK + LONGEST_PROBE];
            let mut carried = 0usize;
            loop {
                let read = handle
                    .read(&mut buffer[carried..])
                    .map_err(|_| StoreError::Corrupt("the database file could not be read"))?;
                if read == 0 {
                    break;
                }
                let filled = carried + read;
                find_probes(&index, &buffer[..filled], &mut found);
                scan.file_bytes_searched += read as u64;
                // Keep the tail, so a value across two chunks is seen.
                carried = filled.min(LONGEST_PROBE - 1);
                buffer.copy_within(filled - carried..filled, 0);
            }
        }
        if found.is_empty() {
            return Ok(());
        }
        let elsewhere = self.held_by_other_tenants(tenant, &found).await?;
        let left = found.iter().filter(|v| !elsewhere.contains(**v)).count();
        if left > 0 {
            scan.leftovers.push(Leftover {
                place: "the database file".into(),
                found: left as u64,
            });
        }
        Ok(())
    }

    /// Which of the values are in another tenant's personal columns.
    async fn held_by_other_tenants(
        &self,
        tenant: TenantId,
        values: &BTreeSet<&str>,
    ) -> Result<HashSet<String>, StoreError> {
        let mut held = HashSet::new();
        let values: Vec<&str> = values.iter().copied().collect();
        let mut tx = self.begin_operator().await?;
        for table in catalog::tables() {
            if OPERATOR_TABLES.contains(&table) {
                continue;
            }
            for column in personal_columns(table) {
                for chunk in values.chunks(500) {
                    let list = placeholders(2, chunk.len());
                    let sql = format!(
                        "SELECT DISTINCT substr(CAST({column} AS TEXT), 1, {LONGEST_PROBE}) FROM {table} \
                         WHERE tenant_id <> $1 AND typeof({column}) <> 'blob' \
                         AND substr(CAST({column} AS TEXT), 1, {LONGEST_PROBE}) IN ({list})"
                    );
                    let mut query = sqlx::query_scalar::<_, Option<String>>(&sql).bind(tenant.0);
                    for value in chunk {
                        query = query.bind(*value);
                    }
                    held.extend(query.fetch_all(&mut *tx).await?.into_iter().flatten());
                }
                // A value inside a list column (emails, phones as JSON) is
                // not equal to the column: look for it inside too.
                for value in &values {
                    if held.contains(*value) {
                        continue;
                    }
                    let sql = format!(
                        "SELECT COUNT(*) FROM {table} WHERE tenant_id <> $1 AND instr(CAST({column} AS TEXT), $2) > 0"
                    );
                    let n: i64 = sqlx::query_scalar(&sql)
                        .bind_all((tenant.0, *value))
                        .fetch_one(&mut *tx)
                        .await?;
                    if n > 0 {
                        held.insert(value.to_string());
                    }
                }
            }
        }
        tx.commit().await?;
        Ok(held)
    }
}

/// The tenant's distinct personal values (as probes), at most
/// `MAX_PROBES`, and how many more there were.
async fn former_values(
    conn: &mut AnyConnection,
    backend: Backend,
    tenant: TenantId,
) -> Result<(Vec<String>, usize), StoreError> {
    let mut probes: BTreeSet<String> = BTreeSet::new();
    let mut beyond = 0usize;
    for table in catalog::tables() {
        if OPERATOR_TABLES.contains(&table) {
            continue;
        }
        // Keys of other records (a contact_id) are not values: once the
        // records are gone they point at nothing, and the audit trail keeps
        // them on purpose.
        for column in catalog::table(table)
            .filter(|c| !matches!(c.category, Category::None | Category::Credential))
            .map(|c| c.column)
            .filter(|c| !c.ends_with("_id") && !c.ends_with("_ids"))
        {
            // SQLite hands a binary value cast to text over as bytes that
            // are not UTF-8: such values are left out there.
            let not_binary = match backend {
                Backend::Sqlite => format!(" AND typeof({column}) <> 'blob'"),
                Backend::Postgres => String::new(),
            };
            let rows = sqlx::query(&format!(
                "SELECT DISTINCT CAST({column} AS TEXT) FROM {table} WHERE tenant_id = $1 AND {column} IS NOT NULL{not_binary}"
            ))
            .bind(tenant.0)
            .fetch_all(&mut *conn)
            .await?;
            for row in rows {
                // Binary columns are not text: nothing to look for.
                let Ok(Some(value)) = row.try_get::<Option<String>, _>(0) else {
                    continue;
                };
                // As written and lowercased (the search index's words).
                for part in list_items(&value) {
                    for probe in [probe(&part), probe(&part.to_lowercase())]
                        .into_iter()
                        .flatten()
                    {
                        if probes.len() < MAX_PROBES {
                            probes.insert(probe);
                        } else if !probes.contains(&probe) {
                            beyond += 1;
                        }
                    }
                }
            }
        }
    }
    Ok((probes.into_iter().collect(), beyond))
}

/// A JSON list column (emails, phones) holds several values; any other
/// column holds one.
fn list_items(value: &str) -> Vec<String> {
    if value.starts_with('[') {
        if let Ok(items) = serde_json::from_str::<Vec<serde_json::Value>>(value) {
            return items
                .into_iter()
                .filter_map(|item| match item {
                    serde_json::Value::String(s) => Some(s),
                    other => other
                        .get("value")
                        .and_then(|v| v.as_str())
                        .map(str::to_string),
                })
                .collect();
        }
    }
    vec![value.to_string()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tenant_table_is_removed_or_kept() {
        let mut listed: Vec<&str> = REMOVED_TABLES
            .iter()
            .chain(KEPT_TABLES)
            .chain(OPERATOR_TABLES)
            .copied()
            .collect();
        listed.sort_unstable();
        let mut known = catalog::tables();
        known.sort_unstable();
        assert_eq!(listed, known);
    }
}
