//! Contact pages: list, detail with timeline and a form to add an activity,
//! create and edit forms.

use super::forms::FormData;
use super::session::PageSession;
use super::views::{
    attach_errors, detail, error_page, options, render, ActivityForm, Cell, DetailField, FormField,
    Header, Layout, TimelineItem,
};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use custodian_app::records::ListParams;
use custodian_app::{App, AppError};
use custodian_core::activities::ActivityInput;
use custodian_core::contacts::{ContactInput, Gender};
use custodian_core::time::Timestamp;
use custodian_core::values::Address;
use custodian_core::{ContactId, OrganisationId, ValidationErrors};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/contacts", get(list).post(create))
        .route("/contacts/new", get(new_form))
        .route("/contacts/{id}", get(show).post(update))
        .route("/contacts/{id}/edit", get(edit_form))
        .route("/contacts/{id}/delete", post(delete))
        .route("/contacts/{id}/activities", post(add_activity))
        .route("/activities", get(activities))
}

#[derive(Template)]
#[template(path = "list.html")]
pub(super) struct ListPage {
    pub layout: Layout,
    pub title: &'static str,
    pub new_href: Option<String>,
    pub filter: String,
    pub headers: Vec<Header>,
    pub rows: Vec<Vec<Cell>>,
    pub first_href: String,
    pub next_href: Option<String>,
}

#[derive(Template)]
#[template(path = "detail.html")]
pub(super) struct DetailPage {
    pub layout: Layout,
    pub title: String,
    pub edit_href: String,
    pub delete_action: String,
    pub fields: Vec<DetailField>,
    pub related_title: &'static str,
    pub related: Vec<Cell>,
    pub activity_form: Option<ActivityForm>,
    pub timeline: Vec<TimelineItem>,
}

#[derive(Template)]
#[template(path = "form.html")]
pub(super) struct FormPage {
    pub layout: Layout,
    pub title: String,
    pub action: String,
    pub version: Option<i64>,
    pub fields: Vec<FormField>,
    pub cancel_href: String,
    pub problem: Option<String>,
}

macro_rules! deref_layout {
    ($($page:ident),*) => {$(
        impl std::ops::Deref for $page {
            type Target = Layout;
            fn deref(&self) -> &Layout { &self.layout }
        }
    )*};
}
deref_layout!(ListPage, DetailPage, FormPage);
// The field template matches on it.
use super::views::FieldKind;

fn sort_header(label: &'static str, base: &str, field: &str, params: &ListParams) -> Header {
    let descending = params.sort.as_deref() == Some(field);
    let sort = if descending {
        format!("-{field}")
    } else {
        field.to_string()
    };
    Header {
        label,
        sort_href: Some(format!(
            "{base}?sort={sort}&q={}",
            params.q.clone().unwrap_or_default()
        )),
    }
}

pub(super) fn next_href(base: &str, params: &ListParams, cursor: Option<String>) -> Option<String> {
    cursor.map(|c| {
        format!(
            "{base}?cursor={c}&sort={}&q={}",
            params.sort.clone().unwrap_or_default(),
            params.q.clone().unwrap_or_default()
        )
    })
}

async fn list(
    State(app): State<App>,
    session: PageSession,
    Query(params): Query<ListParams>,
) -> Response {
    let page = match app.contacts(&session.principal, &params).await {
        Ok(page) => page,
        Err(error) => return error_page(error),
    };
    let rows = page
        .items
        .iter()
        .map(|c| {
            vec![
                Cell::link(
                    format!("{}, {}", c.last_name, c.first_name),
                    format!("/contacts/{}", c.id),
                ),
                Cell::text(c.position.clone().unwrap_or_default()),
                match c.organisation_id {
                    Some(org) => Cell::link(
                        c.organisation_name.clone().unwrap_or_default(),
                        format!("/organisations/{org}"),
                    ),
                    None => Cell::text(""),
                },
                Cell::text(c.emails.first().cloned().unwrap_or_default()),
                Cell::text(c.phones.first().cloned().unwrap_or_default()),
            ]
        })
        .collect();
    render(&ListPage {
        layout: Layout::new(&session, ""),
        title: "Contacts",
        new_href: Some("/contacts/new".into()),
        filter: params.q.clone().unwrap_or_default(),
        headers: vec![
            sort_header("Name", "/contacts", "last_name", &params),
            Header {
                label: "Position",
                sort_href: None,
            },
            Header {
                label: "Organisation",
                sort_href: None,
            },
            Header {
                label: "Email",
                sort_href: None,
            },
            Header {
                label: "Phone",
                sort_href: None,
            },
        ],
        rows,
        first_href: "/contacts".into(),
        next_href: next_href("/contacts", &params, page.next_cursor),
    })
}

