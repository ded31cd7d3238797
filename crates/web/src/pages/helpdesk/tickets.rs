//! Ticket pages: the queues (active, mine, unassigned, by status) with
//! search by number or subject, a ticket with its replies, internal notes
//! and history, the reply form, and the create and edit forms.

use crate::api::resources::Tickets;
use crate::csrf::{CsrfForm, CsrfUpload};
use crate::pages::choices::{contact_picker, organisation_picker, owner_options};
use crate::pages::forms::{filled, link, number, repeated_ids};
use crate::pages::listing::{counted, list_href, Pager};
use crate::pages::path_id::PageId;
use crate::pages::record_form::{
    create, delete, edit_form, new_spec, show_form, update, FormRecord,
};
use crate::pages::session::PageSession;
use crate::pages::views::{
    allowed, error_page, options, refusal_lines, refused_if, render, timeline, unless_masked,
    FormField, Layout, Prefill, SelectOption, TimelineItem,
};
use crate::pages::when;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use custodian_app::records::ListParams;
use custodian_app::{App, AppError};
use custodian_core::access::Action;
use custodian_core::audit::RecordType;
use custodian_core::helpdesk::{
    BulkTicketInput, MessageInput, MessageVisibility, Ticket, TicketInput, TicketPriority,
    TicketStatus,
};
use custodian_core::time::Timestamp;
use custodian_core::Refusal;
use custodian_core::{ContactId, OrganisationId, TicketId, UserId};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/tickets", get(list).post(create::<Tickets>))
        .route("/tickets/new", get(new_form))
        .route("/tickets/{id}", get(show).post(update::<Tickets>))
        .route("/tickets/{id}/edit", get(edit_form::<Tickets>))
        .route("/tickets/{id}/delete", post(delete::<Tickets>))
        .route("/tickets/{id}/messages", post(add_message))
        .route("/tickets/{id}/assign-to-me", post(assign_to_me))
        .route("/tickets/bulk", post(change_in_bulk))
        .route(
            "/tickets/{id}/attachments",
            post(attach).layer(axum::extract::DefaultBodyLimit::max(
                custodian_core::helpdesk::ATTACHMENT_MAX_BYTES + 64 * 1024,
            )),
        )
        .route("/tickets/attachments/{id}", get(download))
}

/// The ticket form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct TicketForm {
    subject: String,
    #[serde(deserialize_with = "filled")]
    description: Option<String>,
    #[serde(deserialize_with = "filled")]
    status: Option<String>,
    #[serde(deserialize_with = "filled")]
    priority: Option<String>,
    #[serde(deserialize_with = "filled")]
    category: Option<String>,
    #[serde(deserialize_with = "link")]
    organisation_id: Option<i64>,
    #[serde(deserialize_with = "link")]
    contact_id: Option<i64>,
    #[serde(deserialize_with = "link")]
    assignee_id: Option<i64>,
}

impl FormRecord for Tickets {
    const NOUN: &'static str = "ticket";

    type Form = TicketForm;

    fn from_form(form: TicketForm) -> TicketInput {
        TicketInput {
            subject: form.subject,
            description: form.description,
            status: form.status,
            priority: form.priority,
            category: form.category,
            organisation_id: form.organisation_id.map(OrganisationId),
            contact_id: form.contact_id.map(ContactId),
            assignee_id: form.assignee_id.map(UserId),
        }
    }

    fn to_input(record: &Ticket) -> TicketInput {
        record.to_input()
    }

    fn name(record: &Ticket) -> String {
        format!("ticket {}", record.reference())
    }

