//! Recording reads of personal data. A detail view, an API fetch, a list or
//! a search result hands its entries to a background writer, which appends
//! them to the chain in batches: one transaction (one fsync) for many reads,
//! so that auditing every read costs little of the read's own time.
//!
//! The trade-off (docs/audit.md): a read is answered before its entry is
//! committed. Entries wait at most one gathering window and one write; a
//! graceful stop flushes them,
//! a crash can lose the reads of the last moments. Changes are not affected:
//! their entries are written in the change's own transaction.

use crate::Audit;
use crate::{App, AppError, Principal};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::grants::Grants;
use custodian_core::time::Timestamp;
use custodian_core::{catalog, TenantId};
use custodian_store::{NewAuditEntry, Store};
use std::collections::{HashMap, HashSet};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// Entries one write takes at most.
const MAX_BATCH: usize = 5_000;
/// How long the writer gathers entries before it writes them: one commit
/// (and fsync) per window instead of one per handful of reads.
const GATHER: Duration = Duration::from_millis(20);
/// Messages waiting for the writer; a full queue makes readers wait, it never
/// drops an entry. Room for several seconds of reads at thousands a second,
/// so that a long write of another process (a retention batch) holding
/// SQLite's lock does not hold up the answers.
const QUEUE: usize = 32_768;

enum Message {
    Entries(TenantId, Vec<NewAuditEntry>),
    Flush(oneshot::Sender<()>),
}

#[derive(Clone)]
pub(crate) struct ReadRecorder {
    sender: Option<mpsc::Sender<Message>>,
}

impl ReadRecorder {
    /// Starts the writer on the current tokio runtime.
    pub(crate) fn start(store: Store) -> ReadRecorder {
        // Only a binary built for the benchmark's A/B comparison (`cargo
        // build --features bench-unaudited-reads`) can leave reads
        // unrecorded; a released server records every read, whatever its
        // environment says.
        #[cfg(feature = "bench-unaudited-reads")]
        if std::env::var("CUSTODIAN_BENCH_UNAUDITED_READS").as_deref() == Ok("1") {
            tracing::warn!(
                "CUSTODIAN_BENCH_UNAUDITED_READS=1: reads are NOT audited (benchmarking build only)"
            );
            return ReadRecorder { sender: None };
        }
        let (sender, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(write_batches(store, receiver));
        ReadRecorder {
            sender: Some(sender),
        }
    }

    /// Queues a message; fails when the writer has stopped, so that a read
    /// is refused rather than served unrecorded.
    async fn send(&self, message: Message) -> Result<(), AppError> {
        match &self.sender {
            Some(sender) => sender.send(message).await.map_err(|_| {
                tracing::error!(
                    "the audit writer has stopped; refusing reads that cannot be recorded"
                );
                AppError::AuditUnavailable
            }),
            None => Ok(()),
        }
    }
}

/// The last access of records, written at most once per record and day:
/// what was written today is remembered here, and the store's write does
/// nothing for a record already at today.
#[derive(Default)]
struct AccessDays {
    day: i64,
    written: HashSet<(TenantId, RecordType, i64)>,
}

const DAY_MS: i64 = 86_400_000;

impl AccessDays {
    async fn note(&mut self, store: &Store, tenant: TenantId, entries: &[NewAuditEntry]) {
        let day = Timestamp::now().0.div_euclid(DAY_MS) * DAY_MS;
        if day != self.day {
            self.day = day;
            self.written.clear();
        }
        let mut fresh: Vec<(RecordType, i64)> = entries
            .iter()
            .filter(|e| e.action == AuditAction::Read)
            .filter(|e| matches!(e.record_type, RecordType::Contact | RecordType::Activity))
            .map(|e| (e.record_type, e.record_id))
            .filter(|(t, id)| !self.written.contains(&(tenant, *t, *id)))
            .collect();
        fresh.sort_unstable_by_key(|(t, id)| (t.as_str(), *id));
        fresh.dedup();
        if fresh.is_empty() {
            return;
        }
        match store.retention().touch_access(tenant, &fresh, day).await {
            Ok(_) => self
                .written
                .extend(fresh.into_iter().map(|(t, id)| (tenant, t, id))),
            Err(error) => tracing::warn!(%error, "noting the last access of records failed"),
        }
    }
}

async fn write_batches(store: Store, mut receiver: mpsc::Receiver<Message>) {
    let mut access = AccessDays::default();
    while let Some(first) = receiver.recv().await {
        let mut batches: HashMap<TenantId, Vec<NewAuditEntry>> = HashMap::new();
        let mut waiting = Vec::new();
        let mut count = 0;
        let window = tokio::time::Instant::now() + GATHER;
        let mut next = Some(first);
        while let Some(message) = next.take() {
            match message {
                Message::Entries(tenant, entries) => {
                    count += entries.len();
                    batches.entry(tenant).or_default().extend(entries);
                }
                Message::Flush(done) => waiting.push(done),
            }
            if count >= MAX_BATCH {
                break;
            }
            next = match receiver.try_recv() {
                Ok(message) => Some(message),
                // Someone waits for the trail: write what there is now.
                Err(_) if !waiting.is_empty() => None,
                Err(_) => tokio::time::timeout_at(window, receiver.recv())
                    .await
                    .ok()
                    .flatten(),
            };
        }
        for (tenant, entries) in batches {
            write_with_retry(&store, tenant, &entries).await;
            access.note(&store, tenant, &entries).await;
        }
        for done in waiting {
            let _ = done.send(());
        }
    }
}

/// A failed write is retried until it succeeds: the entries stay in memory
/// and readers wait behind them, rather than a read going unrecorded.
async fn write_with_retry(store: &Store, tenant: TenantId, entries: &[NewAuditEntry]) {
    let mut pause = Duration::from_millis(50);
    loop {
        match store
            .audit_trail()
            .record_audit_entries(tenant, entries)
            .await
        {
            Ok(()) => return,
            Err(error) => {
                tracing::error!(%error, count = entries.len(), "writing read audit entries failed; retrying");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(5));
            }
        }
    }
}

