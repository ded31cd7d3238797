//! The administrator's outbox: every message Custodian wrote, whether it
//! left, why not, and its text; a given-up message can be sent again. When
//! no SMTP server is configured, this is where messages are read.

use super::forms::NoFields;
use super::path_id::PageId;
use super::session::PageSession;
use super::views::{error_page, options, render, Layout, SelectOption};
use crate::csrf::CsrfForm;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use custodian_app::App;
use custodian_core::mail::{MailStatus, OutboxFilter, OutboxMail};
use custodian_core::MailId;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/admin/outbox", get(list))
        .route("/admin/outbox/{id}", get(show))
        .route("/admin/outbox/{id}/retry", post(retry))
}

struct MailRow {
    href: String,
    created: String,
    recipient: String,
    subject: String,
    purpose: &'static str,
    status: &'static str,
    failed: bool,
    attempts: i64,
    last_error: String,
}

fn row(mail: &OutboxMail) -> MailRow {
    MailRow {
        href: format!("/admin/outbox/{}", mail.id),
        created: format!("{} UTC", mail.created_at.display()),
        recipient: mail.recipient.clone(),
        subject: mail.subject.clone(),
        purpose: mail.purpose.label(),
        status: mail.status.label(),
        failed: mail.status == MailStatus::Failed,
        attempts: mail.attempts,
        last_error: mail.last_error.clone().unwrap_or_default(),
    }
}

#[derive(askama::Template)]
#[template(path = "pages/outbox.html")]
struct OutboxPage {
    layout: Layout,
    sends: bool,
    statuses: Vec<SelectOption>,
    rows: Vec<MailRow>,
}

deref_layout!(OutboxPage);

async fn list(
    State(app): State<App>,
    session: PageSession,
    Query(filter): Query<OutboxFilter>,
) -> Response {
    match app.mail().outbox(&session.principal, &filter).await {
        Ok(mails) => render(&OutboxPage {
            layout: Layout::new(&session, ""),
            sends: app.mail().sends_mail(),
            statuses: options(
                MailStatus::ALL
                    .iter()
                    .map(|s| (s.as_str().to_string(), s.label().to_string())),
                &filter.status.clone().into_iter().collect::<Vec<_>>(),
                Some("Every message"),
            ),
            rows: mails.iter().map(row).collect(),
        }),
        Err(error) => error_page(error),
    }
}

#[derive(askama::Template)]
#[template(path = "pages/outbox_mail.html")]
struct MailPage {
    layout: Layout,
    id: i64,
    mail: MailRow,
    body: String,
    sent: String,
}

deref_layout!(MailPage);

async fn show(State(app): State<App>, session: PageSession, PageId(id): PageId) -> Response {
    match app.mail().mail(&session.principal, MailId(id)).await {
        Ok(mail) => render(&MailPage {
            layout: Layout::new(&session, ""),
            id,
            mail: row(&mail),
            body: mail.body.clone(),
            sent: mail
                .sent_at
                .map(|at| format!("{} UTC", at.display()))
                .unwrap_or_default(),
        }),
        Err(error) => error_page(error),
    }
}

async fn retry(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    match app.mail().retry_mail(&session.principal, MailId(id)).await {
        Ok(_) => Redirect::to(&format!("/admin/outbox/{id}")).into_response(),
        Err(error) => error_page(error),
    }
}
