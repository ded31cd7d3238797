//! Organisation pages: list, detail with contacts and timeline, forms.

use super::activities::{activity_form, new_activity, submitted_activity, SubmittedActivity};
use super::agreements::agreement_cell;
use super::assets::asset_cell;
use super::choices::owner_options;
use super::forms::{filled, link, NoFields};
use super::listing::{plain_headers, sort_header};
use super::lists::{csv, list, ListedRecord};
use super::path_id::PageId;
use super::record_form::{create, edit_form, new_spec, show_form, update, FormRecord};
use super::session::PageSession;
use super::templates::{DetailPage, ListFilter, Related};
use super::views::Header;
use super::views::{
    allowed, detail, error_page, merged, render, timeline, Cell, DetailField, FormField, Layout,
};
use crate::api::resources::Organisations;
use crate::csrf::CsrfForm;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use custodian_app::records::Exported;
use custodian_app::records::ListParams;
use custodian_app::Principal;
use custodian_app::{App, AppError};
use custodian_core::access::Action;
use custodian_core::activities::ActivityInput;
use custodian_core::audit::RecordType;
use custodian_core::organisations::{Organisation, OrganisationInput};
use custodian_core::values::Address;
use custodian_core::Refusal;
use custodian_core::{OrganisationId, UserId, ValidationErrors};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route(
            "/organisations",
            get(list::<Organisations>).post(create::<Organisations>),
        )
        .route("/organisations.csv", get(csv::<Organisations>))
        .route("/organisations/new", get(new_form))
        .route(
            "/organisations/{id}",
            get(show).post(update::<Organisations>),
        )
        .route("/organisations/{id}/edit", get(edit_form::<Organisations>))
        .route("/organisations/{id}/delete", post(delete))
        .route("/organisations/{id}/activities", post(add_activity))
}

impl FormRecord for Organisations {
    const NOUN: &'static str = "organisation";

    type Form = OrganisationForm;

    fn from_form(form: OrganisationForm) -> OrganisationInput {
        form.into_input()
    }

    fn to_input(record: &Organisation) -> OrganisationInput {
        record.to_input()
    }

    fn name(record: &Organisation) -> String {
        record.name.clone()
    }

    async fn fields(
        app: &App,
        session: &PageSession,
        input: &OrganisationInput,
    ) -> Result<Vec<FormField>, AppError> {
        let owners = owner_options(app, &session.principal, input.owner_id).await?;
        let mut fields = fields(input);
        fields.insert(1, FormField::select("owner_id", "Owner", owners));
        Ok(fields)
    }
}

impl ListedRecord for Organisations {
    const TITLE: &'static str = "Organisations";
    const NOUNS: (&'static str, &'static str) = ("organisation", "organisations");

    fn filter(params: &ListParams) -> Option<ListFilter> {
        Some(ListFilter {
            name: "q",
            label: "Name starts with",
            value: params.q.clone().unwrap_or_default(),
            choices: Vec::new(),
        })
    }

    fn headers(params: &ListParams) -> Vec<Header> {
        let mut headers = vec![sort_header("Name", "/organisations", "name", params)];
        headers.extend(plain_headers(&["Account", "City", "Phone"]));
        headers
    }

    fn row(o: &Organisation) -> Vec<Cell> {
        vec![
            Cell::link(o.name.clone(), format!("/organisations/{}", o.id)),
            Cell::text(o.account_number.clone().unwrap_or_default()),
            Cell::text(o.billing_address.city.clone().unwrap_or_default()),
            Cell::text(o.phone.clone().unwrap_or_default()),
        ]
    }

    async fn export(
        app: &App,
        principal: &Principal,
        params: &ListParams,
    ) -> Result<Exported<Organisation>, AppError> {
        app.export_organisations(principal, params).await
    }
}

