//! The sweep: every enabled rule of a tenant, walked in batches. The plan
//! is the sweep with nothing done; a run acts on each batch in its own
//! transaction and writes its progress there, so it can be interrupted
//! (between batches, or by a crash) and simply run again.

use super::runner::{runner_gone, this_runner};
use crate::Retention;
use crate::{App, AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::audit::Actor;
use custodian_core::retention::report::RunStart;
use custodian_core::retention::{RetainedType, RetentionRule, RunCounts, RunSummary};
use custodian_core::time::Timestamp;
use custodian_core::{RetentionRunId, TenantId};
use custodian_store::{DueCursor, Scope};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long a batch should hold SQLite's write lock. A batch writes each
/// page it changes once, so larger batches write fewer pages a record (on
/// 100,000 contacts, 20,000 activities a batch were 1.6 times as fast as
/// 5,000), but the server's own writes wait for them. Batches start at the
/// type's first size and are resized after each to take about this long.
const BATCH_TIME: Duration = Duration::from_millis(1_000);

/// After each batch the sweep leaves the write lock free this long: a
/// writer of another process waiting for it (the server's audit trail of
/// reads, a staff member saving a contact) polls it every 100 ms at most
/// (SQLite's busy handler), and would otherwise find the next batch holding
/// it again. docs/benchmarks.md has the figures.
const WRITERS_TURN: Duration = Duration::from_millis(100);

/// Records of a type a batch takes: the first batch, and the least and most
/// the resizing goes to. Contacts go through the erasure machinery, which
/// also deletes their own activities; their batches stay at 1,000 (1.6 s on
/// 100,000 contacts, 2.4 s on 1 M), since resized to a second they took a
/// third longer in all (45 s against 35 s for 20,000 contacts).
fn batch_bounds(record_type: RetainedType) -> (i64, i64, i64) {
    match record_type {
        RetainedType::Contact => (1_000, 1_000, 1_000),
        RetainedType::Activity => (5_000, 1_000, 50_000),
        RetainedType::StaffUser => (1_000, 100, 1_000),
    }
}

/// The size of a rule's batches, adjusted to take about BATCH_TIME.
struct BatchSize {
    records: i64,
    least: i64,
    most: i64,
}

impl BatchSize {
    fn new(record_type: RetainedType, most_per_batch: Option<i64>) -> BatchSize {
        let (first, least, most) = batch_bounds(record_type);
        let most = most_per_batch.map_or(most, |asked| asked.min(most));
        BatchSize {
            records: first.min(most),
            least: least.min(most),
            most,
        }
    }

    /// The next size, after a batch of `acted` records took `took`: at
    /// most twice or half the last size, so that one slow batch (a
    /// checkpoint, a busy disk) does not swing it.
    fn after(&mut self, acted: usize, took: Duration) {
        if acted == 0 || took.is_zero() {
            return;
        }
        let fitting = acted as f64 * BATCH_TIME.as_secs_f64() / took.as_secs_f64();
        let next = fitting.clamp(self.records as f64 / 2.0, self.records as f64 * 2.0) as i64;
        self.records = next.clamp(self.least, self.most);
    }
}

/// What a sweep reports as it goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepProgress {
    /// Records acted on (or, in a plan, found due) so far.
    pub acted: u64,
    /// Candidates looked at so far, acted on or set aside.
    pub examined: u64,
}

/// Asks a running sweep to stop after the batch it is in.
#[derive(Debug, Default)]
pub struct SweepControl {
    stop: AtomicBool,
    /// Records a batch takes at most, below the defaults: shorter
    /// transactions, for a database that must answer writes meanwhile.
    most_per_batch: Option<i64>,
}

impl SweepControl {
    /// Batches of at most `records` (at least 1).
    pub fn with_batches_of(records: i64) -> SweepControl {
        SweepControl {
            stop: AtomicBool::new(false),
            most_per_batch: Some(records.max(1)),
        }
    }

    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
}

/// Rules that go further act first, so that a record due for deletion is
/// not listed for review by a gentler rule the same day.
fn in_sweep_order(mut rules: Vec<RetentionRule>) -> Vec<RetentionRule> {
    rules.retain(|r| r.enabled);
    rules.sort_by_key(|r| {
        (
            std::cmp::Reverse(r.action as u8),
            r.record_type.as_str(),
            r.period,
            r.id,
        )
    });
    rules
}

