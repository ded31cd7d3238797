//! The caller's own sessions and API tokens over the API, and the
//! administrator's users with "end all access".

use super::extract::{ApiJson, ApiPrincipal, RecordId};
use super::run;
use crate::problem::Problem;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use custodian_app::App;
use custodian_core::passwords::PasswordPolicy;
use custodian_core::users::{SessionInfo, TokenInfo};
use custodian_core::{ApiTokenId, SessionId, UserId};
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct SessionView {
    pub id: SessionId,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub last_seen_at: String,
    #[schema(format = DateTime)]
    pub expires_at: String,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
}

impl From<SessionInfo> for SessionView {
    fn from(s: SessionInfo) -> SessionView {
        SessionView {
            id: s.session_id,
            created_at: s.created_at.to_rfc3339(),
            last_seen_at: s.last_seen_at.to_rfc3339(),
            expires_at: s.expires_at.to_rfc3339(),
            source_ip: s.source_ip,
            user_agent: s.user_agent,
        }
    }
}

/// An API token, without its secret.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenView {
    pub id: ApiTokenId,
    pub name: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
    #[schema(format = DateTime)]
    pub revoked_at: Option<String>,
}

impl From<TokenInfo> for TokenView {
    fn from(t: TokenInfo) -> TokenView {
        TokenView {
            id: t.id,
            name: t.name,
            created_at: t.created_at.to_rfc3339(),
            expires_at: t.expires_at.map(|e| e.to_rfc3339()),
            revoked_at: t.revoked_at.map(|r| r.to_rfc3339()),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    /// Built-in roles (administrator, data_protection_officer, sales,
    /// support, finance, read_only) and the tenant's own, by name.
    pub roles: Vec<String>,
    pub live_sessions: i64,
    /// When an administrator ended the user's access; null while active.
    #[schema(format = DateTime)]
    pub disabled_at: Option<String>,
}

impl UserView {
    fn new(user: custodian_core::users::User, live_sessions: i64) -> UserView {
        UserView {
            roles: user.role_names(),
            id: user.id,
            email: user.email,
            display_name: user.display_name,
            live_sessions,
            disabled_at: user.disabled_at.map(|d| d.to_rfc3339()),
        }
    }
}

/// The roles a user is to hold, replacing those they hold.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RolesInput {
    pub roles: Vec<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct EndedAccess {
    pub sessions_ended: u64,
    pub tokens_revoked: u64,
}

pub(super) async fn sessions(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
) -> Result<Json<Vec<SessionView>>, Problem> {
    let sessions = run(app.my_sessions(&principal)).await?;
    Ok(Json(sessions.into_iter().map(SessionView::from).collect()))
}

pub(super) async fn end_session(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<StatusCode, Problem> {
    run(app.end_my_session(&principal, SessionId(id))).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn tokens(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
) -> Result<Json<Vec<TokenView>>, Problem> {
    let tokens = run(app.my_api_tokens(&principal)).await?;
    Ok(Json(tokens.into_iter().map(TokenView::from).collect()))
}

pub(super) async fn revoke_token(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<StatusCode, Problem> {
    run(app.revoke_my_api_token(&principal, ApiTokenId(id))).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn users(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
) -> Result<Json<Vec<UserView>>, Problem> {
    let users = run(app.users(&principal)).await?;
    Ok(Json(
        users
            .into_iter()
            .map(|u| UserView::new(u.user, u.live_sessions))
            .collect(),
    ))
}

pub(super) async fn set_roles(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
    ApiJson(input): ApiJson<RolesInput>,
) -> Result<Json<UserView>, Problem> {
    let user = run(app.set_user_roles(&principal, UserId(id), &input.roles)).await?;
    let live_sessions = run(app.live_session_count(&principal, user.id)).await?;
    Ok(Json(UserView::new(user, live_sessions)))
}

pub(super) async fn end_access(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<Json<EndedAccess>, Problem> {
    let (sessions_ended, tokens_revoked) = run(app.lock_out_user(&principal, UserId(id))).await?;
    Ok(Json(EndedAccess {
        sessions_ended,
        tokens_revoked,
    }))
}

/// A staff link made: for whom, what for, and the link itself when no
/// mail server took it (shown this once).
#[derive(Serialize, utoipa::ToSchema)]
pub struct StaffLinkView {
    pub user: UserView,
    /// `invitation` or `password`.
    pub purpose: String,
    /// Whether the link went to the user by mail.
    pub mailed: bool,
    /// The one-time link, when it was not mailed: give it to the user.
    pub link: Option<String>,
}

impl StaffLinkView {
    fn new(made: custodian_app::invitations::StaffLinkMade) -> StaffLinkView {
        StaffLinkView {
            user: UserView::new(made.user, 0),
            purpose: made.purpose.as_str().to_string(),
            mailed: made.shown_link.is_none(),
            link: made.shown_link,
        }
    }
}

pub(super) async fn invite(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    ApiJson(input): ApiJson<custodian_core::invitations::InvitationInput>,
) -> Result<(StatusCode, Json<StaffLinkView>), Problem> {
    let made = run(app.invite_user(&principal, &input)).await?;
    Ok((StatusCode::CREATED, Json(StaffLinkView::new(made))))
}

pub(super) async fn new_link(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<Json<StaffLinkView>, Problem> {
    let made = run(app.new_staff_link(&principal, UserId(id))).await?;
    Ok(Json(StaffLinkView::new(made)))
}

pub(super) async fn reactivate(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<Json<UserView>, Problem> {
    let user = run(app.reactivate_user(&principal, UserId(id))).await?;
    let live_sessions = run(app.live_session_count(&principal, user.id)).await?;
    Ok(Json(UserView::new(user, live_sessions)))
}

pub(super) async fn password_policy(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
) -> Result<Json<PasswordPolicy>, Problem> {
    Ok(Json(run(app.password_policy(&principal)).await?))
}

pub(super) async fn set_password_policy(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    ApiJson(policy): ApiJson<PasswordPolicy>,
) -> Result<Json<PasswordPolicy>, Problem> {
    Ok(Json(
        run(app.set_password_policy(&principal, &policy)).await?,
    ))
}

/// Whether every staff user of the tenant must log in with two factors.
#[derive(Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TwoFactorSetting {
    pub required: bool,
}

pub(super) async fn two_factor_setting(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
) -> Result<Json<TwoFactorSetting>, Problem> {
    let required = run(app.two_factor_required(&principal)).await?;
    Ok(Json(TwoFactorSetting { required }))
}

pub(super) async fn set_two_factor_setting(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    ApiJson(setting): ApiJson<TwoFactorSetting>,
) -> Result<Json<TwoFactorSetting>, Problem> {
    run(app.set_two_factor_required(&principal, setting.required)).await?;
    Ok(Json(setting))
}
