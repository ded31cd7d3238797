//! The audit trail over the API: a page of entries, newest first, or every
//! matching entry as CSV. Same filters and permissions as the trail page.

use super::extract::{ApiPrincipal, ApiQuery};
use super::run;
use crate::problem::Problem;
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use custodian_app::audit::TrailParams;
use custodian_app::App;
use custodian_core::audit::entry::AuditEntry;
use serde::Serialize;

/// One audit entry: who did what to which record, naming fields, never values.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditEntryView {
    /// Position in the tenant's hash chain.
    pub seq: i64,
    #[schema(format = DateTime)]
    pub occurred_at: String,
    /// `user`, `api_token` or `system`.
    pub actor_kind: String,
    pub actor_id: i64,
    /// The acting user; for an API token, its owner.
    pub actor_user_id: Option<i64>,
    pub actor_name: Option<String>,
    /// create, update, delete, read, list, export, login, login_failed or logout.
    pub action: String,
    pub record_type: String,
    /// 0 for a list, which names its records in `record_ids`.
    pub record_id: i64,
    /// For a list: every record it showed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub record_ids: Vec<i64>,
    /// Names of the fields read or changed.
    pub fields: Vec<String>,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
    /// The stated reason for accessing a sensitive category.
    pub reason: Option<String>,
}

impl From<AuditEntry> for AuditEntryView {
    fn from(e: AuditEntry) -> AuditEntryView {
        AuditEntryView {
            seq: e.seq,
            occurred_at: e.occurred_at.to_rfc3339(),
            actor_kind: e.actor_kind,
            actor_id: e.actor_id,
            actor_user_id: e.actor_user_id,
            actor_name: e.actor_name,
            action: e.action,
            record_type: e.record_type,
            record_id: e.record_id,
            record_ids: e.record_ids,
            fields: e.fields,
            source_ip: e.source_ip,
            user_agent: e.user_agent,
            reason: e.reason,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntryView>,
    /// Pass as cursor for older entries; null on the last page.
    pub next_cursor: Option<String>,
}

pub(super) async fn trail(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    ApiQuery(params): ApiQuery<TrailParams>,
) -> Result<Json<AuditPage>, Problem> {
    let page = run(app.audit().audit_trail(&principal, &params)).await?;
    Ok(Json(AuditPage {
        items: page.entries.into_iter().map(AuditEntryView::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

pub(super) async fn export(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    ApiQuery(params): ApiQuery<TrailParams>,
) -> Result<Response, Problem> {
    let (body, truncated) = run(app.audit().audit_trail_csv(&principal, &params)).await?;
    Ok(crate::pages::csv_download(
        "audit-trail.csv",
        body,
        truncated,
    ))
}
