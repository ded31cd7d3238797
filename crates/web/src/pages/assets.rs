//! Asset pages: the installed base, with serial numbers and control codes,
//! each belonging to an organisation or a contact.

use super::choices::{contact_options, organisation_options};
use super::forms::FormData;
use super::listing::{next_href, plain_headers, sort_header};
use super::path_id::PageId;
use super::record_form::{form_response, FormSpec};
use super::session::PageSession;
use super::templates::{DetailPage, ListFilter, ListPage, Related};
use super::views::Prefill;
use super::views::{detail, error_page, render, timeline, Cell, DetailField, FormField, Layout};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use custodian_app::records::ListParams;
use custodian_app::{App, AppError};
use custodian_core::assets::{Asset, AssetInput};
use custodian_core::audit::RecordType;
use custodian_core::{AssetId, ContactId, OrganisationId};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/assets", get(list).post(create))
        .route("/assets/new", get(new_form))
        .route("/assets/{id}", get(show).post(update))
        .route("/assets/{id}/edit", get(edit_form))
        .route("/assets/{id}/delete", post(delete))
}

/// An asset as a link in another record's page.
pub(super) fn asset_cell(asset: &Asset) -> Cell {
    Cell::link(
        format!("{} · {}", asset.product_name, asset.serial_number),
        format!("/assets/{}", asset.id),
    )
}

async fn list(
    State(app): State<App>,
    session: PageSession,
    Query(params): Query<ListParams>,
) -> Response {
    let page = match app.assets(&session.principal, &params).await {
        Ok(page) => page,
        Err(error) => return error_page(error),
    };
    let rows = page
        .items
        .iter()
        .map(|a| {
            vec![
                Cell::link(a.product_name.clone(), format!("/assets/{}", a.id)),
                Cell::text(a.serial_number.clone()),
                Cell::text(a.control_code.clone().unwrap_or_default()),
                Cell::time(a.created_at),
            ]
        })
        .collect();
    render(&ListPage {
        layout: Layout::new(&session, ""),
        title: "Assets",
        new_href: Some("/assets/new".into()),
        filter: Some(ListFilter {
            name: "q",
            label: "Serial number starts with",
            value: params.q.clone().unwrap_or_default(),
            choices: Vec::new(),
        }),
        headers: {
            let mut headers = plain_headers(&["Product"]);
            headers.push(sort_header(
                "Serial number",
                "/assets",
                "serial_number",
                &params,
            ));
            headers.extend(plain_headers(&["Control code", "Added"]));
            headers
        },
        rows,
        first_href: "/assets".into(),
        next_href: next_href("/assets", &params, page.next_cursor),
    })
}

async fn fields(
    app: &App,
    session: &PageSession,
    input: &AssetInput,
) -> Result<Vec<FormField>, AppError> {
    let principal = &session.principal;
    Ok(vec![
        FormField::input("product_name", "Product", "text", &input.product_name),
        FormField::input(
            "serial_number",
            "Serial number",
            "text",
            &input.serial_number,
        ),
        FormField::input(
            "control_code",
            "Control code",
            "text",
            input.control_code.clone().unwrap_or_default(),
        ),
        FormField::select(
            "organisation_id",
            "Organisation",
            organisation_options(app, principal, input.organisation_id).await?,
        ),
        FormField::select(
            "contact_id",
            "Contact",
            contact_options(app, principal, input.contact_id).await?,
        ),
    ])
}

fn input(form: &FormData) -> AssetInput {
    AssetInput {
        product_name: form.get("product_name"),
        serial_number: form.get("serial_number"),
        control_code: form.optional("control_code"),
        organisation_id: form.link("organisation_id").map(OrganisationId),
        contact_id: form.link("contact_id").map(ContactId),
    }
}

async fn form_page(
    app: &App,
    session: &PageSession,
    spec: FormSpec,
    input: &AssetInput,
    refused: Option<AppError>,
) -> Response {
    match fields(app, session, input).await {
        Ok(fields) => form_response(session, spec, fields, refused),
        Err(error) => error_page(error),
    }
}

fn new_spec() -> FormSpec {
    FormSpec {
        title: "New asset".into(),
        action: "/assets".into(),
        cancel_href: "/assets".into(),
        version: None,
        noun: "asset",
    }
}

