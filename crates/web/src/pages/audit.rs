//! The audit trail page: per record, per user, per data subject, filtered
//! by action and time, with a CSV download of what the filters select.

use super::lists::csv_download;
use super::session::PageSession;
use super::views::{error_page, options, render, Layout, SelectOption};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use custodian_app::audit::TrailParams;
use custodian_app::names::RecordNames;
use custodian_app::{App, AppError};
use custodian_core::access::{Action, Area};
use custodian_core::audit::entry::AuditEntry;
use custodian_core::audit::{AuditAction, RecordType};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/audit", get(trail))
        .route("/audit.csv", get(csv))
}

struct Row {
    seq: i64,
    when: String,
    when_iso: String,
    who: String,
    who_href: Option<String>,
    action: &'static str,
    record: String,
    record_href: Option<String>,
    fields: String,
    from: String,
    agent: String,
    /// The reason for access stated for sensitive data.
    reason: String,
}

#[derive(askama::Template)]
#[template(path = "pages/audit.html")]
struct TrailPage {
    layout: Layout,
    record_types: Vec<SelectOption>,
    actions: Vec<SelectOption>,
    record_id: String,
    /// The filtered record's and subject's names, for their pickers.
    record_label: String,
    contact_label: String,
    users: Vec<SelectOption>,
    /// Whether records are picked by name (the reader reads the CRM).
    can_pick: bool,
    contact_id: String,
    user_id: String,
    from: String,
    until: String,
    problem: Option<String>,
    rows: Vec<Row>,
    csv_href: String,
    first_href: String,
    next_href: Option<String>,
}

deref_layout!(TrailPage);

fn action_label(action: &str) -> &'static str {
    match AuditAction::parse(action) {
        Some(AuditAction::Create) => "created",
        Some(AuditAction::Update) => "changed",
        Some(AuditAction::Delete) => "deleted",
        Some(AuditAction::Read) => "viewed",
        Some(AuditAction::List) => "listed",
        Some(AuditAction::Export) => "exported",
        Some(AuditAction::Login) => "logged in",
        Some(AuditAction::LoginFailed) => "failed login",
        Some(AuditAction::Logout) => "logged out",
        Some(AuditAction::BlankContext) => "blanked context (erasure)",
        None => "other",
    }
}

/// The back-office page of a record, where it has one.
fn record_href(record_type: &str, id: i64) -> Option<String> {
    let path = match RecordType::parse(record_type)? {
        RecordType::Organisation => "organisations",
        RecordType::Contact => "contacts",
        RecordType::Activity => "activities",
        RecordType::Asset => "assets",
        RecordType::Agreement => "agreements",
        RecordType::Ticket => "tickets",
        RecordType::TicketMessage => return None,
        RecordType::Mail => "admin/outbox",
        RecordType::PortalAccount => return None,
        RecordType::FaqArticle => "faq-articles",
        RecordType::CannedReply => "canned-replies",
        RecordType::TicketAttachment | RecordType::PortalRegistration | RecordType::AuditEntry => {
            return None
        }
        RecordType::Role => "admin/roles",
        RecordType::Purpose => "privacy/purposes",
        RecordType::SubjectRequest => "privacy/requests",
        RecordType::ConsentText => "privacy/consents",
        RecordType::ConsentEvent | RecordType::RetentionReview => return None,
        RecordType::RetentionRule => "privacy/retention/rules",
        RecordType::LegalHold => "privacy/retention/holds",
        RecordType::RetentionRun => "privacy/retention/runs",
        RecordType::Tenant | RecordType::Team | RecordType::User | RecordType::ApiToken => {
            return None
        }
    };
    Some(format!("/{path}/{id}"))
}

/// The record an entry is about, when it is about one.
fn entry_record(entry: &AuditEntry) -> Option<(RecordType, i64)> {
    let record_type = RecordType::parse(&entry.record_type)?;
    match entry.record_ids.as_slice() {
        [] => Some((record_type, entry.record_id)),
        [one] => Some((record_type, *one)),
        _ => None,
    }
}

