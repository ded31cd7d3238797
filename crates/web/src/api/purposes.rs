//! Processing purposes over the API (data protection officer and
//! administrators).

use super::extract::{ApiJson, ApiPrincipal, RecordId};
use super::{created, run, ListPage};
use crate::problem::Problem;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use custodian_app::App;
use custodian_core::purposes::{Purpose, PurposeInput};
use custodian_core::PurposeId;

pub(super) async fn list(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
) -> Result<Json<ListPage<Purpose>>, Problem> {
    Ok(Json(ListPage::whole(
        run(app.privacy().purposes(&principal)).await?,
    )))
}

pub(super) async fn create(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    ApiJson(input): ApiJson<PurposeInput>,
) -> Result<Response, Problem> {
    let purpose = run(app.privacy().create_purpose(&principal, &input)).await?;
    Ok(created(
        &format!("/api/v1/purposes/{}", purpose.id),
        &purpose,
    ))
}

pub(super) async fn read(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<Json<Purpose>, Problem> {
    Ok(Json(
        run(app.privacy().purpose(&principal, PurposeId(id))).await?,
    ))
}

pub(super) async fn update(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
    ApiJson(input): ApiJson<PurposeInput>,
) -> Result<Json<Purpose>, Problem> {
    Ok(Json(
        run(app
            .privacy()
            .update_purpose(&principal, PurposeId(id), &input))
        .await?,
    ))
}

pub(super) async fn delete(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<StatusCode, Problem> {
    run(app.privacy().delete_purpose(&principal, PurposeId(id))).await?;
    Ok(StatusCode::NO_CONTENT)
}
