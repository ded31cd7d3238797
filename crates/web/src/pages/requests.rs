//! Data-subject request pages: the dashboard (open, due soon, overdue) with
//! the intake form, and one request with its steps and what can be done
//! next.

use super::dashboard::days_left;
use super::forms::{filled, lines, link, repeated_ids, NoFields};
use super::path_id::PageId;
use super::pickers::Pick;
use super::session::PageSession;
use super::views::{
    error_page, options, refusal_lines, render, FieldKind, FormField, Layout, SelectOption,
};
use crate::csrf::CsrfForm;
use crate::downloads::attachment;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use custodian_app::{App, AppError};
use custodian_core::access::{Action, Area};
use custodian_core::catalog;
use custodian_core::privacy::erasure::{ErasureCertificate, TableOutcome, MENTIONED};
use custodian_core::privacy::fulfilment::{ErasureConfirmation, ObjectionInput, SubjectsInput};
use custodian_core::privacy::rectification::{ContactCorrection, RectificationInput};
use custodian_core::privacy::requests::{
    Channel, Extension, RequestInput, RequestState, RequestType, StateChange, SubjectRequest,
};
use custodian_core::privacy::subjects::SubjectCandidate;
use custodian_core::time::{CalendarDate, Timestamp};
use custodian_core::values::Address;
use custodian_core::{ContactId, Refusal, SubjectRequestId, ValidationErrors};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/privacy/requests", get(dashboard).post(log))
        .route("/privacy/requests/{id}", get(show))
        .route("/privacy/requests/{id}/identity", post(identity))
        .route("/privacy/requests/{id}/state", post(move_to))
        .route("/privacy/requests/{id}/extension", post(extend))
        .route("/privacy/requests/{id}/subjects", post(confirm_subjects))
        .route("/privacy/requests/{id}/export", get(export))
        .route("/privacy/requests/{id}/erasure", post(erase))
        .route("/privacy/requests/{id}/certificate.json", get(certificate))
        .route("/privacy/requests/{id}/restriction", post(restrict))
        .route("/privacy/requests/{id}/rectification", post(rectify))
        .route("/privacy/requests/{id}/objection", post(object))
}

/// Days within which a request counts as due soon.
const DUE_SOON_DAYS: i64 = 7;

struct Row {
    id: i64,
    number: i64,
    due: String,
    when: String,
    overdue: bool,
    subject: String,
    kind: &'static str,
    state: &'static str,
    owner: String,
}

#[derive(askama::Template)]
#[template(path = "pages/requests.html")]
struct DashboardPage {
    layout: Layout,
    open: usize,
    due_soon: usize,
    overdue: usize,
    stricter_days: Option<u32>,
    show_all: bool,
    rows: Vec<Row>,
    can_log: bool,
    errors: Vec<String>,
    fields: Vec<FormField>,
}

#[derive(askama::Template)]
#[template(path = "pages/request.html")]
struct RequestPage {
    layout: Layout,
    /// Received → identity → records → answer, as far as the request got.
    progress: Vec<Stage>,
    /// What to do next, first on the page, while the request is open.
    next_action: Option<&'static str>,
    r: SubjectRequest,
    kind: &'static str,
    channel: &'static str,
    state: &'static str,
    when: String,
    open: bool,
    can_work: bool,
    moves: Vec<SelectOption>,
    /// The rectification form's country list.
    countries: Vec<SelectOption>,
    errors: Vec<String>,
    /// Access, portability and erasure act on the subject's records.
    finds_subject: bool,
    candidates: Vec<SubjectCandidate>,
    confirmed: usize,
    exports: bool,
    can_export: bool,
    erases: bool,
    can_erase: bool,
    restricts: bool,
    rectifies: bool,
    objects: bool,
    plan: Vec<PlanLine>,
    /// The plan keeps something under a legal hold.
    holds: bool,
    certificate: Option<ErasureCertificate>,
    /// The certificate's lines, as the plan's are shown.
    certified: Vec<PlanLine>,
}

