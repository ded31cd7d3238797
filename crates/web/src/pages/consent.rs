//! Consent pages: the data protection officer's consent texts
//! (/privacy/consents), and one contact's ledger with the buttons to record
//! a grant or a withdrawal side by side (/contacts/{id}/consents).

use super::forms::{filled, link, NoFields};
use super::path_id::PageId;
use super::session::PageSession;
use super::views::{error_page, refusal_lines, render, Layout, SelectOption};
use crate::csrf::CsrfForm;
use crate::downloads::attachment;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use custodian_app::{App, AppError};
use custodian_core::access::{Action, Area};
use custodian_core::privacy::consent::{
    ConsentChannel, ConsentEventInput, ConsentLedger, ConsentText, ConsentTextInput,
};
use custodian_core::purposes::LawfulBasis;
use custodian_core::{ConsentTextId, ContactId, PurposeId, Refusal, ValidationErrors};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/privacy/consents", get(texts).post(create_text))
        .route("/privacy/consents/{id}", get(edit_text).post(update_text))
        .route("/privacy/consents/{id}/publish", post(publish_text))
        .route("/contacts/{id}/consents", get(ledger).post(record))
        .route("/contacts/{id}/consent-receipt.json", get(receipt))
}

#[derive(askama::Template)]
#[template(path = "pages/consent_texts.html")]
struct TextsPage {
    layout: Layout,
    texts: Vec<ConsentText>,
    can_change: bool,
    errors: Vec<String>,
    form_title: String,
    form_action: String,
    purposes: Vec<SelectOption>,
    title: String,
    body: String,
    language: String,
}

#[derive(askama::Template)]
#[template(path = "pages/consents.html")]
struct LedgerPage {
    layout: Layout,
    contact_id: i64,
    name: String,
    objects_to_marketing: bool,
    ledger: ConsentLedger,
    can_record: bool,
    texts: Vec<SelectOption>,
    channels: Vec<SelectOption>,
    errors: Vec<String>,
}

deref_layout!(TextsPage, LedgerPage);

fn messages(errors: Option<&ValidationErrors>) -> Vec<String> {
    errors.map(refusal_lines).unwrap_or_default()
}

fn refusal(error: AppError) -> Result<ValidationErrors, Response> {
    match error {
        AppError::Validation(errors) => Ok(errors),
        AppError::Refused(Refusal::UnknownReference { field }) => Ok(ValidationErrors::single(
            field,
            "unknown_reference",
            "Choose one that exists; this one was not found.",
        )),
        AppError::Refused(Refusal::InUse(message)) => {
            Ok(ValidationErrors::single("text", "in_use", message))
        }
        other => Err(error_page(other)),
    }
}

async fn texts_page(
    app: &App,
    session: &PageSession,
    editing: Option<i64>,
    input: &ConsentTextInput,
    errors: Option<&ValidationErrors>,
) -> Response {
    let principal = &session.principal;
    let (texts, purposes) = match (
        app.privacy().consent_texts(principal).await,
        app.privacy().purposes(principal).await,
    ) {
        (Ok(texts), Ok(purposes)) => (texts, purposes),
        (Err(error), _) | (_, Err(error)) => return error_page(error),
    };
    let page = render(&TextsPage {
        layout: Layout::new(session, ""),
        texts,
        can_change: principal.authorize(Area::Privacy, Action::Create).is_ok(),
        errors: messages(errors),
        form_title: if editing.is_some() {
            "Reword the draft".into()
        } else {
            "Write a new consent text".into()
        },
        form_action: editing.map_or("/privacy/consents".into(), |id| {
            format!("/privacy/consents/{id}")
        }),
        purposes: purposes
            .iter()
            .filter(|p| p.lawful_basis == LawfulBasis::Consent)
            .map(|p| SelectOption {
                value: p.id.0.to_string(),
                label: p.name.clone(),
                selected: p.id == input.purpose_id,
            })
            .collect(),
        title: input.title.clone(),
        body: input.body.clone(),
        language: input.language.clone().unwrap_or_else(|| "en".into()),
    });
    if errors.is_some() {
        (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
    } else {
        page
    }
}

/// A consent text as written on the texts page.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ConsentTextForm {
    #[serde(deserialize_with = "link")]
    purpose_id: Option<i64>,
    title: String,
    body: String,
    #[serde(deserialize_with = "filled")]
    language: Option<String>,
}

fn text_input(form: ConsentTextForm) -> ConsentTextInput {
    ConsentTextInput {
        purpose_id: PurposeId(form.purpose_id.unwrap_or(0)),
        title: form.title,
        body: form.body,
        language: form.language,
    }
}

async fn texts(State(app): State<App>, session: PageSession) -> Response {
    texts_page(&app, &session, None, &ConsentTextInput::default(), None).await
}

