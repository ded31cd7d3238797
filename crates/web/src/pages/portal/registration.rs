//! The administrator's choice of who may register for the customer portal
//! without an invitation, with the address to share for it.

use crate::csrf::CsrfForm;
use crate::pages::session::PageSession;
use crate::pages::views::{error_page, refusal_lines, refused_if, render, Layout};
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use custodian_app::{App, AppError};
use custodian_core::portal::registration::{RegistrationPolicy, RegistrationSettings};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new().route("/admin/portal", get(show).post(save))
}

struct Choice {
    value: &'static str,
    label: &'static str,
    chosen: bool,
}

#[derive(askama::Template)]
#[template(path = "pages/portal/registration.html")]
struct RegistrationPage {
    layout: Layout,
    choices: Vec<Choice>,
    /// Where people register, while registration is open.
    address: Option<String>,
    errors: Vec<String>,
}

deref_layout!(RegistrationPage);

fn page(
    app: &App,
    session: &PageSession,
    policy: RegistrationPolicy,
    errors: Vec<String>,
) -> Response {
    let refused = !errors.is_empty();
    refused_if(
        refused,
        render(&RegistrationPage {
            layout: Layout::new(session, ""),
            choices: RegistrationPolicy::ALL
                .iter()
                .map(|p| Choice {
                    value: p.as_str(),
                    label: p.label(),
                    chosen: *p == policy,
                })
                .collect(),
            address: (policy != RegistrationPolicy::Off).then(|| {
                app.public_link(&format!("/portal/register/{}", session.principal.tenant.0))
            }),
            errors,
        }),
    )
}

async fn show(State(app): State<App>, session: PageSession) -> Response {
    match app
        .portal()
        .portal_registration_policy(&session.principal)
        .await
    {
        Ok(policy) => page(&app, &session, policy, Vec::new()),
        Err(error) => error_page(error),
    }
}

/// Who may register for the portal, as chosen.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RegistrationPolicyForm {
    policy: String,
}

async fn save(
    State(app): State<App>,
    session: PageSession,
    CsrfForm(form): CsrfForm<RegistrationPolicyForm>,
) -> Response {
    let settings = RegistrationSettings {
        policy: form.policy,
    };
    match app
        .portal()
        .set_portal_registration_policy(&session.principal, &settings)
        .await
    {
        Ok(_) => Redirect::to("/admin/portal").into_response(),
        Err(AppError::Validation(errors)) => {
            match app
                .portal()
                .portal_registration_policy(&session.principal)
                .await
            {
                Ok(policy) => page(&app, &session, policy, refusal_lines(&errors)),
                Err(error) => error_page(error),
            }
        }
        Err(error) => error_page(error),
    }
}
