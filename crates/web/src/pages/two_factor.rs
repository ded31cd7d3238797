//! Setting up and turning off two-factor login, and an administrator's
//! reset for a user who lost their phone.

use super::forms::NoFields;
use super::path_id::PageId;
use super::session::PageSession;
use super::views::{error_page, render, Layout};
use crate::csrf::CsrfForm;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use custodian_app::two_factor::TotpOffer;
use custodian_app::{App, AppError};
use custodian_core::UserId;
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/account/two-factor", get(status))
        .route("/account/two-factor/start", post(start))
        .route("/account/two-factor/confirm", post(confirm))
        .route("/account/two-factor/disable", post(disable))
        .route("/admin/users/{id}/reset-two-factor", post(reset))
}

#[derive(askama::Template)]
#[template(path = "pages/two_factor.html")]
struct TwoFactorPage {
    layout: Layout,
    enabled: bool,
    required: bool,
    offer: Option<TotpOffer>,
    problem: Option<String>,
}

deref_layout!(TwoFactorPage);

async fn page(
    app: &App,
    session: &PageSession,
    offer: Option<TotpOffer>,
    problem: Option<String>,
) -> Response {
    let (enabled, required) = match app.two_factor_status(&session.principal).await {
        Ok(status) => status,
        Err(error) => return error_page(error),
    };
    let offer = match offer {
        Some(offer) => Some(offer),
        None if !enabled => app
            .pending_two_factor(&session.principal)
            .await
            .ok()
            .flatten(),
        None => None,
    };
    let status = if problem.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut response = render(&TwoFactorPage {
        layout: Layout::new(session, ""),
        enabled,
        required,
        offer,
        problem,
    });
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    response
}

fn message(error: AppError) -> Result<String, Response> {
    match error {
        AppError::Validation(errors) => Ok(errors
            .0
            .iter()
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
            .join(" ")),
        other => Err(error_page(other)),
    }
}

async fn status(State(app): State<App>, session: PageSession) -> Response {
    page(&app, &session, None, None).await
}

async fn start(
    State(app): State<App>,
    session: PageSession,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    match app.offer_two_factor(&session.principal).await {
        Ok(offer) => page(&app, &session, Some(offer), None).await,
        Err(error) => error_page(error),
    }
}

/// A code from the authenticator app.
#[derive(Deserialize, Default)]
#[serde(default)]
struct CodeForm {
    code: String,
}

async fn confirm(
    State(app): State<App>,
    session: PageSession,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Response {
    match app.confirm_two_factor(&session.principal, &form.code).await {
        Ok(()) => Redirect::to("/account/two-factor").into_response(),
        Err(error) => match message(error) {
            Ok(text) => page(&app, &session, None, Some(text)).await,
            Err(response) => response,
        },
    }
}

async fn disable(
    State(app): State<App>,
    session: PageSession,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Response {
    match app.disable_two_factor(&session.principal, &form.code).await {
        Ok(()) => Redirect::to("/account/two-factor").into_response(),
        Err(error) => match message(error) {
            Ok(text) => page(&app, &session, None, Some(text)).await,
            Err(response) => response,
        },
    }
}

async fn reset(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    match app.reset_two_factor(&session.principal, UserId(id)).await {
        Ok(()) => Redirect::to("/admin/users").into_response(),
        Err(error) => error_page(error),
    }
}
