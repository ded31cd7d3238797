//! Data-subject requests and their steps: storage and audit. Every change
//! is one transaction that writes the request, a step and an audit entry;
//! a change made against a state that moved meanwhile is refused.

use crate::statement::Bindable;
use crate::Privacy;
use crate::{Scope, Store, StoreError};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::privacy::requests::{
    Channel, RequestFields, RequestState, RequestStep, RequestType, SubjectRequest,
};
use custodian_core::time::{CalendarDate, Timestamp};
use custodian_core::{ContactId, Refusal, SubjectRequestId, TenantId, UserId};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Row, Transaction};

/// Who takes a step on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepActor {
    /// A staff user working the request.
    Staff(UserId),
    /// The subject themselves, signed in to the customer portal.
    Subject(ContactId),
}

impl StepActor {
    pub(crate) fn user_id(self) -> Option<i64> {
        match self {
            StepActor::Staff(user) => Some(user.0),
            StepActor::Subject(_) => None,
        }
    }

    pub(crate) fn contact_id(self) -> Option<i64> {
        match self {
            StepActor::Staff(_) => None,
            StepActor::Subject(contact) => Some(contact.0),
        }
    }
}

/// How a request comes in.
#[derive(Debug, Clone, Copy)]
pub enum Intake<'a> {
    /// Logged by staff (the owner), who verify identity as a later step.
    Logged,
    /// Raised by the subject, signed in to the customer portal.
    Portal {
        contact: ContactId,
        /// How the session verified them, as the request's history says.
        identity_method: &'a str,
    },
}

/// One step on a request: who took it, the move it makes, what it is
/// called on the request's history, and its note.
#[derive(Debug, Clone, Copy)]
pub struct Step<'a> {
    pub by: StepActor,
    pub from: RequestState,
    pub to: RequestState,
    /// received, identity_verified, extended, or the state moved to.
    pub name: &'a str,
    pub note: Option<&'a str>,
}

/// What one step changes besides the state.
#[derive(Debug, Clone, Default)]
pub struct RequestChange {
    pub identity_method: Option<String>,
    /// (months in all, reason, new due day)
    pub extension: Option<(u32, String, CalendarDate)>,
    pub outcome: Option<String>,
}

const SELECT: &str = "SELECT r.request_id, r.number, r.request_type, r.channel, r.received_on, r.due_on, r.extended_months,
    r.extension_reason, r.state, r.contact_id, r.subject_name, r.subject_email, r.details, r.owner_id,
    u.display_name AS owner_name, r.identity_verified_at, r.identity_method, r.outcome
    FROM subject_requests r LEFT JOIN users u ON u.tenant_id = r.tenant_id AND u.user_id = r.owner_id";

fn date(row: &AnyRow, column: &str) -> Result<CalendarDate, StoreError> {
    let text: String = row.try_get(column)?;
    CalendarDate::parse(&text).ok_or(StoreError::Corrupt("a request with an unreadable date"))
}

fn from_row(row: &AnyRow) -> Result<SubjectRequest, StoreError> {
    let request_type: String = row.try_get("request_type")?;
    let channel: String = row.try_get("channel")?;
    let state: String = row.try_get("state")?;
    Ok(SubjectRequest {
        id: SubjectRequestId(row.try_get("request_id")?),
        number: row.try_get("number")?,
        request_type: RequestType::parse(&request_type)
            .ok_or(StoreError::Corrupt("a request of an unknown type"))?,
        channel: Channel::parse(&channel)
            .ok_or(StoreError::Corrupt("a request by an unknown channel"))?,
        received_on: date(row, "received_on")?,
        due_on: date(row, "due_on")?,
        extended_months: u32::try_from(row.try_get::<i64, _>("extended_months")?).unwrap_or(0),
        extension_reason: row.try_get("extension_reason")?,
        state: RequestState::parse(&state)
            .ok_or(StoreError::Corrupt("a request in an unknown state"))?,
        contact_id: row.try_get::<Option<i64>, _>("contact_id")?.map(ContactId),
        subject_name: row.try_get("subject_name")?,
        subject_email: row.try_get("subject_email")?,
        details: row.try_get("details")?,
        owner_id: UserId(row.try_get("owner_id")?),
        owner_name: row.try_get("owner_name")?,
        identity_verified_at: row
            .try_get::<Option<i64>, _>("identity_verified_at")?
            .map(Timestamp),
        identity_method: row.try_get("identity_method")?,
        outcome: row.try_get("outcome")?,
        steps: Vec::new(),
        masked_fields: Vec::new(),
        reason_required_fields: Vec::new(),
    })
}

async fn add_step(
    conn: &mut AnyConnection,
    store: &Store,
    tenant: TenantId,
    request: SubjectRequestId,
    step: &Step<'_>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO subject_request_events (tenant_id, event_id, request_id, occurred_at, user_id, contact_id, step, state, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind_all((tenant.0, store.next_id(), request.0, Timestamp::now().0, step.by.user_id(), step.by.contact_id(), step.name, step.to.as_str(), step.note))
    .execute(conn)
    .await?;
    Ok(())
}

