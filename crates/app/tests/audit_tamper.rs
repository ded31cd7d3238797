//! Tampering with the audit trail in the real database, as someone with
//! database access would (triggers dropped first), must make `verify_audit`
//! fail at the entry that was touched: an edited byte, an edited client
//! context, a deleted, inserted or swapped entry, a truncated tail, a chain
//! rewritten with valid hashes, a forged checkpoint, an entry appended
//! beyond the head, index rows deleted, a context blanked that no erasure
//! recorded, rows of a tenant that does not exist. SQLite always, and
//! PostgreSQL with CUSTODIAN_TEST_POSTGRES_URL.

use custodian_app::audit::{AuditSigner, TenantVerification, VerifyOptions};
use custodian_app::App;
use custodian_core::audit::chain::{entry_hash, ChainedEntry, ClientContext, GENESIS};
use custodian_core::audit::{Actor, ActorKind, AuditAction, RecordType};
use custodian_core::time::Timestamp;
use custodian_core::TenantId;
use custodian_store::{Backend, NewAuditEntry};
use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;
use std::path::PathBuf;
use std::sync::Arc;

struct Trail {
    app: App,
    tenant: TenantId,
    raw: AnyPool,
    backend: Backend,
    checkpoint_file: PathBuf,
    trusted_key: String,
    _dir: tempfile::TempDir,
}

/// 15 entries; a signed checkpoint after the 10th.
async fn trail(database_url: Option<String>) -> Trail {
    let dir = tempfile::tempdir().unwrap();
    let url =
        database_url.unwrap_or_else(|| format!("sqlite://{}/tamper.db", dir.path().display()));
    let app = App::open(&url).await.unwrap();
    let tenant = app.create_tenant("Tamper GmbH").await.unwrap().id;
    let checkpoint_file = dir.path().join("checkpoints.jsonl");
    let signer = AuditSigner::load(&dir.path().join("audit.key"), &checkpoint_file, true).unwrap();
    let entry = |n: i64| NewAuditEntry {
        actor: Actor {
            kind: ActorKind::User,
            id: 7,
        },
        action: if n % 3 == 0 {
            AuditAction::Update
        } else {
            AuditAction::Read
        },
        record_type: RecordType::Contact,
        record_id: 1000 + n,
        fields: "first_name,last_name".into(),
        context: Some(Arc::new(ClientContext {
            source_ip: Some(format!("192.0.2.{n}")),
            user_agent: Some("tamper-test".into()),
            reason: None,
        })),
        occurred_at: Timestamp(1_795_000_000_000 + n),
        // Every fifth entry is a list of three records.
        record_ids: if n % 5 == 0 {
            vec![1000 + n, 2000 + n, 3000 + n]
        } else {
            Vec::new()
        },
    };
    let first: Vec<NewAuditEntry> = (1..=10).map(entry).collect();
    app.store()
        .audit_trail()
        .record_audit_entries(tenant, &first)
        .await
        .unwrap();
    assert_eq!(
        app.audit()
            .checkpoint_audit(&signer, Some(tenant))
            .await
            .unwrap()
            .len(),
        1
    );
    let rest: Vec<NewAuditEntry> = (11..=15).map(entry).collect();
    app.store()
        .audit_trail()
        .record_audit_entries(tenant, &rest)
        .await
        .unwrap();
    let raw = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .unwrap();
    let backend = app.store().backend();
    let trusted_key = signer.public_key_hex();
    Trail {
        app,
        tenant,
        raw,
        backend,
        checkpoint_file,
        trusted_key,
        _dir: dir,
    }
}

impl Trail {
    /// What an attacker with database access does first.
    async fn disable_guards(&self) {
        let sql = match self.backend {
            Backend::Sqlite => {
                "DROP TRIGGER audit_entries_no_update; DROP TRIGGER audit_entries_no_delete;"
            }
            Backend::Postgres => "ALTER TABLE audit_entries DISABLE TRIGGER USER",
        };
        sqlx::raw_sql(sql).execute(&self.raw).await.unwrap();
    }

    async fn sql(&self, sql: &str) {
        sqlx::raw_sql(sql).execute(&self.raw).await.unwrap();
    }

    async fn verify(&self) -> TenantVerification {
        let mut reports = self
            .app
            .audit()
            .verify_audit(&VerifyOptions {
                tenant: Some(self.tenant),
                trusted_keys: vec![self.trusted_key.clone()],
                checkpoint_file: Some(self.checkpoint_file.clone()),
            })
            .await
            .unwrap();
        assert_eq!(reports.len(), 1);
        reports.remove(0)
    }

