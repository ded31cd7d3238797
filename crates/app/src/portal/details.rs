//! The person's own details in the portal: they read what is kept about
//! them as a contact and correct it (Art. 16), through the contact's own
//! validated, versioned and audited update, with themselves as the actor.

use super::PortalPrincipal;
use crate::AppError;
use crate::Portal;
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::contacts::{Contact, ContactInput};
use custodian_core::values::Address;

/// What a person may correct of their contact record; the rest (owner,
/// organisation, gender) is kept as it is.
#[derive(Debug, Clone, Default)]
pub struct PortalDetailsInput {
    pub first_name: String,
    pub last_name: String,
    pub position: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub work_address: Address,
    /// The version they edited.
    pub version: Option<i64>,
}

impl Portal<'_> {
    pub async fn portal_details(self, principal: &PortalPrincipal) -> Result<Contact, AppError> {
        let contact = self
            .store
            .records::<Contact>()
            .get(principal.tenant, principal.contact)
            .await?;
        self.portal_reads(
            principal,
            AuditAction::Read,
            RecordType::Contact,
            vec![contact.id.0],
        )
        .await?;
        Ok(contact)
    }

    pub async fn portal_update_details(
        self,
        principal: &PortalPrincipal,
        input: &PortalDetailsInput,
    ) -> Result<Contact, AppError> {
        let current = self
            .store
            .records::<Contact>()
            .get(principal.tenant, principal.contact)
            .await?;
        let fields = ContactInput {
            first_name: input.first_name.clone(),
            last_name: input.last_name.clone(),
            position: input.position.clone(),
            emails: input.emails.clone(),
            phones: input.phones.clone(),
            work_address: input.work_address.clone(),
            ..current.to_input()
        }
        .validate()?;
        Ok(self
            .store
            .records::<Contact>()
            .update(
                &principal.scope(),
                principal.contact,
                input.version,
                &fields,
            )
            .await?)
    }
}
