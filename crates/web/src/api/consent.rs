//! The consent ledger over the API: consent texts (data protection
//! officer), a contact's grants and withdrawals (staff who may change the
//! contact), the ledger and the receipt (staff who may read it).

use super::extract::{ApiJson, ApiPrincipal, RecordId};
use super::{created, run, ListPage};
use crate::problem::Problem;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use custodian_app::App;
use custodian_core::privacy::consent::{
    ConsentEventInput, ConsentLedger, ConsentText, ConsentTextInput,
};
use custodian_core::privacy::consent_receipt::ConsentReceipt;
use custodian_core::{ConsentTextId, ContactId};

pub(super) async fn texts(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
) -> Result<Json<ListPage<ConsentText>>, Problem> {
    let items = run(app.privacy().consent_texts(&principal)).await?;
    Ok(Json(ListPage::whole(items)))
}

pub(super) async fn create_text(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    ApiJson(input): ApiJson<ConsentTextInput>,
) -> Result<Response, Problem> {
    let text = run(app.privacy().create_consent_text(&principal, &input)).await?;
    Ok(created(
        &format!("/api/v1/consent-texts/{}", text.id),
        &text,
    ))
}

pub(super) async fn text(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<Json<ConsentText>, Problem> {
    Ok(Json(
        run(app.privacy().consent_text(&principal, ConsentTextId(id))).await?,
    ))
}

pub(super) async fn update_text(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
    ApiJson(input): ApiJson<ConsentTextInput>,
) -> Result<Json<ConsentText>, Problem> {
    Ok(Json(
        run(app
            .privacy()
            .update_consent_text(&principal, ConsentTextId(id), &input))
        .await?,
    ))
}

pub(super) async fn publish_text(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<Json<ConsentText>, Problem> {
    Ok(Json(
        run(app
            .privacy()
            .publish_consent_text(&principal, ConsentTextId(id)))
        .await?,
    ))
}

pub(super) async fn ledger(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<Json<ConsentLedger>, Problem> {
    Ok(Json(
        run(app.privacy().consent_ledger(&principal, ContactId(id))).await?,
    ))
}

/// `Sec-GPC: 1` (Global Privacy Control), as a website relays it from the
/// subject's browser with a form of theirs.
const GLOBAL_PRIVACY_CONTROL: &str = "sec-gpc";

pub(super) async fn record(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
    headers: HeaderMap,
    ApiJson(input): ApiJson<ConsentEventInput>,
) -> Result<Response, Problem> {
    let signal = headers
        .get(GLOBAL_PRIVACY_CONTROL)
        .is_some_and(|v| v.as_bytes() == b"1");
    let event = run(app
        .privacy()
        .record_consent(&principal, ContactId(id), &input, signal))
    .await?;
    Ok(created(&format!("/api/v1/contacts/{id}/consents"), &event))
}

pub(super) async fn receipt(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<Json<ConsentReceipt>, Problem> {
    Ok(Json(
        run(app.privacy().consent_receipt(&principal, ContactId(id))).await?,
    ))
}
