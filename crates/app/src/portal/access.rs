//! Staff give a contact person portal access: the invitation (a one-time
//! link to choose a password, by email), the organisation-access flag, and
//! ending (or restoring) access.

use crate::secrets::{random_token, sha256_hex};
use crate::Portal;
use crate::{AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::contacts::Contact;
use custodian_core::mail::{MailPurpose, LINK_PLACEHOLDER};
use custodian_core::portal::{invitation_mail, PortalAccessInput, PortalAccount, INVITATION_HOURS};
use custodian_core::time::Timestamp;
use custodian_core::validation::ValidationErrors;
use custodian_core::ContactId;
use custodian_store::NewMail;

impl Portal<'_> {
    /// The contact's portal account, if they have one.
    pub async fn portal_account(
        self,
        principal: &Principal,
        contact: ContactId,
    ) -> Result<Option<PortalAccount>, AppError> {
        principal.authorize(Area::OrganisationsAndContacts, Action::Read)?;
        self.require_reach(principal, RecordType::Contact, contact.0)
            .await?;
        self.store
            .records::<Contact>()
            .get(principal.tenant, contact)
            .await?;
        let mut account = self
            .store
            .portal()
            .portal_account_of(principal.tenant, contact)
            .await?;
        if let Some(account) = &mut account {
            principal.mask(account);
            self.record_reads(
                principal,
                AuditAction::Read,
                RecordType::PortalAccount,
                [account.id.0],
            )
            .await?;
        }
        Ok(account)
    }

    /// Invites the contact to the portal at their first email (again, if
    /// invited before: earlier links stop working).
    pub async fn invite_to_portal(
        self,
        principal: &Principal,
        contact_id: ContactId,
    ) -> Result<PortalAccount, AppError> {
        principal.authorize(Area::OrganisationsAndContacts, Action::Update)?;
        self.require_reach(principal, RecordType::Contact, contact_id.0)
            .await?;
        self.refuse_restricted_change(
            principal,
            RecordType::Contact,
            Some(contact_id.0),
            Vec::new(),
        )
        .await?;
        let contact = self
            .store
            .records::<Contact>()
            .get(principal.tenant, contact_id)
            .await?;
        let Some(email) = contact.emails.first() else {
            return Err(ValidationErrors::single(
                "emails",
                "no_email",
                "The contact has no email address to send the invitation to; add one first.",
            )
            .into());
        };
        let tenant = self.store.tenant(principal.tenant).await?;
        let secret = format!("{}.{}", principal.tenant.0, random_token());
        let text = invitation_mail(&tenant.name, LINK_PLACEHOLDER);
        let email = email.as_str().to_lowercase();
        Ok(self
            .store
            .portal()
            .invite_to_portal(
                &principal.scope(),
                contact_id,
                &email,
                principal.user_id,
                &sha256_hex(&secret),
                Timestamp(Timestamp::now().0 + INVITATION_HOURS * 3_600_000),
                &NewMail {
                    contact_id: Some(contact_id),
                    recipient: email.clone(),
                    subject: text.subject,
                    body: text.body,
                    purpose: MailPurpose::PortalInvitation,
                    about: Some((RecordType::Contact, contact_id.0)),
                    secret_link: Some(self.mailer.link(&format!("/portal/invitation/{secret}"))),
                },
            )
            .await?)
    }

    /// Sets the organisation-access flag, or ends or restores access.
    pub async fn set_portal_access(
        self,
        principal: &Principal,
        contact: ContactId,
        input: &PortalAccessInput,
    ) -> Result<PortalAccount, AppError> {
        principal.authorize(Area::OrganisationsAndContacts, Action::Update)?;
        self.require_reach(principal, RecordType::Contact, contact.0)
            .await?;
        Ok(self
            .store
            .portal()
            .set_portal_access(
                &principal.scope(),
                contact,
                input.organisation_access,
                input.enabled,
            )
            .await?)
    }
}
