//! Teams over the API (administrators).

use super::extract::{ApiJson, ApiPrincipal, RecordId};
use super::{created, run, ListPage};
use crate::problem::Problem;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use custodian_app::App;
use custodian_core::teams::TeamInput;
use custodian_core::TeamId;
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct TeamMember {
    pub id: i64,
    pub display_name: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TeamView {
    pub id: i64,
    pub name: String,
    pub members: Vec<TeamMember>,
}

impl From<custodian_core::teams::Team> for TeamView {
    fn from(team: custodian_core::teams::Team) -> Self {
        TeamView {
            id: team.id.0,
            name: team.name,
            members: team
                .members
                .into_iter()
                .map(|(id, display_name)| TeamMember {
                    id: id.0,
                    display_name,
                })
                .collect(),
        }
    }
}

pub(super) async fn list(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
) -> Result<Json<ListPage<TeamView>>, Problem> {
    let teams = run(app.teams(&principal)).await?;
    Ok(Json(ListPage::whole(
        teams.into_iter().map(TeamView::from).collect(),
    )))
}

pub(super) async fn create(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    ApiJson(input): ApiJson<TeamInput>,
) -> Result<Response, Problem> {
    let team = TeamView::from(run(app.save_team(&principal, None, &input)).await?);
    Ok(created(&format!("/api/v1/teams/{}", team.id), &team))
}

pub(super) async fn read(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<Json<TeamView>, Problem> {
    Ok(Json(run(app.team(&principal, TeamId(id))).await?.into()))
}

pub(super) async fn update(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
    ApiJson(input): ApiJson<TeamInput>,
) -> Result<Json<TeamView>, Problem> {
    Ok(Json(
        run(app.save_team(&principal, Some(TeamId(id)), &input))
            .await?
            .into(),
    ))
}

pub(super) async fn delete(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<StatusCode, Problem> {
    run(app.delete_team(&principal, TeamId(id))).await?;
    Ok(StatusCode::NO_CONTENT)
}