/// The entries of a read by `actor`: a list (or a choice list, or search
/// results) is one entry naming every record it showed; a record read is
/// one entry about that record. Staff and the portal's people alike.
pub(crate) fn read_entries(
    actor: custodian_core::audit::Actor,
    context: &Option<std::sync::Arc<custodian_core::audit::chain::ClientContext>>,
    action: AuditAction,
    record_type: RecordType,
    ids: impl IntoIterator<Item = i64>,
    fields: &str,
) -> Vec<NewAuditEntry> {
    let occurred_at = Timestamp::now();
    let entry = |record_id, record_ids| NewAuditEntry {
        actor,
        action,
        record_type,
        record_id,
        fields: fields.to_string(),
        context: context.clone(),
        occurred_at,
        record_ids,
    };
    if action == AuditAction::List {
        let shown: Vec<i64> = ids.into_iter().collect();
        if shown.is_empty() {
            return Vec::new();
        }
        vec![entry(0, shown)]
    } else {
        ids.into_iter().map(|id| entry(id, Vec::new())).collect()
    }
}

/// The personal fields a screen of this record type shows to these roles,
/// as the catalog lists them; empty when it shows none.
pub(crate) fn shown_fields(record_type: RecordType, sight: Grants) -> String {
    let table = record_type.table();
    shown_among(table, &catalog::shown_personal_columns(table), sight)
}

/// Of `columns` of `table`, those `sight` shows, comma-separated: what an
/// answer showing only some of a record's columns names in its entry.
pub(crate) fn shown_among(table: &str, columns: &[&str], sight: Grants) -> String {
    columns
        .iter()
        .filter(|column| sight.sees(catalog::category_of(table, column)))
        .copied()
        .collect::<Vec<_>>()
        .join(",")
}

impl App {
    /// Records that `principal` was shown these records' personal fields.
    /// Record types without personal data are not recorded.
    pub(crate) async fn record_reads(
        &self,
        principal: &Principal,
        action: AuditAction,
        record_type: RecordType,
        ids: impl IntoIterator<Item = i64>,
    ) -> Result<(), AppError> {
        let fields = shown_fields(record_type, principal.sight());
        if fields.is_empty() {
            return Ok(());
        }
        self.record_read_fields(principal, action, record_type, ids, &fields)
            .await
    }

    /// Like `record_reads`, naming the fields shown.
    pub(crate) async fn record_read_fields(
        &self,
        principal: &Principal,
        action: AuditAction,
        record_type: RecordType,
        ids: impl IntoIterator<Item = impl Into<i64>>,
        fields: &str,
    ) -> Result<(), AppError> {
        let entries = read_entries(
            principal.actor,
            &principal.context,
            action,
            record_type,
            ids.into_iter().map(Into::into),
            fields,
        );
        self.record_entries(principal.tenant, entries).await
    }

    /// Queues entries for the background writer.
    pub(crate) async fn record_entries(
        &self,
        tenant: TenantId,
        entries: Vec<NewAuditEntry>,
    ) -> Result<(), AppError> {
        if entries.is_empty() {
            return Ok(());
        }
        self.reads.send(Message::Entries(tenant, entries)).await
    }
}

impl Audit<'_> {
    /// Waits until every read recorded so far is in the trail.
    pub async fn flush_audit(self) {
        let (done, wait) = oneshot::channel();
        if self.reads.sender.is_some() && self.reads.send(Message::Flush(done)).await.is_ok() {
            let _ = wait.await;
        }
    }
}
