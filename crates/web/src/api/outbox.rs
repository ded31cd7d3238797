//! The outbox over the API (administrators): the messages, one message,
//! and sending a given-up message again.

use super::extract::{ApiPrincipal, ApiQuery, RecordId};
use super::{run, ListPage};
use crate::problem::Problem;
use axum::extract::State;
use axum::Json;
use custodian_app::App;
use custodian_core::mail::{OutboxFilter, OutboxMail};
use custodian_core::MailId;

pub(super) async fn list(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    ApiQuery(filter): ApiQuery<OutboxFilter>,
) -> Result<Json<ListPage<OutboxMail>>, Problem> {
    Ok(Json(ListPage::whole(
        run(app.mail().outbox(&principal, &filter)).await?,
    )))
}

pub(super) async fn read(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<Json<OutboxMail>, Problem> {
    Ok(Json(run(app.mail().mail(&principal, MailId(id))).await?))
}

pub(super) async fn retry(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<Json<OutboxMail>, Problem> {
    Ok(Json(
        run(app.mail().retry_mail(&principal, MailId(id))).await?,
    ))
}
