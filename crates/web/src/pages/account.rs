//! "Your account": the sessions a user has open (device, address, last use)
//! and their API tokens, each ended or revoked with one click; and the
//! administrator's user list, to end all access of someone who left.

use super::forms::{repeated, NoFields};
use super::path_id::PageId;
use super::session::PageSession;
use super::views::{error_page, render, Layout, SelectOption};
use crate::csrf::CsrfForm;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use custodian_app::account::NewTokenInput;
use custodian_app::{App, AppError};
use custodian_core::time::Timestamp;
use custodian_core::{ApiTokenId, Refusal, SessionId, UserId};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/account", get(account))
        .route("/account/sessions/{id}/end", post(end_session))
        .route("/account/sessions/end-others", post(end_other_sessions))
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
        .route("/admin/users", get(users))
        .route("/admin/users/{id}/end-access", post(end_access))
        .route("/admin/users/{id}/roles", post(set_roles))
        .route("/admin/users/{id}/reactivate", post(reactivate))
}

struct SessionRow {
    id: i64,
    current: bool,
    device: String,
    from: String,
    created: String,
    created_iso: String,
    seen: String,
    seen_iso: String,
}

struct TokenRow {
    id: i64,
    name: String,
    created: String,
    expires: String,
    state: &'static str,
    live: bool,
}

#[derive(askama::Template)]
#[template(path = "pages/account.html")]
struct AccountPage {
    layout: Layout,
    sessions: Vec<SessionRow>,
    tokens: Vec<TokenRow>,
    new_secret: Option<String>,
    token_name: String,
    token_days: String,
    name_error: Option<String>,
    days_error: Option<String>,
}

deref_layout!(AccountPage);

fn utc(at: Timestamp) -> String {
    format!("{} UTC", at.display())
}

async fn account_page(app: &App, session: &PageSession) -> Result<AccountPage, Response> {
    let principal = &session.principal;
    let sessions = app.my_sessions(principal).await.map_err(error_page)?;
    let tokens = app.my_api_tokens(principal).await.map_err(error_page)?;
    let now = Timestamp::now();
    Ok(AccountPage {
        layout: Layout::new(session, ""),
        sessions: sessions
            .into_iter()
            .map(|s| SessionRow {
                id: s.session_id.0,
                current: s.session_id == SessionId(session.session_id),
                device: s.user_agent.unwrap_or_else(|| "Unknown device".into()),
                from: s.source_ip.unwrap_or_default(),
                created: utc(s.created_at),
                created_iso: s.created_at.to_rfc3339(),
                seen: utc(s.last_seen_at),
                seen_iso: s.last_seen_at.to_rfc3339(),
            })
            .collect(),
        tokens: tokens
            .into_iter()
            .map(|t| {
                let expired = t.expires_at.is_some_and(|e| e <= now);
                let (state, live) = match (t.revoked_at, expired) {
                    (Some(_), _) => ("revoked", false),
                    (None, true) => ("expired", false),
                    (None, false) => ("active", true),
                };
                TokenRow {
                    id: t.id.0,
                    name: t.name,
                    created: utc(t.created_at),
                    expires: t.expires_at.map(utc).unwrap_or_else(|| "never".into()),
                    state,
                    live,
                }
            })
            .collect(),
        new_secret: None,
        token_name: String::new(),
        token_days: String::new(),
        name_error: None,
        days_error: None,
    })
}

async fn account(State(app): State<App>, session: PageSession) -> Response {
    match account_page(&app, &session).await {
        Ok(page) => render(&page),
        Err(response) => response,
    }
}

async fn end_session(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    match app.end_my_session(&session.principal, SessionId(id)).await {
        // Ending the session in use is logging out.
        Ok(()) if id == session.session_id => Redirect::to("/login").into_response(),
        Ok(()) => Redirect::to("/account").into_response(),
        Err(error) => error_page(error),
    }
}

async fn end_other_sessions(
    State(app): State<App>,
    session: PageSession,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    match app
        .end_my_other_sessions(&session.principal, Some(SessionId(session.session_id)))
        .await
    {
        Ok(_) => Redirect::to("/account").into_response(),
        Err(error) => error_page(error),
    }
}

/// A new API token: its name and lifetime as typed.
#[derive(Deserialize, Default)]
#[serde(default)]
struct TokenForm {
    name: String,
    expires_in_days: String,
}

