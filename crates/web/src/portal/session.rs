//! The portal's session: its own cookie (`custodian_portal`, path /portal),
//! a token for its forms, and the extractor that sends visitors without a
//! session to the portal's login. Forms before a session (login, links,
//! invitations) carry a double-submit token instead.

use crate::csrf::ExpectedCsrf;
use crate::pages::cookies::{cookie, set_cookie_at};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use custodian_app::auth::new_csrf_token;
use custodian_app::portal::PortalPrincipal;
use custodian_app::App;

pub(super) const SESSION_COOKIE: &str = "custodian_portal";
const FORM_COOKIE: &str = "custodian_portal_form";
pub(super) const PATH: &str = "/portal";

pub(super) struct PortalPageSession {
    pub principal: PortalPrincipal,
    pub csrf: String,
    pub cookie: String,
}

impl PortalPageSession {
    /// What the pages show around their content for this person.
    pub(super) fn chrome(&self) -> super::PortalChrome {
        super::PortalChrome {
            name: Some(self.principal.name.clone()),
            csrf: self.csrf.clone(),
        }
    }
}

pub(super) fn session_cookie(value: &str, max_age: i64) -> HeaderValue {
    set_cookie_at(SESSION_COOKIE, value, max_age, PATH)
}

fn to_login(parts: &Parts) -> Response {
    let wanted = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or(PATH);
    if parts.method != axum::http::Method::GET {
        return Redirect::to("/portal/login").into_response();
    }
    match serde_urlencoded::to_string([("next", wanted)]) {
        Ok(query) => Redirect::to(&format!("/portal/login?{query}")).into_response(),
        Err(_) => Redirect::to("/portal/login").into_response(),
    }
}

impl FromRequestParts<App> for PortalPageSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Response> {
        let Some(value) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(to_login(parts));
        };
        match app.portal().portal_session(&value).await {
            Ok(Some(live)) => {
                let session = PortalPageSession {
                    principal: live.principal.with_client(
                        crate::client::peer_address(parts),
                        crate::client::user_agent(&parts.headers),
                    ),
                    csrf: live.csrf_token,
                    cookie: value,
                };
                parts.extensions.insert(ExpectedCsrf {
                    token: session.csrf.clone(),
                    refusal: expired_form,
                });
                Ok(session)
            }
            Ok(None) => Err(to_login(parts)),
            Err(error) => Err(super::failure(error)),
        }
    }
}

/// The token of a form shown before a session, and the cookie that holds
/// it; an existing token stays, so a page loaded twice keeps working.
pub(super) fn form_token(headers: &HeaderMap) -> (String, HeaderValue) {
    let token = cookie(headers, FORM_COOKIE)
        .filter(|token| token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap_or_else(new_csrf_token);
    let set = set_cookie_at(FORM_COOKIE, &token, 3600, PATH);
    (token, set)
}

/// The token of a form shown before a session: the double-submit cookie
/// set with the form.
pub(super) struct PortalFormToken;

impl FromRequestParts<App> for PortalFormToken {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &App) -> Result<Self, Response> {
        parts.extensions.insert(ExpectedCsrf {
            token: cookie(&parts.headers, FORM_COOKIE).unwrap_or_default(),
            refusal: expired_form,
        });
        Ok(PortalFormToken)
    }
}

/// 403 for a form whose token is missing or wrong.
pub(super) fn expired_form(_: &HeaderMap) -> Response {
    super::message_page(
        StatusCode::FORBIDDEN,
        "The form expired",
        "The form expired. Go back, reload the page and send it again.",
    )
}
