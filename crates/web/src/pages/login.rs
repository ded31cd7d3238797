//! Logging in and out of the back office: the login form (with a
//! double-submit CSRF cookie) and where a login goes next.

use super::cookies::{cookie, set_cookie};
use super::forms::NoFields;
use super::session::{PageSession, SESSION_COOKIE};
use super::views::render;
use crate::client::ClientAddress;
use crate::csrf::{CsrfForm, ExpectedCsrf};
use crate::problem::with_retry_after;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use custodian_app::auth::{new_csrf_token, SESSION_LIFETIME_HOURS};
use custodian_app::{App, AppError};
use serde::Deserialize;

const LOGIN_CSRF_COOKIE: &str = "custodian_login_csrf";

/// Only a path on this site: never `//elsewhere`, and no backslash or
/// control character anywhere, since browsers drop tabs and read `\\` as
/// `/` (so `/<TAB>/elsewhere` would become `//elsewhere`).
fn local_target(next: &str) -> &str {
    local_path(next).unwrap_or("/")
}

/// `next` when it is a path on this site.
pub(crate) fn local_path(next: &str) -> Option<&str> {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.chars().any(|c| c == '\\' || c.is_control());
    local.then_some(next)
}

#[derive(askama::Template)]
#[template(path = "pages/login.html")]
struct LoginPage {
    csrf: String,
    email: String,
    next: String,
    error: Option<String>,
}

fn login_form(
    headers: &HeaderMap,
    status: StatusCode,
    (email, next): (String, String),
    error: Option<String>,
) -> Response {
    let (csrf, cookie) = signed_out_form_token(headers);
    let mut response = render(&LoginPage {
        csrf,
        email,
        next,
        error,
    });
    *response.status_mut() = status;
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    response
}

/// The token of a form shown to someone not signed in (the login form,
/// the form that sets a staff password) and the double-submit cookie that
/// carries it; `LoginFormToken` checks it.
pub(crate) fn signed_out_form_token(headers: &HeaderMap) -> (String, header::HeaderValue) {
    // The browser's token stays while its cookie lives: a page loaded
    // twice (a second tab, a reload, a preload) does not turn the form
    // already on screen into an expired one.
    let csrf = cookie(headers, LOGIN_CSRF_COOKIE)
        .filter(|token| token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap_or_else(new_csrf_token);
    let cookie = set_cookie(LOGIN_CSRF_COOKIE, &csrf, 3600);
    (csrf, cookie)
}

#[derive(serde::Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    next: String,
}

pub async fn login_page(headers: HeaderMap, Query(query): Query<LoginQuery>) -> Response {
    login_form(&headers, StatusCode::OK, (String::new(), query.next), None)
}

/// The login form's token: the double-submit cookie set with the form.
pub struct LoginFormToken;

impl FromRequestParts<App> for LoginFormToken {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &App) -> Result<Self, Response> {
        parts.extensions.insert(ExpectedCsrf {
            token: cookie(&parts.headers, LOGIN_CSRF_COOKIE).unwrap_or_default(),
            refusal: expired_login,
        });
        Ok(LoginFormToken)
    }
}

fn expired_login(headers: &HeaderMap) -> Response {
    login_form(
        headers,
        StatusCode::FORBIDDEN,
        (String::new(), String::new()),
        Some("The form expired. Please log in again.".into()),
    )
}

/// The sign-in form as sent; `next` is where to go after signing in.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    email: String,
    password: String,
    code: String,
    next: String,
}

pub async fn login(
    State(app): State<App>,
    ClientAddress(client_address): ClientAddress,
    headers: HeaderMap,
    _: LoginFormToken,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Response {
    let LoginForm {
        email,
        password,
        code,
        next,
    } = form;
    match app
        .login(
            &email,
            &password,
            &client_address,
            crate::client::user_agent(&headers),
            &code,
        )
        .await
    {
        Ok(session) => {
            let mut response = Redirect::to(local_target(&next)).into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(
                    SESSION_COOKIE,
                    &session.cookie_value,
                    SESSION_LIFETIME_HOURS * 3600,
                ),
            );
            response
                .headers_mut()
                .append(header::SET_COOKIE, set_cookie(LOGIN_CSRF_COOKIE, "", 0));
            response
        }
        Err(AppError::BadCredentials) => login_form(
            &headers,
            StatusCode::UNAUTHORIZED,
            (email, next),
            Some("The email, password or two-factor code is wrong.".into()),
        ),
        Err(AppError::TooManyAttempts {
            retry_after_seconds,
        }) => with_retry_after(
            login_form(
                &headers,
                StatusCode::TOO_MANY_REQUESTS,
                (email, next),
                Some(wait_message(retry_after_seconds)),
            ),
            retry_after_seconds,
        ),
        Err(other) => super::views::error_page(other),
    }
}

pub async fn logout(
    State(app): State<App>,
    session: PageSession,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    if let Err(error) = app.logout(&session.principal, &session.cookie).await {
        return super::views::error_page(error);
    }
    let mut response = Redirect::to("/login").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", 0));
    response
}

/// What a throttled login form says (back office and portal alike).
pub(crate) fn wait_message(retry_after_seconds: u64) -> String {
    let minutes = retry_after_seconds.div_ceil(60);
    format!(
        "Too many attempts. Try again in {minutes} minute{}.",
        if minutes == 1 { "" } else { "s" }
    )
}

#[cfg(test)]
mod tests {
    use super::local_target;

    #[test]
    fn after_login_only_local_paths_are_followed() {
        assert_eq!(local_target("/contacts/7?sort=x"), "/contacts/7?sort=x");
        for elsewhere in [
            "",
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\t\\evil.example",
            "/x\\..\\evil",
            "/a\r\nSet-Cookie: x",
        ] {
            assert_eq!(local_target(elsewhere), "/", "{elsewhere:?}");
        }
    }
}
