//! Retention runs: the history with counts per rule, one run in detail
//! (refreshing while it runs), starting a run now, and the plan: what a
//! run now would do, computed by the same sweep with nothing done.

use crate::csrf::CsrfForm;
use crate::pages::forms::NoFields;
use crate::pages::path_id::PageId;
use crate::pages::session::PageSession;
use crate::pages::views::{error_page, render, Layout};
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use custodian_app::App;
use custodian_core::access::{Action, Area};
use custodian_core::retention::{RuleCount, RunSummary};
use custodian_core::time::Timestamp;
use custodian_core::RetentionRunId;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/privacy/retention/runs", get(runs).post(start))
        .route("/privacy/retention/runs/{id}", get(one))
        .route("/privacy/retention/plan", get(plan))
}

struct RunRow {
    id: i64,
    started: String,
    finished: String,
    started_by: String,
    status: String,
    acted: u64,
    held: u64,
}

#[derive(askama::Template)]
#[template(path = "pages/retention/runs.html")]
struct RunsPage {
    layout: Layout,
    can_run: bool,
    runs: Vec<RunRow>,
}

#[derive(askama::Template)]
#[template(path = "pages/retention/run.html")]
struct RunPage {
    layout: Layout,
    title: String,
    /// A plan, not a run: nothing was done.
    planned: bool,
    running: bool,
    run: Option<RunRow>,
    rules: Vec<RuleCount>,
}

deref_layout!(RunsPage, RunPage);

fn started_by(run: &RunSummary) -> String {
    match (run.started_by.as_str(), run.started_by_user) {
        ("schedule", _) => "the daily schedule".into(),
        ("command", _) => "custodian retention apply".into(),
        (_, Some(user)) => format!("staff user #{user}"),
        (other, None) => other.into(),
    }
}

fn row(run: &RunSummary) -> RunRow {
    RunRow {
        id: run.id.0,
        started: run.started_at.display(),
        finished: run.finished_at.map(Timestamp::display).unwrap_or_default(),
        started_by: started_by(run),
        status: run.status.clone(),
        acted: run.counts.acted(),
        held: run.counts.rules.iter().map(|r| r.held).sum(),
    }
}

async fn runs(State(app): State<App>, session: PageSession) -> Response {
    match app.retention().retention_runs(&session.principal).await {
        Ok(runs) => render(&RunsPage {
            layout: Layout::new(&session, ""),
            can_run: session
                .principal
                .authorize(Area::Privacy, Action::Erase)
                .is_ok(),
            runs: runs.iter().map(row).collect(),
        }),
        Err(error) => error_page(error),
    }
}

async fn one(State(app): State<App>, session: PageSession, PageId(id): PageId) -> Response {
    match app
        .retention()
        .retention_run(&session.principal, RetentionRunId(id))
        .await
    {
        Ok(run) => render(&RunPage {
            layout: Layout::new(&session, ""),
            title: format!("Retention run {}", run.id),
            planned: false,
            running: run.status == "running",
            run: Some(row(&run)),
            rules: run.counts.rules,
        }),
        Err(error) => error_page(error),
    }
}

async fn start(
    State(app): State<App>,
    session: PageSession,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    match app
        .retention()
        .start_retention_now(&session.principal)
        .await
    {
        Ok(run) => Redirect::to(&format!("/privacy/retention/runs/{}", run.id)).into_response(),
        Err(error) => error_page(error),
    }
}

async fn plan(State(app): State<App>, session: PageSession) -> Response {
    match app.retention().retention_plan(&session.principal).await {
        Ok(counts) => render(&RunPage {
            layout: Layout::new(&session, ""),
            title: "Plan: what a run now would do".into(),
            planned: true,
            running: false,
            run: None,
            rules: counts.rules,
        }),
        Err(error) => error_page(error),
    }
}
