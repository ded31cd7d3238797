//! Data-subject requests, as the data protection officer works them: log a
//! request (by letter, phone, …), verify the subject's identity, move it
//! through its states, extend the deadline with a reason. Every step is
//! owned by a user, kept on the request and audited.

use crate::{App, AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::requests::{
    due_date, extended_due_date, Extension, RequestInput, RequestState, StateChange,
    SubjectRequest, MAX_EXTENSION_MONTHS,
};
use custodian_core::time::{CalendarDate, Timestamp};
use custodian_core::validation::required_text;
use custodian_core::ValidationErrors;
use custodian_store::{RequestChange, Step};

fn single(field: &str, code: &'static str, message: impl Into<String>) -> AppError {
    ValidationErrors::single(field, code, message).into()
}

fn today() -> CalendarDate {
    CalendarDate::of(Timestamp::now())
}

impl App {
    pub async fn log_request(
        &self,
        principal: &Principal,
        input: &RequestInput,
    ) -> Result<SubjectRequest, AppError> {
        principal.authorize(Area::Privacy, Action::Create)?;
        let fields = input.validate(today())?;
        let stricter = self.store.request_deadline_days(principal.tenant).await?;
        let due = due_date(fields.received_on, stricter);
        Ok(self
            .store
            .create_request(&principal.scope(), principal.user_id, &fields, due)
            .await?)
    }

    /// Requests by due day; the open ones only, or all.
    pub async fn subject_requests(
        &self,
        principal: &Principal,
        open_only: bool,
    ) -> Result<Vec<SubjectRequest>, AppError> {
        principal.authorize(Area::Privacy, Action::Read)?;
        let requests = self
            .store
            .subject_requests(principal.tenant, open_only)
            .await?;
        self.record_read_fields(
            principal,
            AuditAction::List,
            RecordType::SubjectRequest,
            requests.iter().map(|r| r.id),
            "subject_name,subject_email",
        )
        .await?;
        Ok(requests)
    }

    pub async fn subject_request(
        &self,
        principal: &Principal,
        id: i64,
    ) -> Result<SubjectRequest, AppError> {
        principal.authorize(Area::Privacy, Action::Read)?;
        let request = self.store.subject_request(principal.tenant, id).await?;
        self.record_read_fields(
            principal,
            AuditAction::Read,
            RecordType::SubjectRequest,
            [id],
            "subject_name,subject_email,details,outcome",
        )
        .await?;
        Ok(request)
    }

    /// Records how the subject's identity was checked; a request waiting
    /// for it goes on to "in progress".
    pub async fn verify_identity(
        &self,
        principal: &Principal,
        id: i64,
        method: &str,
    ) -> Result<SubjectRequest, AppError> {
        principal.authorize(Area::Privacy, Action::Update)?;
        let method = required_text(method, 500).map_err(|p| single("method", p.code, p.message))?;
        let request = self.store.subject_request(principal.tenant, id).await?;
        if !request.state.is_open() {
            return Err(single("method", "request_closed", "The request is closed."));
        }
        let to = match request.state {
            RequestState::Received | RequestState::AwaitingIdentity => RequestState::InProgress,
            other => other,
        };
        let step = Step {
            user: principal.user_id,
            from: request.state,
            to,
            name: "identity_verified",
            note: Some(&method),
        };
        let change = RequestChange {
            identity_method: Some(method.clone()),
            ..RequestChange::default()
        };
        Ok(self
            .store
            .step_request(&principal.scope(), id, &step, &change)
            .await?)
    }

    pub async fn move_request(
        &self,
        principal: &Principal,
        id: i64,
        change: &StateChange,
    ) -> Result<SubjectRequest, AppError> {
        principal.authorize(Area::Privacy, Action::Update)?;
        let to = RequestState::parse(change.state.trim()).ok_or_else(|| {
            single(
                "state",
                "unknown_state",
                "The state is one of awaiting_identity, in_progress, awaiting_approval, completed, refused or withdrawn.",
            )
        })?;
        let note = change
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > 2_000) {
            return Err(single(
                "note",
                "too_long",
                "A note is at most 2,000 characters.",
            ));
        }
        let request = self.store.subject_request(principal.tenant, id).await?;
        if !request.state.may_become(to) {
            return Err(single(
                "state",
                "not_allowed",
                format!(
                    "A request that is {} cannot become {}.",
                    request.state.label().to_lowercase(),
                    to.label().to_lowercase()
                ),
            ));
        }
        if to == RequestState::Completed && request.identity_verified_at.is_none() {
            return Err(single(
                "state",
                "identity_not_verified",
                "Verify the subject's identity before completing the request.",
            ));
        }
        if to == RequestState::Refused && note.is_none() {
            return Err(single(
                "note",
                "reason_required",
                "Give the reason for refusing; the subject is told it.",
            ));
        }
        let step = Step {
            user: principal.user_id,
            from: request.state,
            to,
            name: to.as_str(),
            note,
        };
        let change = RequestChange {
            outcome: note
                .filter(|_| matches!(to, RequestState::Completed | RequestState::Refused))
                .map(str::to_string),
            ..RequestChange::default()
        };
        Ok(self
            .store
            .step_request(&principal.scope(), id, &step, &change)
            .await?)
    }

    /// Extends the deadline to `months` beyond the first month, in all.
    pub async fn extend_request(
        &self,
        principal: &Principal,
        id: i64,
        extension: &Extension,
    ) -> Result<SubjectRequest, AppError> {
        principal.authorize(Area::Privacy, Action::Update)?;
        if !(1..=MAX_EXTENSION_MONTHS).contains(&extension.months) {
            return Err(single(
                "months",
                "extension_too_long",
                "Art. 12(3) allows up to two further months.",
            ));
        }
        let reason = required_text(&extension.reason, 1_000).map_err(|p| {
            single(
                "reason",
                if p.code == "required" {
                    "reason_required"
                } else {
                    p.code
                },
                "Say why the request needs more time; the subject is told it.",
            )
        })?;
        let request = self.store.subject_request(principal.tenant, id).await?;
        if !request.state.is_open() {
            return Err(single("months", "request_closed", "The request is closed."));
        }
        if extension.months <= request.extended_months {
            return Err(single(
                "months",
                "not_longer",
                format!(
                    "The deadline is already extended by {} month(s); an extension can only lengthen it.",
                    request.extended_months
                ),
            ));
        }
        let due = extended_due_date(request.received_on, extension.months);
        let step = Step {
            user: principal.user_id,
            from: request.state,
            to: request.state,
            name: "extended",
            note: Some(&reason),
        };
        let change = RequestChange {
            extension: Some((extension.months, reason.clone(), due)),
            ..RequestChange::default()
        };
        Ok(self
            .store
            .step_request(&principal.scope(), id, &step, &change)
            .await?)
    }

    /// Days within which the tenant answers, when it promises less than a
    /// month (None: the month of Art. 12(3)).
    pub async fn request_deadline_days(
        &self,
        principal: &Principal,
    ) -> Result<Option<u32>, AppError> {
        principal.authorize(Area::Privacy, Action::Read)?;
        Ok(self.store.request_deadline_days(principal.tenant).await?)
    }

    pub async fn set_request_deadline_days(
        &self,
        principal: &Principal,
        days: Option<u32>,
    ) -> Result<(), AppError> {
        principal.authorize(Area::Privacy, Action::Update)?;
        if days.is_some_and(|d| !(1..=30).contains(&d)) {
            return Err(single(
                "days",
                "out_of_range",
                "A stricter deadline is 1 to 30 days; leave it empty for the month of Art. 12(3).",
            ));
        }
        Ok(self
            .store
            .set_request_deadline_days(&principal.scope(), days)
            .await?)
    }
}
