//! Organisation pages: list, detail with contacts and timeline, forms.

use super::contacts::{next_href, DetailPage, FormPage, ListPage};
use super::forms::FormData;
use super::session::PageSession;
use super::views::{
    attach_errors, detail, error_page, render, Cell, DetailField, FormField, Header, Layout,
    TimelineItem,
};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use custodian_app::records::ListParams;
use custodian_app::{App, AppError};
use custodian_core::organisations::OrganisationInput;
use custodian_core::values::Address;
use custodian_core::{OrganisationId, ValidationErrors};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/organisations", get(list).post(create))
        .route("/organisations/new", get(new_form))
        .route("/organisations/{id}", get(show).post(update))
        .route("/organisations/{id}/edit", get(edit_form))
        .route("/organisations/{id}/delete", post(delete))
}

async fn list(
    State(app): State<App>,
    session: PageSession,
    Query(params): Query<ListParams>,
) -> Response {
    let page = match app.organisations(&session.principal, &params).await {
        Ok(page) => page,
        Err(error) => return error_page(error),
    };
    let rows = page
        .items
        .iter()
        .map(|o| {
            vec![
                Cell::link(o.name.clone(), format!("/organisations/{}", o.id)),
                Cell::text(o.account_number.clone().unwrap_or_default()),
                Cell::text(o.billing_address.city.clone().unwrap_or_default()),
                Cell::text(o.phone.clone().unwrap_or_default()),
            ]
        })
        .collect();
    let sort = if params.sort.as_deref() == Some("name") {
        "-name"
    } else {
        "name"
    };
    render(&ListPage {
        layout: Layout::new(&session, ""),
        title: "Organisations",
        new_href: Some("/organisations/new".into()),
        filter: params.q.clone().unwrap_or_default(),
        headers: vec![
            Header {
                label: "Name",
                sort_href: Some(format!("/organisations?sort={sort}")),
            },
            Header {
                label: "Account",
                sort_href: None,
            },
            Header {
                label: "City",
                sort_href: None,
            },
            Header {
                label: "Phone",
                sort_href: None,
            },
        ],
        rows,
        first_href: "/organisations".into(),
        next_href: next_href("/organisations", &params, page.next_cursor),
    })
}

fn address_fields(
    prefix: &'static [&'static str; 4],
    labels: &'static [&'static str; 4],
    a: &Address,
) -> Vec<FormField> {
    let values = [&a.street, &a.postcode, &a.city, &a.country];
    (0..4)
        .map(|i| {
            FormField::input(
                prefix[i],
                labels[i],
                "text",
                values[i].clone().unwrap_or_default(),
            )
        })
        .collect()
}

fn fields(input: &OrganisationInput) -> Vec<FormField> {
    let mut fields = vec![
        FormField::input("name", "Name", "text", &input.name),
        FormField::input(
            "website",
            "Website",
            "url",
            input.website.clone().unwrap_or_default(),
        ),
        FormField::input(
            "account_number",
            "Account number",
            "text",
            input.account_number.clone().unwrap_or_default(),
        ),
        FormField::input(
            "phone",
            "Phone",
            "tel",
            input.phone.clone().unwrap_or_default(),
        ),
    ];
    fields.extend(address_fields(
        &[
            "billing_address.street",
            "billing_address.postcode",
            "billing_address.city",
            "billing_address.country",
        ],
        &[
            "Billing street",
            "Billing postcode",
            "Billing city",
            "Billing country (two letters)",
        ],
        &input.billing_address,
    ));
    fields.extend(address_fields(
        &[
            "postal_address.street",
            "postal_address.postcode",
            "postal_address.city",
            "postal_address.country",
        ],
        &[
            "Postal street",
            "Postal postcode",
            "Postal city",
            "Postal country (two letters)",
        ],
        &input.postal_address,
    ));
    fields
}

fn input(form: &FormData) -> OrganisationInput {
    let address = |p: &str| Address {
        street: form.optional(&format!("{p}.street")),
        postcode: form.optional(&format!("{p}.postcode")),
        city: form.optional(&format!("{p}.city")),
        country: form.optional(&format!("{p}.country")),
    };
    OrganisationInput {
        name: form.get("name"),
        website: form.optional("website"),
        account_number: form.optional("account_number"),
        phone: form.optional("phone"),
        billing_address: address("billing_address"),
        postal_address: address("postal_address"),
    }
}

