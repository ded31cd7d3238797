//! Registering for the portal without an invitation, where the tenant
//! allows it: `/portal/register/{tenant}` (the address the tenant shares,
//! shown on its portal settings page) takes a name and an email and always
//! answers "check your email"; the link in that message leads to
//! `/portal/register/confirm/{token}`, where the person chooses a password
//! and is signed in.

use super::session::{form_token, PortalFormToken};
use super::sign_in::{first_password_form, signed_in, FirstPasswordForm};
use super::{failure, PortalChrome};
use crate::client::ClientAddress;
use crate::csrf::CsrfForm;
use crate::pages::views::{refusal_lines, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use custodian_app::{App, AppError};
use custodian_core::portal::registration::RegistrationInput;
use custodian_core::Refusal;
use custodian_core::TenantId;
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/portal/register/{tenant}", get(show).post(register))
        .route(
            "/portal/register/confirm/{token}",
            get(confirm_page).post(confirm),
        )
}

#[derive(Template)]
#[template(path = "portal/register.html")]
struct RegisterPage {
    chrome: PortalChrome,
    organisation: String,
    action: String,
    first_name: String,
    last_name: String,
    email: String,
    errors: Vec<String>,
    /// The form was taken: the page says to look in the mailbox.
    sent: bool,
}

fn register_form(headers: &HeaderMap, status: StatusCode, mut page: RegisterPage) -> Response {
    let (csrf, set) = form_token(headers);
    page.chrome.csrf = csrf;
    let mut response = render(&page);
    *response.status_mut() = status;
    response.headers_mut().insert(header::SET_COOKIE, set);
    response
}

fn blank(organisation: String, tenant: i64) -> RegisterPage {
    RegisterPage {
        chrome: PortalChrome {
            name: None,
            csrf: String::new(),
        },
        organisation,
        action: format!("/portal/register/{tenant}"),
        first_name: String::new(),
        last_name: String::new(),
        email: String::new(),
        errors: Vec::new(),
        sent: false,
    }
}

async fn show(State(app): State<App>, headers: HeaderMap, Path(tenant): Path<String>) -> Response {
    let Ok(tenant) = tenant.parse::<i64>() else {
        return failure(AppError::Refused(Refusal::NotFound));
    };
    match app
        .portal()
        .portal_registration_open(TenantId(tenant))
        .await
    {
        Ok(organisation) => register_form(&headers, StatusCode::OK, blank(organisation, tenant)),
        Err(error) => failure(error),
    }
}

/// Registering for the portal: a name and an email address.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RegistrationForm {
    first_name: String,
    last_name: String,
    email: String,
}

async fn register(
    State(app): State<App>,
    ClientAddress(client_address): ClientAddress,
    headers: HeaderMap,
    Path(tenant): Path<String>,
    _: PortalFormToken,
    CsrfForm(form): CsrfForm<RegistrationForm>,
) -> Response {
    let Ok(tenant) = tenant.parse::<i64>() else {
        return failure(AppError::Refused(Refusal::NotFound));
    };
    let organisation = match app
        .portal()
        .portal_registration_open(TenantId(tenant))
        .await
    {
        Ok(organisation) => organisation,
        Err(error) => return failure(error),
    };
    let input = RegistrationInput {
        first_name: form.first_name,
        last_name: form.last_name,
        email: form.email,
    };
    let mut page = blank(organisation, tenant);
    match app
        .portal()
        .register_for_portal(
            TenantId(tenant),
            &input,
            &client_address,
            crate::client::user_agent(&headers),
        )
        .await
    {
        // The same answer whether the address is known or not.
        Ok(()) => {
            page.sent = true;
            page.email = input.email.trim().to_string();
            register_form(&headers, StatusCode::OK, page)
        }
        Err(AppError::Validation(errors)) => {
            page.first_name = input.first_name;
            page.last_name = input.last_name;
            page.email = input.email;
            page.errors = refusal_lines(&errors);
            register_form(&headers, StatusCode::UNPROCESSABLE_ENTITY, page)
        }
        Err(error) => failure(error),
    }
}

async fn confirm_page(
    State(app): State<App>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    match app.portal().portal_registration(&token).await {
        Ok(registration) => first_password_form(
            &headers,
            StatusCode::OK,
            format!("/portal/register/confirm/{token}"),
            registration.email,
            Vec::new(),
        ),
        Err(error) => failure(error),
    }
}

async fn confirm(
    State(app): State<App>,
    ClientAddress(client_address): ClientAddress,
    headers: HeaderMap,
    Path(token): Path<String>,
    _: PortalFormToken,
    CsrfForm(form): CsrfForm<FirstPasswordForm>,
) -> Response {
    let registration = match app.portal().portal_registration(&token).await {
        Ok(registration) => registration,
        Err(error) => return failure(error),
    };
    let refused = |errors: Vec<String>| {
        first_password_form(
            &headers,
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("/portal/register/confirm/{token}"),
            registration.email.clone(),
            errors,
        )
    };
    let password = form.password;
    if password != form.password_again {
        return refused(vec![
            "The two passwords differ; type the same one twice.".into()
        ]);
    }
    match app
        .portal()
        .confirm_portal_registration(
            &token,
            &password,
            &client_address,
            crate::client::user_agent(&headers),
        )
        .await
    {
        Ok(session) => signed_in(session, ""),
        Err(AppError::Validation(errors)) => refused(refusal_lines(&errors)),
        Err(error) => failure(error),
    }
}
