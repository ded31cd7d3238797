//! Agreement pages: contracts with an organisation, with term, value and
//! status; the list filters by status.

use super::choices::organisation_picker;
use super::forms::{filled, link};
use super::listing::{plain_headers, sort_header};
use super::lists::{csv, list, ListedRecord};
use super::path_id::PageId;
use super::record_form::{create, delete, edit_form, new_spec, show_form, update, FormRecord};
use super::session::PageSession;
use super::templates::{DetailPage, ListFilter, Related};
use super::views::Header;
use super::views::{
    allowed, detail, error_page, options, render, timeline, unless_masked, Cell, DetailField,
    FormField, Layout, Prefill, SelectOption,
};
use crate::api::resources::Agreements;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use custodian_app::records::Exported;
use custodian_app::records::ListParams;
use custodian_app::Principal;
use custodian_app::{App, AppError};
use custodian_core::access::Action;
use custodian_core::agreements::display_money;
use custodian_core::agreements::{Agreement, AgreementInput, AgreementStatus};
use custodian_core::audit::RecordType;
use custodian_core::{AgreementId, OrganisationId};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route(
            "/agreements",
            get(list::<Agreements>).post(create::<Agreements>),
        )
        .route("/agreements.csv", get(csv::<Agreements>))
        .route("/agreements/new", get(new_form))
        .route("/agreements/{id}", get(show).post(update::<Agreements>))
        .route("/agreements/{id}/edit", get(edit_form::<Agreements>))
        .route("/agreements/{id}/delete", post(delete::<Agreements>))
}

impl FormRecord for Agreements {
    const NOUN: &'static str = "agreement";

    type Form = AgreementForm;

    fn from_form(form: AgreementForm) -> AgreementInput {
        AgreementInput {
            title: form.title,
            organisation_id: form.organisation_id.map(OrganisationId),
            start_date: form.start_date,
            end_date: form.end_date,
            value: form.value,
            currency: form.currency,
            status: form.status,
        }
    }

    fn to_input(record: &Agreement) -> AgreementInput {
        record.to_input()
    }

    fn name(record: &Agreement) -> String {
        record.title.clone()
    }

    async fn fields(
        app: &App,
        session: &PageSession,
        input: &AgreementInput,
    ) -> Result<Vec<FormField>, AppError> {
        fields(app, session, input).await
    }
}

/// An agreement as a link in another record's page.
pub(super) fn agreement_cell(agreement: &Agreement) -> Cell {
    Cell::link(
        format!(
            "{} · {} · {}",
            agreement.title,
            agreement.status.as_str(),
            display_money(&agreement.value, &agreement.currency)
        ),
        format!("/agreements/{}", agreement.id),
    )
}

fn term(agreement: &Agreement) -> String {
    match agreement.end_date {
        Some(end) => format!("{} – {}", agreement.start_date.to_iso(), end.to_iso()),
        None => format!("from {}", agreement.start_date.to_iso()),
    }
}

fn status_choices(selected: &[String], blank: Option<&str>) -> Vec<SelectOption> {
    options(
        AgreementStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), s.as_str().to_string())),
        selected,
        blank,
    )
}

impl ListedRecord for Agreements {
    const TITLE: &'static str = "Agreements";
    const NOUNS: (&'static str, &'static str) = ("agreement", "agreements");

    fn filter(params: &ListParams) -> Option<ListFilter> {
        let selected: Vec<String> = params.status.clone().into_iter().collect();
        Some(ListFilter {
            name: "status",
            label: "Status",
            value: params.status.clone().unwrap_or_default(),
            choices: status_choices(&selected, Some("Any status")),
        })
    }

    fn headers(params: &ListParams) -> Vec<Header> {
        let mut headers = plain_headers(&["Title", "Organisation"]);
        headers.push(sort_header("Term", "/agreements", "start_date", params));
        headers.extend(plain_headers(&["Value", "Status"]));
        headers
    }

    fn row(g: &Agreement) -> Vec<Cell> {
        vec![
            Cell::link(g.title.clone(), format!("/agreements/{}", g.id)),
            Cell::link(
                g.organisation_name.clone(),
                format!("/organisations/{}", g.organisation_id),
            ),
            Cell::text(term(g)),
            Cell::text(unless_masked(
                g,
                "value",
                display_money(&g.value, &g.currency),
            )),
            Cell::text(g.status.as_str()),
        ]
    }

    async fn export(
        app: &App,
        principal: &Principal,
        params: &ListParams,
    ) -> Result<Exported<Agreement>, AppError> {
        app.export_agreements(principal, params).await
    }
}

async fn fields(
    app: &App,
    session: &PageSession,
    input: &AgreementInput,
) -> Result<Vec<FormField>, AppError> {
    let organisation = organisation_picker(app, &session.principal, input.organisation_id).await?;
    Ok(vec![
        FormField::input("title", "Title", "text", &input.title),
        organisation,
        FormField::input("start_date", "Start date", "date", &input.start_date),
        FormField::input(
            "end_date",
            "End date (empty when open-ended)",
            "date",
            input.end_date.clone().unwrap_or_default(),
        ),
        FormField::input("value", "Value", "text", &input.value),
        FormField::input("currency", "Currency (e.g. EUR)", "text", &input.currency),
        FormField::select(
            "status",
            "Status",
            status_choices(std::slice::from_ref(&input.status), None),
        ),
    ])
}

/// The agreement form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct AgreementForm {
    title: String,
    #[serde(deserialize_with = "link")]
    organisation_id: Option<i64>,
    start_date: String,
    #[serde(deserialize_with = "filled")]
    end_date: Option<String>,
    value: String,
    currency: String,
    status: String,
}

async fn new_form(
    State(app): State<App>,
    session: PageSession,
    Query(prefill): Query<Prefill>,
) -> Response {
    let input = AgreementInput {
        organisation_id: prefill.organisation_id.map(OrganisationId),
        status: AgreementStatus::Draft.as_str().into(),
        currency: "EUR".into(),
        ..Default::default()
    };
    show_form::<Agreements>(&app, &session, new_spec::<Agreements>(), &input, None).await
}

async fn show(State(app): State<App>, session: PageSession, PageId(id): PageId) -> Response {
    let principal = &session.principal;
    let agreement = match app.agreement(principal, AgreementId(id)).await {
        Ok(agreement) => agreement,
        Err(error) => return error_page(error),
    };
    let changes = match app
        .record_history(principal, RecordType::Agreement, id)
        .await
    {
        Ok(changes) => changes,
        Err(error) => return error_page(error),
    };
    let fields = vec![
        DetailField {
            label: "Organisation",
            value: agreement.organisation_name.clone(),
            href: Some(format!("/organisations/{}", agreement.organisation_id)),
        },
        detail("Term", term(&agreement)),
        detail(
            "Value",
            unless_masked(
                &agreement,
                "value",
                display_money(&agreement.value, &agreement.currency),
            ),
        ),
        detail("Status", agreement.status.as_str()),
    ];
    render(&DetailPage {
        layout: Layout::new(&session, ""),
        badge: None,
        title: agreement.title.clone(),
        notice: None,
        edit_href: format!("/agreements/{id}/edit"),
        can_edit: allowed(&session, RecordType::Agreement, Action::Update),
        can_delete: allowed(&session, RecordType::Agreement, Action::Delete),
        delete_action: format!("/agreements/{id}/delete"),
        access_href: format!("/audit?record_type=agreement&record_id={id}"),
        actions: Vec::new(),
        fields,
        related: Vec::<Related>::new(),
        activity_form: None,
        timeline: timeline(&[], &changes),
    })
}