fn form_page(
    session: &PageSession,
    title: String,
    action: String,
    version: Option<i64>,
    input: &OrganisationInput,
    error: Option<AppError>,
) -> Response {
    let mut form_fields = fields(input);
    let mut problem = None;
    let mut version = version;
    match error {
        None => {}
        Some(AppError::Validation(errors)) => {
            attach_errors(&mut form_fields, &errors);
            problem = Some("Please correct the marked fields.".to_string());
        }
        Some(AppError::Duplicate { field }) => {
            attach_errors(
                &mut form_fields,
                &ValidationErrors::single(
                    field,
                    "duplicate",
                    "Another organisation already has this account number.",
                ),
            );
            problem = Some("Please correct the marked fields.".to_string());
        }
        Some(AppError::VersionMismatch { current }) => {
            version = Some(current);
            problem = Some("Someone else changed this organisation while you were editing. Your changes are shown below; saving again overwrites theirs.".into());
        }
        Some(other) => return error_page(other),
    }
    let failed = problem.is_some();
    let cancel_href = if action == "/organisations" {
        action.clone()
    } else {
        action.clone()
    };
    let mut response = render(&FormPage {
        layout: Layout::new(session, ""),
        title,
        action,
        version,
        fields: form_fields,
        cancel_href,
        problem,
    });
    if failed {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

async fn new_form(session: PageSession) -> Response {
    form_page(
        &session,
        "New organisation".into(),
        "/organisations".into(),
        None,
        &OrganisationInput::default(),
        None,
    )
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
    let input = input(&form);
    match app.create_organisation(&session.principal, &input).await {
        Ok(org) => Redirect::to(&format!("/organisations/{}", org.id)).into_response(),
        Err(error) => form_page(
            &session,
            "New organisation".into(),
            "/organisations".into(),
            None,
            &input,
            Some(error),
        ),
    }
}

async fn edit_form(State(app): State<App>, session: PageSession, Path(id): Path<i64>) -> Response {
    match app
        .organisation(&session.principal, OrganisationId(id))
        .await
    {
        Ok(org) => form_page(
            &session,
            format!("Edit {}", org.name),
            format!("/organisations/{id}"),
            Some(org.version),
            &org.to_input(),
            None,
        ),
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
    let input = input(&form);
    match app
        .update_organisation(
            &session.principal,
            OrganisationId(id),
            form.version(),
            &input,
        )
        .await
    {
        Ok(_) => Redirect::to(&format!("/organisations/{id}")).into_response(),
        Err(error) => form_page(
            &session,
            "Edit organisation".into(),
            format!("/organisations/{id}"),
            form.version(),
            &input,
            Some(error),
        ),
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
    match app
        .delete_organisation(&session.principal, OrganisationId(id))
        .await
    {
        Ok(()) => Redirect::to("/organisations").into_response(),
        Err(error) => error_page(error),
    }
}

async fn show(State(app): State<App>, session: PageSession, Path(id): Path<i64>) -> Response {
    let org = match app
        .organisation(&session.principal, OrganisationId(id))
        .await
    {
        Ok(org) => org,
        Err(error) => return error_page(error),
    };
    let scoped = ListParams {
        organisation_id: Some(id),
        limit: Some(50),
        ..Default::default()
    };
    let (contacts, timeline) = match (
        app.contacts(&session.principal, &scoped).await,
        app.activities(&session.principal, &scoped).await,
    ) {
        (Ok(c), Ok(t)) => (c.items, t.items),
        (Err(error), _) | (_, Err(error)) => return error_page(error),
    };
    let mut fields: Vec<DetailField> = vec![
        DetailField {
            label: "Website",
            value: org.website.clone().unwrap_or_default(),
            href: org.website.clone(),
        },
        detail(
            "Account number",
            org.account_number.clone().unwrap_or_default(),
        ),
        detail("Phone", org.phone.clone().unwrap_or_default()),
        detail("Billing address", org.billing_address.one_line()),
        detail("Postal address", org.postal_address.one_line()),
    ];
    fields.retain(|f| !f.value.is_empty());
    render(&DetailPage {
        layout: Layout::new(&session, ""),
        title: org.name.clone(),
        edit_href: format!("/organisations/{id}/edit"),
        delete_action: format!("/organisations/{id}/delete"),
        fields,
        related_title: "Contacts",
        related: contacts
            .iter()
            .map(|c| Cell::link(c.full_name(), format!("/contacts/{}", c.id)))
            .collect(),
        activity_form: None,
        timeline: timeline.iter().map(TimelineItem::from).collect(),
    })
}