async fn create_token(
    State(app): State<App>,
    session: PageSession,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> Response {
    let name = form.name;
    let days_text = form.expires_in_days;
    let mut page = match account_page(&app, &session).await {
        Ok(page) => page,
        Err(response) => return response,
    };
    page.token_name = name.clone();
    page.token_days = days_text.clone();
    let days = match days_text.trim() {
        "" => None,
        // A negative number is out of range, not "not a number".
        text => match text.parse::<i64>().map(|d| u32::try_from(d).unwrap_or(0)) {
            Ok(days) => Some(days),
            Err(_) => {
                page.days_error = Some("Enter a whole number of days.".into());
                return (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response();
            }
        },
    };
    let input = NewTokenInput {
        name,
        expires_in_days: days,
    };
    match app.create_my_api_token(&session.principal, &input).await {
        Ok(issued) => match account_page(&app, &session).await {
            Ok(mut fresh) => {
                fresh.new_secret = Some(issued.secret);
                render(&fresh)
            }
            Err(response) => response,
        },
        Err(AppError::Validation(errors)) => {
            page.name_error = errors.for_field("name").map(|e| e.message.clone());
            page.days_error = errors
                .for_field("expires_in_days")
                .map(|e| e.message.clone());
            (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response()
        }
        Err(error) => error_page(error),
    }
}

async fn revoke_token(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    match app
        .revoke_my_api_token(&session.principal, ApiTokenId(id))
        .await
    {
        Ok(()) => Redirect::to("/account").into_response(),
        Err(error) => error_page(error),
    }
}

struct UserRow {
    id: i64,
    name: String,
    email: String,
    roles: Vec<SelectOption>,
    sessions: i64,
    disabled: bool,
}

/// A staff link just made, for the users page to say so (and show the
/// link, this once, when no mail server took it).
pub(super) struct LinkNotice {
    pub(super) whom: String,
    pub(super) what: &'static str,
    pub(super) link: Option<String>,
}

/// The invitation form as it was sent, with what was wrong with it.
#[derive(Default)]
pub(super) struct InviteForm {
    pub(super) email: String,
    pub(super) display_name: String,
    pub(super) roles: Vec<String>,
    pub(super) errors: Vec<String>,
}

#[derive(askama::Template)]
#[template(path = "pages/users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<UserRow>,
    problem: Option<String>,
    made: Option<LinkNotice>,
    invite: InviteForm,
    invite_roles: Vec<SelectOption>,
}

deref_layout!(UsersPage);

async fn users_page(app: &App, session: &PageSession, problem: Option<String>) -> Response {
    users_page_with(app, session, problem, None, InviteForm::default()).await
}

pub(super) async fn users_page_with(
    app: &App,
    session: &PageSession,
    problem: Option<String>,
    made: Option<LinkNotice>,
    invite: InviteForm,
) -> Response {
    let all_roles = match app.roles(&session.principal).await {
        Ok(roles) => roles,
        Err(error) => return error_page(error),
    };
    match app.users(&session.principal).await {
        Ok(users) => render(&UsersPage {
            layout: Layout::new(session, ""),
            users: users
                .into_iter()
                .map(|u| {
                    let held = u.user.role_names();
                    UserRow {
                        id: u.user.id.0,
                        name: u.user.display_name,
                        email: u.user.email,
                        roles: all_roles
                            .iter()
                            .map(|r| SelectOption {
                                value: r.name.clone(),
                                label: r.label.clone(),
                                selected: held.contains(&r.name),
                            })
                            .collect(),
                        sessions: u.live_sessions,
                        disabled: u.user.disabled_at.is_some(),
                    }
                })
                .collect(),
            problem,
            made,
            invite_roles: all_roles
                .iter()
                .map(|r| SelectOption {
                    value: r.name.clone(),
                    label: r.label.clone(),
                    selected: invite.roles.contains(&r.name),
                })
                .collect(),
            invite,
        }),
        Err(error) => error_page(error),
    }
}

async fn users(State(app): State<App>, session: PageSession) -> Response {
    users_page(&app, &session, None).await
}

/// The roles ticked for a user.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RolesForm {
    #[serde(deserialize_with = "repeated")]
    roles: Vec<String>,
}

async fn set_roles(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(form): CsrfForm<RolesForm>,
) -> Response {
    let names = form.roles;
    match app
        .set_user_roles(&session.principal, UserId(id), &names)
        .await
    {
        Ok(_) => Redirect::to("/admin/users").into_response(),
        Err(error @ (AppError::Validation(_) | AppError::Refused(Refusal::LastAdministrator))) => {
            let message = match &error {
                AppError::Validation(errors) => errors
                    .0
                    .iter()
                    .map(|e| e.message.clone())
                    .collect::<Vec<_>>()
                    .join(" "),
                _ => "That would leave the tenant without an administrator; make someone else administrator first.".to_string(),
            };
            let mut response = users_page(&app, &session, Some(message)).await;
            if response.status() == StatusCode::OK {
                *response.status_mut() =
                    if matches!(error, AppError::Refused(Refusal::LastAdministrator)) {
                        StatusCode::CONFLICT
                    } else {
                        StatusCode::UNPROCESSABLE_ENTITY
                    };
            }
            response
        }
        Err(error) => error_page(error),
    }
}

async fn end_access(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    match app.lock_out_user(&session.principal, UserId(id)).await {
        Ok(_) if id == session.principal.user_id.0 => Redirect::to("/login").into_response(),
        Ok(_) => Redirect::to("/admin/users").into_response(),
        Err(AppError::Refused(Refusal::LastAdministrator)) => {
            let mut response = users_page(
                &app,
                &session,
                Some(
                    "That is the last administrator; make someone else administrator first.".into(),
                ),
            )
            .await;
            *response.status_mut() = StatusCode::CONFLICT;
            response
        }
        Err(error) => error_page(error),
    }
}

async fn reactivate(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    match app.reactivate_user(&session.principal, UserId(id)).await {
        Ok(_) => Redirect::to("/admin/users").into_response(),
        Err(error) => error_page(error),
    }
}
