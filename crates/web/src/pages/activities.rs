//! The activity list across all contacts and organisations, filtered by type,
//! and the fields of the "add an activity" form on a detail page.

use super::forms::FormData;
use super::listing::{next_href, plain_headers};
use super::session::PageSession;
use super::templates::{ListFilter, ListPage};
use super::views::{
    attach_errors, error_page, options, render, ActivityForm, Cell, FormField, Layout,
};
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use custodian_app::records::ListParams;
use custodian_app::App;
use custodian_core::activities::{ActivityInput, ActivityKind};
use custodian_core::time::Timestamp;
use custodian_core::{ContactId, OrganisationId, ValidationErrors};

pub fn routes() -> Router<App> {
    Router::new().route("/activities", get(list))
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
    form: &FormData,
    always: Option<ContactId>,
    organisation_id: Option<OrganisationId>,
) -> ActivityInput {
    let mut contact_ids: Vec<ContactId> = always.into_iter().collect();
    for id in form.ids("contact_ids").into_iter().map(ContactId) {
        if !contact_ids.contains(&id) {
            contact_ids.push(id);
        }
    }
    ActivityInput {
        kind: form.get("kind"),
        occurred_at: form.get("occurred_at"),
        subject: form.get("subject"),
        body: form.optional("body"),
        contact_ids,
        organisation_id,
    }
}

async fn list(
    State(app): State<App>,
    session: PageSession,
    Query(params): Query<ListParams>,
) -> Response {
    let page = match app.activities(&session.principal, &params).await {
        Ok(page) => page,
        Err(error) => return error_page(error),
    };
    let rows = page
        .items
        .iter()
        .map(|a| {
            vec![
                Cell::text(a.occurred_at.display()),
                Cell::text(a.kind.label()),
                Cell::text(a.subject.clone()),
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
        filter: Some(ListFilter {
            name: "kind",
            label: "Type",
            value: String::new(),
            choices: kind_choices(&selected, Some("All types")),
        }),
        headers: plain_headers(&["When", "Type", "Subject", "Contact", "Author"]),
        rows,
        first_href: "/activities".into(),
        next_href: next_href("/activities", &params, page.next_cursor),
    })
}