impl App {
    /// The sweep of a started run, and its end: completed, interrupted (asked
    /// to stop) or failed, with the counts of the batches that committed.
    async fn carry_out_run(
        &self,
        scope: &Scope,
        run: i64,
        now: Timestamp,
        control: &SweepControl,
        progress: impl FnMut(SweepProgress),
    ) -> Result<RunSummary, AppError> {
        let tenant = scope.tenant;
        self.sweep_cache(true).await;
        let result = self
            .sweep(tenant, now, Some((scope, run)), control, progress)
            .await;
        self.sweep_cache(false).await;
        let (counts, status) = match &result {
            Ok(counts) if control.stopped() => (counts.clone(), "interrupted"),
            Ok(counts) => (counts.clone(), "completed"),
            Err(_) => (
                self.store
                    .retention()
                    .retention_run(tenant, RetentionRunId(run))
                    .await?
                    .counts,
                "failed",
            ),
        };
        self.store
            .retention()
            .finish_retention_run(scope, run, &counts, status)
            .await?;
        self.purge_search_index(tenant).await;
        result?;
        if counts
            .rules
            .iter()
            .any(|r| r.acted > 0 && r.action != "review")
        {
            self.store.privacy().forget_erased().await;
        }
        Ok(self
            .store
            .retention()
            .retention_run(tenant, RetentionRunId(run))
            .await?)
    }

    /// The write connection's cache for a sweep, or back; a failure only
    /// costs speed.
    async fn sweep_cache(&self, sweeping: bool) {
        if let Err(error) = self.store.sweep_cache(sweeping).await {
            tracing::warn!(%error, sweeping, "resizing the cache for a retention sweep failed");
        }
    }

    /// Purges the search tombstones the tenant's runs left (SQLite); a
    /// failure is left to the next run or hour of the schedule.
    pub(crate) async fn purge_search_index(&self, tenant: TenantId) {
        if let Err(error) = self.store.retention().purge_search_index(tenant).await {
            tracing::warn!(%error, tenant = tenant.0, "purging erased entries from the search index failed");
        }
    }

    async fn sweep(
        &self,
        tenant: TenantId,
        now: Timestamp,
        acting: Option<(&Scope, i64)>,
        control: &SweepControl,
        mut progress: impl FnMut(SweepProgress),
    ) -> Result<RunCounts, AppError> {
        let rules = in_sweep_order(self.store.retention().retention_rules(tenant).await?);
        let held = self.store.retention().held_set(tenant).await?;
        let contract_end = self.store.retention().contract_end(tenant).await?;
        let mut counts = RunCounts::default();
        let mut seen = SweepProgress::default();
        for rule in &rules {
            counts.rule_mut(rule.id, &rule.sentence(), rule.action.as_str());
            let mut cursor = DueCursor::START;
            let mut size = BatchSize::new(rule.record_type, control.most_per_batch);
            loop {
                if control.stopped() {
                    return Ok(counts);
                }
                let batch = self
                    .store
                    .retention()
                    .due_batch(tenant, rule, now, contract_end, &held, cursor, size.records)
                    .await?;
                counts
                    .rule_mut(rule.id, &rule.sentence(), rule.action.as_str())
                    .add(&batch.due, batch.held.len(), batch.kept.len());
                if let (Some((scope, run)), false) = (acting, batch.due.is_empty()) {
                    let started = Instant::now();
                    // As for an erasure request: queued reads of these
                    // records reach the trail before their context is blanked.
                    self.audit().flush_audit().await;
                    self.store
                        .retention()
                        .act_on_due(scope, rule, run, &batch.due, &counts)
                        .await?;
                    size.after(batch.due.len(), started.elapsed());
                    self.store.retention().rewind_log().await;
                    tokio::time::sleep(WRITERS_TURN).await;
                }
                seen.acted += batch.due.len() as u64;
                seen.examined += (batch.due.len() + batch.held.len() + batch.kept.len()) as u64;
                progress(seen);
                match batch.next {
                    Some(next) => cursor = next,
                    None => break,
                }
            }
        }
        Ok(counts)
    }
}

