//! `custodian retention plan` and `custodian retention apply`: the dry run
//! and the run of every tenant's retention rules (or one tenant's), and
//! `custodian worker`, which runs the daily schedule apart from the server.

use crate::{report, CliError, Database};
use clap::Subcommand;
use custodian_app::retention::{spawn_daily_schedule, SweepControl};
use custodian_app::{App, Scope};
use custodian_core::audit::Actor;
use custodian_core::retention::report::RunStart;
use custodian_core::retention::RunCounts;
use custodian_core::time::Timestamp;
use custodian_core::TenantId;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// Set to 1 to let `retention apply --as-of` act as of another instant
/// (tests move the clock forward with it; nobody else should).
const TEST_CLOCK: &str = "CUSTODIAN_ALLOW_TEST_CLOCK";

#[derive(Subcommand)]
pub(crate) enum RetentionCommand {
    /// Dry run: per rule, how many records would be deleted, anonymised or
    /// listed for review, with example ids. Changes nothing.
    Plan {
        #[command(flatten)]
        database: Database,
        /// Only this tenant (default: every tenant).
        #[arg(long)]
        tenant: Option<i64>,
        /// Evaluate the rules as of this instant (RFC 3339), e.g. to see
        /// what next month will bring. Default: now.
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Act on every due record, in batches of one transaction each, with a
    /// progress bar. Safe to interrupt (Ctrl-C stops after the current
    /// batch) and to run again.
    Apply {
        #[command(flatten)]
        database: Database,
        #[arg(long)]
        tenant: Option<i64>,
        #[arg(long, hide = true)]
        as_of: Option<String>,
        /// Records per batch (one transaction) at most. Otherwise activities
        /// go in batches sized to hold the write lock about a second (1,000
        /// to 50,000) and contacts 1,000 at a time: shorter transactions
        /// leave more room for the server's writes on SQLite, at some speed.
        #[arg(long, value_parser = clap::value_parser!(i64).range(1..))]
        batch: Option<i64>,
        #[arg(long)]
        json: bool,
    },
}

fn instant(as_of: Option<&str>) -> Result<Timestamp, String> {
    match as_of {
        None => Ok(Timestamp::now()),
        Some(text) => Timestamp::parse(text).ok_or_else(|| {
            format!("--as-of: \"{text}\" is not an instant; write e.g. 2027-01-31T00:00:00Z")
        }),
    }
}

async fn tenants(app: &App, only: Option<i64>) -> Result<Vec<TenantId>, CliError> {
    let all = app.open_tenant_ids().await?;
    match only {
        None => Ok(all),
        Some(id) if all.contains(&TenantId(id)) => Ok(vec![TenantId(id)]),
        Some(id) => Err(format!("there is no tenant {id} in use (none, or closed)").into()),
    }
}

fn counts_text(tenant: TenantId, counts: &RunCounts, verb: &str) -> String {
    let mut lines = vec![format!("tenant {}:", tenant.0)];
    for rule in &counts.rules {
        let examples = if rule.examples.is_empty() {
            String::new()
        } else {
            format!(
                "; e.g. {}",
                rule.examples
                    .iter()
                    .map(|id| id.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        lines.push(format!(
            "  rule {}: {}\n    {} {} ({}), {} held, {} kept or already listed{examples}",
            rule.rule_id, rule.rule, rule.acted, verb, rule.action, rule.held, rule.kept
        ));
    }
    if counts.rules.is_empty() {
        lines.push("  no enabled rules".into());
    }
    lines.join("\n")
}

fn bar(json: bool) -> ProgressBar {
    if json {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} records {msg} ({per_sec}, {elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar
}

pub(crate) async fn run(command: RetentionCommand) -> Result<(), CliError> {
    match command {
        RetentionCommand::Plan {
            database,
            tenant,
            as_of,
            json,
        } => {
            let now = instant(as_of.as_deref())?;
            let app = App::open(&database.url).await?;
            let mut plans = Vec::new();
            for tenant in tenants(&app, tenant).await? {
                let bar = bar(json);
                bar.set_message("due");
                let counts = app
                    .retention()
                    .plan_retention(tenant, now, |p| bar.set_position(p.acted))
                    .await?;
                bar.finish_and_clear();
                plans.push((tenant, counts));
            }
            report(
                json,
                json!({
                    "as_of": now.to_rfc3339(),
                    "tenants": plans.iter().map(|(t, c)| json!({"tenant": t.0, "rules": c.rules})).collect::<Vec<_>>(),
                }),
                plans
                    .iter()
                    .map(|(t, c)| counts_text(*t, c, "would be acted on"))
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
            Ok(())
        }
        RetentionCommand::Apply {
            database,
            tenant,
            as_of,
            batch,
            json,
        } => {
            if as_of.is_some() && std::env::var(TEST_CLOCK).as_deref() != Ok("1") {
                return Err(format!(
                    "--as-of acts on records before their time; it is for tests ({TEST_CLOCK}=1)"
                )
                .into());
            }
            let now = instant(as_of.as_deref())?;
            let app = App::open(&database.url).await?;
            let control =
                Arc::new(batch.map_or_else(SweepControl::default, SweepControl::with_batches_of));
            let stopper = control.clone();
            tokio::spawn(async move {
                if tokio::signal::ctrl_c().await.is_ok() {
                    eprintln!("\nstopping after the current batch; run the command again to go on");
                    stopper.stop();
                }
            });
            let mut runs = Vec::new();
            for tenant in tenants(&app, tenant).await? {
                let bar = bar(json);
                bar.set_message("acted on");
                let run = app
                    .retention()
                    .apply_retention(
                        &Scope::new(tenant, Actor::SYSTEM),
                        RunStart::Command,
                        now,
                        &control,
                        |p| bar.set_position(p.acted),
                    )
                    .await?;
                bar.finish_and_clear();
                let stopped = run.status != "completed";
                runs.push((tenant, run));
                if stopped {
                    break;
                }
            }
            report(
                json,
                json!({
                    "runs": runs.iter().map(|(t, r)| json!({"tenant": t.0, "run": r.id, "status": r.status, "rules": r.counts.rules})).collect::<Vec<_>>(),
                }),
                runs.iter()
                    .map(|(t, r)| {
                        format!(
                            "{}\n  run {}: {}",
                            counts_text(*t, &r.counts, "acted on"),
                            r.id,
                            r.status
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
            if runs.iter().any(|(_, r)| r.status != "completed") {
                return Err(
                    "interrupted: what was done is committed; run the command again to finish"
                        .into(),
                );
            }
            Ok(())
        }
    }
}

/// `custodian worker`: the retention schedule alone, until Ctrl-C.
pub(crate) async fn worker(database: Database) -> Result<(), CliError> {
    let app = App::open(&database.url).await?;
    println!("Custodian worker: retention rules run daily for every tenant (Ctrl-C stops).");
    let schedule = spawn_daily_schedule(app.clone(), Duration::from_secs(5));
    let _ = tokio::signal::ctrl_c().await;
    schedule.abort();
    app.audit().flush_audit().await;
    Ok(())
}
