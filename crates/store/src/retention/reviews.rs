//! The review list: what review rules listed, with a label for the
//! reviewer, and the decisions taken on it in bulk. Approving deletes the
//! records (contacts through the erasure machinery); keeping records the
//! reason and the day until which no rule touches them.

use crate::statement::Bindable;
use crate::Retention;
use crate::{NewAuditEntry, Scope, StoreError};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::retention::reviews::ReviewFilter;
use custodian_core::retention::{
    Decision, DecisionOutcome, HeldSet, RetainedType, RetentionAction, ReviewDecision, ReviewEntry,
};
use custodian_core::time::Timestamp;
use custodian_core::{ContactId, RetentionReviewId, RetentionRuleId, TenantId, UserId};
use sqlx::any::AnyRow;
use sqlx::Row;

fn from_row(row: &AnyRow) -> Result<ReviewEntry, StoreError> {
    Ok(ReviewEntry {
        id: RetentionReviewId(row.try_get("review_id")?),
        rule_id: RetentionRuleId(row.try_get("rule_id")?),
        record_type: row.try_get("record_type")?,
        record_id: row.try_get("record_id")?,
        label: row
            .try_get::<Option<String>, _>("label")?
            .unwrap_or_default(),
        listed_at: Timestamp(row.try_get("listed_at")?),
        decision: row.try_get("decision")?,
        decided_at: row.try_get::<Option<i64>, _>("decided_at")?.map(Timestamp),
        decided_by: row.try_get::<Option<i64>, _>("decided_by")?.map(UserId),
        reason: row.try_get("reason")?,
        keep_until: row.try_get("keep_until")?,
    })
}

