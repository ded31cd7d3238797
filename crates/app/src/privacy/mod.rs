//! Carrying out a data subject's rights on a logged request: find and
//! confirm the subject's records, export them (access, portability), erase
//! them. The catalog decides what each step reads and changes.

mod consent;
mod erasure;
mod export;
mod export_text;
mod objection;
mod rectification;
mod requests;
mod restriction;
mod returning;
mod subjects;
mod summary;
mod zip;

pub(crate) use export::Review;
pub use export::SubjectExport;
pub use returning::Identifying;
pub use zip::ZipError;

use crate::{App, AppError, Principal};
use custodian_core::privacy::requests::SubjectRequest;
use custodian_core::{ContactId, SubjectRequestId, ValidationErrors};
use custodian_store::{RequestChange, Step};

impl App {
    /// The request's confirmed contact records; refused while there are
    /// none, since every right is carried out on exactly these.
    pub(crate) async fn subject_records(
        &self,
        principal: &Principal,
        request_id: SubjectRequestId,
    ) -> Result<Vec<ContactId>, AppError> {
        let contacts = self
            .store
            .privacy()
            .confirmed_subjects(principal.tenant, request_id)
            .await?;
        if contacts.is_empty() {
            return Err(ValidationErrors::single(
                "contact_ids",
                "no_subject_confirmed",
                "Confirm which contact records are the subject's first.",
            )
            .into());
        }
        Ok(contacts)
    }

    /// Completes a request that was carried out: the step `name` with
    /// `note`, which also becomes the outcome.
    pub(crate) async fn complete_request(
        &self,
        principal: &Principal,
        request: &SubjectRequest,
        name: &str,
        note: String,
    ) -> Result<SubjectRequest, AppError> {
        let to = request.check_completion()?;
        let step = Step {
            by: custodian_store::StepActor::Staff(principal.user_id),
            from: request.state,
            to,
            name,
            note: Some(&note),
        };
        let change = RequestChange {
            outcome: Some(note.clone()),
            ..RequestChange::default()
        };
        Ok(principal.masked(
            self.store
                .privacy()
                .step_request(&principal.scope(), request.id, &step, &change)
                .await?,
        ))
    }
}
