//! The activity list across all contacts and organisations, filtered by type,
//! and the fields of the "add an activity" form on a detail page.

use super::choices::organisation_picker;
use super::forms::{filled, link, repeated_ids, NoFields};
use super::listing::{counted, plain_headers, Pager};
use super::path_id::PageId;
use super::record_form::{form_response, FormSpec};
use super::session::PageSession;
use super::templates::{DetailPage, ListFilter, ListPage, Related};
use super::views::{
    allowed, attach_errors, detail, error_page, options, render, timeline, unless_masked,
    ActivityForm, Cell, DetailField, FormField, Layout,
};
use crate::csrf::{CsrfForm, CsrfRecordForm};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use custodian_app::records::ListParams;
use custodian_app::{App, AppError};
use custodian_core::access::Action;
use custodian_core::activities::Activity;
use custodian_core::activities::{ActivityInput, ActivityKind};
use custodian_core::audit::RecordType;
use custodian_core::time::Timestamp;
use custodian_core::ActivityId;
use custodian_core::{ContactId, OrganisationId, ValidationErrors};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/activities", get(list))
        .route("/activities/{id}", get(show).post(update))
        .route("/activities/{id}/edit", get(edit_form))
        .route("/activities/{id}/delete", post(delete))
}

fn kind_choices(selected: &[String], blank: Option<&str>) -> Vec<super::views::SelectOption> {
    options(
        ActivityKind::ALL
            .iter()
            .map(|k| (k.as_str().to_string(), k.label().to_string())),
        selected,
        blank,
    )
}

fn activity_fields(input: &ActivityInput) -> Vec<FormField> {
    vec![
        FormField::select(
            "kind",
            "Type",
            kind_choices(std::slice::from_ref(&input.kind), None),
        ),
        FormField::input(
            "occurred_at",
            "When (UTC)",
            "datetime-local",
            &input.occurred_at,
        ),
        FormField::input("subject", "Subject", "text", &input.subject),
        FormField::textarea("body", "Notes", input.body.clone().unwrap_or_default()),
    ]
}

/// A new call note, now.
pub(super) fn new_activity() -> ActivityInput {
    ActivityInput {
        kind: ActivityKind::Call.as_str().into(),
        occurred_at: Timestamp::now().to_datetime_local(),
        ..Default::default()
    }
}

/// The "add an activity" form of a detail page. `people` are the contacts
/// the activity may also be linked to (colleagues, an organisation's staff).
pub(super) fn activity_form(
    action: String,
    input: &ActivityInput,
    errors: Option<&ValidationErrors>,
    people: Vec<(ContactId, String)>,
    people_label: &'static str,
) -> ActivityForm {
    let mut fields = activity_fields(input);
    if !people.is_empty() {
        let selected: Vec<String> = input.contact_ids.iter().map(|c| c.to_string()).collect();
        let choices = people.into_iter().map(|(id, name)| (id.to_string(), name));
        fields.push(FormField {
            multiple: true,
            ..FormField::select(
                "contact_ids",
                people_label,
                options(choices, &selected, None),
            )
        });
    }
    if let Some(errors) = errors {
        attach_errors(&mut fields, errors);
    }
    ActivityForm {
        action,
        fields,
        open: errors.is_some(),
    }
}

/// The activity a detail page's form describes, linked to `always` (the
/// contact whose page it is) and the people chosen.
pub(super) fn submitted_activity(
    form: SubmittedActivity,
    always: Option<ContactId>,
    organisation_id: Option<OrganisationId>,
) -> ActivityInput {
    let mut contact_ids: Vec<ContactId> = always.into_iter().collect();
    for id in form.contact_ids.into_iter().map(ContactId) {
        if !contact_ids.contains(&id) {
            contact_ids.push(id);
        }
    }
    ActivityInput {
        kind: form.kind,
        occurred_at: form.occurred_at,
        subject: form.subject,
        body: form.body,
        contact_ids,
        organisation_id,
    }
}

/// An activity form as sent (from a detail page or the edit page).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct SubmittedActivity {
    kind: String,
    occurred_at: String,
    subject: String,
    #[serde(deserialize_with = "filled")]
    body: Option<String>,
    #[serde(deserialize_with = "repeated_ids")]
    contact_ids: Vec<i64>,
    /// Only the edit page sends it; a detail page links its own record.
    #[serde(deserialize_with = "link")]
    organisation_id: Option<i64>,
}

async fn list(
    State(app): State<App>,
    session: PageSession,
    Query(params): Query<ListParams>,
) -> Response {
    let page = match app.activities(&session.principal, &counted(&params)).await {
        Ok(page) => page,
        Err(error) => return error_page(error),
    };
    let rows = page
        .items
        .iter()
        .map(|a| {
            vec![
                Cell::time(a.occurred_at),
                Cell::text(a.kind.label()),
                Cell::link(a.subject.clone(), format!("/activities/{}", a.id)),
                match a.contacts.first() {
                    Some(c) => Cell::link(c.name.clone(), format!("/contacts/{}", c.id)),
                    None => Cell::text(""),
                },
                Cell::text(a.author_name.clone().unwrap_or_default()),
            ]
        })
        .collect();
    let selected: Vec<String> = params.kind.clone().into_iter().collect();
    render(&ListPage {
        layout: Layout::new(&session, ""),
        title: "Activities",
        new_href: None,
        csv_href: None,
        filter: Some(ListFilter {
            name: "kind",
            label: "Type",
            value: params.kind.clone().unwrap_or_default(),
            choices: kind_choices(&selected, Some("All types")),
        }),
        headers: plain_headers(&["When", "Type", "Subject", "Contact", "Author"]),
        rows,
        pager: Pager::of("/activities", &params, &page, ("activity", "activities")),
    })
}