    async fn broken_at(&self, seq: i64, words: &str) {
        let report = self.verify().await;
        let problem = report.problem.clone().unwrap_or_default();
        assert_eq!(report.problem_seq, Some(seq), "{report:?}");
        assert!(problem.contains(words), "expected '{words}' in: {problem}");
    }

    /// Recomputes every hash from `from_seq` on, as a careful attacker would
    /// after editing, and moves the head along.
    async fn rehash_from(&self, from_seq: i64) {
        let chain = self
            .app
            .store()
            .audit_trail()
            .audit_chain_after(self.tenant, 0, 1_000)
            .await
            .unwrap();
        let mut previous = GENESIS.to_vec();
        for entry in &chain {
            if entry.seq >= from_seq {
                let hash = entry_hash(
                    &previous,
                    &ChainedEntry {
                        tenant_id: self.tenant.0,
                        seq: entry.seq,
                        audit_id: entry.audit_id,
                        occurred_at: entry.occurred_at,
                        actor_kind: &entry.actor_kind,
                        actor_id: entry.actor_id,
                        action: &entry.action,
                        record_type: &entry.record_type,
                        record_id: entry.record_id,
                        fields: &entry.fields,
                        context_digest: &entry.context_digest,
                        record_ids: entry.record_ids.as_deref().unwrap_or(""),
                    },
                );
                sqlx::query(
                    "UPDATE audit_entries SET entry_hash = $1 WHERE tenant_id = $2 AND seq = $3",
                )
                .bind(hash.to_vec())
                .bind(self.tenant.0)
                .bind(entry.seq)
                .execute(&self.raw)
                .await
                .unwrap();
                previous = hash.to_vec();
            } else {
                previous = entry.entry_hash.clone();
            }
        }
        sqlx::query("UPDATE audit_heads SET entry_hash = $1 WHERE tenant_id = $2")
            .bind(previous)
            .bind(self.tenant.0)
            .execute(&self.raw)
            .await
            .unwrap();
    }
}

async fn an_untouched_trail_verifies(t: Trail) {
    let report = t.verify().await;
    assert_eq!(report.problem, None, "{report:?}");
    assert_eq!(report.entries_checked, 15);
    assert_eq!(report.checkpoints, 1);
    assert_eq!(report.head_seq, 15);
    // The guards refuse ordinary changes to the trail.
    let tenant = t.tenant.0;
    for sql in [
        format!("DELETE FROM audit_entries WHERE tenant_id = {tenant} AND seq = 3"),
        format!("UPDATE audit_entries SET fields = 'x' WHERE tenant_id = {tenant} AND seq = 3"),
    ] {
        assert!(sqlx::raw_sql(&sql).execute(&t.raw).await.is_err(), "{sql}");
    }
    // Blanking a client context, as erasure does, keeps the chain intact
    // when an entry of the chain records the blanking.
    t.sql(&format!(
        "UPDATE audit_entries SET source_ip = NULL, user_agent = NULL, context_salt = NULL WHERE tenant_id = {tenant} AND seq = 4"
    ))
    .await;
    t.app
        .store()
        .audit_trail()
        .record_audit_entries(
            t.tenant,
            &[NewAuditEntry {
                actor: Actor::SYSTEM,
                action: AuditAction::BlankContext,
                record_type: RecordType::AuditEntry,
                record_id: 0,
                fields: "source_ip,user_agent,reason".into(),
                context: None,
                occurred_at: Timestamp::now(),
                record_ids: vec![4],
            }],
        )
        .await
        .unwrap();
    assert_eq!(t.verify().await.problem, None);
}

async fn a_blanking_no_erasure_recorded_is_found(t: Trail) {
    // Blanking needs no dropped trigger: only the context columns change.
    t.sql(&format!(
        "UPDATE audit_entries SET source_ip = NULL, user_agent = NULL, reason = NULL, context_salt = NULL WHERE tenant_id = {} AND seq = 6",
        t.tenant.0
    ))
    .await;
    t.broken_at(6, "no erasure entry records blanking it").await;
}