async fn contact_fields(
    app: &App,
    session: &PageSession,
    input: &ContactInput,
) -> Result<Vec<FormField>, AppError> {
    let organisations = app.organisation_choices(&session.principal).await?;
    let selected: Vec<String> = input
        .organisation_id
        .map(|o| o.to_string())
        .into_iter()
        .collect();
    let genders: Vec<String> = input.gender.clone().into_iter().collect();
    let address = &input.work_address;
    Ok(vec![
        FormField::input("first_name", "First name", "text", &input.first_name),
        FormField::input("last_name", "Last name", "text", &input.last_name),
        FormField::select(
            "gender",
            "Gender",
            options(
                Gender::ALL
                    .iter()
                    .map(|g| (g.as_str().to_string(), g.as_str().to_string())),
                &genders,
                Some("—"),
            ),
        ),
        FormField::input(
            "position",
            "Position (job title)",
            "text",
            input.position.clone().unwrap_or_default(),
        ),
        FormField::select(
            "organisation_id",
            "Organisation",
            options(
                organisations
                    .into_iter()
                    .map(|(id, name)| (id.to_string(), name)),
                &selected,
                Some("— none —"),
            ),
        ),
        FormField::textarea(
            "emails",
            "Work emails (one per line)",
            input.emails.join("\n"),
        ),
        FormField::textarea(
            "phones",
            "Phone numbers (one per line)",
            input.phones.join("\n"),
        ),
        FormField::input(
            "work_address.street",
            "Street",
            "text",
            address.street.clone().unwrap_or_default(),
        ),
        FormField::input(
            "work_address.postcode",
            "Postcode",
            "text",
            address.postcode.clone().unwrap_or_default(),
        ),
        FormField::input(
            "work_address.city",
            "City",
            "text",
            address.city.clone().unwrap_or_default(),
        ),
        FormField::input(
            "work_address.country",
            "Country (two letters)",
            "text",
            address.country.clone().unwrap_or_default(),
        ),
    ])
}

