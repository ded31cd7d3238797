//! The yearly clean-up review: the records review rules listed, decided in
//! bulk (approve deletes them, keep leaves them alone until a day), and the
//! report of the decisions taken since a day.

use crate::api::retention::review_filter;
use crate::csrf::CsrfForm;
use crate::pages::forms::{filled_text, repeated_ids};
use crate::pages::session::PageSession;
use crate::pages::views::{error_page, refusal_lines, refused_if, render, Layout};
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use custodian_app::{App, AppError};
use custodian_core::access::{Action, Area};
use custodian_core::retention::reviews::ReviewFilter;
use custodian_core::retention::{DecisionOutcome, ReviewDecisionFields, ReviewEntry};
use custodian_core::time::{CalendarDate, Timestamp};
use custodian_core::{RetentionReviewId, RetentionRuleId, UserId};
use serde::Deserialize;
use std::collections::HashMap;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/privacy/retention/reviews", get(list).post(decide))
        .route("/privacy/retention/reviews/report", get(report))
}

struct EntryRow {
    id: i64,
    what: &'static str,
    label: String,
    href: String,
    rule: String,
    listed: String,
    decision: &'static str,
    decided: String,
    decided_by: String,
    reason: String,
    keep_until: String,
}

#[derive(askama::Template)]
#[template(path = "pages/retention/reviews.html")]
struct ReviewsPage {
    layout: Layout,
    can_keep: bool,
    can_approve: bool,
    entries: Vec<EntryRow>,
    /// The list holds at most this many at once.
    page_size: i64,
    outcome: Vec<String>,
    errors: Vec<String>,
    keep_reason: String,
    keep_until: String,
    report_since: String,
}

#[derive(askama::Template)]
#[template(path = "pages/retention/report.html")]
struct ReportPage {
    layout: Layout,
    problem: Option<String>,
    /// The report shows the newest decisions up to the list's page size.
    truncated: bool,
    since: String,
    approved: u64,
    kept: u64,
    entries: Vec<EntryRow>,
}

deref_layout!(ReviewsPage, ReportPage);

/// What the page needs besides the entries: rule sentences and staff names.
struct Names {
    rules: HashMap<RetentionRuleId, String>,
    staff: HashMap<UserId, String>,
}

async fn names(app: &App, session: &PageSession) -> Result<Names, AppError> {
    let rules = app.retention().retention_rules(&session.principal).await?;
    let staff = app.privacy_staff_choices(&session.principal).await?;
    Ok(Names {
        rules: rules.iter().map(|r| (r.id, r.sentence())).collect(),
        staff: staff.into_iter().collect(),
    })
}

fn row(entry: ReviewEntry, names: &Names) -> EntryRow {
    let (what, href) = match entry.record_type.as_str() {
        "contact" => ("Contact", format!("/contacts/{}", entry.record_id)),
        "activity" => ("Activity", format!("/activities/{}", entry.record_id)),
        _ => ("Staff account", String::new()),
    };
    let gone = entry.label.is_empty();
    EntryRow {
        id: entry.id.0,
        what,
        label: if gone {
            format!("#{} (no longer stored)", entry.record_id)
        } else {
            entry.label
        },
        href: if gone { String::new() } else { href },
        rule: names
            .rules
            .get(&entry.rule_id)
            .cloned()
            .unwrap_or_else(|| "a rule since removed".into()),
        listed: entry.listed_at.display(),
        decision: match entry.decision.as_deref() {
            Some("approve") => "Deleted",
            Some("keep") => "Kept",
            _ => "",
        },
        decided: entry.decided_at.map(Timestamp::display).unwrap_or_default(),
        decided_by: entry
            .decided_by
            .map(|id| {
                names
                    .staff
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| format!("user #{id}"))
            })
            .unwrap_or_default(),
        reason: entry.reason.unwrap_or_default(),
        keep_until: entry.keep_until.unwrap_or_default(),
    }
}

/// The first day of this year: the yearly review's report starts there.
fn start_of_year() -> String {
    let today = CalendarDate::of(Timestamp::now());
    format!("{:04}-01-01", today.0.year())
}

