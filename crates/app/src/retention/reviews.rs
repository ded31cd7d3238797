//! The yearly clean-up review: the list of what review rules found, bulk
//! decisions on it, and the report of the decisions taken.

use crate::Retention;
use crate::{AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::retention::reviews::ReviewFilter;
use custodian_core::retention::{
    DecisionOutcome, ReviewDecision, ReviewDecisionFields, ReviewEntry,
};
use custodian_core::time::{CalendarDate, Timestamp};

/// Entries one page of the list shows.
pub const REVIEW_PAGE: i64 = 500;

impl Retention<'_> {
    /// The open entries of the review list, each with a label (a name or
    /// a subject line): the read is audited like a list of those records.
    pub async fn retention_reviews(
        self,
        principal: &Principal,
        filter: ReviewFilter,
    ) -> Result<Vec<ReviewEntry>, AppError> {
        principal.authorize(Area::Privacy, Action::Read)?;
        let entries = self
            .store
            .retention()
            .retention_reviews(principal.tenant, filter, REVIEW_PAGE)
            .await?;
        for (record_type, kind) in [
            (RecordType::Contact, "contact"),
            (RecordType::Activity, "activity"),
            (RecordType::User, "staff_user"),
        ] {
            let ids: Vec<i64> = entries
                .iter()
                .filter(|e| e.record_type == kind && !e.label.is_empty())
                .map(|e| e.record_id)
                .collect();
            let field = match record_type {
                RecordType::Contact => "first_name,last_name",
                RecordType::Activity => "subject",
                _ => "display_name",
            };
            self.record_read_fields(principal, AuditAction::List, record_type, ids, field)
                .await?;
        }
        Ok(entries)
    }

    /// How many listed records were approved (deleted) and kept since a
    /// time (milliseconds), for the report.
    pub async fn review_decision_totals(
        self,
        principal: &Principal,
        since: i64,
    ) -> Result<(u64, u64), AppError> {
        principal.authorize(Area::Privacy, Action::Read)?;
        Ok(self
            .store
            .retention()
            .review_decision_totals(principal.tenant, since)
            .await?)
    }

    pub async fn open_review_count(self, principal: &Principal) -> Result<u64, AppError> {
        principal.authorize(Area::Privacy, Action::Read)?;
        Ok(self
            .store
            .retention()
            .open_review_count(principal.tenant)
            .await?)
    }

    /// Approves (deletes) or keeps the listed records. Records a legal hold
    /// now covers stay on the list and are named in the outcome.
    pub async fn decide_reviews(
        self,
        principal: &Principal,
        fields: &ReviewDecisionFields,
    ) -> Result<DecisionOutcome, AppError> {
        principal.authorize(Area::Privacy, Action::Update)?;
        let decision = fields.validate(CalendarDate::of(Timestamp::now()))?;
        if decision.decision == ReviewDecision::Approve {
            principal.authorize(Area::Privacy, Action::Erase)?;
        }
        let held = self.store.retention().held_set(principal.tenant).await?;
        let outcome = self
            .store
            .retention()
            .decide_reviews(&principal.scope(), &decision, principal.user_id.0, &held)
            .await?;
        if outcome.approved > 0 {
            self.store.privacy().forget_erased().await;
        }
        Ok(outcome)
    }
}
