//! The create/edit form of any record. When a save is refused, the form
//! comes back with the person's input, each error next to its field, and
//! status 422; nothing they typed is lost.

use super::session::PageSession;
use super::templates::FormPage;
use super::views::{attach_errors, error_page, render, FormField, Layout};
use axum::http::StatusCode;
use axum::response::Response;
use custodian_app::AppError;
use custodian_core::ValidationErrors;

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
    let problem = match refused {
        None => None,
        Some(AppError::Validation(errors)) => {
            attach_errors(&mut fields, &errors);
            Some(CORRECT.to_string())
        }
        Some(AppError::Duplicate { field }) => {
            let message = format!("Another {} already has this value.", spec.noun);
            attach_errors(
                &mut fields,
                &ValidationErrors::single(field, "duplicate", &message),
            );
            Some(CORRECT.to_string())
        }
        Some(AppError::UnknownReference { field }) => {
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
        Some(AppError::VersionMismatch { current }) => {
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
    });
    if failed {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}