/// "Anna Schmidt (contact)" where the reader may see the name, otherwise
/// "contact 378613301154257".
fn record_text(names: &RecordNames, record_type: &str, id: i64) -> String {
    let kind = record_type.replace('_', " ");
    match RecordType::parse(record_type).and_then(|t| names.get(&(t, id))) {
        Some(name) => format!("{name} ({kind})"),
        None => format!("{kind} {id}"),
    }
}

fn row(entry: &AuditEntry, names: &RecordNames) -> Row {
    let who = match (&entry.actor_name, entry.actor_kind.as_str()) {
        (Some(name), "api_token") => format!("{name} (API token)"),
        (Some(name), "contact") => format!("{name} (customer portal)"),
        (Some(name), _) => name.clone(),
        (None, "system") => "Custodian (system)".to_string(),
        (None, kind) => format!("{kind} {}", entry.actor_id),
    };
    Row {
        seq: entry.seq,
        when: format!("{} UTC", entry.occurred_at.display()),
        when_iso: entry.occurred_at.to_rfc3339(),
        who,
        who_href: entry.actor_user_id.map(|u| format!("/audit?user_id={u}")),
        action: action_label(&entry.action),
        record: match entry.record_ids.len() {
            0 => record_text(names, &entry.record_type, entry.record_id),
            1 => format!(
                "{} (in a list)",
                record_text(names, &entry.record_type, entry.record_ids[0])
            ),
            shown => format!("{shown} {}s (a list)", entry.record_type.replace('_', " ")),
        },
        record_href: match entry.record_ids.as_slice() {
            [] => record_href(&entry.record_type, entry.record_id),
            [one] => record_href(&entry.record_type, *one),
            _ => None,
        },
        fields: entry.fields.join(", "),
        from: entry.source_ip.clone().unwrap_or_default(),
        agent: entry.user_agent.clone().unwrap_or_default(),
        reason: entry.reason.clone().unwrap_or_default(),
    }
}

/// The filters as a query string, optionally moved to `cursor`.
fn query_string(params: &TrailParams, cursor: Option<&str>) -> String {
    let text = [
        ("record_type", params.record_type.clone()),
        ("record_id", params.record_id.map(|v| v.to_string())),
        ("contact_id", params.contact_id.map(|v| v.to_string())),
        ("user_id", params.user_id.map(|v| v.to_string())),
        ("action", params.action.clone()),
        ("from", params.from.clone()),
        ("until", params.until.clone()),
        ("cursor", cursor.map(str::to_string)),
    ];
    let pairs: Vec<(&str, String)> = text
        .into_iter()
        .filter_map(|(name, value)| value.filter(|v| !v.is_empty()).map(|v| (name, v)))
        .collect();
    match serde_urlencoded::to_string(&pairs) {
        Ok(query) if !query.is_empty() => format!("?{query}"),
        _ => String::new(),
    }
}

/// Empty form fields arrive as empty strings; numbers among them must not
/// fail the whole query.
#[derive(serde::Deserialize)]
struct RawFilters {
    record_type: Option<String>,
    record_id: Option<String>,
    contact_id: Option<String>,
    user_id: Option<String>,
    action: Option<String>,
    from: Option<String>,
    until: Option<String>,
    cursor: Option<String>,
}

fn parse_filters(raw: RawFilters) -> Result<TrailParams, String> {
    let number = |name: &str, value: Option<String>| -> Result<Option<i64>, String> {
        match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| format!("{name} must be a number.")),
        }
    };
    Ok(TrailParams {
        record_type: raw.record_type.filter(|v| !v.is_empty()),
        record_id: number("The record id", raw.record_id)?,
        contact_id: number("The contact id", raw.contact_id)?,
        user_id: number("The user id", raw.user_id)?,
        action: raw.action.filter(|v| !v.is_empty()),
        from: raw.from.filter(|v| !v.is_empty()),
        until: raw.until.filter(|v| !v.is_empty()),
        cursor: raw.cursor.filter(|v| !v.is_empty()),
        limit: None,
    })
}

