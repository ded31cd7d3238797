//! The daily schedule inside `custodian serve` and `custodian worker`: once
//! an hour it looks at every tenant and runs the rules of those whose last
//! scheduled run is a day old. Two processes on one database do not run a
//! tenant twice: a run in progress refuses a second one. Each hour also
//! deletes portal registrations whose confirmation link expired and purges
//! the search entries a run cut off left behind.

use crate::App;
use custodian_core::time::Timestamp;
use std::time::Duration;

const DAY_MS: i64 = 86_400_000;

/// Starts the schedule on the current tokio runtime; the first look is
/// `first_after` from now.
pub fn spawn_daily_schedule(app: App, first_after: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        tokio::time::sleep(first_after).await;
        loop {
            match app
                .store
                .portal()
                .purge_expired_portal_registrations()
                .await
            {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, "expired portal registrations deleted"),
                Err(error) => {
                    tracing::warn!(%error, "deleting expired portal registrations failed")
                }
            }
            run_due_tenants(&app).await;
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
    })
}

async fn run_due_tenants(app: &App) {
    let tenants = match app.store.audit_trail().open_tenant_ids().await {
        Ok(tenants) => tenants,
        Err(error) => {
            tracing::warn!(%error, "retention schedule: listing tenants failed");
            return;
        }
    };
    for tenant in tenants {
        // What a run cut off (a crash, a stop) left in the search index.
        app.purge_search_index(tenant).await;
        let last = match app.store.retention().last_scheduled_run(tenant).await {
            Ok(last) => last,
            Err(error) => {
                tracing::warn!(%error, tenant = tenant.0, "retention schedule: reading the last run failed");
                continue;
            }
        };
        if last.is_some_and(|at| Timestamp::now().0 - at.0 < DAY_MS - 3_600_000) {
            continue;
        }
        match app.retention().scheduled_retention(tenant).await {
            Ok(run) => tracing::info!(
                tenant = tenant.0,
                run = run.id.0,
                acted = run.counts.acted(),
                status = %run.status,
                "retention run"
            ),
            Err(error) => tracing::warn!(%error, tenant = tenant.0, "retention run failed"),
        }
    }
}
