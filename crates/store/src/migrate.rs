//! Schema migrations, one SQL file per backend and version, applied in order
//! on start and by `custodian migrate`.

use crate::connect::Backend;
use crate::statement::Bindable;
use crate::{Store, StoreError};
use custodian_core::audit::chain::{entry_hash, ChainedEntry, GENESIS};
use custodian_core::sorting::sort_key;
use custodian_core::time::Timestamp;
use sqlx::{AnyConnection, Row};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
    /// Rust that fills new columns of existing rows, in the same transaction.
    backfill: Option<Backfill>,
}

#[derive(Clone, Copy)]
enum Backfill {
    SortNames,
    AuditChain,
    DefaultPurposes,
    RetentionRules,
    BlankingRecords,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sqlite: include_str!("../migrations/sqlite/0001_foundation.sql"),
        postgres: include_str!("../migrations/postgres/0001_foundation.sql"),
        backfill: None,
    },
    Migration {
        version: 2,
        name: "sort_names",
        sqlite: include_str!("../migrations/sqlite/0002_sort_names.sql"),
        postgres: include_str!("../migrations/postgres/0002_sort_names.sql"),
        backfill: Some(Backfill::SortNames),
    },
    Migration {
        version: 3,
        name: "audit_chain",
        sqlite: include_str!("../migrations/sqlite/0003_audit_chain.sql"),
        postgres: include_str!("../migrations/postgres/0003_audit_chain.sql"),
        backfill: Some(Backfill::AuditChain),
    },
    Migration {
        version: 4,
        name: "audit_append_only",
        sqlite: include_str!("../migrations/sqlite/0004_audit_append_only.sql"),
        postgres: include_str!("../migrations/postgres/0004_audit_append_only.sql"),
        backfill: None,
    },
    Migration {
        version: 5,
        name: "session_devices",
        sqlite: include_str!("../migrations/sqlite/0005_session_devices.sql"),
        postgres: include_str!("../migrations/postgres/0005_session_devices.sql"),
        backfill: None,
    },
    Migration {
        version: 6,
        name: "user_roles",
        sqlite: include_str!("../migrations/sqlite/0006_user_roles.sql"),
        postgres: include_str!("../migrations/postgres/0006_user_roles.sql"),
        backfill: None,
    },
    Migration {
        version: 7,
        name: "user_disabled",
        sqlite: include_str!("../migrations/sqlite/0007_user_disabled.sql"),
        postgres: include_str!("../migrations/postgres/0007_user_disabled.sql"),
        backfill: None,
    },
    Migration {
        version: 8,
        name: "password_policy",
        sqlite: include_str!("../migrations/sqlite/0008_password_policy.sql"),
        postgres: include_str!("../migrations/postgres/0008_password_policy.sql"),
        backfill: None,
    },
    Migration {
        version: 9,
        name: "two_factor",
        sqlite: include_str!("../migrations/sqlite/0009_two_factor.sql"),
        postgres: include_str!("../migrations/postgres/0009_two_factor.sql"),
        backfill: None,
    },
    Migration {
        version: 10,
        name: "tenant_roles",
        sqlite: include_str!("../migrations/sqlite/0010_tenant_roles.sql"),
        postgres: include_str!("../migrations/postgres/0010_tenant_roles.sql"),
        backfill: None,
    },
    Migration {
        version: 11,
        name: "teams_and_owners",
        sqlite: include_str!("../migrations/sqlite/0011_teams_and_owners.sql"),
        postgres: include_str!("../migrations/postgres/0011_teams_and_owners.sql"),
        backfill: None,
    },
    Migration {
        version: 12,
        name: "audit_lists",
        sqlite: include_str!("../migrations/sqlite/0012_audit_lists.sql"),
        postgres: include_str!("../migrations/postgres/0012_audit_lists.sql"),
        backfill: None,
    },
    Migration {
        version: 13,
        name: "purposes",
        sqlite: include_str!("../migrations/sqlite/0013_purposes.sql"),
        postgres: include_str!("../migrations/postgres/0013_purposes.sql"),
        backfill: Some(Backfill::DefaultPurposes),
    },
    Migration {
        version: 14,
        name: "subject_requests",
        sqlite: include_str!("../migrations/sqlite/0014_subject_requests.sql"),
        postgres: include_str!("../migrations/postgres/0014_subject_requests.sql"),
        backfill: None,
    },
    Migration {
        version: 15,
        name: "subject_rights",
        sqlite: include_str!("../migrations/sqlite/0015_subject_rights.sql"),
        postgres: include_str!("../migrations/postgres/0015_subject_rights.sql"),
        backfill: None,
    },
    Migration {
        version: 16,
        name: "restriction",
        sqlite: include_str!("../migrations/sqlite/0016_restriction.sql"),
        postgres: include_str!("../migrations/postgres/0016_restriction.sql"),
        backfill: None,
    },
    Migration {
        version: 17,
        name: "consent",
        sqlite: include_str!("../migrations/sqlite/0017_consent.sql"),
        postgres: include_str!("../migrations/postgres/0017_consent.sql"),
        backfill: None,
    },
    Migration {
        version: 18,
        name: "subject_lookups",
        sqlite: include_str!("../migrations/sqlite/0018_subject_lookups.sql"),
        postgres: include_str!("../migrations/postgres/0018_subject_lookups.sql"),
        backfill: None,
    },
    Migration {
        version: 19,
        name: "retention",
        sqlite: include_str!("../migrations/sqlite/0019_retention.sql"),
        postgres: include_str!("../migrations/postgres/0019_retention.sql"),
        backfill: Some(Backfill::RetentionRules),
    },
    Migration {
        version: 20,
        name: "tenant_closure",
        sqlite: include_str!("../migrations/sqlite/0020_tenant_closure.sql"),
        postgres: include_str!("../migrations/postgres/0020_tenant_closure.sql"),
        backfill: None,
    },
    Migration {
        version: 21,
        name: "retention_runner",
        sqlite: include_str!("../migrations/sqlite/0021_retention_runner.sql"),
        postgres: include_str!("../migrations/postgres/0021_retention_runner.sql"),
        backfill: None,
    },
    Migration {
        version: 22,
        name: "helpdesk",
        sqlite: include_str!("../migrations/sqlite/0022_helpdesk.sql"),
        postgres: include_str!("../migrations/postgres/0022_helpdesk.sql"),
        backfill: None,
    },
    Migration {
        version: 23,
        name: "outbox",
        sqlite: include_str!("../migrations/sqlite/0023_outbox.sql"),
        postgres: include_str!("../migrations/postgres/0023_outbox.sql"),
        backfill: None,
    },
    Migration {
        version: 24,
        name: "portal",
        sqlite: include_str!("../migrations/sqlite/0024_portal.sql"),
        postgres: include_str!("../migrations/postgres/0024_portal.sql"),
        backfill: None,
    },
    Migration {
        version: 25,
        name: "faq",
        sqlite: include_str!("../migrations/sqlite/0025_faq.sql"),
        postgres: include_str!("../migrations/postgres/0025_faq.sql"),
        backfill: None,
    },
    Migration {
        version: 26,
        name: "outbox_links",
        sqlite: include_str!("../migrations/sqlite/0026_outbox_links.sql"),
        postgres: include_str!("../migrations/postgres/0026_outbox_links.sql"),
        backfill: None,
    },
    Migration {
        version: 27,
        name: "ticket_attachments",
        sqlite: include_str!("../migrations/sqlite/0027_ticket_attachments.sql"),
        postgres: include_str!("../migrations/postgres/0027_ticket_attachments.sql"),
        backfill: None,
    },
    Migration {
        version: 28,
        name: "portal_requests",
        sqlite: include_str!("../migrations/sqlite/0028_portal_requests.sql"),
        postgres: include_str!("../migrations/postgres/0028_portal_requests.sql"),
        backfill: None,
    },
    Migration {
        version: 29,
        name: "portal_registration",
        sqlite: include_str!("../migrations/sqlite/0029_portal_registration.sql"),
        postgres: include_str!("../migrations/postgres/0029_portal_registration.sql"),
        backfill: None,
    },
    Migration {
        version: 30,
        name: "search_purge",
        sqlite: include_str!("../migrations/sqlite/0030_search_purge.sql"),
        postgres: include_str!("../migrations/postgres/0030_search_purge.sql"),
        backfill: None,
    },
    Migration {
        version: 31,
        name: "activity_links_layout",
        sqlite: include_str!("../migrations/sqlite/0031_activity_links_layout.sql"),
        postgres: include_str!("../migrations/postgres/0031_activity_links_layout.sql"),
        backfill: None,
    },
    Migration {
        version: 32,
        name: "audit_blanking_record",
        sqlite: include_str!("../migrations/sqlite/0032_audit_blanking_record.sql"),
        postgres: include_str!("../migrations/postgres/0032_audit_blanking_record.sql"),
        backfill: Some(Backfill::BlankingRecords),
    },
    Migration {
        version: 33,
        name: "mention_index",
        sqlite: include_str!("../migrations/sqlite/0033_mention_index.sql"),
        postgres: include_str!("../migrations/postgres/0033_mention_index.sql"),
        backfill: None,
    },
    Migration {
        version: 34,
        name: "dashboard_indexes",
        sqlite: include_str!("../migrations/sqlite/0034_dashboard_indexes.sql"),
        postgres: include_str!("../migrations/postgres/0034_dashboard_indexes.sql"),
        backfill: None,
    },
    Migration {
        version: 35,
        name: "staff_links",
        sqlite: include_str!("../migrations/sqlite/0035_staff_links.sql"),
        postgres: include_str!("../migrations/postgres/0035_staff_links.sql"),
        backfill: None,
    },
    Migration {
        version: 36,
        name: "request_numbers",
        sqlite: include_str!("../migrations/sqlite/0036_request_numbers.sql"),
        postgres: include_str!("../migrations/postgres/0036_request_numbers.sql"),
        backfill: None,
    },
    Migration {
        version: 37,
        name: "canned_replies",
        sqlite: include_str!("../migrations/sqlite/0037_canned_replies.sql"),
        postgres: include_str!("../migrations/postgres/0037_canned_replies.sql"),
        backfill: None,
    },
    Migration {
        version: 38,
        name: "dashboard_covering_indexes",
        sqlite: include_str!("../migrations/sqlite/0038_dashboard_covering_indexes.sql"),
        postgres: include_str!("../migrations/postgres/0038_dashboard_covering_indexes.sql"),
        backfill: None,
    },
    Migration {
        version: 39,
        name: "dashboard_reads",
        sqlite: include_str!("../migrations/sqlite/0039_dashboard_reads.sql"),
        postgres: include_str!("../migrations/postgres/0039_dashboard_reads.sql"),
        backfill: None,
    },
];