/// One stage of a request's way from receipt to answer.
struct Stage {
    label: &'static str,
    done: bool,
    current: bool,
}

/// The stages a request goes through, the first not done being current.
fn progress(request: &SubjectRequest, finds_subject: bool, confirmed: usize) -> Vec<Stage> {
    let mut stages = vec![
        ("Received", true),
        ("Identity verified", request.identity_verified_at.is_some()),
    ];
    if finds_subject {
        stages.push((
            "Records confirmed",
            confirmed > 0 || !request.state.is_open(),
        ));
    }
    stages.push(("Answered", !request.state.is_open()));
    let current = stages.iter().position(|(_, done)| !done);
    stages
        .into_iter()
        .enumerate()
        .map(|(at, (label, done))| Stage {
            label,
            done,
            current: Some(at) == current,
        })
        .collect()
}

/// The next thing to do on an open request, in plain words.
fn next_action(request: &SubjectRequest, finds_subject: bool, confirmed: usize) -> &'static str {
    use RequestType as T;
    if request.identity_verified_at.is_none() {
        return "Verify the subject's identity and note how, below.";
    }
    if finds_subject && confirmed == 0 {
        return "Confirm which contact records are the subject's.";
    }
    match request.request_type {
        T::Access | T::Portability => {
            "Download the export, give it to the subject, then complete the request."
        }
        T::Erasure => "Check what erasure will do, then erase the subject.",
        T::Restriction => {
            "Restrict processing of the confirmed records, then complete the request."
        }
        T::Rectification => "Apply the corrections, then complete the request.",
        T::Objection => {
            "Carry out the objection to direct marketing, or decide it and complete the request."
        }
    }
}

/// One line of an erasure plan or certificate as the page shows it.
struct PlanLine {
    table: String,
    done: &'static str,
    rows: u64,
    columns: String,
    /// The records others' text named the subject in.
    records: Vec<RecordLink>,
}

struct RecordLink {
    label: String,
    href: Option<String>,
}

impl From<&TableOutcome> for PlanLine {
    fn from(t: &TableOutcome) -> Self {
        let mut columns: Vec<String> = Vec::new();
        for column in &t.columns {
            let label = catalog::column_label(&t.table, column);
            if !columns.contains(&label) {
                columns.push(label);
            }
        }
        PlanLine {
            table: catalog::table_label(&t.table),
            done: match t.action.as_str() {
                "deleted" => "deleted",
                "updated" => "their details removed",
                "kept" => "kept under the legal hold",
                MENTIONED => "mentions of them redacted",
                _ => "changed",
            },
            rows: t.rows,
            columns: columns.join(", "),
            records: t
                .records
                .iter()
                .map(|id| record_link(&t.table, *id))
                .collect(),
        }
    }
}

/// A record named in a plan, linked to its page where it has one.
fn record_link(table: &str, id: i64) -> RecordLink {
    let (label, page) = match table {
        "activities" => ("activity", Some("/activities")),
        "tickets" => ("ticket", Some("/tickets")),
        "faq_articles" => ("FAQ article", Some("/faq-articles")),
        "subject_requests" | "subject_request_events" => ("request", Some("/privacy/requests")),
        "ticket_messages" => ("ticket message", None),
        "ticket_attachments" => ("ticket file", None),
        _ => ("record", None),
    };
    RecordLink {
        label: format!("{label} {id}"),
        href: page.map(|p| format!("{p}/{id}")),
    }
}

deref_layout!(DashboardPage, RequestPage);

// The field template matches on its variants.
#[allow(dead_code)]
type UsedByTemplates = FieldKind;

fn today() -> CalendarDate {
    CalendarDate::of(Timestamp::now())
}

