//! The administrator's teams page: teams with their members, made, changed
//! and removed.

use super::forms::{repeated, NoFields};
use super::path_id::PageId;
use super::session::PageSession;
use super::views::{error_page, refused_if, render, Layout, SelectOption};
use crate::csrf::CsrfForm;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use custodian_app::{App, AppError};
use custodian_core::teams::TeamInput;
use custodian_core::{Refusal, TeamId, UserId};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/admin/teams", get(teams).post(create_team))
        .route("/admin/teams/{id}", post(update_team))
        .route("/admin/teams/{id}/delete", post(delete_team))
}

struct TeamRow {
    id: i64,
    name: String,
    members: Vec<SelectOption>,
}

#[derive(askama::Template)]
#[template(path = "pages/teams.html")]
struct TeamsPage {
    layout: Layout,
    problem: Option<String>,
    teams: Vec<TeamRow>,
    new_members: Vec<SelectOption>,
}

deref_layout!(TeamsPage);

async fn page(app: &App, session: &PageSession, problem: Option<String>) -> Response {
    let (teams, users) = match (
        app.teams(&session.principal).await,
        app.owner_choices(&session.principal).await,
    ) {
        (Ok(teams), Ok(users)) => (teams, users),
        (Err(error), _) | (_, Err(error)) => return error_page(error),
    };
    let options = |selected: &dyn Fn(i64) -> bool| {
        users
            .iter()
            .map(|(id, name)| SelectOption {
                value: id.0.to_string(),
                label: name.clone(),
                selected: selected(id.0),
            })
            .collect::<Vec<_>>()
    };
    let refused = problem.is_some();
    refused_if(
        refused,
        render(&TeamsPage {
            layout: Layout::new(session, ""),
            problem,
            teams: teams
                .into_iter()
                .map(|t| TeamRow {
                    id: t.id.0,
                    members: options(&|id| t.members.iter().any(|(m, _)| m.0 == id)),
                    name: t.name,
                })
                .collect(),
            new_members: options(&|_| false),
        }),
    )
}

async fn teams(State(app): State<App>, session: PageSession) -> Response {
    page(&app, &session, None).await
}

/// A team's name and members as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
struct TeamForm {
    name: String,
    #[serde(deserialize_with = "repeated")]
    member_ids: Vec<String>,
}

async fn save(app: &App, session: &PageSession, id: Option<TeamId>, form: TeamForm) -> Response {
    let input = TeamInput {
        name: form.name,
        // Anything that is not an id becomes 0, which no user has, so the
        // save is refused rather than the member dropped.
        member_ids: form
            .member_ids
            .iter()
            .map(|v| UserId(v.parse().unwrap_or(0)))
            .collect(),
    };
    match app.save_team(&session.principal, id, &input).await {
        Ok(_) => Redirect::to("/admin/teams").into_response(),
        Err(AppError::Validation(errors)) => {
            let message = errors
                .0
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join(" ");
            page(app, session, Some(message)).await
        }
        Err(AppError::Refused(Refusal::Duplicate { .. })) => {
            page(app, session, Some("A team with this name exists.".into())).await
        }
        Err(AppError::Refused(Refusal::UnknownReference { .. })) => {
            let message = "A chosen member is not a user of this tenant; reload the page.";
            page(app, session, Some(message.into())).await
        }
        Err(error) => error_page(error),
    }
}

async fn create_team(
    State(app): State<App>,
    session: PageSession,
    CsrfForm(form): CsrfForm<TeamForm>,
) -> Response {
    save(&app, &session, None, form).await
}

async fn update_team(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(form): CsrfForm<TeamForm>,
) -> Response {
    save(&app, &session, Some(TeamId(id)), form).await
}

async fn delete_team(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    match app.delete_team(&session.principal, TeamId(id)).await {
        Ok(()) => Redirect::to("/admin/teams").into_response(),
        Err(error) => error_page(error),
    }
}