/// Entries whose context an erasure blanked before blanking was recorded
/// in the chain: one entry per tenant names them, as erasure now does.
async fn backfill_blanking_records(
    store: &Store,
    conn: &mut AnyConnection,
) -> Result<(), StoreError> {
    let rows = sqlx::query(
        "SELECT tenant_id, seq FROM audit_entries
         WHERE context_salt IS NULL AND context_digest <> $1 ORDER BY tenant_id, seq",
    )
    .bind(GENESIS.to_vec())
    .fetch_all(&mut *conn)
    .await?;
    let mut by_tenant: Vec<(i64, Vec<i64>)> = Vec::new();
    for row in rows {
        let (tenant, seq): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
        match by_tenant.last_mut() {
            Some((last, seqs)) if *last == tenant => seqs.push(seq),
            _ => by_tenant.push((tenant, vec![seq])),
        }
    }
    for (tenant, seqs) in by_tenant {
        let entry = crate::NewAuditEntry {
            actor: custodian_core::audit::Actor::SYSTEM,
            action: custodian_core::audit::AuditAction::BlankContext,
            record_type: custodian_core::audit::RecordType::AuditEntry,
            record_id: 0,
            fields: "source_ip,user_agent,reason".into(),
            context: None,
            occurred_at: Timestamp::now(),
            record_ids: seqs,
        };
        store
            .append_audit(conn, custodian_core::TenantId(tenant), &[entry])
            .await?;
    }
    Ok(())
}

