//! Tickets in the portal: the person's tickets (or their organisation's),
//! raising one, and reading and answering one. Internal notes are never
//! shown; another person's ticket is "not found".

use super::session::PortalPageSession;
use super::{failure, PortalChrome};
use crate::csrf::{CsrfForm, CsrfUpload};
use crate::pages::forms::filled;
use crate::pages::listing::next_href;
use crate::pages::path_id::PageId;
use crate::pages::views::{refusal_lines, refused_if, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use custodian_app::portal::PortalTicketInput;
use custodian_app::records::ListParams;
use custodian_app::{App, AppError};
use custodian_core::helpdesk::{Ticket, TicketStatus};
use custodian_core::Refusal;
use custodian_core::TicketId;
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route(
            "/portal/tickets",
            get(list)
                .post(raise)
                .layer(axum::extract::DefaultBodyLimit::max(
                    custodian_core::helpdesk::ATTACHMENT_MAX_BYTES + 64 * 1024,
                )),
        )
        .route("/portal/tickets/new", get(new_form))
        .route("/portal/tickets/{id}", get(show))
        .route("/portal/tickets/{id}/replies", post(reply))
        .route("/portal/tickets/{id}/close", post(close))
        .route(
            "/portal/tickets/{id}/attachments",
            post(attach).layer(axum::extract::DefaultBodyLimit::max(
                custodian_core::helpdesk::ATTACHMENT_MAX_BYTES + 64 * 1024,
            )),
        )
        .route("/portal/attachments/{id}", get(download))
}

struct Row {
    href: String,
    reference: String,
    subject: String,
    requester: String,
    status: &'static str,
    updated: String,
    updated_iso: String,
}

fn row(ticket: &Ticket) -> Row {
    Row {
        href: format!("/portal/tickets/{}", ticket.id),
        reference: ticket.reference(),
        subject: ticket.subject.clone(),
        requester: ticket.contact_name.clone().unwrap_or_default(),
        status: ticket.status.customer_label(),
        updated: format!("{} UTC", ticket.updated_at.display()),
        updated_iso: ticket.updated_at.to_rfc3339(),
    }
}

