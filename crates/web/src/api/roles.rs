//! Roles and the tenant's access settings over the API: the built-in roles
//! described, the tenant's own roles defined, changed and removed.

use super::extract::{ApiJson, ApiPrincipal, RecordId};
use super::{created, run, ListPage};
use crate::problem::Problem;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use custodian_app::App;
use custodian_core::access_settings::AccessSettingsInput;
use custodian_core::custom_roles::{RoleDescription, RoleInput};
use custodian_core::RoleId;

pub(super) async fn list(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
) -> Result<Json<ListPage<RoleDescription>>, Problem> {
    let items = run(app.roles(&principal)).await?;
    Ok(Json(ListPage::whole(items)))
}

pub(super) async fn create(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    ApiJson(input): ApiJson<RoleInput>,
) -> Result<Response, Problem> {
    let role = run(app.create_custom_role(&principal, &input)).await?;
    Ok(created(
        &format!("/api/v1/roles/{}", role.id),
        &role.describe(),
    ))
}

pub(super) async fn read(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<Json<RoleDescription>, Problem> {
    let role = run(app.custom_role(&principal, RoleId(id))).await?;
    Ok(Json(role.describe()))
}

pub(super) async fn update(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
    ApiJson(input): ApiJson<RoleInput>,
) -> Result<Json<RoleDescription>, Problem> {
    let role = run(app.update_custom_role(&principal, RoleId(id), &input)).await?;
    Ok(Json(role.describe()))
}

pub(super) async fn delete(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<StatusCode, Problem> {
    run(app.delete_custom_role(&principal, RoleId(id))).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn access_settings(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
) -> Result<Json<AccessSettingsInput>, Problem> {
    let settings = run(app.access_settings(&principal)).await?;
    Ok(Json(AccessSettingsInput::of(&settings)))
}

pub(super) async fn set_access_settings(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    ApiJson(input): ApiJson<AccessSettingsInput>,
) -> Result<Json<AccessSettingsInput>, Problem> {
    let settings = run(app.set_access_settings(&principal, &input)).await?;
    Ok(Json(AccessSettingsInput::of(&settings)))
}