impl Store {
    /// [`Store::step_request`] inside the caller's transaction.
    pub(crate) async fn apply_step(
        &self,
        tx: &mut Transaction<'static, Any>,
        scope: &Scope,
        id: SubjectRequestId,
        step: &Step<'_>,
        change: &RequestChange,
    ) -> Result<(), StoreError> {
        let now = Timestamp::now().0;
        let moved = sqlx::query(
            "UPDATE subject_requests SET state = $1, updated_at = $2,
                 identity_verified_at = CASE WHEN $3 = 1 THEN $2 ELSE identity_verified_at END,
                 identity_method = COALESCE($4, identity_method),
                 extended_months = COALESCE($5, extended_months),
                 extension_reason = COALESCE($6, extension_reason),
                 due_on = COALESCE($7, due_on),
                 outcome = COALESCE($8, outcome)
             WHERE tenant_id = $9 AND request_id = $10 AND state = $11",
        )
        .bind_all((
            step.to.as_str(),
            now,
            i64::from(change.identity_method.is_some()),
            change.identity_method.as_deref(),
            change.extension.as_ref().map(|e| i64::from(e.0)),
            change.extension.as_ref().map(|e| e.1.as_str()),
            change.extension.as_ref().map(|e| e.2.to_iso()),
            change.outcome.as_deref(),
            scope.tenant.0,
            id.0,
            step.from.as_str(),
        ))
        .execute(&mut **tx)
        .await?;
        if moved.rows_affected() == 0 {
            return Err(StoreError::Refused(Refusal::InUse(
                "The request changed meanwhile; reload it and try again.",
            )));
        }
        add_step(tx, self, scope.tenant, id, step).await?;
        let mut fields = vec!["state"];
        if change.identity_method.is_some() {
            fields.extend(["identity_verified_at", "identity_method"]);
        }
        if change.extension.is_some() {
            fields.extend(["extended_months", "extension_reason", "due_on"]);
        }
        if change.outcome.is_some() {
            fields.push("outcome");
        }
        self.audit(
            tx,
            scope,
            AuditAction::Update,
            RecordType::SubjectRequest,
            id.0,
            &fields,
        )
        .await
    }
}

