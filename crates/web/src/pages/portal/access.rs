//! A contact's customer-portal access, for staff: invite them (again),
//! let them see their organisation's tickets, end or restore access.

use crate::csrf::CsrfForm;
use crate::pages::forms::NoFields;
use crate::pages::path_id::PageId;
use crate::pages::session::PageSession;
use crate::pages::views::{error_page, refusal_lines, refused_if, render, Layout};
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use custodian_app::{App, AppError};
use custodian_core::portal::{PortalAccessInput, PortalAccount};
use custodian_core::ContactId;
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/contacts/{id}/portal", get(show).post(set_access))
        .route("/contacts/{id}/portal/invitation", post(invite))
}

fn when(at: Option<custodian_core::time::Timestamp>) -> String {
    at.map(|t| format!("{} UTC", t.display()))
        .unwrap_or_default()
}

#[derive(askama::Template)]
#[template(path = "pages/portal/access.html")]
struct PortalAccessPage {
    layout: Layout,
    id: i64,
    name: String,
    email: Option<String>,
    account: Option<PortalAccount>,
    invited: String,
    activated: String,
    last_login: String,
    errors: Vec<String>,
    notice: Option<&'static str>,
}

deref_layout!(PortalAccessPage);

async fn page(
    app: &App,
    session: &PageSession,
    id: i64,
    errors: Vec<String>,
    notice: Option<&'static str>,
) -> Response {
    let principal = &session.principal;
    let (contact, account) = match (
        app.contact(principal, ContactId(id)).await,
        app.portal().portal_account(principal, ContactId(id)).await,
    ) {
        (Ok(contact), Ok(account)) => (contact, account),
        (Err(error), _) | (_, Err(error)) => return error_page(error),
    };
    let refused = !errors.is_empty();
    refused_if(
        refused,
        render(&PortalAccessPage {
            layout: Layout::new(session, ""),
            id,
            name: contact.full_name(),
            email: contact.emails.first().map(|e| e.as_str().to_string()),
            invited: when(account.as_ref().map(|a| a.invited_at)),
            activated: when(account.as_ref().and_then(|a| a.activated_at)),
            last_login: when(account.as_ref().and_then(|a| a.last_login_at)),
            account,
            errors,
            notice,
        }),
    )
}

async fn show(State(app): State<App>, session: PageSession, PageId(id): PageId) -> Response {
    page(&app, &session, id, Vec::new(), None).await
}

async fn invite(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    match app.portal().invite_to_portal(&session.principal, ContactId(id)).await {
        Ok(_) => page(&app, &session, id, Vec::new(), Some("The invitation is on its way (see the outbox).")).await,
        Err(AppError::Validation(errors)) => page(&app, &session, id, refusal_lines(&errors), None).await,
        Err(AppError::Restricted) => page(
            &app,
            &session,
            id,
            vec!["Processing of this person's data is restricted at their request (Art. 18): only the data protection officer can change it.".into()],
            None,
        )
        .await,
        Err(error) => error_page(error),
    }
}

/// A contact's portal access as ticked: each box sends "on" when ticked.
#[derive(Deserialize, Default)]
#[serde(default)]
struct PortalAccessForm {
    organisation_access: String,
    enabled: String,
}

async fn set_access(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(form): CsrfForm<PortalAccessForm>,
) -> Response {
    let input = PortalAccessInput {
        organisation_access: form.organisation_access == "on",
        enabled: form.enabled == "on",
    };
    match app
        .portal()
        .set_portal_access(&session.principal, ContactId(id), &input)
        .await
    {
        Ok(_) => Redirect::to(&format!("/contacts/{id}/portal")).into_response(),
        Err(error) => error_page(error),
    }
}