    async fn fields(
        app: &App,
        session: &PageSession,
        input: &TicketInput,
    ) -> Result<Vec<FormField>, AppError> {
        let principal = &session.principal;
        Ok(vec![
            FormField::input("subject", "Subject", "text", &input.subject),
            FormField::textarea(
                "description",
                "Description",
                input.description.clone().unwrap_or_default(),
            ),
            contact_picker(
                app,
                principal,
                "contact_id",
                "Requester (contact person)",
                input.contact_id,
            )
            .await?,
            FormField {
                label: "Organisation (empty: the requester's)",
                ..organisation_picker(app, principal, input.organisation_id).await?
            },
            FormField::select(
                "priority",
                "Priority",
                priority_choices(input.priority.as_deref().unwrap_or("normal"), None),
            ),
            FormField::select(
                "status",
                "Status",
                status_choices(input.status.as_deref().unwrap_or("new"), None),
            ),
            FormField::input(
                "category",
                "Category (e.g. Billing, Installation)",
                "text",
                input.category.clone().unwrap_or_default(),
            ),
            FormField::select(
                "assignee_id",
                "Assignee",
                owner_options(app, principal, input.assignee_id).await?,
            ),
        ])
    }
}

fn status_choices(selected: &str, blank: Option<&str>) -> Vec<SelectOption> {
    options(
        TicketStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), s.label().to_string())),
        &[selected.to_string()],
        blank,
    )
}

fn priority_choices(selected: &str, blank: Option<&str>) -> Vec<SelectOption> {
    options(
        TicketPriority::ALL
            .iter()
            .map(|p| (p.as_str().to_string(), p.label().to_string())),
        &[selected.to_string()],
        blank,
    )
}

async fn new_form(
    State(app): State<App>,
    session: PageSession,
    Query(prefill): Query<Prefill>,
) -> Response {
    let input = TicketInput {
        contact_id: prefill.contact_id.map(ContactId),
        organisation_id: prefill.organisation_id.map(OrganisationId),
        assignee_id: Some(session.principal.user_id),
        ..Default::default()
    };
    show_form::<Tickets>(&app, &session, new_spec::<Tickets>(), &input, None).await
}

/// A queue the list offers as a tab.
struct QueueTab {
    label: &'static str,
    href: String,
    current: bool,
}

struct TicketRow {
    id: i64,
    href: String,
    reference: String,
    subject: String,
    requester: String,
    requester_href: Option<String>,
    organisation: String,
    organisation_href: Option<String>,
    status: &'static str,
    /// The status's name, for its badge's colour.
    status_name: &'static str,
    priority: &'static str,
    priority_name: &'static str,
    assignee: String,
    /// The first answer: "answered", or how its due time stands.
    first_answer: String,
    first_answer_late: bool,
    /// The resolution's due time as it stands ("due in 3 h"), and exactly.
    due: String,
    due_exact: String,
    overdue: bool,
    created: String,
    created_iso: String,
}

