//! "My details" in the portal: what is kept about the person as a contact,
//! and the form to correct it (their name, job title, emails, phones, work
//! address). A change is recorded with them as the actor.

use super::session::PortalPageSession;
use super::{failure, PortalChrome};
use crate::csrf::CsrfForm;
use crate::pages::forms::{filled_text, lines_of, number};
use crate::pages::views::{refusal_lines, refused_if, render};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use custodian_app::portal::PortalDetailsInput;
use custodian_app::{App, AppError};
use custodian_core::values::Address;
use custodian_core::Refusal;
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new().route("/portal/details", get(show).post(save))
}

#[derive(Template)]
#[template(path = "portal/details.html")]
struct DetailsPage {
    chrome: PortalChrome,
    organisation: String,
    first_name: String,
    last_name: String,
    position: String,
    emails: String,
    phones: String,
    street: String,
    postcode: String,
    city: String,
    country: String,
    countries: Vec<crate::pages::views::SelectOption>,
    version: i64,
    errors: Vec<String>,
    saved: bool,
}

/// The form: as stored, or with what was typed (`typed`) and why it was
/// refused (`errors`).
async fn page(
    app: &App,
    session: &PortalPageSession,
    typed: Option<&DetailsForm>,
    errors: Vec<String>,
    saved: bool,
) -> Response {
    let contact = match app.portal().portal_details(&session.principal).await {
        Ok(contact) => contact,
        Err(error) => return failure(error),
    };
    let address = &contact.work_address;
    let mut view = DetailsPage {
        chrome: session.chrome(),
        organisation: contact.organisation_name.clone().unwrap_or_default(),
        first_name: contact.first_name.clone(),
        last_name: contact.last_name.clone(),
        position: contact.position.clone().unwrap_or_default(),
        emails: contact.emails.join("\n"),
        phones: contact.phones.join("\n"),
        street: address.street.clone().unwrap_or_default(),
        postcode: address.postcode.clone().unwrap_or_default(),
        city: address.city.clone().unwrap_or_default(),
        country: address.country.clone().unwrap_or_default(),
        countries: Vec::new(),
        version: contact.version,
        errors: Vec::new(),
        saved,
    };
    let refused = !errors.is_empty();
    view.errors = errors;
    if let Some(form) = typed {
        // What they typed stays on the form.
        view.first_name = form.first_name.clone();
        view.last_name = form.last_name.clone();
        view.position = form.position.clone();
        view.emails = form.emails.clone();
        view.phones = form.phones.clone();
        view.street = form.street.clone();
        view.postcode = form.postcode.clone();
        view.city = form.city.clone();
        view.country = form.country.clone();
    }
    view.countries = crate::pages::views::country_options(&view.country);
    refused_if(refused, render(&view))
}

async fn show(State(app): State<App>, session: PortalPageSession) -> Response {
    page(&app, &session, None, Vec::new(), false).await
}

/// The details form as typed: a refused form is shown again exactly so.
#[derive(Deserialize, Default)]
#[serde(default)]
struct DetailsForm {
    first_name: String,
    last_name: String,
    position: String,
    emails: String,
    phones: String,
    street: String,
    postcode: String,
    city: String,
    country: String,
    #[serde(rename = "_version", deserialize_with = "number")]
    version: Option<i64>,
}

async fn save(
    State(app): State<App>,
    session: PortalPageSession,
    CsrfForm(form): CsrfForm<DetailsForm>,
) -> Response {
    let input = PortalDetailsInput {
        first_name: form.first_name.clone(),
        last_name: form.last_name.clone(),
        position: filled_text(&form.position),
        emails: lines_of(&form.emails),
        phones: lines_of(&form.phones),
        work_address: Address {
            street: filled_text(&form.street),
            postcode: filled_text(&form.postcode),
            city: filled_text(&form.city),
            country: filled_text(&form.country),
        },
        version: form.version,
    };
    match app.portal().portal_update_details(&session.principal, &input).await {
        Ok(_) => page(&app, &session, None, Vec::new(), true).await,
        Err(AppError::Validation(errors)) => {
            page(&app, &session, Some(&form), refusal_lines(&errors), false).await
        }
        // Shown as they are now: their typing would overwrite the change.
        Err(AppError::Refused(Refusal::VersionMismatch { .. })) => page(
            &app,
            &session,
            None,
            vec!["Your details were changed meanwhile (perhaps by our staff). They are shown as they are now; make your correction again.".into()],
            false,
        )
        .await,
        Err(AppError::ReturningSubject { .. }) => page(
            &app,
            &session,
            Some(&form),
            vec!["This email address or phone number cannot be used.".into()],
            false,
        )
        .await,
        Err(error) => failure(error),
    }
}
