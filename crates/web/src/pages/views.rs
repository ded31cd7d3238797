//! View models shared by the page templates: the layout, table cells, form
//! fields with their errors, timeline items.

use super::session::PageSession;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use custodian_core::access::{Action, Area};
use custodian_core::activities::Activity;
use custodian_core::audit::entry::AuditEntry;
use custodian_core::audit::RecordType;
use custodian_core::need_to_know::NeedToKnow;
use custodian_core::time::Timestamp;
use custodian_core::ValidationErrors;

pub struct Layout {
    pub csrf: String,
    pub user: String,
    pub search: String,
    pub flash: Option<&'static str>,
    /// Whether the user may read the audit trail.
    pub can_audit: bool,
    /// Whether the user may manage the tenant's users.
    pub can_administer: bool,
    /// The reason for access the user stated, while it lasts.
    pub reason: Option<String>,
    /// The sensitive categories a reason would show the user, by label.
    pub sensitive_hidden: Option<String>,
    /// This page, to come back to after stating or ending a reason.
    pub here: String,
    /// The menus of the pages the user may open, this one marked.
    pub menus: Vec<super::navigation::NavMenu>,
    /// This page is the home page.
    pub home: bool,
}

impl Layout {
    pub fn new(session: &PageSession, search: &str) -> Layout {
        Layout {
            csrf: session.csrf.clone(),
            user: session.principal.display_name.clone(),
            search: search.to_string(),
            flash: session.flash,
            can_audit: session
                .principal
                .authorize(Area::Privacy, Action::Read)
                .is_ok(),
            can_administer: session
                .principal
                .authorize(Area::Administration, Action::Administer)
                .is_ok(),
            reason: session.principal.reason().map(str::to_string),
            sensitive_hidden: {
                let principal = &session.principal;
                let hidden: Vec<&str> = principal
                    .sensitive
                    .iter()
                    .filter(|c| principal.grants.sees(*c))
                    .map(|c| c.label())
                    .collect();
                (!hidden.is_empty()).then(|| hidden.join(", "))
            },
            menus: super::navigation::menus(&session.principal, &session.here),
            home: session.here.split('?').next() == Some("/"),
            here: session.here.clone(),
        }
    }
}

pub fn render<T: askama::Template>(page: &T) -> Response {
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(error) => {
            tracing::error!(%error, "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong on our side.",
            )
                .into_response()
        }
    }
}

/// A page that shows a refused form answers 422, so that scripts and
/// tests can tell it from a page that took the form.
pub fn refused_if(refused: bool, html: Response) -> Response {
    if refused {
        (StatusCode::UNPROCESSABLE_ENTITY, html).into_response()
    } else {
        html
    }
}

/// A form's refusals as lines over the form, each naming its field
/// ("Subject name: This field is required.") unless it is about the whole.
pub fn refusal_lines(errors: &ValidationErrors) -> Vec<String> {
    errors
        .0
        .iter()
        .map(|e| match e.field.as_str() {
            "" | "request" | "text" => e.message.clone(),
            field => {
                let label = field.replace(['_', '.'], " ");
                let mut chars = label.chars();
                let label = chars
                    .next()
                    .map_or(String::new(), |c| c.to_uppercase().chain(chars).collect());
                format!("{label}: {}", e.message)
            }
        })
        .collect()
}

pub use super::failure::{error_page, escape, message_page};

pub struct Header {
    pub label: &'static str,
    pub sort_href: Option<String>,
}

pub struct Cell {
    pub text: String,
    pub href: Option<String>,
    /// RFC 3339, when the cell is a moment (shown in UTC, local with JS).
    pub datetime: Option<String>,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            href: None,
            datetime: None,
        }
    }

    pub fn time(at: Timestamp) -> Cell {
        Cell {
            text: format!("{} UTC", at.display()),
            href: None,
            datetime: Some(at.to_rfc3339()),
        }
    }
    pub fn link(text: impl Into<String>, href: String) -> Cell {
        Cell {
            text: text.into(),
            href: Some(href),
            datetime: None,
        }
    }
}

/// Whether the reader may do `action` to records of `record_type` (and, to
/// change one, sees all of it): which buttons a page offers. The use case
/// checks again; this only spares users buttons that would be refused.
pub fn allowed(session: &PageSession, record_type: RecordType, action: Action) -> bool {
    let principal = &session.principal;
    principal
        .authorize(custodian_app::area_of(record_type), action)
        .is_ok()
        && (action != Action::Update || principal.sight().sees_all_of(record_type.table()))
}

