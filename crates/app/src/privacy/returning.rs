//! A person erased before, entered again: a new record whose email or phone
//! is on the suppression list is refused until the person entering it says
//! the subject came back of their own accord (a new contract, a new
//! consent), so that nobody is silently recreated from an old list.

use crate::{App, AppError, Principal};
use custodian_core::activities::ActivityFields;
use custodian_core::agreements::AgreementFields;
use custodian_core::assets::AssetFields;
use custodian_core::contacts::ContactFields;
use custodian_core::organisations::OrganisationFields;
use custodian_core::privacy::redaction::phone_forms;
use custodian_core::privacy::suppression::IdentifierKind;

/// Record fields that identify a person by email or phone.
pub trait Identifying {
    fn identifiers(&self) -> Vec<(IdentifierKind, String)> {
        Vec::new()
    }
}

impl Identifying for ContactFields {
    fn identifiers(&self) -> Vec<(IdentifierKind, String)> {
        let emails = self
            .emails
            .iter()
            .map(|e| (IdentifierKind::Email, e.as_str().to_string()));
        let phones = self.phones.iter().flat_map(|p| {
            phone_forms(p.as_str())
                .into_iter()
                .map(|form| (IdentifierKind::Phone, form))
        });
        emails.chain(phones).collect()
    }
}

impl Identifying for OrganisationFields {}
impl Identifying for ActivityFields {}
impl Identifying for AssetFields {}
impl Identifying for AgreementFields {}
impl Identifying for custodian_core::helpdesk::CannedReplyFields {}

impl App {
    /// Refuses a record of someone erased before, unless the caller
    /// confirmed that they came back.
    pub(crate) async fn refuse_returning_subject(
        &self,
        principal: &Principal,
        fields: &impl Identifying,
    ) -> Result<(), AppError> {
        if principal.returning_subject_confirmed {
            return Ok(());
        }
        let identifiers = fields.identifiers();
        if identifiers.is_empty() {
            return Ok(());
        }
        let matched = self
            .store
            .privacy()
            .suppressed(principal.tenant, &identifiers)
            .await?;
        match matched.first() {
            None => Ok(()),
            Some((kind, _)) => Err(AppError::ReturningSubject {
                field: match kind {
                    IdentifierKind::Email => "emails",
                    IdentifierKind::Phone => "phones",
                },
            }),
        }
    }
}