/// Rows per read while backfilling, walking the primary key.
const BACKFILL_BATCH: i64 = 1_000;

/// Gives every existing organisation and contact its sort key.
async fn backfill_sort_names(conn: &mut AnyConnection) -> Result<(), StoreError> {
    let tables: [(&str, &str, &[&str]); 2] = [
        ("organisations", "organisation_id", &["name"]),
        ("contacts", "contact_id", &["last_name", "first_name"]),
    ];
    for (table, id_column, name_columns) in tables {
        let (mut tenant, mut id) = (i64::MIN, i64::MIN);
        loop {
            let rows = sqlx::query(&format!(
                "SELECT tenant_id, {id_column}, {names} FROM {table}
                 WHERE tenant_id > $1 OR (tenant_id = $1 AND {id_column} > $2)
                 ORDER BY tenant_id, {id_column} LIMIT $3",
                names = name_columns.join(", ")
            ))
            .bind_all((tenant, id, BACKFILL_BATCH))
            .fetch_all(&mut *conn)
            .await?;
            let Some(last) = rows.last() else { break };
            tenant = last.try_get("tenant_id")?;
            id = last.try_get(id_column)?;
            for row in &rows {
                let names = name_columns
                    .iter()
                    .map(|c| row.try_get::<String, _>(*c))
                    .collect::<Result<Vec<_>, _>>()?;
                let parts: Vec<&str> = names.iter().map(String::as_str).collect();
                sqlx::query(&format!(
                    "UPDATE {table} SET sort_name = $1 WHERE tenant_id = $2 AND {id_column} = $3"
                ))
                .bind_all((
                    sort_key(&parts),
                    row.try_get::<i64, _>("tenant_id")?,
                    row.try_get::<i64, _>(id_column)?,
                ))
                .execute(&mut *conn)
                .await?;
            }
        }
    }
    Ok(())
}

