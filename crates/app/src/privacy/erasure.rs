//! The answer to an erasure request (Art. 17): a plan of what goes, what is
//! rewritten and what a legal hold keeps; then the erasure itself, which
//! completes the request and issues a certificate without personal data.

use crate::Privacy;
use crate::{App, AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::privacy::erasure::{ErasureCertificate, TableOutcome};
use custodian_core::privacy::fulfilment::ErasureConfirmation;
use custodian_core::privacy::redaction::{phone_forms, Identifiers};
use custodian_core::privacy::requests::SubjectRequest;
use custodian_core::privacy::suppression::IdentifierKind;
use custodian_core::{ContactId, Refusal, SubjectRequestId};
use custodian_store::{ErasureStep, Step};

/// What identifies the subject in free text, and what the suppression
/// list keeps of them: the confirmed records' names, emails and phones and
/// the email the request was logged with.
struct SubjectIdentity {
    identifiers: Identifiers,
    suppress: Vec<(IdentifierKind, String)>,
}

impl App {
    async fn subject_identity(
        &self,
        principal: &Principal,
        request: &SubjectRequest,
        contacts: &[ContactId],
    ) -> Result<SubjectIdentity, AppError> {
        let mut identifiers = Identifiers::new();
        let mut suppress = Vec::new();
        for contact in self
            .store
            .privacy()
            .contacts_by_ids(principal.tenant, contacts)
            .await?
        {
            identifiers.add_contact(&contact);
            for email in &contact.emails {
                suppress.push((IdentifierKind::Email, email.as_str().to_string()));
            }
            for phone in &contact.phones {
                // Every spelling: +49 30 123… and 030 123… are one number.
                suppress.extend(
                    phone_forms(phone.as_str())
                        .into_iter()
                        .map(|form| (IdentifierKind::Phone, form)),
                );
            }
        }
        if let Some(email) = &request.subject_email {
            identifiers.add_email(email);
            suppress.push((IdentifierKind::Email, email.clone()));
        }
        Ok(SubjectIdentity {
            identifiers,
            suppress,
        })
    }
}

impl Privacy<'_> {
    /// What erasing the request's confirmed records would do, changing
    /// nothing: exactly the rows the erasure would then delete, rewrite or
    /// keep.
    pub async fn erasure_plan(
        self,
        principal: &Principal,
        request_id: SubjectRequestId,
    ) -> Result<Vec<TableOutcome>, AppError> {
        principal.authorize(Area::Privacy, Action::Read)?;
        let request = self
            .store
            .privacy()
            .subject_request(principal.tenant, request_id)
            .await?;
        let contacts = self
            .store
            .privacy()
            .confirmed_subjects(principal.tenant, request_id)
            .await?;
        let identity = self
            .subject_identity(principal, &request, &contacts)
            .await?;
        Ok(self
            .store
            .privacy()
            .erasure_plan(&principal.scope(), &contacts, &identity.identifiers)
            .await?)
    }

    /// Erases the confirmed records and completes the request.
    pub async fn erase_subject(
        self,
        principal: &Principal,
        request_id: SubjectRequestId,
        confirmation: &ErasureConfirmation,
    ) -> Result<ErasureCertificate, AppError> {
        principal.authorize(Area::Privacy, Action::Erase)?;
        let tenant = principal.tenant;
        let request = self
            .store
            .privacy()
            .subject_request(tenant, request_id)
            .await?;
        let contacts = self.subject_records(principal, request_id).await?;
        let holds = self.store.privacy().legal_holds(tenant, &contacts).await?;
        request.check_erasure(confirmation, &holds)?;
        let to = request.check_completion()?;
        let SubjectIdentity {
            identifiers,
            suppress,
        } = self
            .subject_identity(principal, &request, &contacts)
            .await?;
        let completion = ErasureStep {
            step: Step {
                by: custodian_store::StepActor::Staff(principal.user_id),
                from: request.state,
                to,
                name: "erased",
                note: None,
            },
            issued_by: principal.user_id,
        };
        // Reads answered before now may still wait in the recorder's queue:
        // written after the erasure, their reasons would escape its
        // blanking. They go into the trail first.
        self.audit().flush_audit().await;
        Ok(self
            .store
            .privacy()
            .erase_subject(
                &principal.scope(),
                request_id,
                &contacts,
                &identifiers,
                &suppress,
                &completion,
            )
            .await?)
    }

    /// The certificate of a carried-out erasure.
    pub async fn erasure_certificate(
        self,
        principal: &Principal,
        request_id: SubjectRequestId,
    ) -> Result<ErasureCertificate, AppError> {
        principal.authorize(Area::Privacy, Action::Read)?;
        self.store
            .privacy()
            .erasure_certificate(principal.tenant, request_id)
            .await?
            .ok_or(AppError::Refused(Refusal::NotFound))
    }
}
