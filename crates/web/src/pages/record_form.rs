//! The create/edit form of any record. When a save is refused, the form
//! comes back with the person's input, each error next to its field, and
//! status 422; nothing they typed is lost.

use super::forms::NoFields;
use super::path_id::PageId;
use super::session::PageSession;
use super::templates::FormPage;
use super::views::{attach_errors, error_page, render, FormField, Layout};
use crate::api::resources::Resource;
use crate::csrf::{CsrfForm, CsrfRecordForm};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use custodian_app::{App, AppError};
use custodian_core::Refusal;
use custodian_core::ValidationErrors;
use serde::de::DeserializeOwned;
use std::future::Future;

/// A record type the back office creates and edits with a form. The
/// reading and writing come from the API's [`Resource`]; this adds the form.
pub(super) trait FormRecord: Resource {
    /// "contact", "asset": names the record in titles and messages.
    const NOUN: &'static str;
    /// The fields the form sends, as typed.
    type Form: DeserializeOwned + Send + 'static;
    fn from_form(form: Self::Form) -> Self::Input;
    fn to_input(record: &Self::Record) -> Self::Input;
    /// How the edit form's title names the record.
    fn name(record: &Self::Record) -> String;
    fn fields(
        app: &App,
        session: &PageSession,
        input: &Self::Input,
    ) -> impl Future<Output = Result<Vec<FormField>, AppError>> + Send;
}

pub(super) fn new_spec<R: FormRecord>() -> FormSpec {
    FormSpec {
        title: format!("New {}", R::NOUN),
        action: format!("/{}", R::PATH),
        cancel_href: format!("/{}", R::PATH),
        version: None,
        noun: R::NOUN,
    }
}

fn edit_spec<R: FormRecord>(id: i64, title: String, version: Option<i64>) -> FormSpec {
    FormSpec {
        title,
        action: format!("/{}/{id}", R::PATH),
        cancel_href: format!("/{}/{id}", R::PATH),
        version,
        noun: R::NOUN,
    }
}

/// The form with `input`, and why the last save failed when it did.
pub(super) async fn show_form<R: FormRecord>(
    app: &App,
    session: &PageSession,
    spec: FormSpec,
    input: &R::Input,
    refused: Option<AppError>,
) -> Response {
    match R::fields(app, session, input).await {
        Ok(fields) => form_response(session, spec, fields, refused),
        Err(error) => error_page(error),
    }
}

pub(super) async fn create<R: FormRecord>(
    State(app): State<App>,
    session: PageSession,
    form: CsrfRecordForm<R::Form>,
) -> Response {
    let input = R::from_form(form.fields);
    let principal = session
        .principal
        .clone()
        .confirming_returning_subject(form.saving.returning_subject == "confirmed");
    match R::create(&app, &principal, &input).await {
        Ok(record) => after_save::<R>(&app, &session, R::id(&record).into()).await,
        Err(error) => show_form::<R>(&app, &session, new_spec::<R>(), &input, Some(error)).await,
    }
}

pub(super) async fn edit_form<R: FormRecord>(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
) -> Response {
    match R::get(&app, &session.principal, id.into()).await {
        Ok(record) => {
            let title = format!("Edit {}", R::name(&record));
            let spec = edit_spec::<R>(id, title, Some(R::version(&record)));
            show_form::<R>(&app, &session, spec, &R::to_input(&record), None).await
        }
        Err(error) => error_page(error),
    }
}

pub(super) async fn update<R: FormRecord>(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    form: CsrfRecordForm<R::Form>,
) -> Response {
    let input = R::from_form(form.fields);
    let version = form.saving.version;
    match R::update(&app, &session.principal, id.into(), version, &input).await {
        Ok(_) => after_save::<R>(&app, &session, id).await,
        Err(error) => {
            let spec = edit_spec::<R>(id, format!("Edit {}", R::NOUN), version);
            show_form::<R>(&app, &session, spec, &input, Some(error)).await
        }
    }
}

pub(super) async fn delete<R: FormRecord>(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    match R::delete(&app, &session.principal, id.into()).await {
        Ok(()) => Redirect::to(&format!("/{}", R::PATH)).into_response(),
        Err(error) => error_page(error),
    }
}

pub(super) struct FormSpec {
    pub title: String,
    pub action: String,
    pub cancel_href: String,
    pub version: Option<i64>,
    /// "contact", "asset": names the record in messages.
    pub noun: &'static str,
}

/// The form, and when `refused` is given, why the last save failed.
pub(super) fn form_response(
    session: &PageSession,
    spec: FormSpec,
    mut fields: Vec<FormField>,
    refused: Option<AppError>,
) -> Response {
    const CORRECT: &str = "Please correct the marked fields.";
    let mut version = spec.version;
    let returning_subject = matches!(refused, Some(AppError::ReturningSubject { .. }));
    let problem = match refused {
        None => None,
        Some(AppError::Validation(errors)) => {
            attach_errors(&mut fields, &errors);
            Some(CORRECT.to_string())
        }
        Some(AppError::Refused(Refusal::Duplicate { field })) => {
            let message = format!("Another {} already has this value.", spec.noun);
            attach_errors(
                &mut fields,
                &ValidationErrors::single(field, "duplicate", &message),
            );
            Some(CORRECT.to_string())
        }
        Some(AppError::Refused(Refusal::UnknownReference { field })) => {
            attach_errors(
                &mut fields,
                &ValidationErrors::single(
                    field,
                    "unknown_reference",
                    "Choose a record that exists; this one was not found.",
                ),
            );
            Some(CORRECT.to_string())
        }
        Some(AppError::ReturningSubject { field }) => {
            attach_errors(
                &mut fields,
                &ValidationErrors::single(
                    field,
                    "previously_erased",
                    "This belongs to a person who was erased at their request.",
                ),
            );
            Some("A person with these details was erased at their request. Create the record again only if they came back of their own accord.".to_string())
        }
        Some(AppError::Restricted) => Some(
            "Processing of this person's data is restricted at their request (Art. 18): only the data protection officer can change their records. Nothing was saved.".to_string(),
        ),
        Some(AppError::Refused(Refusal::VersionMismatch { current })) => {
            version = Some(current);
            Some(format!(
                "Someone else changed this {} while you were editing. Your changes are shown below; saving again overwrites theirs.",
                spec.noun
            ))
        }
        Some(other) => return error_page(other),
    };
    let failed = problem.is_some();
    let mut response = render(&FormPage {
        layout: Layout::new(session, ""),
        title: spec.title,
        action: spec.action,
        version,
        fields,
        cancel_href: spec.cancel_href,
        problem,
        returning_subject,
    });
    if failed {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

/// To the saved record's page; to the list when the save gave the record to
/// someone outside the editor's reach, whose page would now be "not found".
async fn after_save<R: FormRecord>(app: &App, session: &PageSession, id: i64) -> Response {
    match app.reaches(&session.principal, R::RECORD_TYPE, id).await {
        Ok(true) => Redirect::to(&format!("/{}/{id}", R::PATH)).into_response(),
        Ok(false) => Redirect::to(&format!("/{}", R::PATH)).into_response(),
        Err(error) => error_page(error),
    }
}
