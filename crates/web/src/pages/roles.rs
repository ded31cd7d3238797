//! The administrator's roles page: every role described, the tenant's own
//! roles defined, changed and removed with a permission grid, and the
//! tenant's access settings (how far sales and support reach, which
//! categories need a reason).

use super::forms::{filled, repeated, NoFields};
use super::path_id::PageId;
use super::session::PageSession;
use super::views::{error_page, refused_if, render, Layout, SelectOption};
use crate::csrf::CsrfForm;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use custodian_app::{App, AppError};
use custodian_core::access::{Action, Area, RecordScope};
use custodian_core::access_settings::AccessSettingsInput;
use custodian_core::catalog::Category;
use custodian_core::custom_roles::{RoleDescription, RoleInput};
use custodian_core::Refusal;
use custodian_core::{RoleId, ValidationErrors};
use serde::Deserialize;
use std::collections::BTreeMap;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/admin/roles", get(roles).post(create_role))
        .route("/admin/roles/{id}", get(edit_role).post(update_role))
        .route("/admin/roles/{id}/delete", post(delete_role))
        .route("/admin/access", post(save_settings))
}

struct RoleRow {
    id: Option<i64>,
    name: String,
    label: String,
    built_in: bool,
    permissions: String,
    categories: String,
    scope: &'static str,
}

struct Cell {
    value: String,
    label: &'static str,
    checked: bool,
}

struct AreaRow {
    label: &'static str,
    cells: Vec<Cell>,
}

struct RoleForm {
    title: String,
    action: String,
    name: String,
    name_fixed: bool,
    label: String,
    areas: Vec<AreaRow>,
    categories: Vec<SelectOption>,
    scopes: Vec<SelectOption>,
    errors: Vec<String>,
}

struct SettingsForm {
    sales: Vec<SelectOption>,
    support: Vec<SelectOption>,
    sensitive: Vec<SelectOption>,
    errors: Vec<String>,
}

#[derive(askama::Template)]
#[template(path = "pages/roles.html")]
struct RolesPage {
    layout: Layout,
    problem: Option<String>,
    roles: Vec<RoleRow>,
    actions: Vec<&'static str>,
    form: RoleForm,
    settings: SettingsForm,
}

deref_layout!(RolesPage);

fn scope_options(selected: &str) -> Vec<SelectOption> {
    RecordScope::ALL
        .into_iter()
        .map(|s| SelectOption {
            value: s.as_str().into(),
            label: s.label().into(),
            selected: s.as_str() == selected,
        })
        .collect()
}

fn category_options(selected: impl Fn(Category) -> bool) -> Vec<SelectOption> {
    Category::grantable()
        .map(|c| SelectOption {
            value: c.as_str().into(),
            label: c.label().into(),
            selected: selected(c),
        })
        .collect()
}

