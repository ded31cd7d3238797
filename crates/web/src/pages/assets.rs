//! Asset pages: the installed base, with serial numbers and control codes,
//! each belonging to an organisation or a contact.

use super::choices::{contact_picker, organisation_picker};
use super::forms::{filled, link};
use super::listing::{plain_headers, sort_header};
use super::lists::{csv, list, ListedRecord};
use super::path_id::PageId;
use super::record_form::{create, delete, edit_form, new_spec, show_form, update, FormRecord};
use super::session::PageSession;
use super::templates::{DetailPage, ListFilter, Related};
use super::views::Header;
use super::views::Prefill;
use super::views::{
    allowed, detail, error_page, render, timeline, Cell, DetailField, FormField, Layout,
};
use crate::api::resources::Assets;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use custodian_app::records::Exported;
use custodian_app::records::ListParams;
use custodian_app::Principal;
use custodian_app::{App, AppError};
use custodian_core::access::Action;
use custodian_core::assets::{Asset, AssetInput};
use custodian_core::audit::RecordType;
use custodian_core::{AssetId, ContactId, OrganisationId};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/assets", get(list::<Assets>).post(create::<Assets>))
        .route("/assets.csv", get(csv::<Assets>))
        .route("/assets/new", get(new_form))
        .route("/assets/{id}", get(show).post(update::<Assets>))
        .route("/assets/{id}/edit", get(edit_form::<Assets>))
        .route("/assets/{id}/delete", post(delete::<Assets>))
}

impl FormRecord for Assets {
    const NOUN: &'static str = "asset";

    type Form = AssetForm;

    fn from_form(form: AssetForm) -> AssetInput {
        AssetInput {
            product_name: form.product_name,
            serial_number: form.serial_number,
            control_code: form.control_code,
            organisation_id: form.organisation_id.map(OrganisationId),
            contact_id: form.contact_id.map(ContactId),
        }
    }

    fn to_input(record: &Asset) -> AssetInput {
        record.to_input()
    }

    fn name(record: &Asset) -> String {
        format!("{} {}", record.product_name, record.serial_number)
    }

    async fn fields(
        app: &App,
        session: &PageSession,
        input: &AssetInput,
    ) -> Result<Vec<FormField>, AppError> {
        fields(app, session, input).await
    }
}

/// An asset as a link in another record's page.
pub(super) fn asset_cell(asset: &Asset) -> Cell {
    Cell::link(
        format!("{} · {}", asset.product_name, asset.serial_number),
        format!("/assets/{}", asset.id),
    )
}

impl ListedRecord for Assets {
    const TITLE: &'static str = "Assets";
    const NOUNS: (&'static str, &'static str) = ("asset", "assets");

    fn filter(params: &ListParams) -> Option<ListFilter> {
        Some(ListFilter {
            name: "q",
            label: "Serial number starts with",
            value: params.q.clone().unwrap_or_default(),
            choices: Vec::new(),
        })
    }

    fn headers(params: &ListParams) -> Vec<Header> {
        let mut headers = plain_headers(&["Product"]);
        headers.push(sort_header(
            "Serial number",
            "/assets",
            "serial_number",
            params,
        ));
        headers.extend(plain_headers(&["Control code", "Added"]));
        headers
    }

    fn row(a: &Asset) -> Vec<Cell> {
        vec![
            Cell::link(a.product_name.clone(), format!("/assets/{}", a.id)),
            Cell::text(a.serial_number.clone()),
            Cell::text(a.control_code.clone().unwrap_or_default()),
            Cell::time(a.created_at),
        ]
    }

    async fn export(
        app: &App,
        principal: &Principal,
        params: &ListParams,
    ) -> Result<Exported<Asset>, AppError> {
        app.export_assets(principal, params).await
    }
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
        organisation_picker(app, principal, input.organisation_id).await?,
        contact_picker(app, principal, "contact_id", "Contact", input.contact_id).await?,
    ])
}

/// The asset form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct AssetForm {
    product_name: String,
    serial_number: String,
    #[serde(deserialize_with = "filled")]
    control_code: Option<String>,
    #[serde(deserialize_with = "link")]
    organisation_id: Option<i64>,
    #[serde(deserialize_with = "link")]
    contact_id: Option<i64>,
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
    show_form::<Assets>(&app, &session, new_spec::<Assets>(), &input, None).await
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
        badge: None,
        title: asset.product_name.clone(),
        notice: None,
        edit_href: format!("/assets/{id}/edit"),
        can_edit: allowed(&session, RecordType::Asset, Action::Update),
        can_delete: allowed(&session, RecordType::Asset, Action::Delete),
        delete_action: format!("/assets/{id}/delete"),
        access_href: format!("/audit?record_type=asset&record_id={id}"),
        actions: Vec::new(),
        fields,
        related: Vec::<Related>::new(),
        activity_form: None,
        timeline: timeline(&[], &changes),
    })
}
