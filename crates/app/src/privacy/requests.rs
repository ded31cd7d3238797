//! Data-subject requests, as the data protection officer works them: log a
//! request (by letter, phone, …), verify the subject's identity, move it
//! through its states, extend the deadline with a reason. Every step is
//! owned by a user, kept on the request and audited.

use crate::Privacy;
use crate::{AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::privacy::requests::{
    due_date, DeadlinePolicy, Extension, RequestInput, RequestState, StateChange, SubjectRequest,
};
use custodian_core::time::{CalendarDate, Timestamp};
use custodian_core::validation::required_text;
use custodian_core::{SubjectRequestId, ValidationErrors};
use custodian_store::{Intake, RequestChange, Step, StepActor};

fn single(field: &str, code: &'static str, message: impl Into<String>) -> AppError {
    ValidationErrors::single(field, code, message).into()
}

fn today() -> CalendarDate {
    CalendarDate::of(Timestamp::now())
}

impl Privacy<'_> {
    pub async fn log_request(
        self,
        principal: &Principal,
        input: &RequestInput,
    ) -> Result<SubjectRequest, AppError> {
        principal.authorize(Area::Privacy, Action::Create)?;
        let fields = input.validate(today())?;
        let stricter = self
            .store
            .privacy()
            .request_deadline_days(principal.tenant)
            .await?;
        let due = due_date(fields.received_on, stricter);
        Ok(principal.masked(
            self.store
                .privacy()
                .create_request(
                    &principal.scope(),
                    principal.user_id,
                    &fields,
                    due,
                    &Intake::Logged,
                )
                .await?,
        ))
    }

    /// Requests by due day; the open ones only, or all.
    pub async fn subject_requests(
        self,
        principal: &Principal,
        open_only: bool,
    ) -> Result<Vec<SubjectRequest>, AppError> {
        principal.authorize(Area::Privacy, Action::Read)?;
        let requests = self
            .store
            .privacy()
            .subject_requests(principal.tenant, open_only)
            .await?;
        let shown = crate::audit::shown_among(
            "subject_requests",
            &["subject_name", "subject_email"],
            principal.sight(),
        );
        self.record_read_fields(
            principal,
            AuditAction::List,
            RecordType::SubjectRequest,
            requests.iter().map(|r| r.id.0),
            &shown,
        )
        .await?;
        Ok(requests.into_iter().map(|r| principal.masked(r)).collect())
    }

    pub async fn subject_request(
        self,
        principal: &Principal,
        id: SubjectRequestId,
    ) -> Result<SubjectRequest, AppError> {
        principal.authorize(Area::Privacy, Action::Read)?;
        let request = principal.masked(
            self.store
                .privacy()
                .subject_request(principal.tenant, id)
                .await?,
        );
        let shown = crate::audit::shown_among(
            "subject_requests",
            &["subject_name", "subject_email", "details", "outcome"],
            principal.sight(),
        );
        self.record_read_fields(
            principal,
            AuditAction::Read,
            RecordType::SubjectRequest,
            [id],
            &shown,
        )
        .await?;
        Ok(request)
    }

    /// Records how the subject's identity was checked; a request waiting
    /// for it goes on to "in progress".
    pub async fn verify_identity(
        self,
        principal: &Principal,
        id: SubjectRequestId,
        method: &str,
    ) -> Result<SubjectRequest, AppError> {
        principal.authorize(Area::Privacy, Action::Update)?;
        let method = required_text(method, 500).map_err(|p| single("method", p.code, p.message))?;
        let request = self
            .store
            .privacy()
            .subject_request(principal.tenant, id)
            .await?;
        if !request.state.is_open() {
            return Err(single("method", "request_closed", "The request is closed."));
        }
        let to = match request.state {
            RequestState::Received | RequestState::AwaitingIdentity => RequestState::InProgress,
            other => other,
        };
        let step = Step {
            by: StepActor::Staff(principal.user_id),
            from: request.state,
            to,
            name: "identity_verified",
            note: Some(&method),
        };
        let change = RequestChange {
            identity_method: Some(method.clone()),
            ..RequestChange::default()
        };
        Ok(principal.masked(
            self.store
                .privacy()
                .step_request(&principal.scope(), id, &step, &change)
                .await?,
        ))
    }

    pub async fn move_request(
        self,
        principal: &Principal,
        id: SubjectRequestId,
        change: &StateChange,
    ) -> Result<SubjectRequest, AppError> {
        principal.authorize(Area::Privacy, Action::Update)?;
        let request = self
            .store
            .privacy()
            .subject_request(principal.tenant, id)
            .await?;
        let (to, note) = request.check_move(change)?;
        let step = Step {
            by: StepActor::Staff(principal.user_id),
            from: request.state,
            to,
            name: to.as_str(),
            note: note.as_deref(),
        };
        let change = RequestChange {
            outcome: note
                .clone()
                .filter(|_| matches!(to, RequestState::Completed | RequestState::Refused)),
            ..RequestChange::default()
        };
        Ok(principal.masked(
            self.store
                .privacy()
                .step_request(&principal.scope(), id, &step, &change)
                .await?,
        ))
    }

    /// Extends the deadline to `months` beyond the first month, in all.
    pub async fn extend_request(
        self,
        principal: &Principal,
        id: SubjectRequestId,
        extension: &Extension,
    ) -> Result<SubjectRequest, AppError> {
        principal.authorize(Area::Privacy, Action::Update)?;
        let request = self
            .store
            .privacy()
            .subject_request(principal.tenant, id)
            .await?;
        let (due, reason) = request.check_extension(extension)?;
        let step = Step {
            by: StepActor::Staff(principal.user_id),
            from: request.state,
            to: request.state,
            name: "extended",
            note: Some(&reason),
        };
        let change = RequestChange {
            extension: Some((extension.months, reason.clone(), due)),
            ..RequestChange::default()
        };
        Ok(principal.masked(
            self.store
                .privacy()
                .step_request(&principal.scope(), id, &step, &change)
                .await?,
        ))
    }

    /// Days within which the tenant answers, when it promises less than a
    /// month (None: the month of Art. 12(3)).
    pub async fn request_deadline_days(
        self,
        principal: &Principal,
    ) -> Result<Option<u32>, AppError> {
        principal.authorize(Area::Privacy, Action::Read)?;
        Ok(self
            .store
            .privacy()
            .request_deadline_days(principal.tenant)
            .await?)
    }

    pub async fn set_request_deadline_days(
        self,
        principal: &Principal,
        days: Option<u32>,
    ) -> Result<(), AppError> {
        principal.authorize(Area::Privacy, Action::Update)?;
        let days = DeadlinePolicy { days }.validate()?;
        Ok(self
            .store
            .privacy()
            .set_request_deadline_days(&principal.scope(), days)
            .await?)
    }
}