async fn an_entry_appended_beyond_the_head_is_found(t: Trail) {
    let tenant = t.tenant.0;
    // A copy of the last entry, as the next one, under a new id; the head
    // is left alone.
    t.sql(&format!(
        "INSERT INTO audit_entries (tenant_id, audit_id, seq, occurred_at, actor_kind, actor_id, action, record_type, record_id, fields, entry_hash, context_digest)
             SELECT tenant_id, audit_id + 987654321, 16, occurred_at, actor_kind, actor_id, action, record_type, record_id, fields, entry_hash, context_digest
             FROM audit_entries WHERE tenant_id = {tenant} AND seq = 15"
    ))
    .await;
    t.broken_at(16, "beyond its head").await;
}

async fn deleted_index_rows_are_found(t: Trail) {
    let tenant = t.tenant.0;
    let drop_guard = match t.backend {
        Backend::Sqlite => "DROP TRIGGER audit_entry_records_no_delete",
        Backend::Postgres => "ALTER TABLE audit_entry_records DISABLE TRIGGER USER",
    };
    t.sql(drop_guard).await;
    // Entry 10 listed three records; one no longer finds it.
    t.sql(&format!(
        "DELETE FROM audit_entry_records WHERE tenant_id = {tenant} AND seq = 10 AND record_id = 2010"
    ))
    .await;
    let report = t.verify().await;
    let problem = report.problem.unwrap_or_default();
    assert!(problem.contains("record index"), "{problem}");
}

async fn rows_of_an_unknown_tenant_are_found(t: Trail) {
    let tenant = t.tenant.0;
    let unguard = match t.backend {
        Backend::Sqlite => "PRAGMA foreign_keys = OFF",
        Backend::Postgres => "ALTER TABLE audit_entries DISABLE TRIGGER ALL",
    };
    t.sql(unguard).await;
    t.sql(&format!(
        "INSERT INTO audit_entries (tenant_id, audit_id, seq, occurred_at, actor_kind, actor_id, action, record_type, record_id, fields, entry_hash, context_digest)
             SELECT 4242424242, audit_id + 987654321, 1, occurred_at, actor_kind, actor_id, action, record_type, record_id, fields, entry_hash, context_digest
             FROM audit_entries WHERE tenant_id = {tenant} AND seq = 1"
    ))
    .await;
    let reports = t
        .app
        .audit()
        .verify_audit(&VerifyOptions {
            tenant: None,
            trusted_keys: vec![t.trusted_key.clone()],
            checkpoint_file: Some(t.checkpoint_file.clone()),
        })
        .await
        .unwrap();
    let stray = reports
        .iter()
        .find(|r| r.tenant_id == TenantId(4242424242))
        .expect("the unknown tenant's rows are reported");
    assert!(
        stray
            .problem
            .as_deref()
            .unwrap_or("")
            .contains("does not exist"),
        "{stray:?}"
    );
    let own = reports
        .iter()
        .find(|r| r.tenant_id == TenantId(tenant))
        .unwrap();
    assert_eq!(own.problem, None);
}

async fn an_edited_byte_is_found(t: Trail) {
    t.disable_guards().await;
    t.sql(&format!(
        "UPDATE audit_entries SET record_id = record_id + 1 WHERE tenant_id = {} AND seq = 7",
        t.tenant.0
    ))
    .await;
    t.broken_at(7, "does not match its hash").await;
}

async fn a_record_dropped_from_a_list_is_found(t: Trail) {
    t.disable_guards().await;
    t.sql(&format!(
        "UPDATE audit_entries SET record_ids = '1010,2010' WHERE tenant_id = {} AND seq = 10",
        t.tenant.0
    ))
    .await;
    t.broken_at(10, "does not match its hash").await;
}

async fn an_edited_address_is_found(t: Trail) {
    t.sql(&format!(
        "UPDATE audit_entries SET source_ip = '203.0.113.9' WHERE tenant_id = {} AND seq = 12",
        t.tenant.0
    ))
    .await;
    t.broken_at(12, "client context").await;
}

async fn a_deleted_entry_is_found(t: Trail) {
    t.disable_guards().await;
    t.sql(&format!(
        "DELETE FROM audit_entries WHERE tenant_id = {} AND seq = 5",
        t.tenant.0
    ))
    .await;
    t.broken_at(5, "entries were deleted").await;
}

