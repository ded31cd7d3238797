//! Data-subject requests over the API (data protection officer and
//! administrators).

use super::extract::{ApiJson, ApiPrincipal, ApiQuery, RecordId};
use super::{created, run, ListPage};
use crate::downloads::attachment;
use crate::problem::Problem;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use custodian_app::App;
use custodian_core::privacy::erasure::{ErasureCertificate, TableOutcome};
use custodian_core::privacy::fulfilment::{
    ErasureConfirmation, ObjectionInput, RestrictionInput, SubjectsInput,
};
use custodian_core::privacy::rectification::RectificationInput;
use custodian_core::privacy::requests::{
    DeadlinePolicy, Extension, IdentityCheck, RequestInput, StateChange, SubjectRequest,
};
use custodian_core::privacy::subjects::SubjectCandidate;
use custodian_core::{ContactId, SubjectRequestId};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ListFilter {
    /// Only the open requests (the default); false for all.
    #[serde(default)]
    open: Option<bool>,
}

pub(super) async fn list(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    ApiQuery(filter): ApiQuery<ListFilter>,
) -> Result<Json<ListPage<SubjectRequest>>, Problem> {
    let items = run(app
        .privacy()
        .subject_requests(&principal, filter.open.unwrap_or(true)))
    .await?;
    Ok(Json(ListPage::whole(items)))
}

pub(super) async fn create(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    ApiJson(input): ApiJson<RequestInput>,
) -> Result<Response, Problem> {
    let request = run(app.privacy().log_request(&principal, &input)).await?;
    Ok(created(
        &format!("/api/v1/requests/{}", request.id),
        &request,
    ))
}

pub(super) async fn read(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<Json<SubjectRequest>, Problem> {
    Ok(Json(
        run(app
            .privacy()
            .subject_request(&principal, SubjectRequestId(id)))
        .await?,
    ))
}

pub(super) async fn identity(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
    ApiJson(check): ApiJson<IdentityCheck>,
) -> Result<Json<SubjectRequest>, Problem> {
    Ok(Json(
        run(app
            .privacy()
            .verify_identity(&principal, SubjectRequestId(id), &check.method))
        .await?,
    ))
}

pub(super) async fn state(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
    ApiJson(change): ApiJson<StateChange>,
) -> Result<Json<SubjectRequest>, Problem> {
    Ok(Json(
        run(app
            .privacy()
            .move_request(&principal, SubjectRequestId(id), &change))
        .await?,
    ))
}

pub(super) async fn extension(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
    ApiJson(extension): ApiJson<Extension>,
) -> Result<Json<SubjectRequest>, Problem> {
    Ok(Json(
        run(app
            .privacy()
            .extend_request(&principal, SubjectRequestId(id), &extension))
        .await?,
    ))
}

pub(super) async fn deadline(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
) -> Result<Json<DeadlinePolicy>, Problem> {
    let days = run(app.privacy().request_deadline_days(&principal)).await?;
    Ok(Json(DeadlinePolicy { days }))
}

pub(super) async fn set_deadline(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    ApiJson(policy): ApiJson<DeadlinePolicy>,
) -> Result<Json<DeadlinePolicy>, Problem> {
    run(app
        .privacy()
        .set_request_deadline_days(&principal, policy.days))
    .await?;
    Ok(Json(policy))
}

/// The contact records that may be the subject's, and which are confirmed.
pub(super) async fn subjects(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<Json<ListPage<SubjectCandidate>>, Problem> {
    let items = run(app
        .privacy()
        .subject_candidates(&principal, SubjectRequestId(id)))
    .await?;
    Ok(Json(ListPage::whole(items)))
}

pub(super) async fn confirm_subjects(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
    ApiJson(input): ApiJson<SubjectsInput>,
) -> Result<Json<ListPage<SubjectCandidate>>, Problem> {
    let items = run(app
        .privacy()
        .confirm_subjects(&principal, SubjectRequestId(id), &input))
    .await?;
    Ok(Json(ListPage::whole(items)))
}

pub(super) async fn export(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<Response, Problem> {
    let export = run(app
        .privacy()
        .subject_export(&principal, SubjectRequestId(id)))
    .await?;
    Ok(attachment(
        "application/zip",
        &export.file_name,
        export.bytes,
    ))
}

pub(super) async fn erasure_plan(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<Json<ListPage<TableOutcome>>, Problem> {
    let items = run(app.privacy().erasure_plan(&principal, SubjectRequestId(id))).await?;
    Ok(Json(ListPage::whole(items)))
}

pub(super) async fn erase(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
    ApiJson(confirmation): ApiJson<ErasureConfirmation>,
) -> Result<Response, Problem> {
    let certificate =
        run(app
            .privacy()
            .erase_subject(&principal, SubjectRequestId(id), &confirmation))
        .await?;
    Ok(created(
        &format!("/api/v1/requests/{id}/certificate"),
        &certificate,
    ))
}

pub(super) async fn certificate(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<Json<ErasureCertificate>, Problem> {
    Ok(Json(
        run(app
            .privacy()
            .erasure_certificate(&principal, SubjectRequestId(id)))
        .await?,
    ))
}

pub(super) async fn rectify(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
    ApiJson(input): ApiJson<RectificationInput>,
) -> Result<Json<SubjectRequest>, Problem> {
    Ok(Json(
        run(app
            .privacy()
            .rectify(&principal, SubjectRequestId(id), &input))
        .await?,
    ))
}

pub(super) async fn restrict(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<Json<SubjectRequest>, Problem> {
    Ok(Json(
        run(app
            .privacy()
            .restrict_for_request(&principal, SubjectRequestId(id)))
        .await?,
    ))
}

pub(super) async fn contact_restriction(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
    ApiJson(input): ApiJson<RestrictionInput>,
) -> Result<StatusCode, Problem> {
    run(app
        .privacy()
        .set_contact_restriction(&principal, ContactId(id), input.restricted))
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn object(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
    ApiJson(input): ApiJson<ObjectionInput>,
) -> Result<Json<SubjectRequest>, Problem> {
    Ok(Json(
        run(app
            .privacy()
            .object_to_marketing(&principal, SubjectRequestId(id), &input))
        .await?,
    ))
}
