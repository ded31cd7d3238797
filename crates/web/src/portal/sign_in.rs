//! Signing in to the portal: the login form (password), the one-time link
//! asked for by email, and the invitation that sets the first password.
//! A link opened from an email shows a button first: mail scanners that
//! open links do not spend them.

use super::session::{form_token, session_cookie, PortalFormToken, PortalPageSession};
use super::{failure, PortalChrome};
use crate::client::ClientAddress;
use crate::csrf::CsrfForm;
use crate::pages::forms::NoFields;
use crate::pages::login::{local_path, wait_message};
use crate::pages::views::render;
use crate::problem::with_retry_after;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use custodian_app::portal::NewPortalSession;
use custodian_app::{App, AppError};
use custodian_core::portal::SESSION_HOURS;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "portal/login.html")]
struct LoginPage {
    chrome: PortalChrome,
    email: String,
    next: String,
    error: Option<String>,
    notice: Option<String>,
}

fn login_form(
    headers: &HeaderMap,
    status: StatusCode,
    (email, next): (String, String),
    error: Option<String>,
    notice: Option<String>,
) -> Response {
    let (token, set) = form_token(headers);
    let mut response = render(&LoginPage {
        chrome: PortalChrome {
            name: None,
            csrf: token,
        },
        email,
        next,
        error,
        notice,
    });
    *response.status_mut() = status;
    response.headers_mut().insert(header::SET_COOKIE, set);
    response
}

#[derive(Deserialize)]
pub(super) struct NextQuery {
    #[serde(default)]
    next: String,
}

pub(super) async fn login_page(headers: HeaderMap, Query(query): Query<NextQuery>) -> Response {
    login_form(
        &headers,
        StatusCode::OK,
        (String::new(), query.next),
        None,
        None,
    )
}

/// Into the portal with a new session.
pub(super) fn signed_in(session: NewPortalSession, next: &str) -> Response {
    let target = local_path(next)
        .filter(|path| path.starts_with("/portal/"))
        .unwrap_or("/portal/tickets");
    let mut response = Redirect::to(target).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        session_cookie(&session.cookie_value, SESSION_HOURS * 3600),
    );
    response
}

/// The portal's login form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct SignInForm {
    email: String,
    password: String,
    /// The portal page to go to once signed in.
    next: String,
}

pub(super) async fn login(
    State(app): State<App>,
    ClientAddress(client_address): ClientAddress,
    headers: HeaderMap,
    _: PortalFormToken,
    CsrfForm(form): CsrfForm<SignInForm>,
) -> Response {
    let (email, next) = (form.email, form.next);
    match app
        .portal()
        .portal_login(
            &email,
            &form.password,
            &client_address,
            crate::client::user_agent(&headers),
        )
        .await
    {
        Ok(session) => signed_in(session, &next),
        Err(AppError::BadCredentials) => login_form(
            &headers,
            StatusCode::UNAUTHORIZED,
            (email, next),
            Some("The email address or password is wrong.".into()),
            None,
        ),
        Err(AppError::TooManyAttempts {
            retry_after_seconds,
        }) => with_retry_after(
            login_form(
                &headers,
                StatusCode::TOO_MANY_REQUESTS,
                (email, next),
                Some(wait_message(retry_after_seconds)),
                None,
            ),
            retry_after_seconds,
        ),
        Err(other) => failure(other),
    }
}

/// The address a one-time sign-in link is asked for.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct LinkRequestForm {
    email: String,
}

pub(super) async fn request_link(
    State(app): State<App>,
    ClientAddress(client_address): ClientAddress,
    headers: HeaderMap,
    _: PortalFormToken,
    CsrfForm(form): CsrfForm<LinkRequestForm>,
) -> Response {
    let email = form.email;
    match app
        .portal().request_portal_sign_in(&email, &client_address)
        .await
    {
        // The same answer whether or not the address has an account.
        Ok(()) => login_form(
            &headers,
            StatusCode::OK,
            (email, String::new()),
            None,
            Some("If this address has access to the portal, a sign-in link is on its way. It works once, for 15 minutes.".into()),
        ),
        Err(AppError::TooManyAttempts { .. }) => login_form(
            &headers,
            StatusCode::TOO_MANY_REQUESTS,
            (email, String::new()),
            Some("Too many links were asked for. Please wait an hour, or sign in with your password.".into()),
            None,
        ),
        Err(other) => failure(other),
    }
}