/// What a page shows instead of a field the reader's roles may not see.
pub const HIDDEN: &str = "Hidden (your roles do not include this kind of data)";

pub const NEEDS_REASON: &str = "Hidden (sensitive: state a reason above to see it)";

/// `value`, or the hidden notice when `field` was masked for the reader.
pub fn unless_masked(record: &impl NeedToKnow, field: &str, value: impl Into<String>) -> String {
    if record.reason_required().contains(&field) {
        NEEDS_REASON.to_string()
    } else if record.masked().contains(&field) {
        HIDDEN.to_string()
    } else {
        value.into()
    }
}

pub struct DetailField {
    pub label: &'static str,
    pub value: String,
    pub href: Option<String>,
}

pub fn detail(label: &'static str, value: impl Into<String>) -> DetailField {
    DetailField {
        label,
        value: value.into(),
        href: None,
    }
}

pub enum FieldKind {
    Input,
    Textarea,
    Select,
}

pub struct SelectOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct FormField {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: FieldKind,
    pub input_type: &'static str,
    pub value: String,
    pub options: Vec<SelectOption>,
    pub multiple: bool,
    pub error: Option<String>,
    /// A record picker: finds records of this type as the person types.
    pub pick: Option<super::pickers::Pick>,
    /// The picked record's name, for a record number input.
    pub pick_label: String,
}

impl FormField {
    pub fn input(
        name: &'static str,
        label: &'static str,
        input_type: &'static str,
        value: impl Into<String>,
    ) -> FormField {
        FormField {
            name,
            label,
            kind: FieldKind::Input,
            input_type,
            value: value.into(),
            options: Vec::new(),
            multiple: false,
            error: None,
            pick: None,
            pick_label: String::new(),
        }
    }

    /// This field links a record of `pick`'s type: the page offers
    /// type-ahead over the search (a select or a record number without
    /// JavaScript).
    pub fn picking(self, pick: super::pickers::Pick) -> FormField {
        FormField {
            pick: Some(pick),
            ..self
        }
    }

    /// A record number input's picked record, shown by name.
    pub fn picked(self, label: impl Into<String>) -> FormField {
        FormField {
            pick_label: label.into(),
            ..self
        }
    }

    pub fn textarea(
        name: &'static str,
        label: &'static str,
        value: impl Into<String>,
    ) -> FormField {
        FormField {
            kind: FieldKind::Textarea,
            ..FormField::input(name, label, "text", value)
        }
    }
    pub fn select(
        name: &'static str,
        label: &'static str,
        options: Vec<SelectOption>,
    ) -> FormField {
        FormField {
            kind: FieldKind::Select,
            options,
            ..FormField::input(name, label, "text", "")
        }
    }
}

/// The country list of every address form, staff and portal: ISO 3166-1
/// names shown, the two-letter code sent, so nothing typed is cut or read
/// as another country. A stored value that is not a known code stays a
/// choice, so saving never drops what nobody touched.
pub fn country_options(current: &str) -> Vec<SelectOption> {
    let mut choices: Vec<(String, String)> = custodian_core::codes::COUNTRIES
        .iter()
        .map(|(code, name)| (code.to_string(), name.to_string()))
        .collect();
    let current = current.trim();
    if !current.is_empty() && !choices.iter().any(|(code, _)| code == current) {
        choices.insert(0, (current.to_string(), current.to_string()));
    }
    let selected: Vec<String> = [current.to_string()]
        .into_iter()
        .filter(|c| !c.is_empty())
        .collect();
    options(choices, &selected, Some("—"))
}

impl FormField {
    pub fn country(name: &'static str, label: &'static str, current: &str) -> FormField {
        FormField::select(name, label, country_options(current))
    }
}

pub fn options(
    choices: impl IntoIterator<Item = (String, String)>,
    selected: &[String],
    blank: Option<&str>,
) -> Vec<SelectOption> {
    let mut list: Vec<SelectOption> = blank
        .map(|label| SelectOption {
            value: String::new(),
            label: label.to_string(),
            selected: selected.is_empty(),
        })
        .into_iter()
        .collect();
    list.extend(choices.into_iter().map(|(value, label)| SelectOption {
        selected: selected.contains(&value),
        value,
        label,
    }));
    list
}

