//! The home dashboard: the caller's open work and the tenant's trends, each
//! part only for a caller who may read what it is made of. Counts come
//! from aggregate queries within the caller's reach; the listed records
//! come through the same use cases as their lists, so they are masked and
//! their reads audited like any list.

use crate::dashboard_cache::TicketCounts;
use crate::records::ListParams;
use crate::{App, AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::activities::Activity;
use custodian_core::agreements::Agreement;
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::dashboard::{
    RequestMonth, TicketTotals, TicketWeek, AGREEMENTS_ENDING_WITHIN_DAYS,
};
use custodian_core::helpdesk::Ticket;
use custodian_core::privacy::requests::SubjectRequest;
use custodian_core::time::{CalendarDate, Timestamp};

/// How many records each list on the dashboard shows.
pub const ITEMS_SHOWN: i64 = 8;

/// The helpdesk part: for a caller who may read tickets.
#[derive(Debug, Clone)]
pub struct HelpdeskSummary {
    pub totals: TicketTotals,
    /// Unsolved tickets assigned to the caller, newest first.
    pub my_tickets: Vec<Ticket>,
    pub weeks: Vec<TicketWeek>,
}

/// The privacy part: for a caller who may read the privacy registers.
#[derive(Debug, Clone)]
pub struct PrivacySummary {
    /// Open data-subject requests, the soonest due first.
    pub open_requests: Vec<SubjectRequest>,
    pub open_request_count: usize,
    pub overdue_request_count: usize,
    pub retention_reviews_waiting: u64,
    pub months: Vec<RequestMonth>,
}

#[derive(Debug, Clone)]
pub struct Dashboard {
    pub today: CalendarDate,
    pub helpdesk: Option<HelpdeskSummary>,
    pub privacy: Option<PrivacySummary>,
    /// Agreements ending within 60 days, soonest first.
    pub agreements_ending: Option<Vec<Agreement>>,
    /// The newest activities on records the caller reaches.
    pub recent_activities: Option<Vec<Activity>>,
}

/// A part the caller may not read is left out, not refused: the
/// dashboard is everyone's home page.
fn if_allowed<T>(result: Result<T, AppError>) -> Result<Option<T>, AppError> {
    match result {
        Ok(part) => Ok(Some(part)),
        Err(AppError::Forbidden) => Ok(None),
        Err(error) => Err(error),
    }
}

impl App {
    pub async fn dashboard(&self, principal: &Principal) -> Result<Dashboard, AppError> {
        self.dashboard_at(principal, Timestamp::now()).await
    }

    /// The dashboard as it stands at `now` (which decides what is overdue
    /// and which weeks and months the charts show).
    pub async fn dashboard_at(
        &self,
        principal: &Principal,
        now: Timestamp,
    ) -> Result<Dashboard, AppError> {
        let today = CalendarDate::of(now);
        Ok(Dashboard {
            today,
            helpdesk: if_allowed(self.helpdesk_summary(principal, now).await)?,
            privacy: if_allowed(self.privacy_summary(principal, today).await)?,
            agreements_ending: if_allowed(self.agreements_ending(principal, today).await)?,
            recent_activities: if_allowed(
                self.activities(
                    principal,
                    &ListParams {
                        limit: Some(ITEMS_SHOWN),
                        ..Default::default()
                    },
                )
                .await
                .map(|page| page.items),
            )?,
        })
    }

    async fn helpdesk_summary(
        &self,
        principal: &Principal,
        now: Timestamp,
    ) -> Result<HelpdeskSummary, AppError> {
        principal.authorize(Area::Support, Action::Read)?;
        let reach = principal.reach(RecordType::Ticket);
        let TicketCounts { totals, weeks } = self.ticket_counts(principal, reach, now).await?;
        let my_tickets = self
            .helpdesk()
            .tickets(
                principal,
                &ListParams {
                    status: Some("active".into()),
                    assignee_id: Some(principal.user_id.0),
                    limit: Some(ITEMS_SHOWN),
                    ..Default::default()
                },
            )
            .await?
            .items;
        Ok(HelpdeskSummary {
            totals,
            my_tickets,
            weeks,
        })
    }

    /// The ticket counts and weekly series, as kept while the tickets are
    /// unchanged (`dashboard_cache`); when they must be counted, one
    /// request counts and any others arriving meanwhile use its result.
    async fn ticket_counts(
        &self,
        principal: &Principal,
        reach: custodian_store::Reach,
        now: Timestamp,
    ) -> Result<TicketCounts, AppError> {
        let key = (principal.tenant, reach, principal.user_id);
        let fingerprint = self.store.ticket_fingerprint(principal.tenant).await?;
        if let Some(counts) = self.dashboard_cache.get(key, now, fingerprint) {
            return Ok(counts);
        }
        let _counting = self.dashboard_cache.counting.lock().await;
        if let Some(counts) = self.dashboard_cache.get(key, now, fingerprint) {
            return Ok(counts);
        }
        let counts = TicketCounts {
            totals: self
                .store
                .ticket_totals(principal.tenant, reach, principal.user_id, now)
                .await?,
            weeks: self
                .store
                .ticket_weeks(principal.tenant, reach, now)
                .await?,
        };
        self.dashboard_cache
            .put(key, now, fingerprint, counts.clone());
        Ok(counts)
    }

    async fn privacy_summary(
        &self,
        principal: &Principal,
        today: CalendarDate,
    ) -> Result<PrivacySummary, AppError> {
        principal.authorize(Area::Privacy, Action::Read)?;
        let mut open = self.privacy().subject_requests(principal, true).await?;
        open.sort_by_key(|r| (r.due_on, r.id));
        let overdue_request_count = open.iter().filter(|r| r.due_on < today).count();
        let open_request_count = open.len();
        open.truncate(ITEMS_SHOWN as usize);
        Ok(PrivacySummary {
            open_requests: open,
            open_request_count,
            overdue_request_count,
            retention_reviews_waiting: self.retention().open_review_count(principal).await?,
            months: self.store.request_months(principal.tenant, today).await?,
        })
    }

    async fn agreements_ending(
        &self,
        principal: &Principal,
        today: CalendarDate,
    ) -> Result<Vec<Agreement>, AppError> {
        principal.authorize(Area::Sales, Action::Read)?;
        let mut agreements = self
            .store
            .agreements_ending(
                principal.tenant,
                principal.reach(RecordType::Agreement),
                today,
                today.plus_days(AGREEMENTS_ENDING_WITHIN_DAYS),
                ITEMS_SHOWN,
            )
            .await?;
        agreements.iter_mut().for_each(|a| principal.mask(a));
        self.record_reads(
            principal,
            AuditAction::List,
            RecordType::Agreement,
            agreements.iter().map(|a| a.id.0),
        )
        .await?;
        Ok(agreements)
    }
}