fn row(role: RoleDescription) -> RoleRow {
    let permissions = role
        .permissions
        .iter()
        .map(|(area, actions)| {
            let label = Area::parse(area).map_or(*area, Area::label);
            format!("{label}: {}", actions.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ");
    let categories = role
        .categories
        .iter()
        .filter_map(|c| Category::parse(c))
        .map(Category::label)
        .collect::<Vec<_>>()
        .join(", ");
    RoleRow {
        id: role.id.map(|id| id.0),
        name: role.name,
        label: role.label,
        built_in: role.built_in,
        permissions,
        categories,
        scope: role.record_scope.label(),
    }
}

/// The role form, filled from what was submitted or stored.
fn role_form(id: Option<RoleId>, input: &RoleInput, errors: Option<&ValidationErrors>) -> RoleForm {
    let granted = |area: Area, action: Action| {
        input
            .permissions
            .get(area.as_str())
            .is_some_and(|actions| actions.iter().any(|a| a == action.as_str()))
    };
    let scope = input.record_scope.as_deref().unwrap_or("all");
    RoleForm {
        title: match id {
            Some(_) => format!("Edit the role {}", input.label),
            None => "New role".into(),
        },
        action: id.map_or("/admin/roles".into(), |id| format!("/admin/roles/{id}")),
        name: input.name.clone(),
        name_fixed: id.is_some(),
        label: input.label.clone(),
        areas: Area::ALL
            .into_iter()
            .map(|area| AreaRow {
                label: area.label(),
                cells: Action::ALL
                    .into_iter()
                    .map(|action| Cell {
                        value: format!("{}:{}", area.as_str(), action.as_str()),
                        label: action.as_str(),
                        checked: granted(area, action),
                    })
                    .collect(),
            })
            .collect(),
        categories: category_options(|c| input.categories.iter().any(|n| n == c.as_str())),
        scopes: scope_options(scope),
        errors: errors
            .map(|e| e.0.iter().map(|f| f.message.clone()).collect())
            .unwrap_or_default(),
    }
}

fn settings_form(
    settings: &AccessSettingsInput,
    errors: Option<&ValidationErrors>,
) -> SettingsForm {
    SettingsForm {
        sales: scope_options(&settings.sales_record_scope),
        support: scope_options(&settings.support_record_scope),
        sensitive: category_options(|c| {
            settings
                .sensitive_categories
                .iter()
                .any(|n| n == c.as_str())
        }),
        errors: errors
            .map(|e| e.0.iter().map(|f| f.message.clone()).collect())
            .unwrap_or_default(),
    }
}

/// The page with the given role form and settings form; 422 when either
/// carries errors.
async fn page(
    app: &App,
    session: &PageSession,
    form: RoleForm,
    settings: Option<SettingsForm>,
    problem: Option<String>,
) -> Response {
    let roles = match app.roles(&session.principal).await {
        Ok(roles) => roles,
        Err(error) => return error_page(error),
    };
    let settings = match settings {
        Some(settings) => settings,
        None => match app.access_settings(&session.principal).await {
            Ok(stored) => settings_form(&AccessSettingsInput::of(&stored), None),
            Err(error) => return error_page(error),
        },
    };
    let refused = !form.errors.is_empty() || !settings.errors.is_empty() || problem.is_some();
    refused_if(
        refused,
        render(&RolesPage {
            layout: Layout::new(session, ""),
            problem,
            roles: roles.into_iter().map(row).collect(),
            actions: Action::ALL.map(Action::as_str).to_vec(),
            form,
            settings,
        }),
    )
}

/// The role form as sent; a permission is "area:action".
#[derive(Deserialize, Default)]
#[serde(default)]
struct SubmittedRole {
    name: String,
    label: String,
    #[serde(deserialize_with = "repeated")]
    permission: Vec<String>,
    #[serde(deserialize_with = "repeated")]
    category: Vec<String>,
    #[serde(deserialize_with = "filled")]
    record_scope: Option<String>,
}

fn input_from(form: SubmittedRole) -> RoleInput {
    let mut permissions: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for pair in form.permission {
        if let Some((area, action)) = pair.split_once(':') {
            permissions
                .entry(area.to_string())
                .or_default()
                .push(action.to_string());
        }
    }
    RoleInput {
        name: form.name,
        label: form.label,
        permissions,
        categories: form.category,
        record_scope: form.record_scope,
    }
}

async fn roles(State(app): State<App>, session: PageSession) -> Response {
    let form = role_form(None, &RoleInput::default(), None);
    page(&app, &session, form, None, None).await
}

async fn edit_role(State(app): State<App>, session: PageSession, PageId(id): PageId) -> Response {
    match app.custom_role(&session.principal, RoleId(id)).await {
        Ok(role) => {
            let form = role_form(Some(role.id), &role.to_input(), None);
            page(&app, &session, form, None, None).await
        }
        Err(error) => error_page(error),
    }
}

/// Defines a role (`id` None) or changes one; errors go back to the form.
async fn save_role(
    app: &App,
    session: &PageSession,
    id: Option<RoleId>,
    form: SubmittedRole,
) -> Response {
    let input = input_from(form);
    let saved = match id {
        None => app.create_custom_role(&session.principal, &input).await,
        Some(id) => app.update_custom_role(&session.principal, id, &input).await,
    };
    let errors = match saved {
        Ok(_) => return Redirect::to("/admin/roles").into_response(),
        Err(AppError::Validation(errors)) => errors,
        Err(AppError::Refused(Refusal::Duplicate { .. })) => {
            ValidationErrors::single("name", "duplicate", "A role with this name exists.")
        }
        Err(error) => return error_page(error),
    };
    let form = role_form(id, &input, Some(&errors));
    page(app, session, form, None, None).await
}

async fn create_role(
    State(app): State<App>,
    session: PageSession,
    CsrfForm(form): CsrfForm<SubmittedRole>,
) -> Response {
    save_role(&app, &session, None, form).await
}

async fn update_role(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(form): CsrfForm<SubmittedRole>,
) -> Response {
    save_role(&app, &session, Some(RoleId(id)), form).await
}

async fn delete_role(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    match app.delete_custom_role(&session.principal, RoleId(id)).await {
        Ok(()) => Redirect::to("/admin/roles").into_response(),
        Err(AppError::Refused(Refusal::InUse(message))) => {
            let form = role_form(None, &RoleInput::default(), None);
            page(&app, &session, form, None, Some(message.to_string())).await
        }
        Err(error) => error_page(error),
    }
}

/// The tenant's access settings as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
struct AccessSettingsForm {
    sales_record_scope: String,
    support_record_scope: String,
    #[serde(deserialize_with = "repeated")]
    sensitive: Vec<String>,
}

async fn save_settings(
    State(app): State<App>,
    session: PageSession,
    CsrfForm(form): CsrfForm<AccessSettingsForm>,
) -> Response {
    let input = AccessSettingsInput {
        sales_record_scope: form.sales_record_scope,
        support_record_scope: form.support_record_scope,
        sensitive_categories: form.sensitive,
    };
    match app.set_access_settings(&session.principal, &input).await {
        Ok(_) => Redirect::to("/admin/roles").into_response(),
        Err(AppError::Validation(errors)) => {
            let settings = settings_form(&input, Some(&errors));
            let form = role_form(None, &RoleInput::default(), None);
            page(&app, &session, form, Some(settings), None).await
        }
        Err(error) => error_page(error),
    }
}
