//! The home dashboard over the API: the same parts the home page shows,
//! each present only for a caller who may read what it is made of.

use super::extract::ApiPrincipal;
use super::run;
use crate::problem::Problem;
use axum::extract::State;
use axum::Json;
use custodian_app::App;
use custodian_core::activities::Activity;
use custodian_core::agreements::Agreement;
use custodian_core::dashboard::{RequestMonth, TicketTotals, TicketWeek};
use custodian_core::helpdesk::Ticket;
use custodian_core::privacy::requests::SubjectRequest;
use custodian_core::time::CalendarDate;
use serde::Serialize;

/// The caller's work and the tenant's trends; a part the caller's roles do
/// not read is null.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DashboardView {
    #[schema(value_type = String, format = Date)]
    pub today: CalendarDate,
    pub helpdesk: Option<HelpdeskView>,
    pub privacy: Option<PrivacyView>,
    /// Agreements ending within 60 days, soonest first.
    pub agreements_ending: Option<Vec<Agreement>>,
    /// The newest activities on records the caller reaches.
    pub recent_activities: Option<Vec<Activity>>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct HelpdeskView {
    pub totals: TicketTotals,
    /// Unsolved tickets assigned to the caller, newest first (at most 8).
    pub my_tickets: Vec<Ticket>,
    /// Tickets opened and resolved, and first-answer times, per week (the
    /// last 8 weeks, this one last).
    pub weeks: Vec<TicketWeek>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PrivacyView {
    /// Open data-subject requests, the soonest due first (at most 8).
    pub open_requests: Vec<SubjectRequest>,
    pub open_request_count: usize,
    pub overdue_request_count: usize,
    pub retention_reviews_waiting: u64,
    /// Requests received per month (the last 6, this one last).
    pub months: Vec<RequestMonth>,
}

pub(super) async fn dashboard(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
) -> Result<Json<DashboardView>, Problem> {
    let dashboard = run(app.dashboard(&principal)).await?;
    Ok(Json(DashboardView {
        today: dashboard.today,
        helpdesk: dashboard.helpdesk.map(|h| HelpdeskView {
            totals: h.totals,
            my_tickets: h.my_tickets,
            weeks: h.weeks,
        }),
        privacy: dashboard.privacy.map(|p| PrivacyView {
            open_requests: p.open_requests,
            open_request_count: p.open_request_count,
            overdue_request_count: p.overdue_request_count,
            retention_reviews_waiting: p.retention_reviews_waiting,
            months: p.months,
        }),
        agreements_ending: dashboard.agreements_ending,
        recent_activities: dashboard.recent_activities,
    }))
}
