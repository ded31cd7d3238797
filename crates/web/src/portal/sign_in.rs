//! Signing in to the portal: the login form (password), the one-time link
//! asked for by email, and the invitation that sets the first password.
//! A link opened from an email shows a button first: mail scanners that
//! open links do not spend them.

use super::session::{
    expired_form, form_token, form_token_matches, session_cookie, PortalPageSession,
};
use crate::client::ClientAddress;
use crate::pages::forms::FormData;
use crate::pages::session::local_path;
use crate::pages::views::render;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use custodian_app::portal::NewPortalSession;
use custodian_app::LinkProblem;
use custodian_app::{App, AppError};
use custodian_core::portal::SESSION_HOURS;

/// What the portal's pages show around their content.
pub(super) struct PortalChrome {
    /// The signed-in person's name; None before signing in.
    pub name: Option<String>,
    pub csrf: String,
}

#[derive(Template)]
#[template(path = "portal/message.html")]
struct MessagePage {
    chrome: PortalChrome,
    title: String,
    message: String,
}

/// A page that says why something did not happen.
pub(super) fn message_page(status: StatusCode, title: &str, message: &str) -> Response {
    let mut response = render(&MessagePage {
        chrome: PortalChrome {
            name: None,
            csrf: String::new(),
        },
        title: title.to_string(),
        message: message.to_string(),
    });
    *response.status_mut() = status;
    response
}

/// An app error as a portal page.
pub(super) fn failure(error: AppError) -> Response {
    match error {
        AppError::NotFound => message_page(
            StatusCode::NOT_FOUND,
            "Not found",
            "There is nothing here, or it is not yours to see.",
        ),
        AppError::PortalLink(problem) => link_problem(problem),
        AppError::TooManyAttempts { .. } => message_page(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many attempts",
            "Please wait a while before you try again.",
        ),
        AppError::AuditUnavailable => message_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Please try again",
            "This page cannot be shown right now; try again in a moment.",
        ),
        other => {
            tracing::error!(error = %custodian_app::with_causes(&other), "portal error");
            message_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "Something went wrong on our side. Please try again later.",
            )
        }
    }
}

fn link_problem(problem: LinkProblem) -> Response {
    let (status, title, message) = match problem {
        LinkProblem::Used => (
            StatusCode::GONE,
            "This link was used already",
            "Each link works once. Sign in with your password, or ask for a new link on the sign-in page.",
        ),
        LinkProblem::Expired => (
            StatusCode::GONE,
            "This link has expired",
            "Ask for a new sign-in link on the sign-in page, or ask your contact at the company for a new invitation.",
        ),
        LinkProblem::Ended => (
            StatusCode::FORBIDDEN,
            "Your access has ended",
            "Your access to the portal was ended. Ask your contact at the company if you need it again.",
        ),
        LinkProblem::Taken => (
            StatusCode::CONFLICT,
            "You have access already",
            "This address can sign in to the portal already. Sign in with your password, or ask for a sign-in link on the sign-in page.",
        ),
        LinkProblem::Unknown => (
            StatusCode::NOT_FOUND,
            "This link is not valid",
            "Check that you copied the whole link from the message, or ask for a new one.",
        ),
    };
    message_page(status, title, message)
}

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

#[derive(serde::Deserialize)]
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

pub(super) async fn login(
    State(app): State<App>,
    ClientAddress(client_address): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let (email, next) = (form.get("email"), form.get("next"));
    if !form_token_matches(&headers, &form) {
        return login_form(
            &headers,
            StatusCode::FORBIDDEN,
            (email, next),
            Some("The form expired. Please sign in again.".into()),
            None,
        );
    }
    match app
        .portal_login(
            &email,
            &form.get("password"),
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
        }) => {
            let minutes = retry_after_seconds.div_ceil(60);
            let mut response = login_form(
                &headers,
                StatusCode::TOO_MANY_REQUESTS,
                (email, next),
                Some(format!(
                    "Too many attempts. Try again in {minutes} minute{}.",
                    if minutes == 1 { "" } else { "s" }
                )),
                None,
            );
            if let Ok(value) = HeaderValue::from_str(&retry_after_seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        Err(other) => failure(other),
    }
}

pub(super) async fn request_link(
    State(app): State<App>,
    ClientAddress(client_address): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let email = form.get("email");
    if !form_token_matches(&headers, &form) {
        return login_form(
            &headers,
            StatusCode::FORBIDDEN,
            (email, String::new()),
            Some("The form expired. Please try again.".into()),
            None,
        );
    }
    match app
        .request_portal_sign_in(&email, &client_address)
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
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    if !form_token_matches(&headers, &FormData(form)) {
        return expired_form();
    }
    match app
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
    match app.portal_invitation(&token).await {
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
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    if !form_token_matches(&headers, &form) {
        return expired_form();
    }
    let account = match app.portal_invitation(&token).await {
        Ok(account) => account,
        Err(error) => return failure(error),
    };
    let password = form.get("password");
    if password != form.get("password_again") {
        return first_password_form(
            &headers,
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("/portal/invitation/{token}"),
            account.email,
            vec!["The two passwords differ; type the same one twice.".into()],
        );
    }
    match app
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
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(refused) = FormData(form).check_csrf(&session.csrf) {
        return refused;
    }
    if let Err(error) = app.portal_logout(&session.principal, &session.cookie).await {
        return failure(error);
    }
    let mut response = Redirect::to("/portal/login").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie("", 0));
    response
}