async fn edit_text(State(app): State<App>, session: PageSession, PageId(id): PageId) -> Response {
    match app
        .privacy()
        .consent_text(&session.principal, ConsentTextId(id))
        .await
    {
        Ok(text) if text.published_at.is_some() => {
            let errors = ValidationErrors::single(
                "text",
                "published",
                "This text is published and never changes; write a new version instead.",
            );
            let input = ConsentTextInput {
                purpose_id: text.purpose_id,
                ..ConsentTextInput::default()
            };
            texts_page(&app, &session, None, &input, Some(&errors)).await
        }
        Ok(text) => {
            let input = ConsentTextInput {
                purpose_id: text.purpose_id,
                title: text.title,
                body: text.body,
                language: Some(text.language),
            };
            texts_page(&app, &session, Some(id), &input, None).await
        }
        Err(error) => error_page(error),
    }
}

async fn create_text(
    State(app): State<App>,
    session: PageSession,
    CsrfForm(form): CsrfForm<ConsentTextForm>,
) -> Response {
    let input = text_input(form);
    match app
        .privacy()
        .create_consent_text(&session.principal, &input)
        .await
    {
        Ok(_) => Redirect::to("/privacy/consents").into_response(),
        Err(error) => match refusal(error) {
            Ok(errors) => texts_page(&app, &session, None, &input, Some(&errors)).await,
            Err(page) => page,
        },
    }
}

async fn update_text(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(form): CsrfForm<ConsentTextForm>,
) -> Response {
    let input = text_input(form);
    match app
        .privacy()
        .update_consent_text(&session.principal, ConsentTextId(id), &input)
        .await
    {
        Ok(_) => Redirect::to("/privacy/consents").into_response(),
        Err(error) => match refusal(error) {
            Ok(errors) => texts_page(&app, &session, Some(id), &input, Some(&errors)).await,
            Err(page) => page,
        },
    }
}

async fn publish_text(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    match app
        .privacy()
        .publish_consent_text(&session.principal, ConsentTextId(id))
        .await
    {
        Ok(_) => Redirect::to("/privacy/consents").into_response(),
        Err(error) => match refusal(error) {
            Ok(errors) => {
                texts_page(
                    &app,
                    &session,
                    None,
                    &ConsentTextInput::default(),
                    Some(&errors),
                )
                .await
            }
            Err(page) => page,
        },
    }
}

async fn ledger_page(
    app: &App,
    session: &PageSession,
    contact: ContactId,
    errors: Option<&ValidationErrors>,
) -> Response {
    let principal = &session.principal;
    let person = match app.contact(principal, contact).await {
        Ok(person) => person,
        Err(error) => return error_page(error),
    };
    let ledger = match app.privacy().consent_ledger(principal, contact).await {
        Ok(ledger) => ledger,
        Err(error) => return error_page(error),
    };
    // Staff without the privacy area record against published texts only.
    let published = app
        .privacy()
        .published_consent_texts(principal)
        .await
        .unwrap_or_default();
    let page = render(&LedgerPage {
        layout: Layout::new(session, ""),
        contact_id: contact.0,
        name: person.full_name(),
        objects_to_marketing: person.marketing_objection_since.is_some(),
        ledger,
        can_record: principal
            .authorize(Area::OrganisationsAndContacts, Action::Update)
            .is_ok(),
        texts: published
            .iter()
            .map(|t| SelectOption {
                value: t.id.to_string(),
                label: format!("{}: {} (version {})", t.purpose_name, t.title, t.version),
                selected: false,
            })
            .collect(),
        channels: ConsentChannel::ALL
            .iter()
            .filter(|c| !matches!(c, ConsentChannel::Portal | ConsentChannel::Import))
            .map(|c| SelectOption {
                value: c.as_str().into(),
                label: c.label().into(),
                selected: false,
            })
            .collect(),
        errors: messages(errors),
    });
    if errors.is_some() {
        (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
    } else {
        page
    }
}

async fn ledger(State(app): State<App>, session: PageSession, PageId(id): PageId) -> Response {
    ledger_page(&app, &session, ContactId(id), None).await
}

/// A grant or a withdrawal recorded by staff, with how it was given.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ConsentEventForm {
    #[serde(deserialize_with = "link")]
    text_id: Option<i64>,
    action: String,
    channel: String,
    #[serde(deserialize_with = "filled")]
    form: Option<String>,
}

async fn record(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(form): CsrfForm<ConsentEventForm>,
) -> Response {
    let input = ConsentEventInput {
        text_id: ConsentTextId(form.text_id.unwrap_or(0)),
        action: form.action,
        channel: form.channel,
        form: form.form,
        occurred_at: None,
    };
    match app
        // A staff member's browser may send Global Privacy Control too;
        // it is not the subject's signal.
        .privacy()
        .record_consent(&session.principal, ContactId(id), &input, false)
        .await
    {
        Ok(_) => Redirect::to(&format!("/contacts/{id}/consents")).into_response(),
        Err(error) => match refusal(error) {
            Ok(errors) => ledger_page(&app, &session, ContactId(id), Some(&errors)).await,
            Err(page) => page,
        },
    }
}

async fn receipt(State(app): State<App>, session: PageSession, PageId(id): PageId) -> Response {
    match app
        .privacy()
        .consent_receipt(&session.principal, ContactId(id))
        .await
    {
        Ok(receipt) => attachment(
            "application/json",
            &format!("consent-receipt-{id}.json"),
            serde_json::to_vec_pretty(&receipt).unwrap_or_default(),
        ),
        Err(error) => error_page(error),
    }
}
