//! "Break glass" on pages: a user states why they need the tenant's
//! sensitive data, and for the next 15 minutes it is shown to them and every
//! read and change they make is audited with that reason. The reason rides
//! in a short-lived, HTTP-only cookie; ending it hides the data again.

use super::cookies::set_cookie;
use super::session::PageSession;
use super::views::error_page;
use crate::csrf::CsrfForm;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Router;
use custodian_app::App;
use custodian_core::hex::to_hex;
use serde::Deserialize;

use super::session::REASON_COOKIE;
const REASON_MINUTES: i64 = 15;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/access-reason", post(state_reason))
        .route("/access-reason/end", post(end_reason))
}

/// Only a path of this site: never another host.
fn local(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/"
    }
}

/// The stated reason for reading, and the page to go back to.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ReasonForm {
    reason: String,
    next: String,
}

async fn state_reason(
    State(_app): State<App>,
    session: PageSession,
    CsrfForm(form): CsrfForm<ReasonForm>,
) -> Response {
    let reason = form.reason;
    if let Err(error) = session.principal.clone().with_reason(Some(&reason)) {
        return error_page(error);
    }
    let stated: String = reason.trim().chars().take(500).collect();
    let mut response = Redirect::to(local(&form.next)).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            REASON_COOKIE,
            &format!("{}.{}", session.session_id, to_hex(stated.as_bytes())),
            REASON_MINUTES * 60,
        ),
    );
    response
}

async fn end_reason(_session: PageSession, CsrfForm(form): CsrfForm<ReasonForm>) -> Response {
    let mut response = Redirect::to(local(&form.next)).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(REASON_COOKIE, "", 0));
    response
}