async fn show(State(app): State<App>, session: PageSession, PageId(id): PageId) -> Response {
    let principal = &session.principal;
    let activity = match app.activity(principal, ActivityId(id)).await {
        Ok(activity) => activity,
        Err(error) => return error_page(error),
    };
    let changes = match app
        .record_history(principal, RecordType::Activity, id)
        .await
    {
        Ok(changes) => changes,
        Err(error) => return error_page(error),
    };
    let organisation = match activity.organisation_id {
        Some(org) => app.organisation(principal, org).await.ok(),
        None => None,
    };
    let mut fields = vec![
        detail("Type", activity.kind.label()),
        detail("When", format!("{} UTC", activity.occurred_at.display())),
        detail("Author", activity.author_name.clone().unwrap_or_default()),
        DetailField {
            label: "Organisation",
            value: organisation.map(|o| o.name).unwrap_or_default(),
            href: activity
                .organisation_id
                .map(|o| format!("/organisations/{o}")),
        },
        detail(
            "Notes",
            unless_masked(&activity, "body", activity.body.clone()),
        ),
    ];
    fields.retain(|f| !f.value.is_empty());
    render(&DetailPage {
        layout: Layout::new(&session, ""),
        badge: None,
        title: unless_masked(&activity, "subject", activity.subject.clone()),
        notice: None,
        edit_href: format!("/activities/{id}/edit"),
        can_edit: allowed(&session, RecordType::Activity, Action::Update),
        can_delete: allowed(&session, RecordType::Activity, Action::Delete),
        delete_action: format!("/activities/{id}/delete"),
        access_href: format!("/audit?record_type=activity&record_id={id}"),
        actions: Vec::new(),
        fields,
        related: vec![Related {
            title: "Contacts",
            items: activity
                .contacts
                .iter()
                .map(|c| Cell::link(c.name.clone(), format!("/contacts/{}", c.id)))
                .collect(),
            add_href: None,
        }],
        activity_form: None,
        timeline: timeline(&[], &changes),
    })
}

/// The edit form: the linked contacts can be any of the organisation's
/// people, plus those already linked.
async fn edit_fields(
    app: &App,
    session: &PageSession,
    input: &ActivityInput,
    linked: &[(ContactId, String)],
) -> Result<Vec<FormField>, AppError> {
    let principal = &session.principal;
    let mut people: Vec<(ContactId, String)> = linked.to_vec();
    if let Some(org) = input.organisation_id {
        for person in app.contact_choices(principal, Some(org)).await? {
            if !people.iter().any(|(id, _)| *id == person.0) {
                people.push(person);
            }
        }
    }
    let selected: Vec<String> = input.contact_ids.iter().map(|c| c.to_string()).collect();
    let mut fields = activity_fields(input);
    fields.push(FormField {
        multiple: true,
        ..FormField::select(
            "contact_ids",
            "Contacts",
            options(
                people.into_iter().map(|(id, name)| (id.to_string(), name)),
                &selected,
                None,
            ),
        )
    });
    fields.push(organisation_picker(app, principal, input.organisation_id).await?);
    Ok(fields)
}

fn edit_spec(id: i64, version: Option<i64>) -> FormSpec {
    FormSpec {
        title: "Edit activity".into(),
        action: format!("/activities/{id}"),
        cancel_href: format!("/activities/{id}"),
        version,
        noun: "activity",
    }
}

fn linked(activity: &Activity) -> Vec<(ContactId, String)> {
    activity
        .contacts
        .iter()
        .map(|c| (c.id, c.name.clone()))
        .collect()
}

async fn edit_form(State(app): State<App>, session: PageSession, PageId(id): PageId) -> Response {
    let activity = match app.activity(&session.principal, ActivityId(id)).await {
        Ok(activity) => activity,
        Err(error) => return error_page(error),
    };
    let input = ActivityInput {
        occurred_at: activity.occurred_at.to_datetime_local(),
        ..activity.to_input()
    };
    match edit_fields(&app, &session, &input, &linked(&activity)).await {
        Ok(fields) => form_response(
            &session,
            edit_spec(id, Some(activity.version)),
            fields,
            None,
        ),
        Err(error) => error_page(error),
    }
}

async fn update(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    form: CsrfRecordForm<SubmittedActivity>,
) -> Response {
    let version = form.saving.version;
    let organisation_id = form.fields.organisation_id.map(OrganisationId);
    let input = submitted_activity(form.fields, None, organisation_id);
    let principal = &session.principal;
    match app
        .update_activity(principal, ActivityId(id), version, &input)
        .await
    {
        Ok(_) => Redirect::to(&format!("/activities/{id}")).into_response(),
        Err(error) => {
            let current = match app.activity(principal, ActivityId(id)).await {
                Ok(activity) => linked(&activity),
                Err(error) => return error_page(error),
            };
            match edit_fields(&app, &session, &input, &current).await {
                Ok(fields) => form_response(&session, edit_spec(id, version), fields, Some(error)),
                Err(error) => error_page(error),
            }
        }
    }
}

async fn delete(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    let principal = &session.principal;
    // Back to where the activity was seen: its first contact, else the list.
    let back = match app.activity(principal, ActivityId(id)).await {
        Ok(activity) => match (activity.contacts.first(), activity.organisation_id) {
            (Some(contact), _) => format!("/contacts/{}", contact.id),
            (None, Some(org)) => format!("/organisations/{org}"),
            (None, None) => "/activities".to_string(),
        },
        Err(error) => return error_page(error),
    };
    match app.delete_activity(principal, ActivityId(id)).await {
        Ok(()) => Redirect::to(&back).into_response(),
        Err(error) => error_page(error),
    }
}
