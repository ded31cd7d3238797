//! The activity list across all contacts and organisations, filtered by type,
//! and the fields of the "add an activity" form on a detail page.

use super::listing::{next_href, plain_headers};
use super::session::PageSession;
use super::templates::{ListFilter, ListPage};
use super::views::{error_page, options, render, Cell, FormField, Layout};
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use custodian_app::records::ListParams;
use custodian_app::App;
use custodian_core::activities::{ActivityInput, ActivityKind};

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

pub(super) fn activity_fields(input: &ActivityInput) -> Vec<FormField> {
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
