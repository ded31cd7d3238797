//! Legal holds: the list (active ones first, those past their review date
//! marked), the form to place one, and releasing one with a reason.

use crate::csrf::CsrfForm;
use crate::pages::forms::number;
use crate::pages::path_id::PageId;
use crate::pages::session::PageSession;
use crate::pages::views::{error_page, refusal_lines, refused_if, render, Layout, SelectOption};
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use custodian_app::names::RecordNames;
use custodian_app::{App, AppError};
use custodian_core::access::{Action, Area};
use custodian_core::audit::RecordType;
use custodian_core::retention::{HoldFields, HoldTarget, LegalHold};
use custodian_core::time::{CalendarDate, Timestamp};
use custodian_core::{LegalHoldId, Refusal, UserId};
use serde::Deserialize;
use std::collections::HashMap;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/privacy/retention/holds", get(holds).post(place))
        .route("/privacy/retention/holds/{id}", get(one))
        .route("/privacy/retention/holds/{id}/release", post(release))
}

struct HoldRow {
    id: i64,
    target: String,
    href: String,
    reason: String,
    owner: String,
    review_on: String,
    review_due: bool,
    active: bool,
    placed: String,
    released: String,
}

#[derive(Default)]
struct HoldForm {
    target: String,
    target_id: String,
    reason: String,
    owner_id: Option<i64>,
    review_on: String,
    errors: Vec<String>,
}

#[derive(askama::Template)]
#[template(path = "pages/retention/holds.html")]
struct HoldsPage {
    layout: Layout,
    can_change: bool,
    /// Whether the held record is picked by name (the reader reads the CRM).
    can_pick: bool,
    holds: Vec<HoldRow>,
    targets: Vec<SelectOption>,
    owners: Vec<SelectOption>,
    form: HoldForm,
    release_errors: Vec<String>,
}

deref_layout!(HoldsPage);

fn target_href(target: HoldTarget, id: i64) -> String {
    match target {
        HoldTarget::Contact => format!("/contacts/{id}"),
        HoldTarget::Organisation => format!("/organisations/{id}"),
        HoldTarget::Activity => format!("/activities/{id}"),
    }
}

fn record_type(target: HoldTarget) -> RecordType {
    match target {
        HoldTarget::Contact => RecordType::Contact,
        HoldTarget::Organisation => RecordType::Organisation,
        HoldTarget::Activity => RecordType::Activity,
    }
}

fn row(
    hold: LegalHold,
    names: &HashMap<UserId, String>,
    records: &RecordNames,
    today: CalendarDate,
) -> HoldRow {
    HoldRow {
        id: hold.id.0,
        // The record's name where the reader may see it, else its number.
        target: match records.get(&(record_type(hold.target), hold.target_id)) {
            Some(name) => format!("{name} ({})", hold.target.as_str()),
            None => format!("{} #{}", hold.target.label(), hold.target_id),
        },
        href: target_href(hold.target, hold.target_id),
        owner: names
            .get(&hold.owner_id)
            .cloned()
            .unwrap_or_else(|| format!("user #{}", hold.owner_id)),
        review_due: hold.review_due(today),
        active: hold.is_active(),
        placed: hold.created_at.display(),
        released: match (&hold.released_at, &hold.release_reason) {
            (Some(at), Some(why)) => format!("{}: {why}", at.display()),
            (Some(at), None) => at.display(),
            _ => String::new(),
        },
        review_on: hold.review_on,
        reason: hold.reason,
    }
}