/// The intake form's fields; the contact is picked by name by those who
/// may read contacts, and given by number by others (a data protection
/// officer who does not read the CRM).
fn intake_fields(input: &RequestInput, reads_contacts: bool) -> Vec<FormField> {
    let kinds = RequestType::ALL
        .iter()
        .map(|t| (t.as_str().to_string(), t.label().to_string()));
    let channels = Channel::ALL
        .iter()
        .filter(|c| !matches!(c, Channel::Portal | Channel::Api))
        .map(|c| (c.as_str().to_string(), c.label().to_string()));
    vec![
        FormField::select(
            "request_type",
            "The subject asks for",
            options(kinds, std::slice::from_ref(&input.request_type), None),
        ),
        FormField::select(
            "channel",
            "Received by",
            options(channels, std::slice::from_ref(&input.channel), None),
        ),
        FormField::input(
            "received_on",
            "Received on",
            "date",
            input
                .received_on
                .clone()
                .unwrap_or_else(|| today().to_iso()),
        ),
        FormField::input(
            "subject_name",
            "Subject's name",
            "text",
            &input.subject_name,
        ),
        FormField::input(
            "subject_email",
            "Subject's email (for the answer)",
            "email",
            input.subject_email.clone().unwrap_or_default(),
        ),
        if reads_contacts {
            FormField::input(
                "contact_id",
                "Contact record, if known",
                "text",
                input.contact_id.map(|c| c.to_string()).unwrap_or_default(),
            )
            .picking(Pick::Contact)
            .picked(input.subject_name.clone())
        } else {
            FormField::input(
                "contact_id",
                "Contact record number, if known",
                "number",
                input.contact_id.map(|c| c.to_string()).unwrap_or_default(),
            )
        },
        FormField::input(
            "details",
            "What was asked",
            "text",
            input.details.clone().unwrap_or_default(),
        ),
    ]
}

#[derive(Deserialize)]
struct DashboardQuery {
    #[serde(default)]
    all: Option<String>,
    /// Log a request of this contact: the form starts with their name,
    /// first email and record number ("Log privacy request" on the contact).
    #[serde(default)]
    contact_id: Option<i64>,
}