fn address_fields(
    prefix: &'static [&'static str; 4],
    labels: &'static [&'static str; 4],
    a: &Address,
) -> Vec<FormField> {
    let values = [&a.street, &a.postcode, &a.city];
    let mut fields: Vec<FormField> = (0..3)
        .map(|i| {
            FormField::input(
                prefix[i],
                labels[i],
                "text",
                values[i].clone().unwrap_or_default(),
            )
        })
        .collect();
    fields.push(FormField::country(
        prefix[3],
        labels[3],
        a.country.as_deref().unwrap_or_default(),
    ));
    fields
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
            "Billing country",
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
            "Postal country",
        ],
        &input.postal_address,
    ));
    fields
}

/// The organisation form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct OrganisationForm {
    name: String,
    #[serde(deserialize_with = "link")]
    owner_id: Option<i64>,
    #[serde(deserialize_with = "filled")]
    website: Option<String>,
    #[serde(deserialize_with = "filled")]
    account_number: Option<String>,
    #[serde(deserialize_with = "filled")]
    phone: Option<String>,
    #[serde(rename = "billing_address.street", deserialize_with = "filled")]
    billing_street: Option<String>,
    #[serde(rename = "billing_address.postcode", deserialize_with = "filled")]
    billing_postcode: Option<String>,
    #[serde(rename = "billing_address.city", deserialize_with = "filled")]
    billing_city: Option<String>,
    #[serde(rename = "billing_address.country", deserialize_with = "filled")]
    billing_country: Option<String>,
    #[serde(rename = "postal_address.street", deserialize_with = "filled")]
    postal_street: Option<String>,
    #[serde(rename = "postal_address.postcode", deserialize_with = "filled")]
    postal_postcode: Option<String>,
    #[serde(rename = "postal_address.city", deserialize_with = "filled")]
    postal_city: Option<String>,
    #[serde(rename = "postal_address.country", deserialize_with = "filled")]
    postal_country: Option<String>,
}

impl OrganisationForm {
    fn into_input(self) -> OrganisationInput {
        OrganisationInput {
            name: self.name,
            owner_id: self.owner_id.map(UserId),
            website: self.website,
            account_number: self.account_number,
            phone: self.phone,
            billing_address: Address {
                street: self.billing_street,
                postcode: self.billing_postcode,
                city: self.billing_city,
                country: self.billing_country,
            },
            postal_address: Address {
                street: self.postal_street,
                postcode: self.postal_postcode,
                city: self.postal_city,
                country: self.postal_country,
            },
        }
    }
}

async fn new_form(State(app): State<App>, session: PageSession) -> Response {
    let input = OrganisationInput {
        owner_id: Some(session.principal.user_id),
        ..Default::default()
    };
    show_form::<Organisations>(&app, &session, new_spec::<Organisations>(), &input, None).await
}

async fn delete(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    match app
        .delete_organisation(&session.principal, OrganisationId(id))
        .await
    {
        Ok(()) => Redirect::to("/organisations").into_response(),
        Err(AppError::Refused(Refusal::InUse(reason))) => {
            let mut response = show_page(&app, &session, id, None, Some(reason.into())).await;
            *response.status_mut() = StatusCode::CONFLICT;
            response
        }
        Err(error) => error_page(error),
    }
}

async fn show(State(app): State<App>, session: PageSession, PageId(id): PageId) -> Response {
    show_page(&app, &session, id, None, None).await
}

