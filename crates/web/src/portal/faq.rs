//! The FAQ in the portal: published articles by question, searchable.

use super::session::PortalPageSession;
use super::{failure, PortalChrome};
use crate::pages::listing::next_href;
use crate::pages::path_id::PageId;
use crate::pages::views::{escape, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use custodian_app::records::ListParams;
use custodian_app::App;
use custodian_core::helpdesk::FaqArticle;
use custodian_core::FaqArticleId;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/portal/faq", get(list))
        .route("/portal/faq/suggest", get(suggest))
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

#[derive(serde::Deserialize, Default)]
struct SuggestQuery {
    #[serde(default)]
    q: String,
}

/// Answers that may already answer what a person is typing as a new
/// ticket's subject, as an HTML fragment (empty when none): the articles
/// that hold every word typed, else those holding its longest word.
async fn suggest(
    State(app): State<App>,
    session: PortalPageSession,
    Query(query): Query<SuggestQuery>,
) -> Response {
    let typed = query.q.trim();
    let longest = typed
        .split_whitespace()
        .max_by_key(|w| w.chars().count())
        .filter(|w| w.chars().count() >= 4);
    let mut found = Vec::new();
    for words in [Some(typed), longest].into_iter().flatten() {
        if words.chars().count() < 3 || !found.is_empty() {
            continue;
        }
        let params = ListParams {
            q: Some(words.to_string()),
            limit: Some(5),
            ..Default::default()
        };
        match app.portal().portal_faq(&session.principal, &params).await {
            Ok(page) => found = page.items,
            Err(error) => return failure(error),
        }
    }
    if found.is_empty() {
        return Html(String::new()).into_response();
    }
    let links: String = found
        .iter()
        .map(|a| {
            format!(
                "<li><a href=\"/portal/faq/{}\" target=\"_blank\" rel=\"noopener\">{}</a></li>",
                a.id,
                escape(&a.title)
            )
        })
        .collect();
    Html(format!(
        "<p>Perhaps one of these answers it already:</p><ul>{links}</ul>"
    ))
    .into_response()
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