/// Chains every tenant's existing audit entries in the order they were
/// written (audit_id), and gives every tenant its head row.
async fn backfill_audit_chain(conn: &mut AnyConnection) -> Result<(), StoreError> {
    let tenants: Vec<i64> = sqlx::query_scalar("SELECT tenant_id FROM tenants ORDER BY tenant_id")
        .fetch_all(&mut *conn)
        .await?;
    for tenant in tenants {
        let (mut seq, mut previous, mut after) = (0i64, GENESIS, i64::MIN);
        loop {
            let rows = sqlx::query(
                "SELECT audit_id, occurred_at, actor_kind, actor_id, action, record_type, record_id, fields
                 FROM audit_entries WHERE tenant_id = $1 AND audit_id > $2 ORDER BY audit_id LIMIT $3",
            )
            .bind_all((tenant, after, BACKFILL_BATCH))
            .fetch_all(&mut *conn)
            .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get("audit_id")?;
            for row in &rows {
                seq += 1;
                let audit_id: i64 = row.try_get("audit_id")?;
                let (actor_kind, action, record_type, fields): (String, String, String, String) = (
                    row.try_get("actor_kind")?,
                    row.try_get("action")?,
                    row.try_get("record_type")?,
                    row.try_get("fields")?,
                );
                previous = entry_hash(
                    &previous,
                    &ChainedEntry {
                        tenant_id: tenant,
                        seq,
                        audit_id,
                        occurred_at: row.try_get("occurred_at")?,
                        actor_kind: &actor_kind,
                        actor_id: row.try_get("actor_id")?,
                        action: &action,
                        record_type: &record_type,
                        record_id: row.try_get("record_id")?,
                        fields: &fields,
                        context_digest: &GENESIS,
                        record_ids: "",
                    },
                );
                sqlx::query(
                    "UPDATE audit_entries SET seq = $1, entry_hash = $2, context_digest = $3
                     WHERE tenant_id = $4 AND audit_id = $5",
                )
                .bind_all((seq, previous.to_vec(), GENESIS.to_vec(), tenant, audit_id))
                .execute(&mut *conn)
                .await?;
            }
        }
        sqlx::query("INSERT INTO audit_heads (tenant_id, seq, entry_hash) VALUES ($1, $2, $3)")
            .bind_all((tenant, seq, previous.to_vec()))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

impl Store {
    /// Applies the migrations this database has not seen; returns their versions.
    /// Applies pending migrations. On SQLite it then also truncates the
    /// write-ahead log, so that nothing an erasure removed just before a
    /// crash lingers there once the server is back.
    pub async fn migrate(&self) -> Result<Vec<i64>, StoreError> {
        let applied = self.migrate_until(i64::MAX).await?;
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.writer)
                .await?;
        }
        Ok(applied)
    }

    async fn migrate_until(&self, last: i64) -> Result<Vec<i64>, StoreError> {
        sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT NOT NULL PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at BIGINT NOT NULL)",
        )
        .execute(&self.writer)
        .await?;
        let mut applied = Vec::new();
        for migration in MIGRATIONS.iter().filter(|m| m.version <= last) {
            let mut tx = self.begin_operator().await?;
            if self.backend == Backend::Postgres {
                // Two servers starting at once must not both migrate.
                sqlx::query("SELECT pg_advisory_xact_lock(727001)")
                    .execute(&mut *tx)
                    .await?;
            }
            let seen: Option<i64> =
                sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                    .bind(migration.version)
                    .fetch_optional(&mut *tx)
                    .await?;
            if seen.is_some() {
                continue;
            }
            let sql = match self.backend {
                Backend::Sqlite => migration.sqlite,
                Backend::Postgres => migration.postgres,
            };
            sqlx::raw_sql(sql)
                .execute(&mut *tx)
                .await
                .map_err(|source| StoreError::Migration {
                    version: migration.version,
                    source,
                })?;
            match migration.backfill {
                Some(Backfill::SortNames) => backfill_sort_names(&mut tx).await?,
                Some(Backfill::AuditChain) => backfill_audit_chain(&mut tx).await?,
                Some(Backfill::DefaultPurposes) => {
                    crate::purposes::backfill_default_purposes(self, &mut tx).await?
                }
                Some(Backfill::RetentionRules) => {
                    crate::retention::backfill_default_rules(self, &mut tx).await?
                }
                Some(Backfill::BlankingRecords) => backfill_blanking_records(self, &mut tx).await?,
                None => {}
            }
            sqlx::query(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            )
            .bind_all((migration.version, migration.name, Timestamp::now().0))
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            applied.push(migration.version);
        }
        Ok(applied)
    }
}