async fn add_activity(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(form): CsrfForm<SubmittedActivity>,
) -> Response {
    let input = submitted_activity(form, None, Some(OrganisationId(id)));
    let refused = match app.create_activity(&session.principal, &input).await {
        // A linked contact deleted meanwhile: say so at the contacts field.
        Err(AppError::Refused(Refusal::UnknownReference { field })) => {
            Err(AppError::Validation(ValidationErrors::single(
                field,
                "unknown_reference",
                "A chosen contact no longer exists.",
            )))
        }
        other => other,
    };
    match refused {
        Ok(_) => Redirect::to(&format!("/organisations/{id}")).into_response(),
        Err(AppError::Validation(errors)) => {
            let mut response = show_page(&app, &session, id, Some((&input, &errors)), None).await;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
        Err(error) => error_page(error),
    }
}

async fn show_page(
    app: &App,
    session: &PageSession,
    id: i64,
    activity: Option<(&ActivityInput, &ValidationErrors)>,
    notice: Option<String>,
) -> Response {
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
    let principal = &session.principal;
    let (contacts, activities, changes, assets, agreements) = match (
        app.contacts(principal, &scoped).await,
        app.activities(principal, &scoped).await,
        app.record_history(principal, RecordType::Organisation, id)
            .await,
        app.assets(principal, &scoped).await,
        app.agreements(principal, &scoped).await,
    ) {
        (Ok(c), Ok(a), Ok(h), Ok(s), Ok(g)) => (c.items, a.items, h, s.items, g.items),
        (Err(e), ..) | (_, Err(e), ..) | (_, _, Err(e), ..) | (.., Err(e), _) | (.., Err(e)) => {
            return error_page(e)
        }
    };
    let tickets = match super::helpdesk::tickets_on_timeline(
        app,
        session,
        ListParams {
            organisation_id: Some(id),
            ..Default::default()
        },
    )
    .await
    {
        Ok(tickets) => tickets,
        Err(error) => return error_page(error),
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
        detail("Owner", org.owner_name.clone().unwrap_or_default()),
        detail("Billing address", org.billing_address.one_line()),
        detail("Postal address", org.postal_address.one_line()),
    ];
    fields.retain(|f| !f.value.is_empty());
    let staff = contacts
        .iter()
        .map(|c| (c.id, c.full_name()))
        .collect::<Vec<_>>();
    let fresh = new_activity();
    let (input, errors) = match activity {
        Some((input, errors)) => (input, Some(errors)),
        None => (&fresh, None),
    };
    render(&DetailPage {
        layout: Layout::new(session, ""),
        badge: None,
        title: org.name.clone(),
        notice,
        edit_href: format!("/organisations/{id}/edit"),
        can_edit: allowed(session, RecordType::Organisation, Action::Update),
        can_delete: allowed(session, RecordType::Organisation, Action::Delete),
        delete_action: format!("/organisations/{id}/delete"),
        access_href: format!("/audit?record_type=organisation&record_id={id}"),
        actions: Vec::new(),
        fields,
        related: vec![
            Related {
                title: "Contacts",
                items: contacts
                    .iter()
                    .map(|c| Cell::link(c.full_name(), format!("/contacts/{}", c.id)))
                    .collect(),
                add_href: Some(format!("/contacts/new?organisation_id={id}")),
            },
            Related {
                title: "Assets",
                items: assets.iter().map(asset_cell).collect(),
                add_href: Some(format!("/assets/new?organisation_id={id}")),
            },
            Related {
                title: "Agreements",
                items: agreements.iter().map(agreement_cell).collect(),
                add_href: Some(format!("/agreements/new?organisation_id={id}")),
            },
            Related {
                title: "Tickets",
                items: vec![Cell::link(
                    format!(
                        "Every ticket of {} ({} on the timeline)",
                        org.name,
                        tickets.len()
                    ),
                    format!("/tickets?status=all&organisation_id={id}"),
                )],
                add_href: allowed(session, RecordType::Ticket, Action::Create)
                    .then(|| format!("/tickets/new?organisation_id={id}")),
            },
        ]
        .into_iter()
        .filter(|section| {
            section.title != "Tickets" || allowed(session, RecordType::Ticket, Action::Read)
        })
        .collect(),
        activity_form: Some(activity_form(
            format!("/organisations/{id}/activities"),
            input,
            errors,
            staff,
            "With (contacts)",
        )),
        timeline: merged(timeline(&activities, &changes), tickets),
    })
}
