//! The customer portal at /portal: contact persons sign in (password or
//! one-time link), accept invitations, and raise and follow their tickets.
//! Its own session cookie, path and layout, apart from the back office;
//! pages work without JavaScript.

mod details;
mod faq;
mod my_data;
mod privacy;
mod registration;
mod session;
mod sign_in;
mod tickets;

use axum::response::Redirect;
use axum::routing::{get, post};
use axum::Router;
use custodian_app::App;

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