fn edit_spec(id: i64, title: String, version: Option<i64>) -> FormSpec {
    FormSpec {
        title,
        action: format!("/assets/{id}"),
        cancel_href: format!("/assets/{id}"),
        version,
        noun: "asset",
    }
}

async fn new_form(
    State(app): State<App>,
    session: PageSession,
    Query(prefill): Query<Prefill>,
) -> Response {
    // Added from a contact's page: the asset belongs to their employer too.
    let employer = match (prefill.organisation_id, prefill.contact_id) {
        (None, Some(contact)) => app
            .contact(&session.principal, ContactId(contact))
            .await
            .ok()
            .and_then(|c| c.organisation_id),
        (org, _) => org.map(OrganisationId),
    };
    let input = AssetInput {
        organisation_id: employer,
        contact_id: prefill.contact_id.map(ContactId),
        ..Default::default()
    };
    form_page(&app, &session, new_spec(), &input, None).await
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
    match app.create_asset(&session.principal, &input).await {
        Ok(asset) => Redirect::to(&format!("/assets/{}", asset.id)).into_response(),
        Err(error) => form_page(&app, &session, new_spec(), &input, Some(error)).await,
    }
}

async fn edit_form(State(app): State<App>, session: PageSession, PageId(id): PageId) -> Response {
    match app.asset(&session.principal, AssetId(id)).await {
        Ok(asset) => {
            let title = format!("Edit {} {}", asset.product_name, asset.serial_number);
            let spec = edit_spec(id, title, Some(asset.version));
            form_page(&app, &session, spec, &asset.to_input(), None).await
        }
        Err(error) => error_page(error),
    }
}

async fn update(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    if let Err(refused) = form.check_csrf(&session.csrf) {
        return refused;
    }
    let input = input(&form);
    match app
        .update_asset(&session.principal, AssetId(id), form.version(), &input)
        .await
    {
        Ok(_) => Redirect::to(&format!("/assets/{id}")).into_response(),
        Err(error) => {
            let spec = edit_spec(id, "Edit asset".into(), form.version());
            form_page(&app, &session, spec, &input, Some(error)).await
        }
    }
}

async fn delete(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(refused) = FormData(form).check_csrf(&session.csrf) {
        return refused;
    }
    match app.delete_asset(&session.principal, AssetId(id)).await {
        Ok(()) => Redirect::to("/assets").into_response(),
        Err(error) => error_page(error),
    }
}

async fn show(State(app): State<App>, session: PageSession, PageId(id): PageId) -> Response {
    let principal = &session.principal;
    let asset = match app.asset(principal, AssetId(id)).await {
        Ok(asset) => asset,
        Err(error) => return error_page(error),
    };
    let changes = match app.record_history(principal, RecordType::Asset, id).await {
        Ok(changes) => changes,
        Err(error) => return error_page(error),
    };
    let organisation = match asset.organisation_id {
        Some(org) => app.organisation(principal, org).await.ok(),
        None => None,
    };
    let contact = match asset.contact_id {
        Some(c) => app.contact(principal, c).await.ok(),
        None => None,
    };
    let mut fields = vec![
        detail("Serial number", asset.serial_number.clone()),
        detail(
            "Control code",
            asset.control_code.clone().unwrap_or_default(),
        ),
        DetailField {
            label: "Organisation",
            value: organisation.map(|o| o.name).unwrap_or_default(),
            href: asset.organisation_id.map(|o| format!("/organisations/{o}")),
        },
        DetailField {
            label: "Contact",
            value: contact.map(|c| c.full_name()).unwrap_or_default(),
            href: asset.contact_id.map(|c| format!("/contacts/{c}")),
        },
        detail("Added", format!("{} UTC", asset.created_at.display())),
    ];
    fields.retain(|f| !f.value.is_empty());
    render(&DetailPage {
        layout: Layout::new(&session, ""),
        title: asset.product_name.clone(),
        notice: None,
        edit_href: format!("/assets/{id}/edit"),
        delete_action: format!("/assets/{id}/delete"),
        fields,
        related: Vec::<Related>::new(),
        activity_form: None,
        timeline: timeline(&[], &changes),
    })
}
