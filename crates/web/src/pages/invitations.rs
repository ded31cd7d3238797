//! Staff users from the browser: an administrator invites someone by email
//! with their roles, or makes a new-password link; the invited person sets
//! their password on the link's page (no session needed: the link is the
//! key, and the form carries the signed-out double-submit token).

use super::account::{users_page_with, InviteForm, LinkNotice};
use super::forms::{repeated, NoFields};
use super::login::{signed_out_form_token, LoginFormToken};
use super::path_id::PageId;
use super::session::PageSession;
use super::views::{error_page, render};
use crate::client::ClientAddress;
use crate::csrf::CsrfForm;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use custodian_app::invitations::StaffLinkMade;
use custodian_app::{App, AppError};
use custodian_core::invitations::{InvitationInput, StaffLinkPurpose};
use custodian_core::UserId;
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/admin/users/invite", post(invite))
        .route("/admin/users/{id}/link", post(new_link))
        .route("/invitation/{link}", get(password_page).post(set_password))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct InvitationFields {
    email: String,
    display_name: String,
    #[serde(deserialize_with = "repeated")]
    roles: Vec<String>,
}

/// The users page saying the link is made (and showing it, when no mail
/// server took it).
async fn link_made(app: &App, session: &PageSession, made: StaffLinkMade) -> Response {
    let notice = LinkNotice {
        whom: format!("{} ({})", made.user.display_name, made.user.email),
        what: match made.purpose {
            StaffLinkPurpose::Invitation => "invitation",
            StaffLinkPurpose::NewPassword => "new-password link",
        },
        link: made.shown_link,
    };
    users_page_with(app, session, None, Some(notice), InviteForm::default()).await
}

async fn invite(
    State(app): State<App>,
    session: PageSession,
    CsrfForm(form): CsrfForm<InvitationFields>,
) -> Response {
    let input = InvitationInput {
        email: form.email.clone(),
        display_name: form.display_name.clone(),
        roles: form.roles.clone(),
    };
    match app.invite_user(&session.principal, &input).await {
        Ok(made) => link_made(&app, &session, made).await,
        Err(error) => {
            let (status, errors) = match &error {
                AppError::Validation(errors) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    errors.0.iter().map(|e| e.message.clone()).collect(),
                ),
                AppError::Refused(_) => {
                    let public = crate::problem::public(&error);
                    (
                        StatusCode::from_u16(public.status).unwrap_or(StatusCode::CONFLICT),
                        vec![public.message],
                    )
                }
                _ => return error_page(error),
            };
            let sent = InviteForm {
                email: form.email,
                display_name: form.display_name,
                roles: form.roles,
                errors,
            };
            let mut page = users_page_with(&app, &session, None, None, sent).await;
            if page.status() == StatusCode::OK {
                *page.status_mut() = status;
            }
            page
        }
    }
}

async fn new_link(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    match app.new_staff_link(&session.principal, UserId(id)).await {
        Ok(made) => link_made(&app, &session, made).await,
        Err(error) => error_page(error),
    }
}

#[derive(askama::Template)]
#[template(path = "pages/staff_password.html")]
struct PasswordPage {
    csrf: String,
    action: String,
    name: String,
    email: String,
    invitation: bool,
    errors: Vec<String>,
    done: bool,
}

fn password_form(headers: &HeaderMap, status: StatusCode, mut page: PasswordPage) -> Response {
    let (csrf, cookie) = signed_out_form_token(headers);
    page.csrf = csrf;
    let mut response = render(&page);
    *response.status_mut() = status;
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    response
}

async fn password_page(
    State(app): State<App>,
    headers: HeaderMap,
    Path(link): Path<String>,
) -> Response {
    match app.staff_link(&link).await {
        Ok(holder) => password_form(
            &headers,
            StatusCode::OK,
            PasswordPage {
                csrf: String::new(),
                action: format!("/invitation/{link}"),
                name: holder.display_name,
                email: holder.email,
                invitation: holder.purpose == StaffLinkPurpose::Invitation,
                errors: Vec::new(),
                done: false,
            },
        ),
        Err(error) => error_page(error),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PasswordFields {
    password: String,
    password_again: String,
}

async fn set_password(
    State(app): State<App>,
    ClientAddress(client_address): ClientAddress,
    headers: HeaderMap,
    Path(link): Path<String>,
    _: LoginFormToken,
    CsrfForm(form): CsrfForm<PasswordFields>,
) -> Response {
    let holder = match app.staff_link(&link).await {
        Ok(holder) => holder,
        Err(error) => return error_page(error),
    };
    let mut page = PasswordPage {
        csrf: String::new(),
        action: format!("/invitation/{link}"),
        name: holder.display_name,
        email: holder.email,
        invitation: holder.purpose == StaffLinkPurpose::Invitation,
        errors: Vec::new(),
        done: false,
    };
    match app
        .use_staff_link(
            &link,
            &form.password,
            &form.password_again,
            &client_address,
            crate::client::user_agent(&headers),
        )
        .await
    {
        Ok(()) => {
            page.done = true;
            render(&page).into_response()
        }
        Err(AppError::Validation(errors)) => {
            page.errors = errors.0.iter().map(|e| e.message.clone()).collect();
            password_form(&headers, StatusCode::UNPROCESSABLE_ENTITY, page)
        }
        Err(error) => error_page(error),
    }
}
