//! Choice lists for linking records (an asset's organisation, a contact's
//! organisation). The lists are capped, so the record already linked is
//! always added: saving a form must never drop a link the person did not
//! touch. Organisation and contact fields are pickers: with JavaScript the
//! person types and any record in reach is found (`pickers`).

use super::pickers::Pick;
use super::views::{options, FormField, SelectOption};
use custodian_app::{App, AppError, Principal};
use custodian_core::Refusal;
use custodian_core::{ContactId, OrganisationId, UserId};

/// The `organisation_id` field of a form, "Organisation", with type-ahead.
pub(super) async fn organisation_picker(
    app: &App,
    principal: &Principal,
    selected: Option<OrganisationId>,
) -> Result<FormField, AppError> {
    let choices = organisation_options(app, principal, selected).await?;
    Ok(FormField::select("organisation_id", "Organisation", choices).picking(Pick::Organisation))
}

/// A field linking a contact, with type-ahead.
pub(super) async fn contact_picker(
    app: &App,
    principal: &Principal,
    name: &'static str,
    label: &'static str,
    selected: Option<ContactId>,
) -> Result<FormField, AppError> {
    let choices = contact_options(app, principal, selected).await?;
    Ok(FormField::select(name, label, choices).picking(Pick::Contact))
}

async fn organisation_options(
    app: &App,
    principal: &Principal,
    selected: Option<OrganisationId>,
) -> Result<Vec<SelectOption>, AppError> {
    let mut choices = app.organisation_choices(principal).await?;
    if let Some(id) = selected {
        if !choices.iter().any(|(choice, _)| *choice == id) {
            match app.organisation(principal, id).await {
                Ok(org) => choices.insert(0, (id, org.name)),
                // Out of the reader's reach (or gone): kept, so that saving
                // the form does not drop the link.
                Err(AppError::Refused(Refusal::NotFound)) => choices.insert(
                    0,
                    (id, format!("Organisation {id} (not among your records)")),
                ),
                Err(error) => return Err(error),
            }
        }
    }
    Ok(as_options(choices, selected))
}

async fn contact_options(
    app: &App,
    principal: &Principal,
    selected: Option<ContactId>,
) -> Result<Vec<SelectOption>, AppError> {
    let mut choices = app.contact_choices(principal, None).await?;
    if let Some(id) = selected {
        if !choices.iter().any(|(choice, _)| *choice == id) {
            match app.contact(principal, id).await {
                Ok(contact) => {
                    let label = match &contact.organisation_name {
                        Some(employer) => format!("{} · {employer}", contact.full_name()),
                        None => contact.full_name(),
                    };
                    choices.insert(0, (id, label))
                }
                Err(AppError::Refused(Refusal::NotFound)) => {
                    choices.insert(0, (id, format!("Contact {id} (not among your records)")))
                }
                Err(error) => return Err(error),
            }
        }
    }
    Ok(as_options(choices, selected))
}

/// The staff users a record can be given to; the current owner stays
/// offered even when their access has ended.
pub(super) async fn owner_options(
    app: &App,
    principal: &Principal,
    selected: Option<UserId>,
) -> Result<Vec<SelectOption>, AppError> {
    let mut choices = app.owner_choices(principal).await?;
    if let Some(id) = selected {
        if !choices.iter().any(|(choice, _)| *choice == id) {
            choices.insert(0, (id, format!("User {id} (access ended)")));
        }
    }
    Ok(as_options(choices, selected))
}

fn as_options<Id: ToString>(choices: Vec<(Id, String)>, selected: Option<Id>) -> Vec<SelectOption> {
    let selected: Vec<String> = selected.map(|id| id.to_string()).into_iter().collect();
    options(
        choices.into_iter().map(|(id, name)| (id.to_string(), name)),
        &selected,
        Some("— none —"),
    )
}