impl Privacy<'_> {
    /// Opens a request, owned by `owner`, due on `due_on`: logged by staff,
    /// or raised by the subject in the portal, where their signed-in
    /// session verifies who they are and confirms their contact record in
    /// the same transaction, so the request starts in progress.
    pub async fn create_request(
        self,
        scope: &Scope,
        owner: UserId,
        fields: &RequestFields,
        due_on: CalendarDate,
        intake: &Intake<'_>,
    ) -> Result<SubjectRequest, StoreError> {
        let id = self.next_id();
        let now = Timestamp::now().0;
        let (by, state, identity_method) = match *intake {
            Intake::Logged => (StepActor::Staff(owner), RequestState::Received, None),
            Intake::Portal {
                contact,
                identity_method,
            } => (
                StepActor::Subject(contact),
                RequestState::InProgress,
                Some(identity_method),
            ),
        };
        let mut tx = self.begin(scope.tenant).await?;
        crate::rows::require_reference(
            &mut tx,
            "contacts",
            "contact_id",
            scope.tenant.0,
            fields.contact_id.map(|id| id.0),
            "contact_id",
        )
        .await?;
        // The tenant's row is the counter, as for tickets.
        let number: i64 = sqlx::query_scalar(
            "UPDATE tenants SET request_counter = request_counter + 1 WHERE tenant_id = $1 RETURNING request_counter",
        )
        .bind(scope.tenant.0)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO subject_requests (tenant_id, request_id, request_type, channel, received_on, due_on, state,
                 contact_id, subject_name, subject_email, details, owner_id, identity_verified_at, identity_method,
                 created_at, updated_at, number)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16)",
        )
        .bind_all((scope.tenant.0, id, fields.request_type.as_str(), fields.channel.as_str(), fields.received_on.to_iso(), due_on.to_iso(), state.as_str(), fields.contact_id.map(|id| id.0), &fields.subject_name, fields.subject_email.as_deref(), fields.details.as_deref(), owner.0, identity_method.map(|_| now), identity_method, now, number))
        .execute(&mut *tx)
        .await?;
        let received = Step {
            by,
            from: RequestState::Received,
            to: RequestState::Received,
            name: "received",
            note: None,
        };
        add_step(
            &mut tx,
            &self,
            scope.tenant,
            SubjectRequestId(id),
            &received,
        )
        .await?;
        let mut audited = vec![
            "request_type",
            "channel",
            "received_on",
            "contact_id",
            "subject_name",
            "subject_email",
            "details",
        ];
        if let Intake::Portal { contact, .. } = *intake {
            let verified = Step {
                by,
                from: RequestState::Received,
                to: state,
                name: "identity_verified",
                note: identity_method,
            };
            add_step(
                &mut tx,
                &self,
                scope.tenant,
                SubjectRequestId(id),
                &verified,
            )
            .await?;
            sqlx::query(
                "INSERT INTO subject_request_contacts (tenant_id, request_id, contact_id, confirmed_by, confirmed_at)
                 VALUES ($1, $2, $3, NULL, $4)",
            )
            .bind_all((scope.tenant.0, id, contact.0, now))
            .execute(&mut *tx)
            .await?;
            audited.extend([
                "identity_verified_at",
                "identity_method",
                "subject_contacts",
            ]);
        }
        self.audit(
            &mut tx,
            scope,
            AuditAction::Create,
            RecordType::SubjectRequest,
            id,
            &audited,
        )
        .await?;
        tx.commit().await?;
        self.subject_request(scope.tenant, SubjectRequestId(id))
            .await
    }

    /// The requests about one contact, newest first (for the portal): the
    /// last hundred, or the open ones only.
    pub async fn subject_requests_about(
        self,
        tenant: TenantId,
        contact: ContactId,
        open_only: bool,
    ) -> Result<Vec<SubjectRequest>, StoreError> {
        let open = if open_only {
            " AND r.state NOT IN ('completed', 'refused', 'withdrawn')"
        } else {
            ""
        };
        self.read_rows(
            tenant,
            sqlx::query(&format!(
                "{SELECT} WHERE r.tenant_id = $1 AND r.contact_id = $2{open}
             ORDER BY r.received_on DESC, r.request_id DESC LIMIT 100"
            ))
            .bind_all((tenant.0, contact.0)),
            from_row,
        )
        .await
    }

    /// One request with its steps.
    pub async fn subject_request(
        self,
        tenant: TenantId,
        id: SubjectRequestId,
    ) -> Result<SubjectRequest, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let row = sqlx::query(&format!(
            "{SELECT} WHERE r.tenant_id = $1 AND r.request_id = $2"
        ))
        .bind_all((tenant.0, id.0))
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::Refused(Refusal::NotFound))?;
        let steps = sqlx::query(
            "SELECT e.occurred_at, e.user_id, e.contact_id, u.display_name, e.step, e.state, e.note
             FROM subject_request_events e LEFT JOIN users u ON u.tenant_id = e.tenant_id AND u.user_id = e.user_id
             WHERE e.tenant_id = $1 AND e.request_id = $2 ORDER BY e.occurred_at, e.event_id",
        )
        .bind_all((tenant.0, id.0))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let mut request = from_row(&row)?;
        for step in &steps {
            let state: String = step.try_get("state")?;
            request.steps.push(RequestStep {
                occurred_at: Timestamp(step.try_get("occurred_at")?),
                user_id: step.try_get::<Option<i64>, _>("user_id")?.map(UserId),
                by_subject: step.try_get::<Option<i64>, _>("contact_id")?.is_some(),
                user_name: step.try_get("display_name")?,
                step: step.try_get("step")?,
                state: RequestState::parse(&state)
                    .ok_or(StoreError::Corrupt("a step in an unknown state"))?,
                note: step.try_get("note")?,
            });
        }
        Ok(request)
    }

    /// Requests by due day, the open ones only or all.
    pub async fn subject_requests(
        self,
        tenant: TenantId,
        open_only: bool,
    ) -> Result<Vec<SubjectRequest>, StoreError> {
        let open = if open_only {
            " AND r.state NOT IN ('completed', 'refused', 'withdrawn')"
        } else {
            ""
        };
        self.read_rows(
            tenant,
            sqlx::query(&format!(
                "{SELECT} WHERE r.tenant_id = $1{open} ORDER BY r.due_on, r.request_id LIMIT 1000"
            ))
            .bind(tenant.0),
            from_row,
        )
        .await
    }

    /// Takes one step: moves the request from `from` to `to` (refused when
    /// it is no longer in `from`), with what the step changes besides.
    pub async fn step_request(
        self,
        scope: &Scope,
        id: SubjectRequestId,
        step: &Step<'_>,
        change: &RequestChange,
    ) -> Result<SubjectRequest, StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        self.apply_step(&mut tx, scope, id, step, change).await?;
        tx.commit().await?;
        self.subject_request(scope.tenant, id).await
    }

    /// Days within which the tenant promises to answer, if less than a month.
    pub async fn request_deadline_days(self, tenant: TenantId) -> Result<Option<u32>, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let days: Option<i64> =
            sqlx::query_scalar("SELECT request_deadline_days FROM tenants WHERE tenant_id = $1")
                .bind(tenant.0)
                .fetch_optional(&mut *tx)
                .await?
                .flatten();
        tx.commit().await?;
        Ok(days.and_then(|d| u32::try_from(d).ok()))
    }

    pub async fn set_request_deadline_days(
        self,
        scope: &Scope,
        days: Option<u32>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        sqlx::query("UPDATE tenants SET request_deadline_days = $1 WHERE tenant_id = $2")
            .bind_all((days.map(i64::from), scope.tenant.0))
            .execute(&mut *tx)
            .await?;
        self.audit(
            &mut tx,
            scope,
            AuditAction::Update,
            RecordType::Tenant,
            scope.tenant.0,
            &["request_deadline_days"],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
