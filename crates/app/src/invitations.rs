//! Staff users invited from the browser: an administrator invites someone
//! by email with their roles, or makes a new-password link for someone who
//! lost theirs; the person chooses their password through the one-time
//! link. With a mail server the link goes by mail; without one it is shown
//! to the administrator once (the audit trail says which).

use crate::secrets::{hash_password, random_token, sha256_hex};
use crate::{App, AppError, Principal, Scope};
use custodian_core::access::{Action, Area};
use custodian_core::audit::{Actor, ActorKind, RecordType};
use custodian_core::invitations::{InvitationInput, StaffLinkPurpose, STAFF_LINK_DAYS};
use custodian_core::passwords::PasswordPolicy;
use custodian_core::portal::LinkProblem;
use custodian_core::time::Timestamp;
use custodian_core::users::User;
use custodian_core::{Refusal, TenantId, UserId, ValidationErrors};
use custodian_store::{NewMail, NewStaffLink};

/// A link made for a staff user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffLinkMade {
    pub user: User,
    pub purpose: StaffLinkPurpose,
    /// The link itself when no mail server takes it: shown to the
    /// administrator this once, never stored.
    pub shown_link: Option<String>,
}

/// Whom a link is for, as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffLinkHolder {
    pub display_name: String,
    pub email: String,
    pub purpose: StaffLinkPurpose,
}

/// `<tenant>.<64 hex digits>`: the tenant, and the secret.
fn tenant_of(link: &str) -> Option<TenantId> {
    let (tenant, secret) = link.split_once('.')?;
    (secret.len() == 64 && secret.chars().all(|c| c.is_ascii_hexdigit()))
        .then(|| tenant.parse().ok().map(TenantId))
        .flatten()
}

impl App {
    /// Creates a staff user without a password and sends (or shows) the
    /// link that lets them choose one.
    pub async fn invite_user(
        &self,
        principal: &Principal,
        input: &InvitationInput,
    ) -> Result<StaffLinkMade, AppError> {
        principal.authorize(Area::Administration, Action::Administer)?;
        let invitee = input.validate()?;
        if self.store.closed_at(principal.tenant).await?.is_some() {
            return Err(AppError::Refused(Refusal::InUse(
                "This tenant is closed: it takes no new staff.",
            )));
        }
        let (roles, custom) = self
            .resolve_role_names(principal.tenant, &input.roles)
            .await?;
        let scope = principal.scope();
        let mut user = self
            .store
            .create_user(
                &scope,
                invitee.email.as_str(),
                &invitee.display_name,
                None,
                roles,
            )
            .await?;
        if !custom.is_empty() {
            user = self
                .store
                .set_user_roles(&scope, user.id, roles, &custom)
                .await?;
        }
        self.make_staff_link(&scope, user, StaffLinkPurpose::Invitation)
            .await
    }

    /// A new link for a staff user: an invitation again while they have
    /// no password, a new-password link otherwise. Earlier links stop
    /// working.
    pub async fn new_staff_link(
        &self,
        principal: &Principal,
        user: UserId,
    ) -> Result<StaffLinkMade, AppError> {
        principal.authorize(Area::Administration, Action::Administer)?;
        let user = self.store.user(principal.tenant, user).await?;
        if user.disabled_at.is_some() {
            return Err(AppError::Refused(Refusal::InUse(
                "This user's access has ended; reactivate them first.",
            )));
        }
        let purpose = match self.store.password_hash(principal.tenant, user.id).await? {
            None => StaffLinkPurpose::Invitation,
            Some(_) => StaffLinkPurpose::NewPassword,
        };
        self.make_staff_link(&principal.scope(), user, purpose)
            .await
    }

    async fn make_staff_link(
        &self,
        scope: &Scope,
        user: User,
        purpose: StaffLinkPurpose,
    ) -> Result<StaffLinkMade, AppError> {
        let secret = format!("{}.{}", scope.tenant.0, random_token());
        let link = self.mailer.link(&format!("/invitation/{secret}"));
        let tenant = self.store.tenant(scope.tenant).await?;
        let mail = self.mail().sends_mail().then(|| {
            let text = purpose.mail(&tenant.name, custodian_core::mail::LINK_PLACEHOLDER);
            NewMail {
                contact_id: None,
                recipient: user.email.clone(),
                subject: text.subject,
                body: text.body,
                purpose: purpose.mail_purpose(),
                about: Some((RecordType::User, user.id.0)),
                secret_link: Some(link.clone()),
            }
        });
        self.store
            .add_staff_link(
                scope,
                &NewStaffLink {
                    user: user.id,
                    purpose,
                    token_hash: &sha256_hex(&secret),
                    expires_at: Timestamp(Timestamp::now().0 + STAFF_LINK_DAYS * 86_400_000),
                },
                mail.as_ref(),
            )
            .await?;
        Ok(StaffLinkMade {
            user,
            purpose,
            shown_link: mail.is_none().then_some(link),
        })
    }

    /// Whom the link is for, while it can be used.
    pub async fn staff_link(&self, link: &str) -> Result<StaffLinkHolder, AppError> {
        let tenant = tenant_of(link).ok_or(AppError::StaffLink(LinkProblem::Unknown))?;
        let holder = self
            .store
            .staff_link(tenant, &sha256_hex(link), Timestamp::now())
            .await?
            .map_err(AppError::StaffLink)?;
        Ok(StaffLinkHolder {
            display_name: holder.display_name,
            email: holder.email,
            purpose: holder.purpose,
        })
    }

    /// Sets the password of the link's user, after the tenant's password
    /// policy; the link is spent and their sessions end.
    pub async fn use_staff_link(
        &self,
        link: &str,
        password: &str,
        confirmation: &str,
        client_address: &str,
        user_agent: Option<&str>,
    ) -> Result<(), AppError> {
        let tenant = tenant_of(link).ok_or(AppError::StaffLink(LinkProblem::Unknown))?;
        let hash_of_link = sha256_hex(link);
        let holder = self
            .store
            .staff_link(tenant, &hash_of_link, Timestamp::now())
            .await?
            .map_err(AppError::StaffLink)?;
        let policy: PasswordPolicy = self.store.password_policy(tenant).await?;
        let mut errors = ValidationErrors::new();
        errors.check(
            "password",
            policy.check(password, &[&holder.email, &holder.display_name]),
        );
        if password != confirmation {
            errors.add(
                "confirmation",
                "mismatch",
                "The two passwords differ; type the same password twice.",
            );
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let hash = hash_password(password.to_string()).await?;
        let mut scope = Scope::new(
            tenant,
            Actor {
                kind: ActorKind::User,
                id: holder.user.0,
            },
        );
        scope.context = crate::client_context(Some(client_address.to_string()), user_agent);
        self.store
            .use_staff_link(&scope, &hash_of_link, &hash)
            .await?
            .map_err(AppError::StaffLink)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_names_its_tenant_before_a_64_digit_secret() {
        let secret = "ab".repeat(32);
        assert_eq!(tenant_of(&format!("42.{secret}")), Some(TenantId(42)));
        assert_eq!(tenant_of("42.short"), None);
        assert_eq!(tenant_of(&format!("x.{secret}")), None);
        assert_eq!(tenant_of(&secret), None);
    }
}