async fn page(
    app: &App,
    session: &PageSession,
    form: HoldForm,
    release_errors: Vec<String>,
) -> Response {
    let principal = &session.principal;
    let (mut holds, owners) = match (
        app.retention().legal_holds(principal).await,
        app.privacy_staff_choices(principal).await,
    ) {
        (Ok(holds), Ok(owners)) => (holds, owners),
        (Err(error), _) | (_, Err(error)) => return error_page(error),
    };
    holds.sort_by_key(|h| (!h.is_active(), h.review_on.clone(), h.id));
    let held: Vec<(RecordType, i64)> = holds
        .iter()
        .map(|h| (record_type(h.target), h.target_id))
        .collect();
    let records = match app.record_names(principal, &held).await {
        Ok(records) => records,
        Err(error) => return error_page(error),
    };
    let names: HashMap<UserId, String> = owners.iter().map(|(id, n)| (*id, n.clone())).collect();
    let today = CalendarDate::of(Timestamp::now());
    let owner = form.owner_id.unwrap_or(principal.user_id.0);
    let refused = !form.errors.is_empty() || !release_errors.is_empty();
    refused_if(
        refused,
        render(&HoldsPage {
            layout: Layout::new(session, ""),
            can_change: principal.authorize(Area::Privacy, Action::Update).is_ok(),
            can_pick: principal
                .authorize(Area::OrganisationsAndContacts, Action::Read)
                .is_ok(),
            holds: holds
                .into_iter()
                .map(|h| row(h, &names, &records, today))
                .collect(),
            targets: HoldTarget::ALL
                .iter()
                .map(|t| SelectOption {
                    value: t.as_str().into(),
                    label: t.label().into(),
                    selected: t.as_str() == form.target,
                })
                .collect(),
            owners: owners
                .into_iter()
                .map(|(id, name)| SelectOption {
                    value: id.0.to_string(),
                    label: name,
                    selected: id.0 == owner,
                })
                .collect(),
            form,
            release_errors,
        }),
    )
}

async fn holds(State(app): State<App>, session: PageSession) -> Response {
    let form = HoldForm {
        target: HoldTarget::Contact.as_str().into(),
        review_on: CalendarDate::of(Timestamp::now()).plus_months(12).to_iso(),
        ..HoldForm::default()
    };
    page(&app, &session, form, Vec::new()).await
}

/// Where the audit trail links a hold: its row in the list.
async fn one(PageId(id): PageId) -> Response {
    Redirect::to(&format!("/privacy/retention/holds#hold-{id}")).into_response()
}

/// The form placing a hold, as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
struct SubmittedHold {
    target: String,
    target_id: String,
    reason: String,
    #[serde(deserialize_with = "number")]
    owner_id: Option<i64>,
    review_on: String,
}

async fn place(
    State(app): State<App>,
    session: PageSession,
    CsrfForm(form): CsrfForm<SubmittedHold>,
) -> Response {
    let typed = HoldForm {
        target: form.target,
        target_id: form.target_id,
        reason: form.reason,
        owner_id: form.owner_id,
        review_on: form.review_on,
        errors: Vec::new(),
    };
    let fields = HoldFields {
        target: typed.target.clone(),
        target_id: typed.target_id.trim().parse().unwrap_or(0),
        reason: typed.reason.clone(),
        owner_id: typed.owner_id.map(UserId),
        review_on: typed.review_on.clone(),
    };
    let refusal = match app
        .retention()
        .place_legal_hold(&session.principal, &fields)
        .await
    {
        Ok(_) => return Redirect::to("/privacy/retention/holds").into_response(),
        Err(AppError::Validation(errors)) => refusal_lines(&errors),
        Err(AppError::Refused(Refusal::UnknownReference { field })) => vec![match field {
            "owner_id" => "Owner: choose an active staff user.".to_string(),
            _ => "Record: no such record; give the number shown in its address.".to_string(),
        }],
        Err(error) => return error_page(error),
    };
    let form = HoldForm {
        errors: refusal,
        ..typed
    };
    page(&app, &session, form, Vec::new()).await
}

/// Why a hold is released.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ReleaseForm {
    reason: String,
}

async fn release(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(form): CsrfForm<ReleaseForm>,
) -> Response {
    match app
        .retention()
        .release_legal_hold(&session.principal, LegalHoldId(id), &form.reason)
        .await
    {
        Ok(_) => Redirect::to("/privacy/retention/holds").into_response(),
        Err(AppError::Validation(errors)) => {
            let form = HoldForm {
                target: HoldTarget::Contact.as_str().into(),
                ..HoldForm::default()
            };
            page(&app, &session, form, refusal_lines(&errors)).await
        }
        Err(error) => error_page(error),
    }
}