fn contact_input(form: &FormData) -> ContactInput {
    ContactInput {
        organisation_id: form.id("organisation_id").map(OrganisationId),
        gender: form.optional("gender"),
        first_name: form.get("first_name"),
        last_name: form.get("last_name"),
        position: form.optional("position"),
        emails: form.lines("emails"),
        phones: form.lines("phones"),
        work_address: Address {
            street: form.optional("work_address.street"),
            postcode: form.optional("work_address.postcode"),
            city: form.optional("work_address.city"),
            country: form.optional("work_address.country"),
        },
    }
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    app: &App,
    session: &PageSession,
    title: String,
    action: String,
    version: Option<i64>,
    input: &ContactInput,
    errors: Option<&ValidationErrors>,
    problem: Option<String>,
    cancel_href: String,
) -> Response {
    let mut fields = match contact_fields(app, session, input).await {
        Ok(fields) => fields,
        Err(error) => return error_page(error),
    };
    if let Some(errors) = errors {
        attach_errors(&mut fields, errors);
    }
    let failed = problem.is_some();
    let mut response = render(&FormPage {
        layout: Layout::new(session, ""),
        title,
        action,
        version,
        fields,
        cancel_href,
        problem,
    });
    if failed {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

async fn new_form(State(app): State<App>, session: PageSession) -> Response {
    form_page(
        &app,
        &session,
        "New contact".into(),
        "/contacts".into(),
        None,
        &ContactInput::default(),
        None,
        None,
        "/contacts".into(),
    )
    .await
}

/// Shows a failed save again with the person's input and the errors.
async fn refused(
    app: &App,
    session: &PageSession,
    title: String,
    action: String,
    version: Option<i64>,
    input: &ContactInput,
    error: AppError,
    cancel: String,
) -> Response {
    match error {
        AppError::Validation(errors) => {
            form_page(
                app,
                session,
                title,
                action,
                version,
                input,
                Some(&errors),
                Some("Please correct the marked fields.".into()),
                cancel,
            )
            .await
        }
        AppError::UnknownReference { field } | AppError::Duplicate { field } => {
            let errors = ValidationErrors::single(field, "invalid", "This value cannot be used.");
            form_page(
                app,
                session,
                title,
                action,
                version,
                input,
                Some(&errors),
                Some("Please correct the marked fields.".into()),
                cancel,
            )
            .await
        }
        AppError::VersionMismatch { current } => {
            let message = "Someone else changed this contact while you were editing. Your changes are shown below; saving again overwrites theirs.".to_string();
            form_page(
                app,
                session,
                title,
                action,
                Some(current),
                input,
                None,
                Some(message),
                cancel,
            )
            .await
        }
        other => error_page(other),
    }
}

async fn create(
    State(app): State<App>,
    session: PageSession,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    if let Err(refused) = form.check_csrf(&session.csrf) {
        return refused;
    }
    let input = contact_input(&form);
    match app.create_contact(&session.principal, &input).await {
        Ok(contact) => Redirect::to(&format!("/contacts/{}", contact.id)).into_response(),
        Err(error) => {
            refused(
                &app,
                &session,
                "New contact".into(),
                "/contacts".into(),
                None,
                &input,
                error,
                "/contacts".into(),
            )
            .await
        }
    }
}

async fn edit_form(State(app): State<App>, session: PageSession, Path(id): Path<i64>) -> Response {
    match app.contact(&session.principal, ContactId(id)).await {
        Ok(contact) => {
            form_page(
                &app,
                &session,
                format!("Edit {}", contact.full_name()),
                format!("/contacts/{id}"),
                Some(contact.version),
                &contact.to_input(),
                None,
                None,
                format!("/contacts/{id}"),
            )
            .await
        }
        Err(error) => error_page(error),
    }
}

async fn update(
    State(app): State<App>,
    session: PageSession,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    if let Err(refused) = form.check_csrf(&session.csrf) {
        return refused;
    }
    let input = contact_input(&form);
    match app
        .update_contact(&session.principal, ContactId(id), form.version(), &input)
        .await
    {
        Ok(_) => Redirect::to(&format!("/contacts/{id}")).into_response(),
        Err(error) => {
            refused(
                &app,
                &session,
                "Edit contact".into(),
                format!("/contacts/{id}"),
                form.version(),
                &input,
                error,
                format!("/contacts/{id}"),
            )
            .await
        }
    }
}

async fn delete(
    State(app): State<App>,
    session: PageSession,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(refused) = FormData(form).check_csrf(&session.csrf) {
        return refused;
    }
    match app.delete_contact(&session.principal, ContactId(id)).await {
        Ok(()) => Redirect::to("/contacts").into_response(),
        Err(error) => error_page(error),
    }
}

pub(super) fn activity_fields(input: &ActivityInput) -> Vec<FormField> {
    let kinds: Vec<String> = vec![input.kind.clone()];
    vec![
        FormField::select(
            "kind",
            "Type",
            options(
                custodian_core::activities::ActivityKind::ALL
                    .iter()
                    .map(|k| (k.as_str().to_string(), k.label().to_string())),
                &kinds,
                None,
            ),
        ),
        FormField::input(
            "occurred_at",
            "When (UTC)",
            "datetime-local",
            &input.occurred_at,
        ),
        FormField::input("subject", "Subject", "text", &input.subject),
        FormField::textarea("body", "Notes", input.body.clone().unwrap_or_default()),
    ]
}

async fn show_page(
    app: &App,
    session: &PageSession,
    id: i64,
    activity: Option<(&ActivityInput, &ValidationErrors)>,
) -> Response {
    let contact = match app.contact(&session.principal, ContactId(id)).await {
        Ok(contact) => contact,
        Err(error) => return error_page(error),
    };
    let timeline = match app
        .activities(
            &session.principal,
            &ListParams {
                contact_id: Some(id),
                limit: Some(50),
                ..Default::default()
            },
        )
        .await
    {
        Ok(page) => page.items.iter().map(TimelineItem::from).collect(),
        Err(error) => return error_page(error),
    };
    let mut fields = vec![
        detail("Gender", contact.gender.map(|g| g.as_str()).unwrap_or("")),
        detail("Position", contact.position.clone().unwrap_or_default()),
        DetailField {
            label: "Organisation",
            value: contact.organisation_name.clone().unwrap_or_default(),
            href: contact
                .organisation_id
                .map(|o| format!("/organisations/{o}")),
        },
        detail("Emails", contact.emails.join(", ")),
        detail("Phones", contact.phones.join(", ")),
        detail("Work address", contact.work_address.one_line()),
        detail("Last changed", contact.updated_at.display()),
    ];
    fields.retain(|f| !f.value.is_empty());
    let default_input = ActivityInput {
        kind: "call".into(),
        occurred_at: Timestamp::now().to_datetime_local(),
        ..Default::default()
    };
    let (input, errors) = match activity {
        Some((input, errors)) => (input, Some(errors)),
        None => (&default_input, None),
    };
    let mut form_fields = activity_fields(input);
    if let Some(errors) = errors {
        attach_errors(&mut form_fields, errors);
    }
    render(&DetailPage {
        layout: Layout::new(session, ""),
        title: contact.full_name(),
        edit_href: format!("/contacts/{id}/edit"),
        delete_action: format!("/contacts/{id}/delete"),
        fields,
        related_title: "",
        related: Vec::new(),
        activity_form: Some(ActivityForm {
            action: format!("/contacts/{id}/activities"),
            fields: form_fields,
            open: errors.is_some(),
        }),
        timeline,
    })
}

async fn show(State(app): State<App>, session: PageSession, Path(id): Path<i64>) -> Response {
    show_page(&app, &session, id, None).await
}

async fn add_activity(
    State(app): State<App>,
    session: PageSession,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    if let Err(refused) = form.check_csrf(&session.csrf) {
        return refused;
    }
    let input = ActivityInput {
        kind: form.get("kind"),
        occurred_at: form.get("occurred_at"),
        subject: form.get("subject"),
        body: form.optional("body"),
        contact_ids: vec![ContactId(id)],
        organisation_id: None,
    };
    match app.create_activity(&session.principal, &input).await {
        Ok(_) => Redirect::to(&format!("/contacts/{id}")).into_response(),
        Err(AppError::Validation(errors)) => {
            let mut response = show_page(&app, &session, id, Some((&input, &errors))).await;
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
        Err(error) => error_page(error),
    }
}

async fn activities(
    State(app): State<App>,
    session: PageSession,
    Query(params): Query<ListParams>,
) -> Response {
    let page = match app.activities(&session.principal, &params).await {
        Ok(page) => page,
        Err(error) => return error_page(error),
    };
    let rows = page
        .items
        .iter()
        .map(|a| {
            vec![
                Cell::text(a.occurred_at.display()),
                Cell::text(a.kind.label()),
                Cell::text(a.subject.clone()),
                match a.contacts.first() {
                    Some(c) => Cell::link(c.name.clone(), format!("/contacts/{}", c.id)),
                    None => Cell::text(""),
                },
                Cell::text(a.author_name.clone().unwrap_or_default()),
            ]
        })
        .collect();
    render(&ListPage {
        layout: Layout::new(&session, ""),
        title: "Activities",
        new_href: None,
        filter: String::new(),
        headers: ["When", "Type", "Subject", "Contact", "Author"]
            .into_iter()
            .map(|label| Header {
                label,
                sort_href: None,
            })
            .collect(),
        rows,
        first_href: "/activities".into(),
        next_href: next_href("/activities", &params, page.next_cursor),
    })
}