async fn page(
    app: &App,
    session: &PageSession,
    outcome: Vec<String>,
    errors: Vec<String>,
    typed: (String, String),
) -> Response {
    let principal = &session.principal;
    let entries = match app
        .retention()
        .retention_reviews(principal, ReviewFilter::Open)
        .await
    {
        Ok(entries) => entries,
        Err(error) => return error_page(error),
    };
    let names = match names(app, session).await {
        Ok(names) => names,
        Err(error) => return error_page(error),
    };
    let refused = !errors.is_empty();
    refused_if(
        refused,
        render(&ReviewsPage {
            layout: Layout::new(session, ""),
            can_keep: principal.authorize(Area::Privacy, Action::Update).is_ok(),
            can_approve: principal.authorize(Area::Privacy, Action::Erase).is_ok(),
            entries: entries.into_iter().map(|e| row(e, &names)).collect(),
            page_size: custodian_app::retention::REVIEW_PAGE,
            outcome,
            errors,
            keep_reason: typed.0,
            keep_until: typed.1,
            report_since: start_of_year(),
        }),
    )
}

async fn list(State(app): State<App>, session: PageSession) -> Response {
    page(&app, &session, Vec::new(), Vec::new(), Default::default()).await
}

fn outcome_lines(outcome: &DecisionOutcome) -> Vec<String> {
    let mut lines = Vec::new();
    let records = |n: u64| match n {
        1 => "1 record".to_string(),
        n => format!("{n} records"),
    };
    if outcome.approved > 0 {
        lines.push(format!("Deleted {}.", records(outcome.approved)));
    }
    if outcome.kept > 0 {
        lines.push(format!("Kept {}.", records(outcome.kept)));
    }
    if !outcome.held.is_empty() {
        lines.push(format!(
            "{} are under a legal hold now and stay on the list.",
            outcome.held.len()
        ));
    }
    if !outcome.not_open.is_empty() {
        lines.push(format!(
            "{} had been decided already and were left as they were.",
            outcome.not_open.len()
        ));
    }
    lines
}

/// The decision on the ticked records; the reason and the day are kept as
/// typed to show them again when the decision is refused.
#[derive(Deserialize, Default)]
#[serde(default)]
struct DecisionForm {
    #[serde(deserialize_with = "repeated_ids")]
    review_id: Vec<i64>,
    decision: String,
    reason: String,
    keep_until: String,
}

async fn decide(
    State(app): State<App>,
    session: PageSession,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Response {
    let fields = ReviewDecisionFields {
        review_ids: form.review_id.into_iter().map(RetentionReviewId).collect(),
        decision: form.decision,
        reason: filled_text(form.reason.as_str()),
        keep_until: filled_text(form.keep_until.as_str()),
    };
    match app
        .retention()
        .decide_reviews(&session.principal, &fields)
        .await
    {
        Ok(outcome) => {
            page(
                &app,
                &session,
                outcome_lines(&outcome),
                Vec::new(),
                Default::default(),
            )
            .await
        }
        Err(AppError::Validation(errors)) => {
            let typed = (form.reason, form.keep_until);
            page(&app, &session, Vec::new(), refusal_lines(&errors), typed).await
        }
        Err(error) => error_page(error),
    }
}

#[derive(Deserialize)]
struct ReportQuery {
    #[serde(default)]
    since: Option<String>,
}

async fn report(
    State(app): State<App>,
    session: PageSession,
    Query(query): Query<ReportQuery>,
) -> Response {
    let asked = query.since.unwrap_or_default();
    let (since, problem) = match review_filter(Some(&asked)) {
        Ok(ReviewFilter::DecidedSince(_)) => (asked.trim().to_string(), None),
        _ if asked.trim().is_empty() => (start_of_year(), None),
        _ => (
            start_of_year(),
            Some(format!(
                "\"{asked}\" is not a day as YYYY-MM-DD; the report starts on 1 January."
            )),
        ),
    };
    let filter = review_filter(Some(&since)).unwrap_or(ReviewFilter::Open);
    let entries = match app
        .retention()
        .retention_reviews(&session.principal, filter)
        .await
    {
        Ok(entries) => entries,
        Err(error) => return error_page(error),
    };
    let names = match names(&app, &session).await {
        Ok(names) => names,
        Err(error) => return error_page(error),
    };
    let since_ms = match filter {
        ReviewFilter::DecidedSince(ms) => ms,
        ReviewFilter::Open => 0,
    };
    let (approved, kept) = match app
        .retention()
        .review_decision_totals(&session.principal, since_ms)
        .await
    {
        Ok(totals) => totals,
        Err(error) => return error_page(error),
    };
    let rows: Vec<EntryRow> = entries.into_iter().map(|e| row(e, &names)).collect();
    render(&ReportPage {
        layout: Layout::new(&session, ""),
        problem,
        truncated: (rows.len() as u64) < approved + kept,
        since,
        approved,
        kept,
        entries: rows,
    })
}
