//! Contact pages: list, detail with timeline and a form to add an activity,
//! create and edit forms.

use super::activities::{activity_form, new_activity, submitted_activity, SubmittedActivity};
use super::assets::asset_cell;
use super::choices::{organisation_picker, owner_options};
use super::forms::{filled, lines, link};
use super::listing::{plain_headers, sort_header};
use super::lists::{csv, list, ListedRecord};
use super::path_id::PageId;
use super::record_form::{create, delete, edit_form, new_spec, show_form, update, FormRecord};
use super::session::PageSession;
use super::templates::{DetailPage, ListFilter, Related};
use super::views::Header;
use super::views::{
    allowed, detail, error_page, merged, options, render, timeline, unless_masked, Cell,
    DetailField, FormField, Layout, Prefill,
};
use crate::api::resources::Contacts;
use crate::csrf::CsrfForm;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use custodian_app::records::Exported;
use custodian_app::records::ListParams;
use custodian_app::Principal;
use custodian_app::{App, AppError};
use custodian_core::access::{Action, Area};
use custodian_core::activities::ActivityInput;
use custodian_core::audit::RecordType;
use custodian_core::contacts::{Contact, ContactInput, Gender};
use custodian_core::time::CalendarDate;
use custodian_core::values::Address;
use custodian_core::Refusal;
use custodian_core::{ContactId, OrganisationId, UserId, ValidationErrors};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/contacts", get(list::<Contacts>).post(create::<Contacts>))
        .route("/contacts.csv", get(csv::<Contacts>))
        .route("/contacts/new", get(new_form))
        .route("/contacts/{id}", get(show).post(update::<Contacts>))
        .route("/contacts/{id}/edit", get(edit_form::<Contacts>))
        .route("/contacts/{id}/delete", post(delete::<Contacts>))
        .route("/contacts/{id}/activities", post(add_activity))
}

impl FormRecord for Contacts {
    const NOUN: &'static str = "contact";

    type Form = ContactForm;

    fn from_form(form: ContactForm) -> ContactInput {
        form.into_input()
    }

    fn to_input(record: &Contact) -> ContactInput {
        record.to_input()
    }

    fn name(record: &Contact) -> String {
        record.full_name()
    }

    async fn fields(
        app: &App,
        session: &PageSession,
        input: &ContactInput,
    ) -> Result<Vec<FormField>, AppError> {
        contact_fields(app, session, input).await
    }
}

impl ListedRecord for Contacts {
    const TITLE: &'static str = "Contacts";
    const NOUNS: (&'static str, &'static str) = ("contact", "contacts");

    fn filter(params: &ListParams) -> Option<ListFilter> {
        Some(ListFilter {
            name: "q",
            label: "Last name starts with",
            value: params.q.clone().unwrap_or_default(),
            choices: Vec::new(),
        })
    }

    fn headers(params: &ListParams) -> Vec<Header> {
        let mut headers = vec![sort_header("Name", "/contacts", "last_name", params)];
        headers.extend(plain_headers(&[
            "Position",
            "Organisation",
            "Email",
            "Phone",
        ]));
        headers
    }