impl Retention<'_> {
    /// The dry run for a staff user of the privacy area.
    pub async fn retention_plan(self, principal: &Principal) -> Result<RunCounts, AppError> {
        principal.authorize(Area::Privacy, Action::Read)?;
        self.plan_retention(principal.tenant, Timestamp::now(), |_| {})
            .await
    }

    /// Per rule, how many records would be acted on at `now`, with ids of
    /// the first few; changes nothing.
    pub async fn plan_retention(
        self,
        tenant: TenantId,
        now: Timestamp,
        progress: impl FnMut(SweepProgress),
    ) -> Result<RunCounts, AppError> {
        self.sweep(tenant, now, None, &SweepControl::default(), progress)
            .await
    }

    /// A run started by a staff user of the privacy area: it is recorded
    /// at once and carried out in the background, so the answer names the
    /// run to follow in the history rather than waiting for the sweep.
    pub async fn start_retention_now(self, principal: &Principal) -> Result<RunSummary, AppError> {
        principal.authorize(Area::Privacy, Action::Erase)?;
        let scope = principal.scope();
        let run = self
            .store
            .retention()
            .start_retention_run(
                &scope,
                RunStart::Staff(principal.user_id.0),
                &this_runner(),
                &runner_gone,
            )
            .await?;
        let app = App::clone(&self);
        let background_scope = scope.clone();
        tokio::spawn(async move {
            let outcome = app
                .carry_out_run(
                    &background_scope,
                    run,
                    Timestamp::now(),
                    &SweepControl::default(),
                    |_| {},
                )
                .await;
            if let Err(error) = outcome {
                tracing::warn!(%error, run, "retention run failed");
            }
        });
        Ok(self
            .store
            .retention()
            .retention_run(scope.tenant, RetentionRunId(run))
            .await?)
    }

    /// Acts on every due record at `now` and records the run. Refused while
    /// another run of the tenant is under way.
    pub async fn apply_retention(
        self,
        scope: &Scope,
        start: RunStart,
        now: Timestamp,
        control: &SweepControl,
        progress: impl FnMut(SweepProgress),
    ) -> Result<RunSummary, AppError> {
        let run = self
            .store
            .retention()
            .start_retention_run(scope, start, &this_runner(), &runner_gone)
            .await?;
        self.carry_out_run(scope, run, now, control, progress).await
    }

    /// The scheduled run of one tenant, as the system.
    pub async fn scheduled_retention(self, tenant: TenantId) -> Result<RunSummary, AppError> {
        self.apply_retention(
            &Scope::new(tenant, Actor::SYSTEM),
            RunStart::Schedule,
            Timestamp::now(),
            &SweepControl::default(),
            |_| {},
        )
        .await
    }

    pub async fn retention_runs(self, principal: &Principal) -> Result<Vec<RunSummary>, AppError> {
        principal.authorize(Area::Privacy, Action::Read)?;
        Ok(self
            .store
            .retention()
            .retention_runs(principal.tenant, 100)
            .await?)
    }

    pub async fn retention_run(
        self,
        principal: &Principal,
        id: RetentionRunId,
    ) -> Result<RunSummary, AppError> {
        principal.authorize(Area::Privacy, Action::Read)?;
        Ok(self
            .store
            .retention()
            .retention_run(principal.tenant, id)
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_are_resized_toward_the_batch_time_within_their_bounds() {
        let mut size = BatchSize::new(RetainedType::Activity, None);
        assert_eq!(size.records, 5_000);
        // Fast batches grow, at most twice the last size at a time.
        size.after(5_000, Duration::from_millis(100));
        assert_eq!(size.records, 10_000);
        size.after(10_000, Duration::from_millis(800));
        assert_eq!(size.records, 12_500);
        // A slow one shrinks it, at most to half.
        size.after(12_500, Duration::from_secs(10));
        assert_eq!(size.records, 6_250);
        for _ in 0..10 {
            size.after(size.records as usize, Duration::from_millis(10));
        }
        assert_eq!(size.records, 50_000);
        for _ in 0..20 {
            size.after(size.records as usize, Duration::from_secs(60));
        }
        assert_eq!(size.records, 1_000);
        // Nothing acted on says nothing about the time a record takes.
        size.after(0, Duration::from_secs(60));
        assert_eq!(size.records, 1_000);
    }

    #[test]
    fn an_asked_batch_size_caps_the_resizing() {
        let mut size = BatchSize::new(RetainedType::Contact, Some(50));
        assert_eq!((size.records, size.least, size.most), (50, 50, 50));
        size.after(50, Duration::from_millis(1));
        assert_eq!(size.records, 50);
        let size = BatchSize::new(RetainedType::Activity, Some(20_000));
        assert_eq!((size.records, size.most), (5_000, 20_000));
    }
}