async fn dashboard_page(
    app: &App,
    session: &PageSession,
    show_all: bool,
    input: &RequestInput,
    errors: Option<&ValidationErrors>,
) -> Response {
    let (requests, stricter_days) = match (
        app.privacy()
            .subject_requests(&session.principal, !show_all)
            .await,
        app.privacy()
            .request_deadline_days(&session.principal)
            .await,
    ) {
        (Ok(requests), Ok(days)) => (requests, days),
        (Err(error), _) | (_, Err(error)) => return error_page(error),
    };
    // Days left of each open request.
    let open_requests: Vec<i64> = requests
        .iter()
        .filter(|r| r.state.is_open())
        .map(|r| r.days_left(today()))
        .collect();
    let today = today();
    let page = render(&DashboardPage {
        layout: Layout::new(session, ""),
        open: open_requests.len(),
        due_soon: open_requests
            .iter()
            .filter(|d| (0..=DUE_SOON_DAYS).contains(*d))
            .count(),
        overdue: open_requests.iter().filter(|d| **d < 0).count(),
        stricter_days,
        show_all,
        rows: requests
            .into_iter()
            .map(|r| {
                let left = r.days_left(today);
                Row {
                    id: r.id.0,
                    number: r.number,
                    due: r.due_on.to_iso(),
                    when: if r.state.is_open() {
                        days_left(left)
                    } else {
                        "closed".into()
                    },
                    overdue: r.state.is_open() && left < 0,
                    subject: r.subject_name,
                    kind: r.request_type.label(),
                    state: r.state.label(),
                    owner: r.owner_name.unwrap_or_default(),
                }
            })
            .collect(),
        can_log: session
            .principal
            .authorize(Area::Privacy, Action::Create)
            .is_ok(),
        errors: errors.map(refusal_lines).unwrap_or_default(),
        fields: intake_fields(
            input,
            session
                .principal
                .authorize(Area::OrganisationsAndContacts, Action::Read)
                .is_ok(),
        ),
    });
    if errors.is_some() {
        (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
    } else {
        page
    }
}

async fn dashboard(
    State(app): State<App>,
    session: PageSession,
    Query(query): Query<DashboardQuery>,
) -> Response {
    let mut input = RequestInput {
        request_type: RequestType::Access.as_str().into(),
        channel: Channel::Letter.as_str().into(),
        ..Default::default()
    };
    if let Some(id) = query.contact_id {
        match app.contact(&session.principal, ContactId(id)).await {
            Ok(contact) => {
                input.subject_name = format!("{} {}", contact.first_name, contact.last_name)
                    .trim()
                    .to_string();
                input.subject_email = contact.emails.first().map(|e| e.as_str().to_string());
                input.contact_id = Some(contact.id);
            }
            Err(error) => return error_page(error),
        }
    }
    dashboard_page(&app, &session, query.all.is_some(), &input, None).await
}

/// The intake form: a request as logged by staff.
#[derive(Deserialize, Default)]
#[serde(default)]
struct IntakeForm {
    request_type: String,
    channel: String,
    #[serde(deserialize_with = "filled")]
    received_on: Option<String>,
    #[serde(deserialize_with = "link")]
    contact_id: Option<i64>,
    subject_name: String,
    #[serde(deserialize_with = "filled")]
    subject_email: Option<String>,
    #[serde(deserialize_with = "filled")]
    details: Option<String>,
}

async fn log(
    State(app): State<App>,
    session: PageSession,
    CsrfForm(form): CsrfForm<IntakeForm>,
) -> Response {
    let input = RequestInput {
        request_type: form.request_type,
        channel: form.channel,
        received_on: form.received_on,
        contact_id: form.contact_id.map(ContactId),
        subject_name: form.subject_name,
        subject_email: form.subject_email,
        details: form.details,
    };
    match app.privacy().log_request(&session.principal, &input).await {
        Ok(request) => Redirect::to(&format!("/privacy/requests/{}", request.id)).into_response(),
        Err(AppError::Validation(errors)) => {
            dashboard_page(&app, &session, false, &input, Some(&errors)).await
        }
        Err(AppError::Refused(Refusal::UnknownReference { .. })) => {
            let errors = ValidationErrors::single(
                "contact_id",
                "unknown_reference",
                "There is no contact with this number.",
            );
            dashboard_page(&app, &session, false, &input, Some(&errors)).await
        }
        Err(error) => error_page(error),
    }
}

async fn request_page(
    app: &App,
    session: &PageSession,
    id: i64,
    errors: Option<&ValidationErrors>,
) -> Response {
    let request = match app
        .privacy()
        .subject_request(&session.principal, SubjectRequestId(id))
        .await
    {
        Ok(request) => request,
        Err(error) => return error_page(error),
    };
    let principal = &session.principal;
    let exports = matches!(
        request.request_type,
        RequestType::Access | RequestType::Portability
    );
    let erases = request.request_type == RequestType::Erasure;
    let restricts = request.request_type == RequestType::Restriction;
    let rectifies = request.request_type == RequestType::Rectification;
    let objects = request.request_type == RequestType::Objection;
    let finds_subject = exports || erases || restricts || rectifies || objects;
    let candidates = if finds_subject {
        match app
            .privacy()
            .subject_candidates(principal, SubjectRequestId(id))
            .await
        {
            Ok(candidates) => candidates,
            Err(error) => return error_page(error),
        }
    } else {
        Vec::new()
    };
    let plan = if erases && request.state.is_open() {
        match app
            .privacy()
            .erasure_plan(principal, SubjectRequestId(id))
            .await
        {
            Ok(plan) => plan,
            Err(error) => return error_page(error),
        }
    } else {
        Vec::new()
    };
    let certificate = if erases && !request.state.is_open() {
        app.privacy()
            .erasure_certificate(principal, SubjectRequestId(id))
            .await
            .ok()
    } else {
        None
    };
    let moves = RequestState::ALL
        .iter()
        .filter(|s| request.state.may_become(**s))
        .map(|s| SelectOption {
            value: s.as_str().into(),
            label: s.label().into(),
            selected: false,
        })
        .collect();
    let confirmed = candidates.iter().filter(|c| c.confirmed).count();
    let can_work = session
        .principal
        .authorize(Area::Privacy, Action::Update)
        .is_ok();
    let page = render(&RequestPage {
        progress: progress(&request, finds_subject, confirmed),
        next_action: (request.state.is_open() && can_work)
            .then(|| next_action(&request, finds_subject, confirmed)),
        countries: super::views::country_options(""),
        layout: Layout::new(session, ""),
        kind: request.request_type.label(),
        channel: request.channel.label(),
        state: request.state.label(),
        when: if request.state.is_open() {
            days_left(request.days_left(today()))
        } else {
            "closed".into()
        },
        open: request.state.is_open(),
        can_work,
        moves,
        errors: errors.map(refusal_lines).unwrap_or_default(),
        finds_subject,
        confirmed,
        candidates,
        exports,
        can_export: principal.authorize(Area::Privacy, Action::Export).is_ok(),
        erases,
        can_erase: principal.authorize(Area::Privacy, Action::Erase).is_ok(),
        restricts,
        rectifies,
        objects,
        holds: plan.iter().any(|t| t.action == "kept" && t.rows > 0),
        // Only what touches the subject: a kind of record with no row of
        // theirs says nothing (the JSON certificate keeps every line).
        plan: plan
            .iter()
            .filter(|t| t.rows > 0)
            .map(PlanLine::from)
            .collect(),
        certified: certificate
            .iter()
            .flat_map(|c| c.tables.iter().filter(|t| t.rows > 0).map(PlanLine::from))
            .collect(),
        certificate,
        r: request,
    });
    if errors.is_some() {
        (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
    } else {
        page
    }
}

async fn show(State(app): State<App>, session: PageSession, PageId(id): PageId) -> Response {
    request_page(&app, &session, id, None).await
}

/// How the subject's identity was verified.
#[derive(Deserialize, Default)]
#[serde(default)]
struct IdentityForm {
    method: String,
}

async fn identity(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(form): CsrfForm<IdentityForm>,
) -> Response {
    let result = app
        .privacy()
        .verify_identity(&session.principal, SubjectRequestId(id), &form.method)
        .await;
    after(&app, &session, id, result).await
}

/// The state a request moves to, with a note.
#[derive(Deserialize, Default)]
#[serde(default)]
struct StateChangeForm {
    state: String,
    #[serde(deserialize_with = "filled")]
    note: Option<String>,
}

async fn move_to(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(form): CsrfForm<StateChangeForm>,
) -> Response {
    let change = StateChange {
        state: form.state,
        note: form.note,
    };
    let result = app
        .privacy()
        .move_request(&session.principal, SubjectRequestId(id), &change)
        .await;
    after(&app, &session, id, result).await
}

/// An extension of the deadline, in months, with its reason.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ExtensionForm {
    months: String,
    reason: String,
}

async fn extend(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(form): CsrfForm<ExtensionForm>,
) -> Response {
    let extension = Extension {
        months: form.months.trim().parse().unwrap_or(0),
        reason: form.reason,
    };
    let result = app
        .privacy()
        .extend_request(&session.principal, SubjectRequestId(id), &extension)
        .await;
    after(&app, &session, id, result).await
}

/// The answer to a step: back to the request, with the refusal if any.
async fn after<T>(
    app: &App,
    session: &PageSession,
    id: i64,
    result: Result<T, AppError>,
) -> Response {
    match result {
        Ok(_) => Redirect::to(&format!("/privacy/requests/{id}")).into_response(),
        Err(AppError::Validation(errors)) => request_page(app, session, id, Some(&errors)).await,
        Err(AppError::Refused(Refusal::UnknownReference { .. })) => {
            let errors = ValidationErrors::single(
                "contact_ids",
                "unknown_reference",
                "One of the records no longer exists; reload the page.",
            );
            request_page(app, session, id, Some(&errors)).await
        }
        Err(error) => error_page(error),
    }
}

/// The contacts ticked as the request's subject.
#[derive(Deserialize, Default)]
#[serde(default)]
struct SubjectsForm {
    #[serde(deserialize_with = "repeated_ids")]
    contact_ids: Vec<i64>,
}

async fn confirm_subjects(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(form): CsrfForm<SubjectsForm>,
) -> Response {
    let input = SubjectsInput {
        contact_ids: form.contact_ids.into_iter().map(ContactId).collect(),
    };
    let result = app
        .privacy()
        .confirm_subjects(&session.principal, SubjectRequestId(id), &input)
        .await;
    after(&app, &session, id, result).await
}

async fn export(State(app): State<App>, session: PageSession, PageId(id): PageId) -> Response {
    match app
        .privacy()
        .subject_export(&session.principal, SubjectRequestId(id))
        .await
    {
        Ok(export) => attachment("application/zip", &export.file_name, export.bytes),
        Err(error) => after::<()>(&app, &session, id, Err(error)).await,
    }
}

/// The erasure's confirmation checkboxes.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ErasureForm {
    confirm: String,
    keep_under_legal_hold: String,
}