    fn row(c: &Contact) -> Vec<Cell> {
        vec![
            Cell::link(
                match c.restricted_since {
                    Some(_) => format!("{}, {} · restricted", c.last_name, c.first_name),
                    None => format!("{}, {}", c.last_name, c.first_name),
                },
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
    }

    async fn export(
        app: &App,
        principal: &Principal,
        params: &ListParams,
    ) -> Result<Exported<Contact>, AppError> {
        app.export_contacts(principal, params).await
    }
}

async fn contact_fields(
    app: &App,
    session: &PageSession,
    input: &ContactInput,
) -> Result<Vec<FormField>, AppError> {
    let organisation = organisation_picker(app, &session.principal, input.organisation_id).await?;
    let owners = owner_options(app, &session.principal, input.owner_id).await?;
    let genders: Vec<String> = input.gender.clone().into_iter().collect();
    let address = &input.work_address;
    Ok(vec![
        FormField::input("first_name", "First name", "text", &input.first_name),
        FormField::input("last_name", "Last name", "text", &input.last_name),
        FormField::select("owner_id", "Owner", owners),
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
        organisation,
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
        FormField::country(
            "work_address.country",
            "Country",
            address.country.as_deref().unwrap_or_default(),
        ),
    ])
}

/// The contact form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ContactForm {
    #[serde(deserialize_with = "link")]
    owner_id: Option<i64>,
    #[serde(deserialize_with = "link")]
    organisation_id: Option<i64>,
    #[serde(deserialize_with = "filled")]
    gender: Option<String>,
    first_name: String,
    last_name: String,
    #[serde(deserialize_with = "filled")]
    position: Option<String>,
    #[serde(deserialize_with = "lines")]
    emails: Vec<String>,
    #[serde(deserialize_with = "lines")]
    phones: Vec<String>,
    #[serde(rename = "work_address.street", deserialize_with = "filled")]
    street: Option<String>,
    #[serde(rename = "work_address.postcode", deserialize_with = "filled")]
    postcode: Option<String>,
    #[serde(rename = "work_address.city", deserialize_with = "filled")]
    city: Option<String>,
    #[serde(rename = "work_address.country", deserialize_with = "filled")]
    country: Option<String>,
}

impl ContactForm {
    fn into_input(self) -> ContactInput {
        ContactInput {
            owner_id: self.owner_id.map(UserId),
            organisation_id: self.organisation_id.map(OrganisationId),
            gender: self.gender,
            first_name: self.first_name,
            last_name: self.last_name,
            position: self.position,
            emails: self.emails,
            phones: self.phones,
            work_address: Address {
                street: self.street,
                postcode: self.postcode,
                city: self.city,
                country: self.country,
            },
        }
    }
}

async fn new_form(
    State(app): State<App>,
    session: PageSession,
    Query(prefill): Query<Prefill>,
) -> Response {
    let input = ContactInput {
        owner_id: Some(session.principal.user_id),
        organisation_id: prefill.organisation_id.map(OrganisationId),
        ..Default::default()
    };
    show_form::<Contacts>(&app, &session, new_spec::<Contacts>(), &input, None).await
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
    let scoped = ListParams {
        contact_id: Some(id),
        limit: Some(50),
        ..Default::default()
    };
    let (activities, changes, assets) = match (
        app.activities(&session.principal, &scoped).await,
        app.record_history(&session.principal, RecordType::Contact, id)
            .await,
        app.assets(&session.principal, &scoped).await,
    ) {
        (Ok(a), Ok(c), Ok(s)) => (a.items, c, s.items),
        (Err(error), _, _) | (_, Err(error), _) | (_, _, Err(error)) => return error_page(error),
    };
    let tickets = match super::helpdesk::tickets_on_timeline(
        app,
        session,
        ListParams {
            contact_id: Some(id),
            ..Default::default()
        },
    )
    .await
    {
        Ok(tickets) => tickets,
        Err(error) => return error_page(error),
    };
    let m = &contact;
    let mut fields = vec![
        detail("Owner", contact.owner_name.clone().unwrap_or_default()),
        detail(
            "Gender",
            unless_masked(
                m,
                "gender",
                contact.gender.map(|g| g.as_str()).unwrap_or(""),
            ),
        ),
        detail(
            "Position",
            unless_masked(m, "position", contact.position.clone().unwrap_or_default()),
        ),
        DetailField {
            label: "Organisation",
            value: contact.organisation_name.clone().unwrap_or_default(),
            href: contact
                .organisation_id
                .map(|o| format!("/organisations/{o}")),
        },
        detail(
            "Emails",
            unless_masked(m, "emails", contact.emails.join(", ")),
        ),
        detail(
            "Phones",
            unless_masked(m, "phones", contact.phones.join(", ")),
        ),
        detail(
            "Work address",
            unless_masked(m, "work_address", contact.work_address.one_line()),
        ),
        detail(
            "Last changed",
            format!("{} UTC", contact.updated_at.display()),
        ),
    ];
    fields.retain(|f| !f.value.is_empty());
    // Colleagues at the same organisation can be linked to the same activity.
    let colleagues = match contact.organisation_id {
        Some(org) => match app.contact_choices(&session.principal, Some(org)).await {
            Ok(people) => people.into_iter().filter(|(c, _)| c.0 != id).collect(),
            Err(error) => return error_page(error),
        },
        None => Vec::new(),
    };
    // While processing is restricted only the privacy area changes the
    // record or what links to it: others are not offered to.
    let frozen = contact.restricted_since.is_some()
        && session
            .principal
            .authorize(Area::Privacy, Action::Update)
            .is_err();
    let fresh = new_activity();
    let (input, errors) = match activity {
        Some((input, errors)) => (input, Some(errors)),
        None => (&fresh, None),
    };
    render(&DetailPage {
        layout: Layout::new(session, ""),
        badge: contact
            .restricted_since
            .map(|since| format!("Restricted (Art. 18) since {}", CalendarDate::of(since))),
        title: contact.full_name(),
        notice: None,
        edit_href: format!("/contacts/{id}/edit"),
        can_edit: !frozen && allowed(session, RecordType::Contact, Action::Update),
        can_delete: !frozen && allowed(session, RecordType::Contact, Action::Delete),
        delete_action: format!("/contacts/{id}/delete"),
        access_href: format!("/audit?contact_id={id}"),
        actions: if session
            .principal
            .authorize(Area::Privacy, Action::Create)
            .is_ok()
        {
            vec![(
                format!("/privacy/requests?contact_id={id}#log"),
                "Log privacy request",
            )]
        } else {
            Vec::new()
        },
        fields,
        related: vec![
            Related {
                title: "Assets",
                items: assets.iter().map(asset_cell).collect(),
                add_href: (!frozen).then(|| format!("/assets/new?contact_id={id}")),
            },
            Related {
                title: "Consents",
                items: vec![Cell::link(
                    if contact.marketing_objection_since.is_some() {
                        "Consents and receipt (objects to direct marketing)".to_string()
                    } else {
                        "Consents and receipt".to_string()
                    },
                    format!("/contacts/{id}/consents"),
                )],
                add_href: None,
            },
            Related {
                title: "Customer portal",
                items: vec![Cell::link(
                    "Portal access".to_string(),
                    format!("/contacts/{id}/portal"),
                )],
                add_href: None,
            },
            Related {
                title: "Tickets",
                items: vec![Cell::link(
                    format!(
                        "Every ticket they raised ({} on the timeline)",
                        tickets.len()
                    ),
                    format!("/tickets?status=all&contact_id={id}"),
                )],
                add_href: (!frozen && allowed(session, RecordType::Ticket, Action::Create))
                    .then(|| format!("/tickets/new?contact_id={id}")),
            },
        ]
        .into_iter()
        .filter(|section| {
            section.title != "Tickets" || allowed(session, RecordType::Ticket, Action::Read)
        })
        .collect(),
        activity_form: (!frozen).then(|| {
            activity_form(
                format!("/contacts/{id}/activities"),
                input,
                errors,
                colleagues,
                "Also with (colleagues)",
            )
        }),
        timeline: merged(timeline(&activities, &changes), tickets),
    })
}

async fn show(State(app): State<App>, session: PageSession, PageId(id): PageId) -> Response {
    show_page(&app, &session, id, None).await
}

async fn add_activity(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(form): CsrfForm<SubmittedActivity>,
) -> Response {
    let input = submitted_activity(form, Some(ContactId(id)), None);
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
        Ok(_) => Redirect::to(&format!("/contacts/{id}")).into_response(),
        Err(AppError::Validation(errors)) => {
            let mut response = show_page(&app, &session, id, Some((&input, &errors))).await;
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
        Err(error) => error_page(error),
    }
}
