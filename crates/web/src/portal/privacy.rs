//! "Communication preferences" in the portal: each consent the tenant asks
//! for (its newest published text), whether the person gave it, and a
//! button to give or withdraw it. Global Privacy Control from their
//! browser (`Sec-GPC: 1`) counts, as it does for their own web forms.

use super::session::PortalPageSession;
use super::{failure, PortalChrome};
use crate::csrf::CsrfForm;
use crate::pages::forms::number;
use crate::pages::views::{refusal_lines, refused_if, render};
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use custodian_app::{App, AppError};
use custodian_core::{ConsentTextId, PurposeId, Refusal};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new().route("/portal/privacy", get(show).post(change))
}

struct Choice {
    /// The text to grant (the newest) or to withdraw (the one given).
    text_id: i64,
    title: String,
    body: String,
    granted: bool,
    since: String,
}

#[derive(Template)]
#[template(path = "portal/privacy.html")]
struct PrivacyPage {
    chrome: PortalChrome,
    choices: Vec<Choice>,
    errors: Vec<String>,
}

async fn page(app: &App, session: &PortalPageSession, errors: Vec<String>) -> Response {
    let (texts, ledger) = match app.portal().portal_consents(&session.principal).await {
        Ok(found) => found,
        Err(error) => return failure(error),
    };
    let mut choices: Vec<Choice> = Vec::new();
    let mut purposes: Vec<PurposeId> = texts.iter().map(|t| t.purpose_id).collect();
    purposes.sort_unstable();
    purposes.dedup();
    for purpose in purposes {
        let Some(newest) = texts
            .iter()
            .filter(|t| t.purpose_id == purpose)
            .max_by_key(|t| t.version)
        else {
            continue;
        };
        let state = ledger.current.iter().find(|s| s.purpose_id == purpose);
        let granted = state.is_some_and(|s| s.granted);
        choices.push(Choice {
            text_id: match state {
                Some(s) if s.granted => s.text_id.0,
                _ => newest.id.0,
            },
            title: newest.title.clone(),
            body: newest.body.clone(),
            granted,
            since: state
                .map(|s| format!("{} UTC", s.since.display()))
                .unwrap_or_default(),
        });
    }
    let refused = !errors.is_empty();
    refused_if(
        refused,
        render(&PrivacyPage {
            chrome: session.chrome(),
            choices,
            errors,
        }),
    )
}

async fn show(State(app): State<App>, session: PortalPageSession) -> Response {
    page(&app, &session, Vec::new()).await
}

/// A consent given or withdrawn: which text, and "grant" or "withdraw".
#[derive(Deserialize, Default)]
#[serde(default)]
struct ConsentChoice {
    #[serde(deserialize_with = "number")]
    text_id: Option<i64>,
    action: String,
}

async fn change(
    State(app): State<App>,
    session: PortalPageSession,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<ConsentChoice>,
) -> Response {
    let signal = headers
        .get("sec-gpc")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim() == "1");
    let text = form.text_id.unwrap_or_default();
    match app
        .portal()
        .portal_consent(
            &session.principal,
            ConsentTextId(text),
            form.action == "grant",
            signal,
        )
        .await
    {
        Ok(_) => Redirect::to("/portal/privacy").into_response(),
        Err(AppError::Validation(errors)) => page(&app, &session, refusal_lines(&errors)).await,
        Err(AppError::Refused(Refusal::UnknownReference { .. })) => {
            page(
                &app,
                &session,
                vec!["This consent is no longer asked for.".into()],
            )
            .await
        }
        Err(error) => failure(error),
    }
}