async fn trail(
    State(app): State<App>,
    session: PageSession,
    Query(raw): Query<RawFilters>,
) -> Response {
    let record_type = raw.record_type.clone().unwrap_or_default();
    let action = raw.action.clone().unwrap_or_default();
    let mut page = TrailPage {
        layout: Layout::new(&session, ""),
        record_types: options(
            RecordType::ALL
                .iter()
                .map(|t| (t.as_str().to_string(), t.as_str().replace('_', " "))),
            std::slice::from_ref(&record_type),
            Some("Any"),
        ),
        actions: options(
            AuditAction::ALL
                .iter()
                .map(|a| (a.as_str().to_string(), action_label(a.as_str()).to_string())),
            std::slice::from_ref(&action),
            Some("Any"),
        ),
        record_id: raw.record_id.clone().unwrap_or_default(),
        record_label: String::new(),
        contact_label: String::new(),
        users: Vec::new(),
        can_pick: session
            .principal
            .authorize(Area::OrganisationsAndContacts, Action::Read)
            .is_ok(),
        contact_id: raw.contact_id.clone().unwrap_or_default(),
        user_id: raw.user_id.clone().unwrap_or_default(),
        from: raw.from.clone().unwrap_or_default(),
        until: raw.until.clone().unwrap_or_default(),
        problem: None,
        rows: Vec::new(),
        csv_href: "/audit.csv".to_string(),
        first_href: "/audit".to_string(),
        next_href: None,
    };
    let params = match parse_filters(raw) {
        Ok(params) => params,
        Err(message) => {
            page.problem = Some(message);
            return (StatusCode::BAD_REQUEST, render(&page)).into_response();
        }
    };
    let first = TrailParams {
        cursor: None,
        ..params.clone()
    };
    page.first_href = format!("/audit{}", query_string(&first, None));
    page.csv_href = format!("/audit.csv{}", query_string(&first, None));
    match app.privacy_staff_choices(&session.principal).await {
        Ok(staff) => {
            page.users = options(
                staff.into_iter().map(|(id, name)| (id.to_string(), name)),
                std::slice::from_ref(&page.user_id),
                Some("Anyone"),
            )
        }
        Err(error) => return error_page(error),
    }
    match app.audit().audit_trail(&session.principal, &params).await {
        Ok(result) => {
            let mut mentioned: Vec<(RecordType, i64)> =
                result.entries.iter().filter_map(entry_record).collect();
            let filtered_type = params.record_type.as_deref().and_then(RecordType::parse);
            if let (Some(record_type), Some(id)) = (filtered_type, params.record_id) {
                mentioned.push((record_type, id));
            }
            if let Some(id) = params.contact_id {
                mentioned.push((RecordType::Contact, id));
            }
            let names = match app.record_names(&session.principal, &mentioned).await {
                Ok(names) => names,
                Err(error) => return error_page(error),
            };
            if let (Some(record_type), Some(id)) = (filtered_type, params.record_id) {
                page.record_label = names.get(&(record_type, id)).cloned().unwrap_or_default();
            }
            if let Some(id) = params.contact_id {
                page.contact_label = names
                    .get(&(RecordType::Contact, id))
                    .cloned()
                    .unwrap_or_default();
            }
            page.rows = result.entries.iter().map(|e| row(e, &names)).collect();
            page.next_href = result
                .next_cursor
                .map(|c| format!("/audit{}", query_string(&first, Some(&c))));
            render(&page)
        }
        Err(AppError::Validation(errors)) => {
            page.problem = Some(
                errors
                    .0
                    .iter()
                    .map(|e| e.message.clone())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            (StatusCode::BAD_REQUEST, render(&page)).into_response()
        }
        Err(error) => error_page(error),
    }
}

async fn csv(
    State(app): State<App>,
    session: PageSession,
    Query(raw): Query<RawFilters>,
) -> Response {
    let params = match parse_filters(raw) {
        Ok(params) => params,
        Err(message) => return (StatusCode::BAD_REQUEST, message).into_response(),
    };
    match app
        .audit()
        .audit_trail_csv(&session.principal, &params)
        .await
    {
        Ok((body, truncated)) => csv_download("audit-trail.csv", body, truncated),
        Err(AppError::Validation(errors)) => (
            StatusCode::BAD_REQUEST,
            errors
                .0
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("\n"),
        )
            .into_response(),
        Err(error) => error_page(error),
    }
}
