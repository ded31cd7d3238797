//! Carrying out a rectification request: the correction goes through the
//! contact's normal validated, versioned and audited update, and the
//! request's history names the fields corrected (never their values).

use crate::Privacy;
use crate::{AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::audit::changed_fields;
use custodian_core::contacts::Contact;
use custodian_core::privacy::rectification::RectificationInput;
use custodian_core::privacy::requests::SubjectRequest;
use custodian_core::{SubjectRequestId, ValidationErrors};
use custodian_store::{RequestChange, Step};

impl Privacy<'_> {
    pub async fn rectify(
        self,
        principal: &Principal,
        request_id: SubjectRequestId,
        input: &RectificationInput,
    ) -> Result<SubjectRequest, AppError> {
        principal.authorize(Area::Privacy, Action::Update)?;
        let tenant = principal.tenant;
        let request = self
            .store
            .privacy()
            .subject_request(tenant, request_id)
            .await?;
        request.check_rectification(&input.corrections)?;
        let contact = input.contact_id;
        let confirmed = self
            .store
            .privacy()
            .confirmed_subjects(tenant, request_id)
            .await?;
        if !confirmed.contains(&contact) {
            return Err(ValidationErrors::single(
                "contact_id",
                "not_the_subject",
                "Correct one of the records confirmed as the subject's.",
            )
            .into());
        }
        let current = self.store.records::<Contact>().get(tenant, contact).await?;
        let before = current.to_input();
        let fields = input.corrections.apply(before.clone()).validate()?;
        let old = before
            .validate()
            .map(|f| f.field_values())
            .unwrap_or_default();
        let changed = changed_fields(&old, &fields.field_values());
        if changed.is_empty() {
            return Err(ValidationErrors::single(
                "corrections",
                "nothing_changed",
                "The record already holds these values.",
            )
            .into());
        }
        self.store
            .records::<Contact>()
            .update(&principal.scope(), contact, Some(current.version), &fields)
            .await?;
        let note = format!("Corrected on contact {}: {}", contact.0, changed.join(", "));
        let step = Step {
            by: custodian_store::StepActor::Staff(principal.user_id),
            from: request.state,
            to: request.state,
            name: "rectified",
            note: Some(&note),
        };
        Ok(principal.masked(
            self.store
                .privacy()
                .step_request(
                    &principal.scope(),
                    request_id,
                    &step,
                    &RequestChange::default(),
                )
                .await?,
        ))
    }
}