impl Retention<'_> {
    /// Open entries (oldest first) or those decided since a time (newest
    /// first), at most `limit`.
    pub async fn retention_reviews(
        self,
        tenant: TenantId,
        filter: ReviewFilter,
        limit: i64,
    ) -> Result<Vec<ReviewEntry>, StoreError> {
        let (condition, order, since) = match filter {
            ReviewFilter::Open => ("r.decision IS NULL", "r.listed_at, r.review_id", 0),
            ReviewFilter::DecidedSince(since) => (
                "r.decision IS NOT NULL AND r.decided_at >= $3",
                "r.decided_at DESC, r.review_id",
                since,
            ),
        };
        let since_bind = if since == 0 { "AND $3 = $3" } else { "" };
        let sql = format!(
            "SELECT r.review_id, r.rule_id, r.record_type, r.record_id, r.listed_at, r.decision, r.decided_at,
                    r.decided_by, r.reason, r.keep_until,
                    CASE r.record_type
                      WHEN 'contact' THEN (SELECT c.first_name || ' ' || c.last_name FROM contacts c WHERE c.tenant_id = r.tenant_id AND c.contact_id = r.record_id)
                      WHEN 'activity' THEN (SELECT a.subject FROM activities a WHERE a.tenant_id = r.tenant_id AND a.activity_id = r.record_id)
                      ELSE (SELECT u.display_name FROM users u WHERE u.tenant_id = r.tenant_id AND u.user_id = r.record_id)
                    END AS label
             FROM retention_reviews r WHERE r.tenant_id = $1 AND {condition} {since_bind}
             ORDER BY {order} LIMIT $2"
        );
        self.read_rows(
            tenant,
            sqlx::query(&sql).bind_all((tenant.0, limit, since)),
            from_row,
        )
        .await
    }

    /// How many records wait on the list.
    /// Decisions taken since a time (milliseconds): (approved, kept).
    pub async fn review_decision_totals(
        self,
        tenant: TenantId,
        since: i64,
    ) -> Result<(u64, u64), StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT decision, COUNT(*) FROM retention_reviews
             WHERE tenant_id = $1 AND decision IS NOT NULL AND decided_at >= $2 GROUP BY decision",
        )
        .bind_all((tenant.0, since))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let total = |decision: &str| {
            rows.iter()
                .filter(|(d, _)| d == decision)
                .map(|(_, n)| u64::try_from(*n).unwrap_or(0))
                .sum()
        };
        Ok((total("approve"), total("keep")))
    }

    pub async fn open_review_count(self, tenant: TenantId) -> Result<u64, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM retention_reviews WHERE tenant_id = $1 AND decision IS NULL",
        )
        .bind(tenant.0)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// Takes one decision on many listed records in one transaction;
    /// `held` names records a legal hold covers, which stay listed.
    pub async fn decide_reviews(
        self,
        scope: &Scope,
        decision: &Decision,
        decided_by: i64,
        held: &HeldSet,
    ) -> Result<DecisionOutcome, StoreError> {
        let tenant = scope.tenant;
        let mut tx = self.begin(tenant).await?;
        let mut outcome = DecisionOutcome::default();
        let mut open: Vec<(i64, String, i64)> = Vec::new();
        for id in &decision.review_ids {
            let row = sqlx::query(
                "SELECT record_type, record_id FROM retention_reviews
                 WHERE tenant_id = $1 AND review_id = $2 AND decision IS NULL",
            )
            .bind_all((tenant.0, id.0))
            .fetch_optional(&mut *tx)
            .await?;
            match row {
                Some(row) => {
                    let record_type: String = row.try_get(0)?;
                    let record_id: i64 = row.try_get(1)?;
                    if decision.decision == ReviewDecision::Approve
                        && is_held(&mut tx, tenant, held, &record_type, record_id).await?
                    {
                        outcome.held.push(*id);
                    } else {
                        open.push((id.0, record_type, record_id));
                    }
                }
                None => outcome.not_open.push(*id),
            }
        }
        let now = Timestamp::now().0;
        let decided: Vec<i64> = open.iter().map(|o| o.0).collect();
        for (id, _, _) in &open {
            sqlx::query(
                "UPDATE retention_reviews SET decision = $3, decided_at = $4, decided_by = $5, reason = $6, keep_until = $7
                 WHERE tenant_id = $1 AND review_id = $2",
            )
            .bind_all((tenant.0, *id, decision.decision.as_str(), now, decided_by, decision.reason.as_deref(), decision.keep_until.map(|d| d.to_iso())))
            .execute(&mut *tx)
            .await?;
        }
        if !decided.is_empty() {
            let entry = NewAuditEntry {
                actor: scope.actor,
                action: AuditAction::Update,
                record_type: RecordType::RetentionReview,
                record_id: if decided.len() == 1 { decided[0] } else { 0 },
                fields: "decision,reason,keep_until".into(),
                context: scope.context.clone(),
                occurred_at: Timestamp::now(),
                record_ids: if decided.len() == 1 {
                    Vec::new()
                } else {
                    decided.clone()
                },
            };
            self.append_audit(&mut tx, tenant, &[entry]).await?;
        }
        match decision.decision {
            ReviewDecision::Keep => outcome.kept = open.len() as u64,
            ReviewDecision::Approve => {
                for record_type in RetainedType::ALL {
                    let ids: Vec<i64> = open
                        .iter()
                        .filter(|o| o.1 == record_type.as_str())
                        .map(|o| o.2)
                        .collect();
                    let action = if *record_type == RetainedType::StaffUser {
                        RetentionAction::Anonymise
                    } else {
                        RetentionAction::Delete
                    };
                    for chunk in ids.chunks(500) {
                        outcome.approved += self
                            .act_in(&mut tx, scope, *record_type, action, None, chunk)
                            .await?;
                    }
                }
            }
        }
        tx.commit().await?;
        Ok(outcome)
    }
}

/// Whether a hold covers the listed record now.
async fn is_held(
    conn: &mut sqlx::AnyConnection,
    tenant: TenantId,
    held: &HeldSet,
    record_type: &str,
    id: i64,
) -> Result<bool, StoreError> {
    if held.is_empty() {
        return Ok(false);
    }
    match record_type {
        "contact" => Ok(held.covers_contact(ContactId(id), None)),
        "activity" => {
            let organisation: Option<i64> = sqlx::query_scalar(
                "SELECT organisation_id FROM activities WHERE tenant_id = $1 AND activity_id = $2",
            )
            .bind_all((tenant.0, id))
            .fetch_optional(&mut *conn)
            .await?
            .flatten();
            let contacts: Vec<i64> = sqlx::query_scalar(
                "SELECT contact_id FROM activity_contacts WHERE tenant_id = $1 AND activity_id = $2",
            )
            .bind_all((tenant.0, id))
            .fetch_all(&mut *conn)
            .await?;
            Ok(held.covers_activity(id, organisation, contacts))
        }
        _ => Ok(false),
    }
}
