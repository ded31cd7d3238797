//! Retention over the API (data protection officer and administrators): the
//! tenant's rules and contract end, legal holds, the plan (a dry run), runs
//! and their history, and the review list with its bulk decisions.

use super::extract::{ApiJson, ApiPrincipal, ApiQuery, RecordId};
use super::{created, run, ListPage};
use crate::problem::Problem;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use custodian_app::App;
use custodian_core::retention::reviews::ReviewFilter;
use custodian_core::retention::{
    DecisionOutcome, HoldFields, LegalHold, RetentionRule, ReviewDecisionFields, ReviewEntry,
    RuleInput, RunCounts, RunSummary,
};
use custodian_core::time::CalendarDate;
use custodian_core::{LegalHoldId, RetentionRuleId, RetentionRunId};
use serde::{Deserialize, Serialize};

pub(super) async fn rules(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
) -> Result<Json<ListPage<RetentionRule>>, Problem> {
    Ok(Json(ListPage::whole(
        run(app.retention().retention_rules(&principal)).await?,
    )))
}

pub(super) async fn create_rule(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    ApiJson(input): ApiJson<RuleInput>,
) -> Result<Response, Problem> {
    let rule = run(app.retention().create_retention_rule(&principal, &input)).await?;
    Ok(created(
        &format!("/api/v1/retention/rules/{}", rule.id),
        &rule,
    ))
}

pub(super) async fn rule(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<Json<RetentionRule>, Problem> {
    Ok(Json(
        run(app
            .retention()
            .retention_rule(&principal, RetentionRuleId(id)))
        .await?,
    ))
}

pub(super) async fn update_rule(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
    ApiJson(input): ApiJson<RuleInput>,
) -> Result<Json<RetentionRule>, Problem> {
    Ok(Json(
        run(app
            .retention()
            .update_retention_rule(&principal, RetentionRuleId(id), &input))
        .await?,
    ))
}

pub(super) async fn delete_rule(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<StatusCode, Problem> {
    run(app
        .retention()
        .delete_retention_rule(&principal, RetentionRuleId(id)))
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The day the tenant's contract with the operator ends.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractEnd {
    /// `YYYY-MM-DD`, or null while no end is agreed.
    pub contract_ends_on: Option<String>,
}

pub(super) async fn contract_end(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
) -> Result<Json<ContractEnd>, Problem> {
    let end = run(app.retention().contract_end(&principal)).await?;
    Ok(Json(ContractEnd {
        contract_ends_on: end.map(CalendarDate::to_iso),
    }))
}

pub(super) async fn set_contract_end(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    ApiJson(body): ApiJson<ContractEnd>,
) -> Result<Json<ContractEnd>, Problem> {
    let value = body.contract_ends_on.unwrap_or_default();
    let end = run(app.retention().set_contract_end(&principal, &value)).await?;
    Ok(Json(ContractEnd {
        contract_ends_on: end.map(CalendarDate::to_iso),
    }))
}

pub(super) async fn holds(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
) -> Result<Json<ListPage<LegalHold>>, Problem> {
    Ok(Json(ListPage::whole(
        run(app.retention().legal_holds(&principal)).await?,
    )))
}

pub(super) async fn place_hold(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    ApiJson(fields): ApiJson<HoldFields>,
) -> Result<Response, Problem> {
    let hold = run(app.retention().place_legal_hold(&principal, &fields)).await?;
    Ok(created(
        &format!("/api/v1/retention/holds/{}", hold.id),
        &hold,
    ))
}

/// Why a legal hold is released.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoldRelease {
    pub reason: String,
}

pub(super) async fn release_hold(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
    ApiJson(release): ApiJson<HoldRelease>,
) -> Result<Json<LegalHold>, Problem> {
    Ok(Json(
        run(app
            .retention()
            .release_legal_hold(&principal, LegalHoldId(id), &release.reason))
        .await?,
    ))
}

pub(super) async fn plan(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
) -> Result<Json<RunCounts>, Problem> {
    Ok(Json(run(app.retention().retention_plan(&principal)).await?))
}

pub(super) async fn runs(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
) -> Result<Json<ListPage<RunSummary>>, Problem> {
    Ok(Json(ListPage::whole(
        run(app.retention().retention_runs(&principal)).await?,
    )))
}

/// 202 Accepted: the run goes on in the background; its Location tells
/// how far it got.
pub(super) async fn start_run(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
) -> Result<Response, Problem> {
    let summary = run(app.retention().start_retention_now(&principal)).await?;
    let mut response = (StatusCode::ACCEPTED, Json(&summary)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/retention/runs/{}", summary.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

pub(super) async fn run_summary(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<Json<RunSummary>, Problem> {
    Ok(Json(
        run(app
            .retention()
            .retention_run(&principal, RetentionRunId(id)))
        .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ReviewQuery {
    /// `YYYY-MM-DD`: the decisions taken since that day (the report)
    /// instead of the open entries.
    #[serde(default)]
    decided_since: Option<String>,
}

/// The filter a `decided_since` day asks for.
pub(crate) fn review_filter(decided_since: Option<&str>) -> Result<ReviewFilter, Problem> {
    match decided_since.map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(ReviewFilter::Open),
        Some(day) => CalendarDate::parse(day)
            .map(|day| ReviewFilter::DecidedSince(day.start().0))
            .ok_or_else(|| {
                Problem::field(
                    StatusCode::BAD_REQUEST,
                    "invalid_date",
                    "decided_since",
                    "Give the day as YYYY-MM-DD.".into(),
                )
            }),
    }
}

pub(super) async fn reviews(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    ApiQuery(query): ApiQuery<ReviewQuery>,
) -> Result<Json<ListPage<ReviewEntry>>, Problem> {
    let filter = review_filter(query.decided_since.as_deref())?;
    Ok(Json(ListPage::whole(
        run(app.retention().retention_reviews(&principal, filter)).await?,
    )))
}

pub(super) async fn decide(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    ApiJson(fields): ApiJson<ReviewDecisionFields>,
) -> Result<Json<DecisionOutcome>, Problem> {
    Ok(Json(
        run(app.retention().decide_reviews(&principal, &fields)).await?,
    ))
}
