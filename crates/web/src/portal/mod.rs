//! The customer portal at /portal: contact persons sign in (password or
//! one-time link), accept invitations, and raise and follow their tickets.
//! Its own session cookie, path and layout, apart from the back office;
//! pages work without JavaScript. The chrome every portal page shows and
//! the page that says what went wrong are here, shared by the session
//! extractor (`session.rs`) and the pages.

mod details;
mod faq;
mod my_data;
mod privacy;
mod registration;
mod session;
mod sign_in;
mod tickets;

use crate::pages::views::render;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use custodian_app::{App, AppError};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/portal", get(|| async { Redirect::to("/portal/tickets") }))
        .route(
            "/portal/login",
            get(sign_in::login_page).post(sign_in::login),
        )
        .route("/portal/logout", post(sign_in::logout))
        .route("/portal/sign-in-link", post(sign_in::request_link))
        .route(
            "/portal/link/{token}",
            get(sign_in::link_page).post(sign_in::use_link),
        )
        .route(
            "/portal/invitation/{token}",
            get(sign_in::invitation_page).post(sign_in::accept_invitation),
        )
        .merge(tickets::routes())
        .merge(faq::routes())
        .merge(details::routes())
        .merge(privacy::routes())
        .merge(my_data::routes())
        .merge(registration::routes())
}

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

/// An app error as a portal page, with the status and message the API
/// would answer.
pub(super) fn failure(error: AppError) -> Response {
    let public = crate::problem::public(&error);
    let status = StatusCode::from_u16(public.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    message_page(status, public.title, &public.message)
}
