//! Canned replies in the back office: the list, a reply's page, and its
//! create and edit forms (the shared record form). On a ticket, the reply
//! form offers them (`tickets.rs`).

use crate::api::resources::CannedReplies;
use crate::pages::listing::plain_headers;
use crate::pages::lists::{csv, list, ListedRecord};
use crate::pages::path_id::PageId;
use crate::pages::record_form::{
    create, delete, edit_form, new_spec, show_form, update, FormRecord,
};
use crate::pages::session::PageSession;
use crate::pages::templates::{DetailPage, ListFilter, Related};
use crate::pages::views::{
    allowed, detail, error_page, render, timeline, Cell, FormField, Header, Layout,
};
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use custodian_app::records::{Exported, ListParams};
use custodian_app::{App, AppError, Principal};
use custodian_core::access::Action;
use custodian_core::audit::RecordType;
use custodian_core::helpdesk::{CannedReply, CannedReplyInput};
use custodian_core::CannedReplyId;
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route(
            "/canned-replies",
            get(list::<CannedReplies>).post(create::<CannedReplies>),
        )
        .route("/canned-replies.csv", get(csv::<CannedReplies>))
        .route("/canned-replies/new", get(new_form))
        .route(
            "/canned-replies/{id}",
            get(show).post(update::<CannedReplies>),
        )
        .route("/canned-replies/{id}/edit", get(edit_form::<CannedReplies>))
        .route("/canned-replies/{id}/delete", post(delete::<CannedReplies>))
}

/// The canned reply form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct CannedReplyForm {
    title: String,
    body: String,
}

impl FormRecord for CannedReplies {
    const NOUN: &'static str = "canned reply";

    type Form = CannedReplyForm;

    fn from_form(form: CannedReplyForm) -> CannedReplyInput {
        CannedReplyInput {
            title: form.title,
            body: form.body,
        }
    }

    fn to_input(record: &CannedReply) -> CannedReplyInput {
        record.to_input()
    }

    fn name(record: &CannedReply) -> String {
        record.title.clone()
    }

    async fn fields(
        _app: &App,
        _session: &PageSession,
        input: &CannedReplyInput,
    ) -> Result<Vec<FormField>, AppError> {
        Ok(vec![
            FormField::input(
                "title",
                "Title (what staff pick it by)",
                "text",
                &input.title,
            ),
            FormField::textarea("body", "Text", &input.body),
        ])
    }
}

impl ListedRecord for CannedReplies {
    const TITLE: &'static str = "Canned replies";
    const NOUNS: (&'static str, &'static str) = ("canned reply", "canned replies");

    fn filter(params: &ListParams) -> Option<ListFilter> {
        Some(ListFilter {
            name: "q",
            label: "Words of the title",
            value: params.q.clone().unwrap_or_default(),
            choices: Vec::new(),
        })
    }

    fn headers(_params: &ListParams) -> Vec<Header> {
        plain_headers(&["Title", "Text"])
    }

    fn row(reply: &CannedReply) -> Vec<Cell> {
        let mut text: String = reply.body.chars().take(120).collect();
        if reply.body.chars().count() > 120 {
            text.push('…');
        }
        vec![
            Cell::link(reply.title.clone(), format!("/canned-replies/{}", reply.id)),
            Cell::text(text),
        ]
    }

    async fn export(
        app: &App,
        principal: &Principal,
        params: &ListParams,
    ) -> Result<Exported<CannedReply>, AppError> {
        app.export_canned_replies(principal, params).await
    }
}

async fn new_form(State(app): State<App>, session: PageSession) -> Response {
    let input = CannedReplyInput::default();
    show_form::<CannedReplies>(&app, &session, new_spec::<CannedReplies>(), &input, None).await
}

async fn show(State(app): State<App>, session: PageSession, PageId(id): PageId) -> Response {
    let principal = &session.principal;
    let reply = match app.canned_reply(principal, CannedReplyId(id)).await {
        Ok(reply) => reply,
        Err(error) => return error_page(error),
    };
    let changes = match app
        .record_history(principal, RecordType::CannedReply, id)
        .await
    {
        Ok(changes) => changes,
        Err(error) => return error_page(error),
    };
    render(&DetailPage {
        layout: Layout::new(&session, ""),
        badge: None,
        title: reply.title.clone(),
        notice: None,
        edit_href: format!("/canned-replies/{id}/edit"),
        can_edit: allowed(&session, RecordType::CannedReply, Action::Update),
        can_delete: allowed(&session, RecordType::CannedReply, Action::Delete),
        delete_action: format!("/canned-replies/{id}/delete"),
        access_href: format!("/audit?record_type=canned_reply&record_id={id}"),
        actions: Vec::new(),
        fields: vec![detail("Text", reply.body.clone())],
        related: Vec::<Related>::new(),
        activity_form: None,
        timeline: timeline(&[], &changes),
    })
}
