//! The back office: server-rendered pages that work without JavaScript.
//! Every form carries the session's CSRF token; every page needs a session.

/// Every page view model shows the shared layout (header, flash, CSRF).
macro_rules! deref_layout {
    ($($page:ident),*) => {$(
        impl std::ops::Deref for $page {
            type Target = $crate::pages::views::Layout;
            fn deref(&self) -> &$crate::pages::views::Layout { &self.layout }
        }
    )*};
}

mod account;
mod activities;
mod agreements;
mod assets;
mod audit;
mod charts;
mod choices;
mod consent;
mod contacts;
pub(crate) mod cookies;
mod dashboard;
mod failure;
mod flash;
pub(crate) mod forms;
pub(crate) mod helpdesk;
mod invitations;
pub(crate) mod listing;
mod lists;
pub(crate) mod login;
mod navigation;
mod organisations;
mod outbox;
mod passwords;
pub(crate) mod path_id;
pub(crate) mod pickers;
mod portal;
mod purposes;
mod reason;
mod record_form;
mod requests;
mod retention;
mod roles;
pub(crate) mod session;
mod teams;
mod templates;
mod two_factor;
pub(crate) mod views;
pub(crate) mod when;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use custodian_app::App;
use custodian_core::Refusal;
use serde::Deserialize;
use session::PageSession;
use views::{render, Layout};

pub(crate) use lists::csv_download;

/// The page for an address that leads nowhere.
pub(crate) fn not_found() -> Response {
    views::error_page(custodian_app::AppError::Refused(Refusal::NotFound))
}

#[derive(askama::Template)]
#[template(path = "pages/not_found.html")]
struct NotFoundPage {
    layout: Layout,
}

deref_layout!(NotFoundPage);

/// Any address no route answers: for a signed-in person, a page with the
/// menus to go on from; otherwise (and for the API) the plain page.
pub(crate) async fn missing(
    uri: axum::http::Uri,
    session: Result<PageSession, Response>,
) -> Response {
    match session {
        Ok(session) if !uri.path().starts_with("/api/") && !uri.path().starts_with("/portal") => (
            StatusCode::NOT_FOUND,
            render(&NotFoundPage {
                layout: Layout::new(&session, ""),
            }),
        )
            .into_response(),
        _ => not_found(),
    }
}

pub(crate) fn bad_request(message: &str) -> Response {
    views::message_page(StatusCode::BAD_REQUEST, message)
}

pub fn routes() -> Router<App> {
    Router::new()
        .route("/", get(dashboard::home))
        .route("/login", get(login::login_page).post(login::login))
        .route("/logout", post(login::logout))
        .route("/search", get(search))
        .route("/search/suggest", get(suggest))
        .route("/search/pick", get(pickers::pick))
        .route("/static/{file}", get(crate::assets::serve))
        .merge(organisations::routes())
        .merge(contacts::routes())
        .merge(consent::routes())
        .merge(activities::routes())
        .merge(assets::routes())
        .merge(agreements::routes())
        .merge(helpdesk::routes())
        .merge(outbox::routes())
        .merge(portal::routes())
        .merge(audit::routes())
        .merge(account::routes())
        .merge(invitations::routes())
        .merge(passwords::routes())
        .merge(roles::routes())
        .merge(teams::routes())
        .merge(purposes::routes())
        .merge(requests::routes())
        .merge(retention::routes())
        .merge(reason::routes())
        .merge(two_factor::routes())
        .layer(axum::middleware::from_fn(flash::flash_messages))
}

#[derive(Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

struct Hit {
    href: String,
    label: String,
    detail: String,
    record_type: String,
}

#[derive(askama::Template)]
#[template(path = "pages/search.html")]
struct SearchPage {
    layout: Layout,
    search: String,
    hits: Vec<Hit>,
}

deref_layout!(SearchPage);

async fn hits(app: &App, session: &PageSession, q: &str) -> Result<Vec<Hit>, Response> {
    let hits = app
        .search(&session.principal, q)
        .await
        .map_err(views::error_page)?;
    Ok(hits
        .into_iter()
        .map(|h| Hit {
            href: format!("/{}s/{}", h.record_type, h.record_id),
            label: if h.restricted {
                format!("{} · restricted", h.label)
            } else {
                h.label
            },
            detail: h.detail,
            record_type: h.record_type,
        })
        .collect())
}

async fn search(
    State(app): State<App>,
    session: PageSession,
    Query(query): Query<SearchQuery>,
) -> Response {
    match hits(&app, &session, &query.q).await {
        Ok(hits) => render(&SearchPage {
            layout: Layout::new(&session, &query.q),
            search: query.q,
            hits,
        }),
        Err(response) => response,
    }
}

/// HTML fragment for search-as-you-type.
async fn suggest(
    State(app): State<App>,
    session: PageSession,
    Query(query): Query<SearchQuery>,
) -> Response {
    match hits(&app, &session, &query.q).await {
        Ok(hits) => Html(
            hits.iter()
                .map(|h| {
                    format!(
                        "<a role=\"option\" href=\"{}\">{} <small>{}</small></a>",
                        views::escape(&h.href),
                        views::escape(&h.label),
                        views::escape(&h.detail)
                    )
                })
                .collect::<String>(),
        )
        .into_response(),
        Err(response) => response,
    }
}