async fn an_inserted_entry_is_found(t: Trail) {
    t.disable_guards().await;
    let tenant = t.tenant.0;
    // Make room at position 9, then copy entry 8 into it under a new id.
    t.sql(&format!(
        "UPDATE audit_entries SET seq = -(seq + 1) WHERE tenant_id = {tenant} AND seq >= 9;
         UPDATE audit_entries SET seq = -seq WHERE tenant_id = {tenant} AND seq < 0;
         INSERT INTO audit_entries (tenant_id, audit_id, seq, occurred_at, actor_kind, actor_id, action, record_type, record_id, fields, entry_hash, context_digest)
             SELECT tenant_id, audit_id + 987654321, 9, occurred_at, actor_kind, actor_id, action, record_type, record_id, fields, entry_hash, context_digest
             FROM audit_entries WHERE tenant_id = {tenant} AND seq = 8;"
    ))
    .await;
    t.broken_at(9, "does not match its hash").await;
}

async fn swapped_entries_are_found(t: Trail) {
    t.disable_guards().await;
    let tenant = t.tenant.0;
    t.sql(&format!(
        "UPDATE audit_entries SET seq = -1 WHERE tenant_id = {tenant} AND seq = 7;
         UPDATE audit_entries SET seq = 7 WHERE tenant_id = {tenant} AND seq = 8;
         UPDATE audit_entries SET seq = 8 WHERE tenant_id = {tenant} AND seq = -1;"
    ))
    .await;
    t.broken_at(7, "does not match its hash").await;
}

async fn a_truncated_tail_is_found(t: Trail) {
    t.disable_guards().await;
    t.sql(&format!(
        "DELETE FROM audit_entries WHERE tenant_id = {} AND seq >= 14",
        t.tenant.0
    ))
    .await;
    t.broken_at(14, "the tail was truncated").await;
}

async fn a_truncation_behind_the_checkpoint_is_found_despite_a_new_head(t: Trail) {
    t.disable_guards().await;
    let tenant = t.tenant.0;
    t.sql(&format!(
        "DELETE FROM audit_entries WHERE tenant_id = {tenant} AND seq >= 9;
         UPDATE audit_heads SET seq = 8, entry_hash = (SELECT entry_hash FROM audit_entries WHERE tenant_id = {tenant} AND seq = 8) WHERE tenant_id = {tenant};"
    ))
    .await;
    t.broken_at(9, "signed checkpoint covers entry 10").await;
}

async fn a_rewritten_chain_is_caught_by_the_checkpoint(t: Trail) {
    t.disable_guards().await;
    let tenant = t.tenant.0;
    t.sql(&format!(
        "UPDATE audit_entries SET action = 'read' WHERE tenant_id = {tenant} AND seq = 3"
    ))
    .await;
    t.rehash_from(3).await;
    // Removing the checkpoint from the database does not help: the file has it.
    t.sql(&format!(
        "DELETE FROM audit_checkpoints WHERE tenant_id = {tenant}"
    ))
    .await;
    t.broken_at(10, "differs from the signed checkpoint").await;
}

async fn a_forged_checkpoint_is_found(t: Trail) {
    let tenant = t.tenant.0;
    t.sql(&format!(
        "UPDATE audit_checkpoints SET seq = 15 WHERE tenant_id = {tenant}"
    ))
    .await;
    t.broken_at(15, "signature that does not verify").await;
}

async fn a_checkpoint_by_another_key_is_not_trusted(t: Trail) {
    let dir = tempfile::tempdir().unwrap();
    let stranger = AuditSigner::load(&dir.path().join("k"), &dir.path().join("c"), true).unwrap();
    let made = t
        .app
        .audit()
        .checkpoint_audit(&stranger, Some(t.tenant))
        .await
        .unwrap();
    assert_eq!(made.len(), 1);
    t.broken_at(15, "not trusted").await;
}

async fn sqlite_trail() -> Trail {
    trail(None).await
}

async fn postgres_trail() -> Option<Trail> {
    let url = custodian_store::testing::fresh_postgres_url().await?;
    Some(trail(Some(url)).await)
}

use custodian_store::on_both_backends;

on_both_backends!(
    sqlite_trail, postgres_trail =>
    an_untouched_trail_verifies,
    an_edited_byte_is_found,
    a_record_dropped_from_a_list_is_found,
    an_edited_address_is_found,
    a_deleted_entry_is_found,
    an_inserted_entry_is_found,
    swapped_entries_are_found,
    a_truncated_tail_is_found,
    a_truncation_behind_the_checkpoint_is_found_despite_a_new_head,
    a_rewritten_chain_is_caught_by_the_checkpoint,
    a_forged_checkpoint_is_found,
    a_checkpoint_by_another_key_is_not_trusted,
    a_blanking_no_erasure_recorded_is_found,
    an_entry_appended_beyond_the_head_is_found,
    deleted_index_rows_are_found,
    rows_of_an_unknown_tenant_are_found,
);
