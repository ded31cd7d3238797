//! The FAQ in the portal: published articles by question, searchable.

use super::session::PortalPageSession;
use super::{failure, PortalChrome};
use crate::pages::listing::next_href;
use crate::pages::path_id::PageId;
use crate::pages::views::render;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use custodian_app::records::ListParams;
use custodian_app::App;
use custodian_core::helpdesk::FaqArticle;
use custodian_core::FaqArticleId;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/portal/faq", get(list))
        .route("/portal/faq/{id}", get(show))
}

#[derive(Template)]
#[template(path = "portal/faq.html")]
struct FaqPage {
    chrome: PortalChrome,
    q: String,
    articles: Vec<FaqArticle>,
    next_href: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FaqQuery {
    q: Option<String>,
    cursor: Option<String>,
}

async fn list(
    State(app): State<App>,
    session: PortalPageSession,
    Query(query): Query<FaqQuery>,
) -> Response {
    let params = ListParams {
        q: query.q.clone().filter(|q| !q.trim().is_empty()),
        cursor: query.cursor,
        limit: Some(50),
        ..Default::default()
    };
    match app.portal().portal_faq(&session.principal, &params).await {
        Ok(page) => render(&FaqPage {
            q: query.q.unwrap_or_default(),
            next_href: next_href("/portal/faq", &params, page.next_cursor),
            articles: page.items,
            chrome: session.chrome(),
        }),
        Err(error) => failure(error),
    }
}

#[derive(Template)]
#[template(path = "portal/faq_article.html")]
struct ArticlePage {
    chrome: PortalChrome,
    article: FaqArticle,
}

async fn show(State(app): State<App>, session: PortalPageSession, PageId(id): PageId) -> Response {
    match app
        .portal()
        .portal_faq_article(&session.principal, FaqArticleId(id))
        .await
    {
        Ok(article) => render(&ArticlePage {
            chrome: session.chrome(),
            article,
        }),
        Err(error) => failure(error),
    }
}