#[derive(Template)]
#[template(path = "pages/helpdesk/tickets.html")]
struct TicketsPage {
    layout: Layout,
    /// Which tickets a bulk change left as they were, and why.
    notice: Option<String>,
    bulk: Option<BulkForm>,
    tabs: Vec<QueueTab>,
    q: String,
    /// The queue's parameters other than the search, kept by the search form.
    hidden: Vec<(&'static str, String)>,
    rows: Vec<TicketRow>,
    new_href: Option<String>,
    pager: Pager,
}

deref_layout!(TicketsPage);

fn row(ticket: &Ticket, now: Timestamp) -> TicketRow {
    let active = ticket.status.is_active();
    let (due, due_exact) = if active {
        (
            when::due(now, ticket.resolution_due_at),
            format!("{} UTC", ticket.resolution_due_at.display()),
        )
    } else {
        (String::new(), String::new())
    };
    let first_answer = match ticket.first_responded_at {
        Some(_) => "answered".to_string(),
        None if active => when::due(now, ticket.first_response_due_at),
        None => String::new(),
    };
    TicketRow {
        id: ticket.id.0,
        href: format!("/tickets/{}", ticket.id),
        reference: ticket.reference(),
        subject: unless_masked(ticket, "subject", ticket.subject.clone()),
        requester: ticket.contact_name.clone().unwrap_or_default(),
        requester_href: ticket.contact_id.map(|c| format!("/contacts/{c}")),
        organisation: ticket.organisation_name.clone().unwrap_or_default(),
        organisation_href: ticket
            .organisation_id
            .map(|o| format!("/organisations/{o}")),
        status: ticket.status.label(),
        status_name: ticket.status.as_str(),
        priority: ticket.priority.label(),
        priority_name: ticket.priority.as_str(),
        assignee: ticket.assignee_name.clone().unwrap_or_default(),
        first_answer,
        first_answer_late: ticket.first_response_overdue,
        due,
        due_exact,
        overdue: ticket.first_response_overdue || ticket.resolution_overdue,
        created: format!("{} UTC", ticket.created_at.display()),
        created_iso: ticket.created_at.to_rfc3339(),
    }
}

/// The queue tabs; the one matching `params` is marked current.
fn tabs(params: &ListParams, me: UserId) -> Vec<QueueTab> {
    let queue = |label, status: &str, assignee: Option<i64>| {
        let queue = ListParams {
            status: Some(status.to_string()),
            assignee_id: assignee,
            ..Default::default()
        };
        let current = params.status.as_deref() == Some(status)
            && params.assignee_id == assignee
            && params.priority.is_none()
            && params.organisation_id.is_none()
            && params.contact_id.is_none();
        QueueTab {
            label,
            href: list_href("/tickets", &queue, None),
            current,
        }
    };
    vec![
        queue("Active", "active", None),
        queue("Mine", "active", Some(me.0)),
        queue("Unassigned", "active", Some(0)),
        queue("New", "new", None),
        queue("Waiting for the customer", "pending", None),
        queue("Resolved", "resolved", None),
        queue("Closed", "closed", None),
        queue("All", "all", None),
    ]
}

async fn list(
    State(app): State<App>,
    session: PageSession,
    Query(params): Query<ListParams>,
) -> Response {
    queue_page(&app, &session, params, None).await
}

/// The queue `params` asks for, with what a bulk change left undone.
async fn queue_page(
    app: &App,
    session: &PageSession,
    mut params: ListParams,
    notice: Option<String>,
) -> Response {
    // The active tickets unless another queue is asked for; "all" is every status.
    let status = params.status.get_or_insert_with(|| "active".into()).clone();
    let mut asked = counted(&params);
    if status == "all" {
        asked.status = None;
    }
    let page = match app.helpdesk().tickets(&session.principal, &asked).await {
        Ok(page) => page,
        Err(error) => return error_page(error),
    };
    let bulk = if allowed(session, RecordType::Ticket, Action::Update) {
        match bulk_form(app, session, &params).await {
            Ok(form) => Some(form),
            Err(error) => return error_page(error),
        }
    } else {
        None
    };
    let hidden = [
        ("status", params.status.clone()),
        ("priority", params.priority.clone()),
        ("assignee_id", params.assignee_id.map(|a| a.to_string())),
        (
            "organisation_id",
            params.organisation_id.map(|o| o.to_string()),
        ),
        ("contact_id", params.contact_id.map(|c| c.to_string())),
        ("limit", params.limit.map(|l| l.to_string())),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.map(|v| (name, v)))
    .collect();
    render(&TicketsPage {
        layout: Layout::new(session, ""),
        notice,
        bulk,
        tabs: tabs(&params, session.principal.user_id),
        q: params.q.clone().unwrap_or_default(),
        hidden,
        rows: {
            let now = Timestamp::now();
            page.items.iter().map(|t| row(t, now)).collect()
        },
        new_href: allowed(session, RecordType::Ticket, Action::Create)
            .then(|| "/tickets/new".to_string()),
        pager: Pager::of("/tickets", &params, &page, ("ticket", "tickets")),
    })
}

struct MessageView {
    internal: bool,
    author: String,
    when: String,
    when_iso: String,
    body: String,
}

struct ReplyForm {
    body: String,
    internal: bool,
    statuses: Vec<SelectOption>,
    errors: Vec<String>,
    /// Why the last file was not attached.
    upload_errors: Vec<String>,
}

pub(crate) struct FileView {
    pub href: String,
    pub name: String,
    pub kind: String,
    pub size: String,
}

pub(crate) fn file_views(
    files: &[custodian_core::helpdesk::TicketAttachment],
    prefix: &str,
) -> Vec<FileView> {
    files
        .iter()
        .map(|f| FileView {
            href: format!("{prefix}/{}", f.id),
            name: if f.masked_fields.contains(&"file_name") {
                "(name hidden)".to_string()
            } else {
                f.file_name.clone()
            },
            kind: custodian_core::helpdesk::FileKind::parse(&f.content_type)
                .map_or("File", |k| k.label())
                .to_string(),
            size: if f.size_bytes >= 1024 * 1024 {
                format!("{:.1} MiB", f.size_bytes as f64 / 1048576.0)
            } else {
                format!("{} KiB", (f.size_bytes + 1023) / 1024)
            },
        })
        .collect()
}

#[derive(Template)]
#[template(path = "pages/helpdesk/ticket.html")]
struct TicketPage {
    layout: Layout,
    id: i64,
    /// The tenant's canned replies a reply can start from: (id, title, text).
    canned: Vec<(i64, String, String)>,
    title: String,
    status: &'static str,
    status_name: &'static str,
    priority: &'static str,
    priority_name: &'static str,
    overdue: Vec<&'static str>,
    facts: Vec<(&'static str, String, Option<String>)>,
    description: String,
    messages: Vec<MessageView>,
    closed: bool,
    can_reply: bool,
    can_edit: bool,
    /// Whether the ticket is the reader's already (no "Assign to me").
    mine: bool,
    can_make_faq: bool,
    can_delete: bool,
    reply: ReplyForm,
    files: Vec<FileView>,
    timeline: Vec<TimelineItem>,
    /// The requester's other tickets.
    others: Vec<TicketRow>,
}

deref_layout!(TicketPage);

/// A time as the page shows it; empty (and so left out) when there is none.
fn when(at: Option<Timestamp>) -> String {
    at.map(|t| format!("{} UTC", t.display()))
        .unwrap_or_default()
}

async fn ticket_page(
    app: &App,
    session: &PageSession,
    id: i64,
    reply: ReplyForm,
) -> Result<Response, AppError> {
    let principal = &session.principal;
    let ticket = app.helpdesk().ticket(principal, TicketId(id)).await?;
    let messages = app
        .helpdesk()
        .ticket_messages(principal, TicketId(id))
        .await?;
    let files = app
        .helpdesk()
        .ticket_attachments(principal, TicketId(id))
        .await?;
    let changes = app
        .record_history(principal, RecordType::Ticket, id)
        .await?;
    // The requester's other tickets, newest first, beside this one.
    let others = match ticket.contact_id {
        Some(contact) => {
            let params = ListParams {
                contact_id: Some(contact.0),
                limit: Some(6),
                ..Default::default()
            };
            let now = Timestamp::now();
            app.helpdesk()
                .tickets(principal, &params)
                .await?
                .items
                .iter()
                .filter(|t| t.id.0 != id)
                .take(5)
                .map(|t| row(t, now))
                .collect()
        }
        None => Vec::new(),
    };
    let refused = !reply.errors.is_empty() || !reply.upload_errors.is_empty();
    let mut overdue = Vec::new();
    if ticket.first_response_overdue {
        overdue.push("first answer overdue");
    }
    if ticket.resolution_overdue {
        overdue.push("resolution overdue");
    }
    let facts = vec![
        (
            "Requester",
            ticket.contact_name.clone().unwrap_or_default(),
            ticket.contact_id.map(|c| format!("/contacts/{c}")),
        ),
        (
            "Organisation",
            ticket.organisation_name.clone().unwrap_or_default(),
            ticket
                .organisation_id
                .map(|o| format!("/organisations/{o}")),
        ),
        (
            "Assignee",
            ticket
                .assignee_name
                .clone()
                .unwrap_or_else(|| "Nobody yet".into()),
            None,
        ),
        ("Category", ticket.category.clone(), None),
        ("Raised", when(Some(ticket.created_at)), None),
        (
            "First answer due",
            when(Some(ticket.first_response_due_at)),
            None,
        ),
        ("First answered", when(ticket.first_responded_at), None),
        ("Resolution due", when(Some(ticket.resolution_due_at)), None),
        ("Resolved", when(ticket.resolved_at), None),
    ];
    let canned = if allowed(session, RecordType::Ticket, Action::Update) {
        app.canned_replies(
            principal,
            &ListParams {
                sort: Some("title".into()),
                limit: Some(custodian_app::records::MAX_PAGE_SIZE),
                ..Default::default()
            },
        )
        .await?
        .items
        .into_iter()
        .map(|r| (r.id.0, r.title, r.body))
        .collect()
    } else {
        Vec::new()
    };
    let page = TicketPage {
        layout: Layout::new(session, ""),
        id,
        canned,
        title: format!(
            "{} {}",
            ticket.reference(),
            unless_masked(&ticket, "subject", ticket.subject.clone())
        ),
        status: ticket.status.label(),
        status_name: ticket.status.as_str(),
        priority: ticket.priority.label(),
        priority_name: ticket.priority.as_str(),
        overdue,
        facts: facts
            .into_iter()
            .filter(|(_, value, _)| !value.is_empty())
            .collect(),
        description: unless_masked(&ticket, "description", ticket.description.clone()),
        messages: messages
            .iter()
            .map(|m| MessageView {
                internal: m.visibility == MessageVisibility::Internal,
                author: m.author_name.clone().unwrap_or_default(),
                when: format!("{} UTC", m.created_at.display()),
                when_iso: m.created_at.to_rfc3339(),
                body: m.body.clone(),
            })
            .collect(),
        closed: ticket.status == TicketStatus::Closed,
        can_reply: allowed(session, RecordType::Ticket, Action::Update),
        can_edit: allowed(session, RecordType::Ticket, Action::Update),
        mine: ticket.assignee_id == Some(principal.user_id),
        can_make_faq: matches!(ticket.status, TicketStatus::Resolved | TicketStatus::Closed)
            && allowed(session, RecordType::FaqArticle, Action::Create),
        can_delete: allowed(session, RecordType::Ticket, Action::Delete),
        reply,
        files: file_views(&files, "/tickets/attachments"),
        timeline: timeline(&[], &changes),
        others,
    };
    Ok(refused_if(refused, render(&page)))
}

fn reply_statuses(selected: &str) -> Vec<SelectOption> {
    status_choices(selected, Some("Keep the status"))
}

/// The queue's bulk change: whom to give the ticked tickets to, and their
/// new status.
struct BulkForm {
    assignees: Vec<SelectOption>,
    statuses: Vec<SelectOption>,
    /// The queue to come back to.
    back: String,
}

async fn bulk_form(
    app: &App,
    session: &PageSession,
    params: &ListParams,
) -> Result<BulkForm, AppError> {
    let mut assignees = vec![
        SelectOption {
            value: String::new(),
            label: "Keep the assignee".into(),
            selected: true,
        },
        SelectOption {
            value: "0".into(),
            label: "Nobody".into(),
            selected: false,
        },
    ];
    assignees.extend(
        app.owner_choices(&session.principal)
            .await?
            .into_iter()
            .map(|(id, name)| SelectOption {
                value: id.to_string(),
                label: name,
                selected: false,
            }),
    );
    Ok(BulkForm {
        assignees,
        statuses: status_choices("", Some("Keep the status")),
        back: list_href("/tickets", params, None),
    })
}

/// The bulk change as sent from the queue.
#[derive(Deserialize, Default)]
#[serde(default)]
struct BulkChangeForm {
    #[serde(deserialize_with = "repeated_ids")]
    ticket_ids: Vec<i64>,
    #[serde(deserialize_with = "number")]
    assignee_id: Option<i64>,
    #[serde(deserialize_with = "filled")]
    status: Option<String>,
    back: String,
}

/// Applies a bulk change and comes back to the queue; when some tickets
/// could not be changed, the queue says which and why.
async fn change_in_bulk(
    State(app): State<App>,
    session: PageSession,
    CsrfForm(form): CsrfForm<BulkChangeForm>,
) -> Response {
    let input = BulkTicketInput {
        ticket_ids: form.ticket_ids.into_iter().map(TicketId).collect(),
        assignee_id: form.assignee_id,
        status: form.status,
    };
    // Only a queue address is a place to come back to.
    let back = Some(form.back)
        .filter(|b| b == "/tickets" || b.starts_with("/tickets?"))
        .unwrap_or_else(|| "/tickets".into());
    let params: ListParams = back
        .split_once('?')
        .and_then(|(_, query)| serde_urlencoded::from_str(query).ok())
        .unwrap_or_default();
    match app
        .helpdesk()
        .change_tickets(&session.principal, &input)
        .await
    {
        Ok(outcome) if outcome.refused.is_empty() => Redirect::to(&back).into_response(),
        Ok(outcome) => {
            let refused: Vec<String> = outcome
                .refused
                .iter()
                .map(|r| match r.number {
                    Some(number) => format!("#{number}: {}", r.message),
                    None => format!("a ticket you cannot see ({})", r.message),
                })
                .collect();
            let notice = format!(
                "{} changed; left as they were: {}",
                outcome.changed.len(),
                refused.join("; ")
            );
            queue_page(&app, &session, params, Some(notice)).await
        }
        Err(AppError::Validation(errors)) => {
            let notice = errors
                .0
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join(" ");
            let mut response = queue_page(&app, &session, params, Some(notice)).await;
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
        Err(error) => error_page(error),
    }
}

async fn assign_to_me(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(_): CsrfForm<crate::pages::forms::NoFields>,
) -> Response {
    match app
        .helpdesk()
        .assign_ticket_to_me(&session.principal, TicketId(id))
        .await
    {
        Ok(_) => Redirect::to(&format!("/tickets/{id}")).into_response(),
        Err(error) => error_page(error),
    }
}

/// A ticket page's address may name a canned reply to start the reply
/// with (the reply form's "Use" without JavaScript).
#[derive(Deserialize, Default)]
struct ShowQuery {
    #[serde(default, deserialize_with = "number")]
    reply_with: Option<i64>,
}

async fn show(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    Query(query): Query<ShowQuery>,
) -> Response {
    let body = match query.reply_with {
        Some(reply) => match app
            .canned_reply(&session.principal, custodian_core::CannedReplyId(reply))
            .await
        {
            Ok(reply) => reply.body,
            Err(error) => return error_page(error),
        },
        None => String::new(),
    };
    let reply = ReplyForm {
        body,
        internal: false,
        statuses: reply_statuses(""),
        errors: Vec::new(),
        upload_errors: Vec::new(),
    };
    ticket_page(&app, &session, id, reply)
        .await
        .unwrap_or_else(error_page)
}

/// A reply or internal note as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
struct MessageForm {
    body: String,
    #[serde(deserialize_with = "filled")]
    visibility: Option<String>,
    #[serde(deserialize_with = "filled")]
    status: Option<String>,
}

async fn add_message(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(form): CsrfForm<MessageForm>,
) -> Response {
    let input = MessageInput {
        body: form.body,
        visibility: form.visibility,
        status: form.status,
    };
    match app
        .helpdesk()
        .add_ticket_message(&session.principal, TicketId(id), &input)
        .await
    {
        Ok(_) => Redirect::to(&format!("/tickets/{id}#messages")).into_response(),
        Err(error) => {
            let errors = match error {
                AppError::Validation(errors) => refusal_lines(&errors),
                AppError::Refused(Refusal::TicketClosed) => vec![
                    "The ticket is closed and takes no reply or note. Reopen it (Edit, status Open) first.".to_string(),
                ],
                AppError::Restricted => vec![
                    "Processing of the requester's data is restricted at their request (Art. 18): only the data protection officer can change this ticket.".to_string(),
                ],
                other => return error_page(other),
            };
            let reply = ReplyForm {
                body: input.body.clone(),
                internal: input.visibility.as_deref() == Some("internal"),
                statuses: reply_statuses(input.status.as_deref().unwrap_or("")),
                errors,
                upload_errors: Vec::new(),
            };
            ticket_page(&app, &session, id, reply)
                .await
                .unwrap_or_else(error_page)
        }
    }
}

/// A contact's or organisation's tickets as timeline items, for readers
/// who may see tickets; nothing for the others.
pub(in crate::pages) async fn tickets_on_timeline(
    app: &App,
    session: &PageSession,
    params: ListParams,
) -> Result<Vec<TimelineItem>, AppError> {
    if !allowed(session, RecordType::Ticket, Action::Read) {
        return Ok(Vec::new());
    }
    let params = ListParams {
        limit: Some(50),
        ..params
    };
    let page = app.helpdesk().tickets(&session.principal, &params).await?;
    Ok(page
        .items
        .iter()
        .map(|t| TimelineItem {
            at: t.created_at.0,
            kind: "Ticket",
            when: format!("{} UTC", t.created_at.display()),
            when_iso: t.created_at.to_rfc3339(),
            subject: format!(
                "{} {}",
                t.reference(),
                unless_masked(t, "subject", t.subject.clone())
            ),
            href: Some(format!("/tickets/{}", t.id)),
            body: String::new(),
            by: format!(
                "{} · {}{}",
                t.status.label(),
                t.priority.label(),
                t.contact_name
                    .as_deref()
                    .map(|n| format!(" · from {n}"))
                    .unwrap_or_default()
            ),
        })
        .collect())
}

/// Attaches the file of a multipart form; refusals show on the ticket.
async fn attach(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfUpload(form): CsrfUpload,
) -> Response {
    let outcome = match form.file {
        Some(file) => {
            app.helpdesk()
                .attach_to_ticket(
                    &session.principal,
                    TicketId(id),
                    file.file_name.as_deref().unwrap_or(""),
                    &file.data,
                )
                .await
        }
        None => Err(AppError::Validation(
            custodian_core::ValidationErrors::single(
                "file",
                "required",
                "Choose a file to attach.",
            ),
        )),
    };
    let upload_errors = match outcome {
        Ok(_) => return Redirect::to(&format!("/tickets/{id}#files")).into_response(),
        Err(AppError::Validation(errors)) => refusal_lines(&errors),
        Err(AppError::Refused(Refusal::TicketClosed)) => {
            vec!["The ticket is closed and takes no file; reopen it first.".into()]
        }
        Err(error) => return error_page(error),
    };
    let reply = ReplyForm {
        body: String::new(),
        internal: false,
        statuses: reply_statuses(""),
        errors: Vec::new(),
        upload_errors,
    };
    ticket_page(&app, &session, id, reply)
        .await
        .unwrap_or_else(error_page)
}

async fn download(State(app): State<App>, session: PageSession, PageId(id): PageId) -> Response {
    match app
        .helpdesk()
        .ticket_attachment(&session.principal, custodian_core::TicketAttachmentId(id))
        .await
    {
        Ok((attachment, content)) => crate::api::attachments::file_response(&attachment, content),
        Err(error) => error_page(error),
    }
}