#[derive(Template)]
#[template(path = "portal/tickets.html")]
struct TicketsPage {
    chrome: PortalChrome,
    organisation: bool,
    all: bool,
    q: String,
    rows: Vec<Row>,
    next_href: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PortalListQuery {
    status: Option<String>,
    q: Option<String>,
    cursor: Option<String>,
}

async fn list(
    State(app): State<App>,
    session: PortalPageSession,
    Query(query): Query<PortalListQuery>,
) -> Response {
    let all = query.status.as_deref() == Some("all");
    let params = ListParams {
        status: Some(if all { "all" } else { "active" }.into()),
        q: query.q.clone().filter(|q| !q.trim().is_empty()),
        cursor: query.cursor.clone(),
        ..Default::default()
    };
    match app
        .portal()
        .portal_tickets(&session.principal, &params)
        .await
    {
        Ok(page) => render(&TicketsPage {
            organisation: session.principal.organisation_access,
            all,
            q: query.q.unwrap_or_default(),
            rows: page.items.iter().map(row).collect(),
            next_href: next_href("/portal/tickets", &params, page.next_cursor),
            chrome: session.chrome(),
        }),
        Err(error) => failure(error),
    }
}

#[derive(Template)]
#[template(path = "portal/new_ticket.html")]
struct NewTicketPage {
    chrome: PortalChrome,
    subject: String,
    description: String,
    category: String,
    high: bool,
    errors: Vec<String>,
}

async fn new_form(session: PortalPageSession) -> Response {
    render(&NewTicketPage {
        chrome: session.chrome(),
        subject: String::new(),
        description: String::new(),
        category: String::new(),
        high: false,
        errors: Vec::new(),
    })
}

/// A new ticket as sent from the portal.
#[derive(Deserialize, Default)]
#[serde(default)]
struct NewTicketForm {
    subject: String,
    #[serde(deserialize_with = "filled")]
    description: Option<String>,
    #[serde(deserialize_with = "filled")]
    category: Option<String>,
    #[serde(deserialize_with = "filled")]
    priority: Option<String>,
}

/// A new ticket, with a file when one was chosen. The file is checked
/// before the ticket is raised, so a refused file leaves no ticket without
/// it and the form comes back as typed.
async fn raise(
    State(app): State<App>,
    session: PortalPageSession,
    CsrfUpload(upload): CsrfUpload,
) -> Response {
    let form: NewTicketForm = upload.fields_as().unwrap_or_default();
    let input = PortalTicketInput {
        subject: form.subject,
        description: form.description,
        category: form.category,
        priority: form.priority,
    };
    let file = upload.file;
    let checked = file.as_ref().map(|f| {
        custodian_core::helpdesk::check_upload(f.file_name.as_deref().unwrap_or(""), &f.data)
    });
    let errors = match checked {
        Some(Err(errors)) => refusal_lines(&errors),
        _ => match app.portal().portal_raise_ticket(&session.principal, &input).await {
            Ok(ticket) => {
                let upload_errors = match &file {
                    None => Vec::new(),
                    Some(file) => match app
                        .portal()
                        .portal_attach(
                            &session.principal,
                            ticket.id,
                            file.file_name.as_deref().unwrap_or(""),
                            &file.data,
                        )
                        .await
                    {
                        Ok(_) => Vec::new(),
                        Err(AppError::Validation(errors)) => refusal_lines(&errors),
                        Err(error) => return failure(error),
                    },
                };
                if upload_errors.is_empty() {
                    return Redirect::to(&format!("/portal/tickets/{}", ticket.id)).into_response();
                }
                return ticket_page(&app, &session, ticket.id.0, String::new(), Vec::new(), upload_errors)
                    .await;
            }
            Err(AppError::Validation(errors)) => refusal_lines(&errors),
            Err(AppError::TooManyAttempts { .. }) => vec![
                "You raised many tickets in the last hour; please wait a while, or add to an open ticket.".into(),
            ],
            Err(error) => return failure(error),
        },
    };
    refused_if(
        true,
        render(&NewTicketPage {
            chrome: session.chrome(),
            subject: input.subject,
            description: input.description.unwrap_or_default(),
            category: input.category.unwrap_or_default(),
            high: input.priority.as_deref() == Some("high"),
            errors,
        }),
    )
}

struct MessageView {
    author: String,
    mine: bool,
    when: String,
    when_iso: String,
    body: String,
}

#[derive(Template)]
#[template(path = "portal/ticket.html")]
struct TicketPage {
    chrome: PortalChrome,
    id: i64,
    title: String,
    status: &'static str,
    requester: String,
    raised: String,
    description: String,
    messages: Vec<MessageView>,
    closed: bool,
    body: String,
    errors: Vec<String>,
    files: Vec<crate::pages::helpdesk::tickets::FileView>,
    upload_errors: Vec<String>,
}

async fn ticket_page(
    app: &App,
    session: &PortalPageSession,
    id: i64,
    body: String,
    errors: Vec<String>,
    upload_errors: Vec<String>,
) -> Response {
    let (ticket, messages) = match app
        .portal()
        .portal_ticket(&session.principal, TicketId(id))
        .await
    {
        Ok(found) => found,
        Err(error) => return failure(error),
    };
    let files = match app
        .portal()
        .portal_attachments(&session.principal, TicketId(id))
        .await
    {
        Ok(files) => files,
        Err(error) => return failure(error),
    };
    let refused = !errors.is_empty() || !upload_errors.is_empty();
    let me = session.principal.contact;
    refused_if(
        refused,
        render(&TicketPage {
            chrome: session.chrome(),
            id,
            title: format!("{} {}", ticket.reference(), ticket.subject),
            status: ticket.status.customer_label(),
            requester: ticket.contact_name.clone().unwrap_or_default(),
            raised: format!("{} UTC", ticket.created_at.display()),
            description: ticket.description.clone(),
            messages: messages
                .iter()
                .map(|m| MessageView {
                    author: match (m.author_contact_id, &m.author_name) {
                        (Some(contact), _) if contact == me => "You".into(),
                        (_, Some(name)) => name.clone(),
                        (_, None) => "Support".into(),
                    },
                    mine: m.author_contact_id == Some(me),
                    when: format!("{} UTC", m.created_at.display()),
                    when_iso: m.created_at.to_rfc3339(),
                    body: m.body.clone(),
                })
                .collect(),
            closed: ticket.status == TicketStatus::Closed,
            body,
            errors,
            files: crate::pages::helpdesk::tickets::file_views(&files, "/portal/attachments"),
            upload_errors,
        }),
    )
}

async fn show(State(app): State<App>, session: PortalPageSession, PageId(id): PageId) -> Response {
    ticket_page(&app, &session, id, String::new(), Vec::new(), Vec::new()).await
}

/// A reply to one's own ticket.
#[derive(Deserialize, Default)]
#[serde(default)]
struct PortalMessageForm {
    body: String,
}

async fn reply(
    State(app): State<App>,
    session: PortalPageSession,
    PageId(id): PageId,
    CsrfForm(form): CsrfForm<PortalMessageForm>,
) -> Response {
    let body = form.body;
    let errors = match app
        .portal()
        .portal_reply(&session.principal, TicketId(id), &body)
        .await
    {
        Ok(_) => return Redirect::to(&format!("/portal/tickets/{id}#replies")).into_response(),
        Err(AppError::Validation(errors)) => refusal_lines(&errors),
        Err(AppError::Refused(Refusal::TicketClosed)) => {
            vec!["This ticket is closed. Raise a new ticket if you need more help.".into()]
        }
        Err(error) => return failure(error),
    };
    ticket_page(&app, &session, id, body, errors, Vec::new()).await
}

/// "My problem is solved": the person closes their ticket.
async fn close(
    State(app): State<App>,
    session: PortalPageSession,
    PageId(id): PageId,
    CsrfForm(_): CsrfForm<crate::pages::forms::NoFields>,
) -> Response {
    match app
        .portal()
        .portal_close_ticket(&session.principal, TicketId(id))
        .await
    {
        Ok(_) | Err(AppError::Refused(Refusal::TicketClosed)) => {
            Redirect::to(&format!("/portal/tickets/{id}")).into_response()
        }
        Err(error) => failure(error),
    }
}

async fn attach(
    State(app): State<App>,
    session: PortalPageSession,
    PageId(id): PageId,
    CsrfUpload(form): CsrfUpload,
) -> Response {
    let upload_errors = match form.file {
        None => vec!["Choose a file to attach.".to_string()],
        Some(file) => match app
            .portal()
            .portal_attach(
                &session.principal,
                TicketId(id),
                file.file_name.as_deref().unwrap_or(""),
                &file.data,
            )
            .await
        {
            Ok(_) => return Redirect::to(&format!("/portal/tickets/{id}#files")).into_response(),
            Err(AppError::Validation(errors)) => refusal_lines(&errors),
            Err(AppError::Refused(Refusal::TicketClosed)) => {
                vec!["This ticket is closed and takes no file.".into()]
            }
            Err(error) => return failure(error),
        },
    };
    ticket_page(&app, &session, id, String::new(), Vec::new(), upload_errors).await
}

async fn download(
    State(app): State<App>,
    session: PortalPageSession,
    PageId(id): PageId,
) -> Response {
    match app
        .portal()
        .portal_attachment(&session.principal, custodian_core::TicketAttachmentId(id))
        .await
    {
        Ok((attachment, content)) => crate::api::attachments::file_response(&attachment, content),
        Err(error) => failure(error),
    }
}
