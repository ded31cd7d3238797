//! "My details" in the portal: what is kept about the person as a contact,
//! and the form to correct it (their name, job title, emails, phones, work
//! address). A change is recorded with them as the actor.

use super::session::PortalPageSession;
use super::{failure, PortalChrome};
use crate::csrf::CsrfForm;
use crate::pages::forms::FormData;
use crate::pages::views::{refusal_lines, refused_if, render};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use custodian_app::portal::PortalDetailsInput;
use custodian_app::{App, AppError};
use custodian_core::values::Address;

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
    typed: Option<&FormData>,
    errors: Vec<String>,
    saved: bool,
) -> Response {
    let contact = match app.portal_details(&session.principal).await {
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
        view.first_name = form.get("first_name");
        view.last_name = form.get("last_name");
        view.position = form.get("position");
        view.emails = form.get("emails");
        view.phones = form.get("phones");
        view.street = form.get("street");
        view.postcode = form.get("postcode");
        view.city = form.get("city");
        view.country = form.get("country");
    }
    view.countries = crate::pages::views::country_options(&view.country);
    refused_if(refused, render(&view))
}

async fn show(State(app): State<App>, session: PortalPageSession) -> Response {
    page(&app, &session, None, Vec::new(), false).await
}

async fn save(
    State(app): State<App>,
    session: PortalPageSession,
    CsrfForm(form): CsrfForm<FormData>,
) -> Response {
    let input = PortalDetailsInput {
        first_name: form.get("first_name"),
        last_name: form.get("last_name"),
        position: form.optional("position"),
        emails: form.lines("emails"),
        phones: form.lines("phones"),
        work_address: Address {
            street: form.optional("street"),
            postcode: form.optional("postcode"),
            city: form.optional("city"),
            country: form.optional("country"),
        },
        version: form.version(),
    };
    match app.portal_update_details(&session.principal, &input).await {
        Ok(_) => page(&app, &session, None, Vec::new(), true).await,
        Err(AppError::Validation(errors)) => {
            page(&app, &session, Some(&form), refusal_lines(&errors), false).await
        }
        // Shown as they are now: their typing would overwrite the change.
        Err(AppError::VersionMismatch { .. }) => page(
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
