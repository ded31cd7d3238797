//! Registering for the portal without an invitation, where the tenant's
//! administrators allow it (for contacts already known by their email, or
//! for anyone). The answer to a registration never tells whether the
//! address is known: it comes before the lookup, and what happens next
//! goes by email to the address itself — a link to confirm it and choose a
//! password, a sign-in link when there is an account already, or nothing.
//! The contact and the account are made only once the address is confirmed.

use super::sign_in::{split, NewPortalSession};
use crate::secrets::{hash_password, random_token, sha256_hex};
use crate::Portal;
use crate::{App, AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::audit::chain::ClientContext;
use custodian_core::audit::{Actor, AuditAction, RecordType};
use custodian_core::contacts::ContactFields;
use custodian_core::mail::{MailPurpose, LINK_PLACEHOLDER};
use custodian_core::passwords::PasswordPolicy;
use custodian_core::portal::registration::{
    verification_mail, RegistrationFields, RegistrationInput, RegistrationPolicy,
    RegistrationSettings, VERIFICATION_HOURS,
};
use custodian_core::portal::LinkProblem;
use custodian_core::time::Timestamp;
use custodian_core::validation::ValidationErrors;
use custodian_core::values::{Address, EmailAddress};
use custodian_core::{ContactId, Refusal, TenantId};
use custodian_store::{NewMail, PendingRegistration, Registrant, Scope};
use std::sync::Arc;

/// Search hits looked at to find a contact by email (every word of the
/// address must match, so few contacts are hits).
const EMAIL_HITS: i64 = 500;

/// Which contacts have an email address.
enum EmailMatch {
    None,
    One(ContactId),
    /// Several: the person cannot be told apart, so staff decide.
    Ambiguous,
}

impl App {
    /// The message a registration gets, by what is known of the address:
    /// none when staff ended its access or it is ambiguous; a sign-in link
    /// when it has access; else a link to confirm it, for a contact known
    /// by exactly this address (whose account, if any, was invited at it
    /// and never used), or for anyone new where the tenant allows it.
    async fn answer_registration(
        &self,
        tenant: TenantId,
        fields: &RegistrationFields,
        client: Option<Arc<ClientContext>>,
    ) -> Result<(), AppError> {
        let policy = self
            .store
            .portal()
            .portal_registration_policy(tenant)
            .await?;
        if policy == RegistrationPolicy::Off
            || self
                .store
                .portal()
                .portal_address_ended(tenant, &fields.email)
                .await?
        {
            return Ok(());
        }
        let has_access = self
            .store
            .portal()
            .portal_candidates(&fields.email)
            .await?
            .into_iter()
            .any(|c| c.tenant == tenant);
        if has_access {
            return self.send_sign_in_links(&fields.email, Some(tenant)).await;
        }
        let known = match self
            .contact_by_email(tenant, &fields.email, &client)
            .await?
        {
            EmailMatch::Ambiguous => return Ok(()),
            EmailMatch::One(contact) => {
                let account = self
                    .store
                    .portal()
                    .portal_account_of(tenant, contact)
                    .await?;
                if account.is_some_and(|a| {
                    a.disabled_at.is_some() || a.activated_at.is_some() || a.email != fields.email
                }) {
                    return Ok(());
                }
                Some(contact)
            }
            EmailMatch::None if policy == RegistrationPolicy::Anyone => None,
            EmailMatch::None => return Ok(()),
        };
        let organisation = self.store.tenant(tenant).await?.name;
        let secret = format!("{}.{}", tenant.0, random_token());
        let text = verification_mail(&organisation, LINK_PLACEHOLDER);
        // Whoever typed the address is not known yet: the system records
        // it, with the client's address and browser.
        let scope = Scope::new(tenant, Actor::SYSTEM).with_context(client);
        self.store
            .portal()
            .create_portal_registration(
                &scope,
                fields,
                known,
                &sha256_hex(&secret),
                Timestamp(Timestamp::now().0 + VERIFICATION_HOURS * 3_600_000),
                &NewMail {
                    contact_id: known,
                    recipient: fields.email.clone(),
                    subject: text.subject,
                    body: text.body,
                    purpose: MailPurpose::PortalVerification,
                    about: None,
                    secret_link: Some(
                        self.mailer
                            .link(&format!("/portal/register/confirm/{secret}")),
                    ),
                },
            )
            .await?;
        Ok(())
    }

    /// The contact of the tenant with exactly this email, if one alone has
    /// it. The contacts looked at are recorded as read by the system.
    async fn contact_by_email(
        &self,
        tenant: TenantId,
        email: &str,
        client: &Option<Arc<ClientContext>>,
    ) -> Result<EmailMatch, AppError> {
        let hits: Vec<ContactId> = self
            .store
            .search(tenant, email, EMAIL_HITS)
            .await?
            .into_iter()
            .filter(|hit| hit.record_type == "contact")
            .map(|hit| ContactId(hit.record_id))
            .collect();
        let contacts = self.store.privacy().contacts_by_ids(tenant, &hits).await?;
        self.record_entries(
            tenant,
            crate::audit::read_entries(
                Actor::SYSTEM,
                client,
                AuditAction::Read,
                RecordType::Contact,
                contacts.iter().map(|c| c.id.0),
                "emails",
            ),
        )
        .await?;
        let mut matching = contacts
            .iter()
            .filter(|c| {
                c.emails
                    .iter()
                    .any(|e| e.as_str().eq_ignore_ascii_case(email))
            })
            .map(|c| c.id);
        Ok(match (matching.next(), matching.next()) {
            (None, _) => EmailMatch::None,
            (Some(contact), None) => EmailMatch::One(contact),
            (Some(_), Some(_)) => EmailMatch::Ambiguous,
        })
    }
}

impl Portal<'_> {
    pub async fn portal_registration_policy(
        self,
        principal: &Principal,
    ) -> Result<RegistrationPolicy, AppError> {
        principal.authorize(Area::Administration, Action::Read)?;
        Ok(self
            .store
            .portal()
            .portal_registration_policy(principal.tenant)
            .await?)
    }

    pub async fn set_portal_registration_policy(
        self,
        principal: &Principal,
        settings: &RegistrationSettings,
    ) -> Result<RegistrationPolicy, AppError> {
        principal.authorize(Area::Administration, Action::Administer)?;
        let policy = settings.validate()?;
        self.store
            .portal()
            .set_portal_registration_policy(&principal.scope(), policy)
            .await?;
        Ok(policy)
    }

    /// The tenant's name when it lets people register, else not found.
    pub async fn portal_registration_open(self, tenant: TenantId) -> Result<String, AppError> {
        match self.store.portal().portal_registration_policy(tenant).await {
            Ok(RegistrationPolicy::Off)
            | Err(custodian_store::StoreError::Refused(Refusal::NotFound)) => {
                Err(AppError::Refused(Refusal::NotFound))
            }
            Ok(_) => Ok(self.store.tenant(tenant).await?.name),
            Err(other) => Err(other.into()),
        }
    }

    /// Takes a registration: checks what was typed, then answers at once;
    /// the lookup and the message follow in the background.
    pub async fn register_for_portal(
        self,
        tenant: TenantId,
        input: &RegistrationInput,
        client_address: &str,
        user_agent: Option<&str>,
    ) -> Result<(), AppError> {
        self.portal_registration_open(tenant).await?;
        let fields = input.validate()?;
        // As with sign-in links: three messages to an address, then each
        // more waits; a client registering many addresses is held.
        self.throttle.reserve(&[
            crate::auth::Limit::new(format!("portal-register:{}", fields.email), 3),
            crate::auth::Limit::new(
                format!("portal-address:{client_address}"),
                crate::auth::MAX_PER_ADDRESS,
            ),
        ])?;
        let client = crate::client_context(Some(client_address.to_string()), user_agent);
        let app = App::clone(&self);
        tokio::spawn(async move {
            if let Err(error) = app.answer_registration(tenant, &fields, client).await {
                tracing::warn!(error = %crate::with_causes(&error), "portal: answering a registration failed");
            }
        });
        Ok(())
    }

    /// The registration behind a confirmation link, while it can be used.
    pub async fn portal_registration(self, link: &str) -> Result<PendingRegistration, AppError> {
        let (tenant, _) = split(link).ok_or(AppError::PortalLink(LinkProblem::Unknown))?;
        self.store
            .portal()
            .pending_portal_registration(tenant, &sha256_hex(link))
            .await?
            .map_err(AppError::PortalLink)
    }

    /// Confirms the address with a password (the default policy): the
    /// contact is made if new, the account too, and the person is signed
    /// in.
    pub async fn confirm_portal_registration(
        self,
        link: &str,
        password: &str,
        client_address: &str,
        user_agent: Option<&str>,
    ) -> Result<NewPortalSession, AppError> {
        let (tenant, _) = split(link).ok_or(AppError::PortalLink(LinkProblem::Unknown))?;
        // Registration closed since (or the tenant): the link is spent.
        self.portal_registration_open(tenant)
            .await
            .map_err(|_| AppError::PortalLink(LinkProblem::Unknown))?;
        let registration = self.portal_registration(link).await?;
        let name = format!("{} {}", registration.first_name, registration.last_name);
        let mut errors = ValidationErrors::new();
        errors.check(
            "password",
            PasswordPolicy::default().check(password, &[&registration.email, &name]),
        );
        if !errors.is_empty() {
            return Err(errors.into());
        }
        // A contact made since the registration is the person's too; the
        // known contact must still have the address.
        let client = crate::client_context(Some(client_address.to_string()), user_agent);
        let known = match self
            .contact_by_email(tenant, &registration.email, &client)
            .await?
        {
            EmailMatch::One(contact)
                if registration.contact_id.is_none_or(|known| known == contact) =>
            {
                Some(contact)
            }
            EmailMatch::None if registration.contact_id.is_none() => None,
            _ => return Err(AppError::PortalLink(LinkProblem::Unknown)),
        };
        let new_contact;
        let registrant = match known {
            Some(contact) => Registrant::Known(contact),
            None => {
                if self
                    .store
                    .portal()
                    .portal_registration_policy(tenant)
                    .await?
                    != RegistrationPolicy::Anyone
                {
                    return Err(AppError::PortalLink(LinkProblem::Ended));
                }
                new_contact = ContactFields {
                    owner_id: None,
                    organisation_id: None,
                    gender: None,
                    first_name: registration.first_name.clone(),
                    last_name: registration.last_name.clone(),
                    position: None,
                    emails: vec![EmailAddress::parse(&registration.email)
                        .map_err(|p| ValidationErrors::single("email", p.code, p.message))?],
                    phones: Vec::new(),
                    work_address: Address::default(),
                };
                Registrant::New(&new_contact)
            }
        };
        let hash = hash_password(password.to_string()).await?;
        let (contact, _) = self
            .store
            .portal()
            .confirm_portal_registration(
                tenant,
                &sha256_hex(link),
                registrant,
                &hash,
                client.clone(),
            )
            .await?
            .map_err(AppError::PortalLink)?;
        let account = self
            .store
            .portal()
            .portal_account_of(tenant, contact)
            .await?
            .ok_or(AppError::Refused(Refusal::NotFound))?;
        self.open_portal_session(tenant, &account, client).await
    }
}