async fn erase(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(form): CsrfForm<ErasureForm>,
) -> Response {
    let confirmation = ErasureConfirmation {
        confirm: form.confirm == "true",
        keep_under_legal_hold: form.keep_under_legal_hold == "true",
    };
    let result = app
        .privacy()
        .erase_subject(&session.principal, SubjectRequestId(id), &confirmation)
        .await;
    after(&app, &session, id, result).await
}

async fn certificate(State(app): State<App>, session: PageSession, PageId(id): PageId) -> Response {
    match app
        .privacy()
        .erasure_certificate(&session.principal, SubjectRequestId(id))
        .await
    {
        Ok(certificate) => attachment(
            "application/json",
            &format!("erasure-certificate-{id}.json"),
            serde_json::to_vec_pretty(&certificate).unwrap_or_default(),
        ),
        Err(error) => error_page(error),
    }
}

async fn restrict(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    let result = app
        .privacy()
        .restrict_for_request(&session.principal, SubjectRequestId(id))
        .await;
    after(&app, &session, id, result).await
}

/// The corrections to the subject's contact record; blank is unchanged.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RectificationForm {
    #[serde(deserialize_with = "link")]
    contact_id: Option<i64>,
    #[serde(deserialize_with = "filled")]
    first_name: Option<String>,
    #[serde(deserialize_with = "filled")]
    last_name: Option<String>,
    #[serde(deserialize_with = "filled")]
    position: Option<String>,
    #[serde(deserialize_with = "lines")]
    emails: Vec<String>,
    #[serde(deserialize_with = "lines")]
    phones: Vec<String>,
    #[serde(deserialize_with = "filled")]
    street: Option<String>,
    #[serde(deserialize_with = "filled")]
    postcode: Option<String>,
    #[serde(deserialize_with = "filled")]
    city: Option<String>,
    #[serde(deserialize_with = "filled")]
    country: Option<String>,
}

async fn rectify(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(form): CsrfForm<RectificationForm>,
) -> Response {
    let listed = |lines: Vec<String>| Some(lines).filter(|l| !l.is_empty());
    let input = RectificationInput {
        contact_id: ContactId(form.contact_id.unwrap_or(0)),
        corrections: ContactCorrection {
            first_name: form.first_name,
            last_name: form.last_name,
            position: form.position,
            emails: listed(form.emails),
            phones: listed(form.phones),
            work_address: {
                let address = Address {
                    street: form.street,
                    postcode: form.postcode,
                    city: form.city,
                    country: form.country,
                };
                (address != Address::default()).then_some(address)
            },
            ..ContactCorrection::default()
        },
    };
    let result = app
        .privacy()
        .rectify(&session.principal, SubjectRequestId(id), &input)
        .await;
    after(&app, &session, id, result).await
}

async fn object(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    let input = ObjectionInput {
        direct_marketing: true,
    };
    let result = app
        .privacy()
        .object_to_marketing(&session.principal, SubjectRequestId(id), &input)
        .await;
    after(&app, &session, id, result).await
}
