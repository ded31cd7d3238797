//! Restriction of processing (Art. 18): a restriction request marks the
//! subject's confirmed records; while marked, nobody but the data
//! protection officer (or an administrator) changes them or what links to
//! them, and every page and API answer shows the mark.

use crate::{App, AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::audit::RecordType;
use custodian_core::requests::{RequestState, RequestType, StateChange, SubjectRequest};
use custodian_core::{AssetId, ContactId, ValidationErrors};
use custodian_store::{RequestChange, Step};

impl App {
    /// Carries out a restriction request: marks the confirmed records and
    /// completes the request.
    pub async fn restrict_for_request(
        &self,
        principal: &Principal,
        request_id: i64,
    ) -> Result<SubjectRequest, AppError> {
        principal.authorize(Area::Privacy, Action::Update)?;
        let tenant = principal.tenant;
        let request = self.store.subject_request(tenant, request_id).await?;
        if request.request_type != RequestType::Restriction {
            return Err(ValidationErrors::single(
                "request",
                "wrong_request_type",
                "Only a restriction request restricts.",
            )
            .into());
        }
        let (to, _) = request.check_move(&StateChange {
            state: RequestState::Completed.as_str().into(),
            note: None,
        })?;
        let contacts = self.store.confirmed_subjects(tenant, request_id).await?;
        if contacts.is_empty() {
            return Err(ValidationErrors::single(
                "contact_ids",
                "no_subject_confirmed",
                "Confirm which contact records are the subject's first.",
            )
            .into());
        }
        let changed = self
            .store
            .set_restriction(&principal.scope(), &contacts, true)
            .await?;
        let note = format!("Processing restricted on {changed} contact record(s).");
        let step = Step {
            user: principal.user_id,
            from: request.state,
            to,
            name: "restricted",
            note: Some(&note),
        };
        let change = RequestChange {
            outcome: Some(note.clone()),
            ..RequestChange::default()
        };
        Ok(self
            .store
            .step_request(&principal.scope(), request_id, &step, &change)
            .await?)
    }

    /// Restricts one contact, or lifts the restriction (the subject is to
    /// be told before it is lifted, Art. 18(3)).
    pub async fn set_contact_restriction(
        &self,
        principal: &Principal,
        contact: ContactId,
        restricted: bool,
    ) -> Result<(), AppError> {
        principal.authorize(Area::Privacy, Action::Update)?;
        self.store.contact(principal.tenant, contact).await?;
        self.store
            .set_restriction(&principal.scope(), &[contact], restricted)
            .await?;
        Ok(())
    }

    /// Refuses a change to a record of a restricted subject, or one that
    /// links to one, unless the caller works in the privacy area.
    pub(crate) async fn refuse_restricted_change(
        &self,
        principal: &Principal,
        record_type: RecordType,
        id: Option<i64>,
        links: Vec<(RecordType, i64, &'static str)>,
    ) -> Result<(), AppError> {
        if principal.grants.allow(Area::Privacy, Action::Update) {
            return Ok(());
        }
        let tenant = principal.tenant;
        let mut contacts: Vec<ContactId> = links
            .into_iter()
            .filter(|(t, _, _)| *t == RecordType::Contact)
            .map(|(_, id, _)| ContactId(id))
            .collect();
        match (record_type, id) {
            (RecordType::Contact, Some(id)) => contacts.push(ContactId(id)),
            (RecordType::Activity, Some(id)) => {
                contacts.extend(self.store.activity_contact_ids(tenant, id).await?)
            }
            (RecordType::Asset, Some(id)) => {
                contacts.extend(self.store.asset(tenant, AssetId(id)).await?.contact_id)
            }
            _ => {}
        }
        if self
            .store
            .restricted_contacts(tenant, &contacts)
            .await?
            .is_empty()
        {
            Ok(())
        } else {
            Err(AppError::Restricted)
        }
    }
}
