//! "My data" in the portal: download everything kept about oneself (an
//! access request answered at once), ask for erasure (a request for
//! staff), and follow the requests made about oneself.

use super::session::PortalPageSession;
use super::{failure, PortalChrome};
use crate::csrf::CsrfForm;
use crate::downloads::attachment;
use crate::pages::forms::NoFields;
use crate::pages::views::{refusal_lines, refused_if, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use custodian_app::{App, AppError};
use custodian_core::privacy::requests::{RequestType, SubjectRequest};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/portal/my-data", get(show))
        .route("/portal/my-data/download", post(download))
        .route("/portal/my-data/erasure", post(request_erasure))
}

#[derive(Template)]
#[template(path = "portal/my_data.html")]
struct MyDataPage {
    chrome: PortalChrome,
    requests: Vec<SubjectRequest>,
    /// An erasure request of theirs is open: the form gives way to it.
    erasure_open: Option<SubjectRequest>,
    details: String,
    errors: Vec<String>,
    /// The number of the erasure request just raised.
    raised: Option<i64>,
}

#[derive(Deserialize, Default)]
struct Shown {
    raised: Option<i64>,
}

async fn page(
    app: &App,
    session: &PortalPageSession,
    typed: Option<&ErasureForm>,
    errors: Vec<String>,
    raised: Option<i64>,
) -> Response {
    let requests = match app.portal().portal_requests(&session.principal).await {
        Ok(requests) => requests,
        Err(error) => return failure(error),
    };
    let erasure_open = requests
        .iter()
        .find(|r| r.request_type == RequestType::Erasure && r.state.is_open())
        .cloned();
    let refused = !errors.is_empty();
    refused_if(
        refused,
        render(&MyDataPage {
            chrome: session.chrome(),
            requests,
            erasure_open,
            details: typed.map(|f| f.details.clone()).unwrap_or_default(),
            errors,
            raised,
        }),
    )
}

async fn show(
    State(app): State<App>,
    session: PortalPageSession,
    Query(shown): Query<Shown>,
) -> Response {
    page(&app, &session, None, Vec::new(), shown.raised).await
}

async fn download(
    State(app): State<App>,
    session: PortalPageSession,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    match app
        .portal()
        .portal_download_my_data(&session.principal)
        .await
    {
        Ok(export) => attachment("application/zip", &export.file_name, export.bytes),
        Err(AppError::TooManyAttempts { .. }) => {
            page(
                &app,
                &session,
                None,
                vec![
                    "You have downloaded your data several times today; please try again tomorrow."
                        .into(),
                ],
                None,
            )
            .await
        }
        Err(error) => failure(error),
    }
}

/// An erasure request as typed: why, and the box ticked to confirm it.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ErasureForm {
    details: String,
    confirm: String,
}

async fn request_erasure(
    State(app): State<App>,
    session: PortalPageSession,
    CsrfForm(form): CsrfForm<ErasureForm>,
) -> Response {
    match app
        .portal()
        .portal_request_erasure(
            &session.principal,
            form.confirm == "yes",
            Some(&form.details),
        )
        .await
    {
        Ok(request) => {
            Redirect::to(&format!("/portal/my-data?raised={}", request.number)).into_response()
        }
        Err(AppError::Validation(errors)) => {
            page(&app, &session, Some(&form), refusal_lines(&errors), None).await
        }
        Err(error) => failure(error),
    }
}