/// Puts each validation error next to its field; `emails[2]` belongs to `emails`.
pub fn attach_errors(fields: &mut [FormField], errors: &ValidationErrors) {
    for error in &errors.0 {
        let name = error.field.split('[').next().unwrap_or(&error.field);
        if let Some(field) = fields.iter_mut().find(|f| f.name == name) {
            field.error.get_or_insert_with(|| error.message.clone());
        }
    }
}

pub struct TimelineItem {
    /// Unix milliseconds, to merge activities and changes in time order.
    pub at: i64,
    pub kind: &'static str,
    pub when: String,
    /// RFC 3339, for the browser to show in local time.
    pub when_iso: String,
    pub subject: String,
    /// The activity's own page; changes have none.
    pub href: Option<String>,
    pub body: String,
    pub by: String,
}

impl From<&Activity> for TimelineItem {
    fn from(a: &Activity) -> TimelineItem {
        let with: Vec<&str> = a.contacts.iter().map(|c| c.name.as_str()).collect();
        TimelineItem {
            at: a.occurred_at.0,
            kind: a.kind.label(),
            when: format!("{} UTC", a.occurred_at.display()),
            when_iso: a.occurred_at.to_rfc3339(),
            subject: unless_masked(a, "subject", a.subject.clone()),
            href: Some(format!("/activities/{}", a.id)),
            body: if a.masked_fields.contains(&"body") {
                String::new()
            } else {
                a.body.clone()
            },
            by: format!(
                "{}{}",
                a.author_name
                    .as_deref()
                    .map(|n| format!("by {n}"))
                    .unwrap_or_default(),
                if with.is_empty() {
                    String::new()
                } else {
                    format!(" · with {}", with.join(", "))
                }
            ),
        }
    }
}

impl From<&AuditEntry> for TimelineItem {
    fn from(change: &AuditEntry) -> TimelineItem {
        let (kind, subject) = match change.action.as_str() {
            "create" => ("Created", "Record created".to_string()),
            "delete" => ("Deleted", "Record deleted".to_string()),
            _ => (
                "Changed",
                format!("Changed {}", field_labels(&change.fields).join(", ")),
            ),
        };
        TimelineItem {
            at: change.occurred_at.0,
            kind,
            when: format!("{} UTC", change.occurred_at.display()),
            when_iso: change.occurred_at.to_rfc3339(),
            subject,
            href: None,
            body: String::new(),
            by: match (&change.actor_name, change.actor_kind.as_str()) {
                (Some(name), "api_token") => format!("by {name} (API)"),
                (Some(name), "contact") => format!("by {name} (customer portal)"),
                (Some(name), _) => format!("by {name}"),
                (None, "system") => "by Custodian".to_string(),
                (None, _) => String::new(),
            },
        }
    }
}

/// `work_address.city` reads as "work address city", `organisation_id` as
/// "organisation", `contact_ids` as "contacts".
fn field_labels(fields: &[String]) -> Vec<String> {
    fields
        .iter()
        .map(|f| match (f.strip_suffix("_ids"), f.strip_suffix("_id")) {
            _ if f == "restricted_at" => "restriction of processing".to_string(),
            _ if f == "marketing_objection_at" => "objection to direct marketing".to_string(),
            (Some(link), _) => format!("{}s", link.replace('_', " ")),
            (None, Some(link)) => link.replace('_', " "),
            (None, None) => f.replace(['_', '.'], " "),
        })
        .collect()
}

/// Activities and changes in one list, newest first.
pub fn timeline(activities: &[Activity], changes: &[AuditEntry]) -> Vec<TimelineItem> {
    let mut items: Vec<TimelineItem> = activities
        .iter()
        .map(TimelineItem::from)
        .chain(changes.iter().map(TimelineItem::from))
        .collect();
    items.sort_by_key(|item| std::cmp::Reverse(item.at));
    items
}

/// `items` with `more` merged in, newest first.
pub fn merged(mut items: Vec<TimelineItem>, more: Vec<TimelineItem>) -> Vec<TimelineItem> {
    items.extend(more);
    items.sort_by_key(|item| std::cmp::Reverse(item.at));
    items
}

pub struct ActivityForm {
    pub action: String,
    pub fields: Vec<FormField>,
    pub open: bool,
}

/// Links such as "Add asset" on an organisation's page fill in the owner.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Prefill {
    pub organisation_id: Option<i64>,
    pub contact_id: Option<i64>,
}
