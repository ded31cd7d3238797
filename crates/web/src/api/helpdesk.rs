//! The helpdesk over the API beyond the ticket resource itself: a ticket's
//! replies and internal notes, changes to many tickets at once, and the
//! tenant's service levels.

use super::extract::{ApiJson, ApiPrincipal, RecordId};
use super::{created, run, ListPage};
use crate::problem::Problem;
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use custodian_app::App;
use custodian_core::helpdesk::{
    BulkOutcome, BulkTicketInput, FaqDraft, MessageInput, ServiceLevels, ServiceLevelsInput,
    TicketMessage,
};
use custodian_core::TicketId;

pub(super) async fn messages(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<Json<ListPage<TicketMessage>>, Problem> {
    Ok(Json(ListPage::whole(
        run(app.helpdesk().ticket_messages(&principal, TicketId(id))).await?,
    )))
}

pub(super) async fn add_message(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
    ApiJson(input): ApiJson<MessageInput>,
) -> Result<Response, Problem> {
    let message = run(app
        .helpdesk()
        .add_ticket_message(&principal, TicketId(id), &input))
    .await?;
    Ok(created(
        &format!("/api/v1/tickets/{id}/messages/{}", message.id),
        &message,
    ))
}

/// Changes many tickets at once; which could not be changed is in the answer.
pub(super) async fn change_in_bulk(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    ApiJson(input): ApiJson<BulkTicketInput>,
) -> Result<Json<BulkOutcome>, Problem> {
    Ok(Json(
        run(app.helpdesk().change_tickets(&principal, &input)).await?,
    ))
}

pub(super) async fn service_levels(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
) -> Result<Json<ServiceLevels>, Problem> {
    Ok(Json(run(app.helpdesk().service_levels(&principal)).await?))
}

pub(super) async fn set_service_levels(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    ApiJson(input): ApiJson<ServiceLevelsInput>,
) -> Result<Json<ServiceLevels>, Problem> {
    Ok(Json(
        run(app.helpdesk().set_service_levels(&principal, &input)).await?,
    ))
}

pub(super) async fn faq_draft(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<Json<FaqDraft>, Problem> {
    Ok(Json(
        run(app.helpdesk().faq_draft(&principal, TicketId(id))).await?,
    ))
}
