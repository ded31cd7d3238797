//! The back office's session extractor: the signed-in user of a page, with
//! the reason for access they stated, the form token every form must carry
//! (`crate::csrf`) and what the last form did; visitors without a session
//! go to /login.

use super::cookies::cookie;
use super::failure::error_page;
use crate::csrf::{back_office_refusal, ExpectedCsrf};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use custodian_app::{App, Principal};
use custodian_core::hex::from_hex;

pub(super) const SESSION_COOKIE: &str = "custodian_session";
/// The reason for access a user stated (`reason.rs`), bound to the session.
pub(super) const REASON_COOKIE: &str = "custodian_reason";

pub struct PageSession {
    pub principal: Principal,
    /// Which of the user's sessions this is.
    pub session_id: i64,
    /// The password must be changed before anything else.
    pub password_expired: bool,
    pub csrf: String,
    pub cookie: String,
    /// What the last form did, to say so once.
    pub flash: Option<&'static str>,
    /// The path (and query) of this request.
    pub here: String,
}

/// To the login page, coming back to the page asked for after logging in.
fn to_login(parts: &Parts) -> Response {
    let wanted = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    if parts.method != axum::http::Method::GET || wanted == "/" {
        return Redirect::to("/login").into_response();
    }
    match serde_urlencoded::to_string([("next", wanted)]) {
        Ok(query) => Redirect::to(&format!("/login?{query}")).into_response(),
        Err(_) => Redirect::to("/login").into_response(),
    }
}

impl FromRequestParts<App> for PageSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Response> {
        let Some(value) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(to_login(parts));
        };
        match app.session(&value).await {
            // A password past the tenant's rotation interval is changed
            // before anything else.
            Ok(Some(live))
                if live.password_expired
                    && !matches!(parts.uri.path(), "/account/password" | "/logout") =>
            {
                Err(Redirect::to("/account/password").into_response())
            }
            // A tenant that requires two-factor has it set up first.
            Ok(Some(live))
                if live.two_factor_missing
                    && !parts.uri.path().starts_with("/account/two-factor")
                    && parts.uri.path() != "/logout" =>
            {
                Err(Redirect::to("/account/two-factor").into_response())
            }
            Ok(Some(live)) => {
                let session = PageSession {
                    session_id: live.session_id.0,
                    password_expired: live.password_expired,
                    principal: with_stated_reason(
                        live.principal.with_client(
                            crate::client::peer_address(parts),
                            crate::client::user_agent(&parts.headers),
                        ),
                        live.session_id.0,
                        &parts.headers,
                    ),
                    here: parts
                        .uri
                        .path_and_query()
                        .map_or("/".into(), |p| p.as_str().to_string()),
                    csrf: live.csrf_token,
                    cookie: value,
                    flash: cookie(&parts.headers, super::flash::FLASH_COOKIE)
                        .and_then(|v| super::flash::message(&v)),
                };
                parts.extensions.insert(ExpectedCsrf {
                    token: session.csrf.clone(),
                    refusal: back_office_refusal,
                });
                Ok(session)
            }
            Ok(None) => Err(to_login(parts)),
            Err(error) => Err(error_page(error)),
        }
    }
}

/// The principal with the reason its cookie carries, if any and valid. The
/// cookie names the session it was stated in: a reason never carries over
/// to the next person who signs in with the same browser.
fn with_stated_reason(principal: Principal, session_id: i64, headers: &HeaderMap) -> Principal {
    let reason = cookie(headers, REASON_COOKIE)
        .and_then(|value| {
            let (session, hex) = value.split_once('.')?;
            (session.parse::<i64>().ok()? == session_id).then(|| hex.to_string())
        })
        .and_then(|hex| from_hex(&hex))
        .and_then(|bytes| String::from_utf8(bytes).ok());
    match reason {
        Some(reason) => principal
            .clone()
            .with_reason(Some(&reason))
            .unwrap_or(principal),
        None => principal,
    }
}