#[derive(Template)]
#[template(path = "portal/link.html")]
struct LinkPage {
    chrome: PortalChrome,
    token: String,
}

pub(super) async fn link_page(headers: HeaderMap, Path(token): Path<String>) -> Response {
    let (csrf, set) = form_token(&headers);
    let mut response = render(&LinkPage {
        chrome: PortalChrome { name: None, csrf },
        token,
    });
    response.headers_mut().insert(header::SET_COOKIE, set);
    response
}

pub(super) async fn use_link(
    State(app): State<App>,
    ClientAddress(client_address): ClientAddress,
    headers: HeaderMap,
    Path(token): Path<String>,
    _: PortalFormToken,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    match app
        .portal()
        .portal_sign_in_with_link(&token, &client_address, crate::client::user_agent(&headers))
        .await
    {
        Ok(session) => signed_in(session, ""),
        Err(error) => failure(error),
    }
}

/// Choosing the first password: after an invitation, or after confirming
/// a registration's address.
#[derive(Template)]
#[template(path = "portal/invitation.html")]
struct FirstPasswordPage {
    chrome: PortalChrome,
    /// Where the form goes: the link's own path.
    action: String,
    email: String,
    errors: Vec<String>,
}

/// The first password, typed twice (after an invitation or a registration).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct FirstPasswordForm {
    pub(super) password: String,
    pub(super) password_again: String,
}

pub(super) fn first_password_form(
    headers: &HeaderMap,
    status: StatusCode,
    action: String,
    email: String,
    errors: Vec<String>,
) -> Response {
    let (csrf, set) = form_token(headers);
    let mut response = render(&FirstPasswordPage {
        chrome: PortalChrome { name: None, csrf },
        action,
        email,
        errors,
    });
    *response.status_mut() = status;
    response.headers_mut().insert(header::SET_COOKIE, set);
    response
}

pub(super) async fn invitation_page(
    State(app): State<App>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    match app.portal().portal_invitation(&token).await {
        Ok(account) => first_password_form(
            &headers,
            StatusCode::OK,
            format!("/portal/invitation/{token}"),
            account.email,
            Vec::new(),
        ),
        Err(error) => failure(error),
    }
}

pub(super) async fn accept_invitation(
    State(app): State<App>,
    ClientAddress(client_address): ClientAddress,
    headers: HeaderMap,
    Path(token): Path<String>,
    _: PortalFormToken,
    CsrfForm(form): CsrfForm<FirstPasswordForm>,
) -> Response {
    let account = match app.portal().portal_invitation(&token).await {
        Ok(account) => account,
        Err(error) => return failure(error),
    };
    let password = form.password;
    if password != form.password_again {
        return first_password_form(
            &headers,
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("/portal/invitation/{token}"),
            account.email,
            vec!["The two passwords differ; type the same one twice.".into()],
        );
    }
    match app
        .portal()
        .accept_portal_invitation(
            &token,
            &password,
            &client_address,
            crate::client::user_agent(&headers),
        )
        .await
    {
        Ok(session) => signed_in(session, ""),
        Err(AppError::Validation(errors)) => first_password_form(
            &headers,
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("/portal/invitation/{token}"),
            account.email,
            errors.0.into_iter().map(|e| e.message).collect(),
        ),
        Err(error) => failure(error),
    }
}

pub(super) async fn logout(
    State(app): State<App>,
    session: PortalPageSession,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    if let Err(error) = app
        .portal()
        .portal_logout(&session.principal, &session.cookie)
        .await
    {
        return failure(error);
    }
    let mut response = Redirect::to("/portal/login").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie("", 0));
    response
}
