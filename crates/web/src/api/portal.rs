//! A contact's customer-portal access over the API: the account, the
//! invitation, and the organisation flag or the end of access; and who
//! may register for the portal without an invitation.

use super::extract::{ApiJson, ApiPrincipal, RecordId};
use super::{created, run};
use crate::problem::Problem;
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use custodian_app::App;
use custodian_core::portal::registration::RegistrationSettings;
use custodian_core::portal::{PortalAccessInput, PortalAccount};
use custodian_core::ContactId;
use serde::Serialize;

/// A contact's portal account; null while they were never invited.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PortalAccess {
    pub account: Option<PortalAccount>,
}

pub(super) async fn access(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<Json<PortalAccess>, Problem> {
    Ok(Json(PortalAccess {
        account: run(app.portal().portal_account(&principal, ContactId(id))).await?,
    }))
}

pub(super) async fn set_access(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
    ApiJson(input): ApiJson<PortalAccessInput>,
) -> Result<Json<PortalAccount>, Problem> {
    Ok(Json(
        run(app
            .portal()
            .set_portal_access(&principal, ContactId(id), &input))
        .await?,
    ))
}

pub(super) async fn invite(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<Response, Problem> {
    let account = run(app.portal().invite_to_portal(&principal, ContactId(id))).await?;
    Ok(created(
        &format!("/api/v1/contacts/{id}/portal-access"),
        &account,
    ))
}

pub(super) async fn registration(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
) -> Result<Json<RegistrationSettings>, Problem> {
    let policy = run(app.portal().portal_registration_policy(&principal)).await?;
    Ok(Json(RegistrationSettings {
        policy: policy.as_str().into(),
    }))
}

pub(super) async fn set_registration(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    ApiJson(settings): ApiJson<RegistrationSettings>,
) -> Result<Json<RegistrationSettings>, Problem> {
    let policy = run(app
        .portal()
        .set_portal_registration_policy(&principal, &settings))
    .await?;
    Ok(Json(RegistrationSettings {
        policy: policy.as_str().into(),
    }))
}