#[cfg(test)]
mod tests {
    use crate::Store;
    use sqlx::Row;

    #[tokio::test]
    async fn existing_names_get_their_sort_keys() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&format!("sqlite://{}/m.db", dir.path().display()))
            .await
            .unwrap();
        assert_eq!(store.migrate_until(1).await.unwrap(), vec![1]);
        sqlx::raw_sql(
            "INSERT INTO tenants (tenant_id, name, created_at) VALUES (1, 'T', 0);
             INSERT INTO organisations (tenant_id, organisation_id, name, created_at, updated_at, version)
                 VALUES (1, 10, 'Ölwerk AG', 0, 0, 1);
             INSERT INTO contacts (tenant_id, contact_id, first_name, last_name, emails, phones, created_at, updated_at, version)
                 VALUES (1, 20, 'Jan', 'de Vries', '', '', 0, 0, 1);",
        )
        .execute(&store.pool)
        .await
        .unwrap();
        assert_eq!(store.migrate_until(2).await.unwrap(), vec![2]);
        let org: String = sqlx::query("SELECT sort_name FROM organisations")
            .fetch_one(&store.pool)
            .await
            .unwrap()
            .get(0);
        let contact: String = sqlx::query("SELECT sort_name FROM contacts")
            .fetch_one(&store.pool)
            .await
            .unwrap()
            .get(0);
        assert_eq!(org, "olwerk ag");
        assert_eq!(contact, "de vries\u{1}jan");
    }

    #[tokio::test]
    async fn existing_requests_are_numbered_per_tenant_in_the_order_logged() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&format!("sqlite://{}/m.db", dir.path().display()))
            .await
            .unwrap();
        store.migrate_until(35).await.unwrap();
        sqlx::raw_sql(
            "INSERT INTO tenants (tenant_id, name, created_at) VALUES (1, 'A', 0), (2, 'B', 0);
             INSERT INTO subject_requests (tenant_id, request_id, request_type, channel, received_on, due_on,
                 state, subject_name, owner_id, created_at, updated_at)
             VALUES (1, 300, 'access', 'email', '2026-01-01', '2026-02-01', 'received', 'Third', 1, 30, 30),
                    (1, 100, 'access', 'email', '2026-01-01', '2026-02-01', 'received', 'First', 1, 10, 10),
                    (2, 900, 'erasure', 'email', '2026-01-01', '2026-02-01', 'received', 'Other', 1, 5, 5),
                    (1, 200, 'access', 'email', '2026-01-01', '2026-02-01', 'received', 'Second', 1, 10, 10);",
        )
        .execute(&store.pool)
        .await
        .unwrap();
        store.migrate_until(36).await.unwrap();
        let numbers: Vec<(i64, i64, i64)> = sqlx::query(
            "SELECT tenant_id, request_id, number FROM subject_requests ORDER BY tenant_id, number",
        )
        .fetch_all(&store.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
        assert_eq!(
            numbers,
            [(1, 100, 1), (1, 200, 2), (1, 300, 3), (2, 900, 1)]
        );
        let counters: Vec<i64> =
            sqlx::query_scalar("SELECT request_counter FROM tenants ORDER BY tenant_id")
                .fetch_all(&store.pool)
                .await
                .unwrap();
        assert_eq!(counters, [3, 1]);
    }

    #[tokio::test]
    async fn existing_audit_entries_are_chained_in_writing_order() {
        use custodian_core::audit::chain::ChainVerifier;
        use custodian_core::TenantId;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&format!("sqlite://{}/m.db", dir.path().display()))
            .await
            .unwrap();
        store.migrate_until(2).await.unwrap();
        sqlx::raw_sql(
            "INSERT INTO tenants (tenant_id, name, created_at) VALUES (1, 'T', 0), (2, 'Empty', 0);
             INSERT INTO audit_entries (tenant_id, audit_id, occurred_at, actor_kind, actor_id, action, record_type, record_id, fields)
                 VALUES (1, 30, 3, 'user', 5, 'update', 'contact', 9, 'last_name'),
                        (1, 10, 1, 'user', 5, 'create', 'contact', 9, 'first_name,last_name'),
                        (1, 20, 2, 'system', 0, 'create', 'organisation', 8, 'name');",
        )
        .execute(&store.pool)
        .await
        .unwrap();
        // Every migration after the second, whatever the newest is.
        let newest = super::MIGRATIONS.last().map_or(0, |m| m.version);
        assert_eq!(
            store.migrate().await.unwrap(),
            (3..=newest).collect::<Vec<i64>>()
        );
        let chain = store
            .audit_trail()
            .audit_chain_after(TenantId(1), 0, 10)
            .await
            .unwrap();
        let order: Vec<i64> = chain.iter().map(|e| e.audit_id).collect();
        assert_eq!(order, [10, 20, 30]);
        let mut verifier = ChainVerifier::new(1, Vec::new());
        for entry in &chain {
            verifier.check(&entry.view()).unwrap();
        }
        let head = store
            .audit_trail()
            .audit_head(TenantId(1))
            .await
            .unwrap()
            .unwrap();
        verifier.finish(Some((head.0, &head.1))).unwrap();
        // Tenants that existed before purposes get the defaults.
        assert_eq!(
            store.privacy().purposes(TenantId(2)).await.unwrap().len(),
            5
        );
        assert_eq!(
            store
                .audit_trail()
                .audit_head(TenantId(2))
                .await
                .unwrap()
                .unwrap()
                .0,
            0
        );
        // From now on the trail is append-only.
        let refused = sqlx::query("DELETE FROM audit_entries WHERE audit_id = 10")
            .execute(&store.pool)
            .await;
        assert!(refused.is_err());
    }

    #[tokio::test]
    async fn activity_links_keep_their_rows_and_rules_in_the_new_layout() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&format!("sqlite://{}/m.db", dir.path().display()))
            .await
            .unwrap();
        store.migrate_until(30).await.unwrap();
        sqlx::raw_sql(
            "INSERT INTO tenants (tenant_id, name, created_at) VALUES (1, 'T', 0);
             INSERT INTO contacts (tenant_id, contact_id, first_name, last_name, emails, phones, created_at, updated_at, version)
                 VALUES (1, 20, 'Jan', 'de Vries', '', '', 0, 0, 1), (1, 21, 'Eva', 'Berg', '', '', 0, 0, 1);
             INSERT INTO activities (tenant_id, activity_id, kind, occurred_at, subject, body, created_at, updated_at, version)
                 VALUES (1, 30, 'call', 300, 'a', '', 0, 0, 1), (1, 31, 'note', 100, 'b', '', 0, 0, 1);
             INSERT INTO activity_contacts (tenant_id, activity_id, contact_id, occurred_at)
                 VALUES (1, 30, 20, 300), (1, 30, 21, 300), (1, 31, 20, 100);",
        )
        .execute(&store.pool)
        .await
        .unwrap();
        assert_eq!(store.migrate_until(31).await.unwrap(), vec![31]);
        let timeline: Vec<i64> = sqlx::query_scalar(
            "SELECT activity_id FROM activity_contacts WHERE tenant_id = 1 AND contact_id = 20 ORDER BY occurred_at",
        )
        .fetch_all(&store.pool)
        .await
        .unwrap();
        assert_eq!(timeline, [31, 30]);
        let plan: Vec<String> = sqlx::query(
            "EXPLAIN QUERY PLAN SELECT activity_id FROM activity_contacts WHERE tenant_id = 1 AND contact_id = 20",
        )
        .fetch_all(&store.pool)
        .await
        .unwrap()
        .iter()
        .map(|row| row.get::<String, _>(3))
        .collect();
        assert!(
            plan.iter()
                .any(|d| d.contains("COVERING INDEX activity_contacts_by_contact (")),
            "{plan:?}"
        );
        let indexes: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'activity_contacts' AND sql IS NOT NULL",
        )
        .fetch_all(&store.pool)
        .await
        .unwrap();
        assert_eq!(indexes, ["activity_contacts_by_contact"]);
        // Deleting an activity still takes its links, and links still
        // need their activity.
        sqlx::query("DELETE FROM activities WHERE tenant_id = 1 AND activity_id = 30")
            .execute(&store.pool)
            .await
            .unwrap();
        let links: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM activity_contacts")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert_eq!(links, 1);
        let orphan = sqlx::query(
            "INSERT INTO activity_contacts (tenant_id, activity_id, contact_id, occurred_at) VALUES (1, 99, 20, 0)",
        )
        .execute(&store.pool)
        .await;
        assert!(orphan.is_err());
    }
}
