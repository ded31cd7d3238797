//! The data protection officer's purposes page: the record of processing,
//! with a form to add, change and remove purposes.

use super::forms::{filled, lines, repeated, NoFields};
use super::path_id::PageId;
use super::session::PageSession;
use super::views::{error_page, refusal_lines, refused_if, render, Layout, SelectOption};
use crate::csrf::CsrfForm;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use custodian_app::{App, AppError};
use custodian_core::access::{Action, Area};
use custodian_core::catalog::Category;
use custodian_core::purposes::{LawfulBasis, Purpose, PurposeInput, SpecialCondition};
use custodian_core::Refusal;
use custodian_core::{PurposeId, ValidationErrors};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/privacy/purposes", get(purposes).post(create))
        .route("/privacy/purposes/{id}", get(edit).post(update))
        .route("/privacy/purposes/{id}/delete", post(delete))
}

struct Row {
    id: i64,
    name: String,
    description: String,
    basis: &'static str,
    condition: &'static str,
    categories: String,
    retention: String,
    recipients: String,
}

struct PurposeForm {
    title: String,
    action: String,
    editing: bool,
    name: String,
    description: String,
    bases: Vec<SelectOption>,
    categories: Vec<SelectOption>,
    conditions: Vec<SelectOption>,
    retention: String,
    recipients: String,
    direct_marketing: bool,
    errors: Vec<String>,
}

#[derive(askama::Template)]
#[template(path = "pages/purposes.html")]
struct PurposesPage {
    layout: Layout,
    problem: Option<String>,
    can_change: bool,
    purposes: Vec<Row>,
    form: PurposeForm,
}

deref_layout!(PurposesPage);

fn row(p: Purpose) -> Row {
    Row {
        id: p.id.0,
        name: p.name,
        description: p.description.unwrap_or_default(),
        basis: p.lawful_basis.label(),
        condition: p.special_category_condition.map_or("", |c| c.label()),
        categories: p
            .categories
            .iter()
            .filter_map(|c| Category::parse(c))
            .map(Category::label)
            .collect::<Vec<_>>()
            .join(", "),
        retention: p.retention,
        recipients: p.recipients.join(", "),
    }
}

fn form(
    id: Option<PurposeId>,
    input: &PurposeInput,
    errors: Option<&ValidationErrors>,
) -> PurposeForm {
    let mut conditions = vec![SelectOption {
        value: String::new(),
        label: "— none —".into(),
        selected: input
            .special_category_condition
            .as_deref()
            .unwrap_or("")
            .is_empty(),
    }];
    conditions.extend(SpecialCondition::ALL.into_iter().map(|c| SelectOption {
        value: c.as_str().into(),
        label: c.label().into(),
        selected: input.special_category_condition.as_deref() == Some(c.as_str()),
    }));
    PurposeForm {
        title: match id {
            Some(_) => format!("Edit the purpose {}", input.name),
            None => "New purpose".into(),
        },
        action: id.map_or("/privacy/purposes".into(), |id| {
            format!("/privacy/purposes/{id}")
        }),
        editing: id.is_some(),
        name: input.name.clone(),
        description: input.description.clone().unwrap_or_default(),
        bases: LawfulBasis::ALL
            .into_iter()
            .map(|b| SelectOption {
                value: b.as_str().into(),
                label: b.label().into(),
                selected: input.lawful_basis == b.as_str(),
            })
            .collect(),
        categories: Category::grantable()
            .map(|c| SelectOption {
                value: c.as_str().into(),
                label: c.label().into(),
                selected: input.categories.iter().any(|n| n == c.as_str()),
            })
            .collect(),
        conditions,
        retention: input.retention.clone(),
        recipients: input.recipients.join("\n"),
        direct_marketing: input.direct_marketing,
        errors: errors.map(refusal_lines).unwrap_or_default(),
    }
}

async fn page(
    app: &App,
    session: &PageSession,
    form: PurposeForm,
    problem: Option<String>,
) -> Response {
    let purposes = match app.privacy().purposes(&session.principal).await {
        Ok(purposes) => purposes,
        Err(error) => return error_page(error),
    };
    let refused = !form.errors.is_empty() || problem.is_some();
    refused_if(
        refused,
        render(&PurposesPage {
            layout: Layout::new(session, ""),
            problem,
            can_change: session
                .principal
                .authorize(Area::Privacy, Action::Update)
                .is_ok(),
            purposes: purposes.into_iter().map(row).collect(),
            form,
        }),
    )
}

/// The purpose form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
struct SubmittedPurpose {
    name: String,
    #[serde(deserialize_with = "filled")]
    description: Option<String>,
    lawful_basis: String,
    #[serde(deserialize_with = "filled")]
    special_category_condition: Option<String>,
    #[serde(deserialize_with = "repeated")]
    category: Vec<String>,
    retention: String,
    #[serde(deserialize_with = "lines")]
    recipients: Vec<String>,
    direct_marketing: String,
}

fn input_from(form: SubmittedPurpose) -> PurposeInput {
    PurposeInput {
        name: form.name,
        description: form.description,
        lawful_basis: form.lawful_basis,
        special_category_condition: form.special_category_condition,
        categories: form.category,
        retention: form.retention,
        recipients: form.recipients,
        direct_marketing: form.direct_marketing == "true",
    }
}

async fn purposes(State(app): State<App>, session: PageSession) -> Response {
    let empty = PurposeInput {
        lawful_basis: LawfulBasis::Contract.as_str().into(),
        ..Default::default()
    };
    page(&app, &session, form(None, &empty, None), None).await
}

async fn edit(State(app): State<App>, session: PageSession, PageId(id): PageId) -> Response {
    match app
        .privacy()
        .purpose(&session.principal, PurposeId(id))
        .await
    {
        Ok(purpose) => {
            let form = form(Some(purpose.id), &purpose.to_input(), None);
            page(&app, &session, form, None).await
        }
        Err(error) => error_page(error),
    }
}

/// Adds a purpose (`id` None) or changes one; errors go back to the form.
async fn save(
    app: &App,
    session: &PageSession,
    id: Option<PurposeId>,
    data: SubmittedPurpose,
) -> Response {
    let input = input_from(data);
    let saved = match id {
        None => {
            app.privacy()
                .create_purpose(&session.principal, &input)
                .await
        }
        Some(id) => {
            app.privacy()
                .update_purpose(&session.principal, id, &input)
                .await
        }
    };
    let errors = match saved {
        Ok(_) => return Redirect::to("/privacy/purposes").into_response(),
        Err(AppError::Validation(errors)) => errors,
        Err(AppError::Refused(Refusal::Duplicate { .. })) => {
            ValidationErrors::single("name", "duplicate", "A purpose with this name exists.")
        }
        Err(error) => return error_page(error),
    };
    page(app, session, form(id, &input, Some(&errors)), None).await
}

async fn create(
    State(app): State<App>,
    session: PageSession,
    CsrfForm(form): CsrfForm<SubmittedPurpose>,
) -> Response {
    save(&app, &session, None, form).await
}

async fn update(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(form): CsrfForm<SubmittedPurpose>,
) -> Response {
    save(&app, &session, Some(PurposeId(id)), form).await
}

async fn delete(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    match app
        .privacy()
        .delete_purpose(&session.principal, PurposeId(id))
        .await
    {
        Ok(()) => Redirect::to("/privacy/purposes").into_response(),
        Err(error) => error_page(error),
    }
}
