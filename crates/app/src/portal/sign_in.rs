//! Signing in to the portal: with the password chosen on accepting the
//! invitation, or with a one-time link sent by email. The answers never
//! tell whether an address has an account; failures are throttled per
//! address typed and per client, like the back office's.

use super::PortalPrincipal;
use crate::auth::Limit;
use crate::secrets::{hash_password, random_token, sha256_hex, verify_password};
use crate::Portal;
use crate::{App, AppError};
use custodian_core::audit::{Actor, ActorKind, RecordType};
use custodian_core::mail::{MailPurpose, LINK_PLACEHOLDER};
use custodian_core::passwords::PasswordPolicy;
use custodian_core::portal::LinkProblem;
use custodian_core::portal::{sign_in_mail, LinkPurpose, PortalAccount, SIGN_IN_MINUTES};
use custodian_core::time::Timestamp;
use custodian_core::validation::ValidationErrors;
use custodian_core::TenantId;
use custodian_store::{NewMail, Scope};

/// The secrets of a new session: the cookie value (once) and the token its
/// forms carry.
pub struct NewPortalSession {
    pub cookie_value: String,
    pub csrf_token: String,
}

/// A live portal session.
pub struct PortalSession {
    pub principal: PortalPrincipal,
    pub csrf_token: String,
}

/// `<tenant>.<secret>`, as cookies and links carry it.
pub(super) fn split(value: &str) -> Option<(TenantId, &str)> {
    let (tenant, secret) = value.split_once('.')?;
    if secret.len() != 64 || !secret.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    Some((TenantId(tenant.parse().ok()?), secret))
}

fn contact_scope(
    tenant: TenantId,
    contact: i64,
    client: Option<std::sync::Arc<custodian_core::audit::chain::ClientContext>>,
) -> Scope {
    Scope::new(
        tenant,
        Actor {
            kind: ActorKind::Contact,
            id: contact,
        },
    )
    .with_context(client)
}

impl App {
    pub(super) async fn open_portal_session(
        &self,
        tenant: TenantId,
        account: &PortalAccount,
        client: Option<std::sync::Arc<custodian_core::audit::chain::ClientContext>>,
    ) -> Result<NewPortalSession, AppError> {
        let cookie_value = format!("{}.{}", tenant.0, random_token());
        let csrf_token = random_token();
        let scope = contact_scope(tenant, account.contact_id.0, client);
        self.store
            .portal()
            .open_portal_session(&scope, account.id, &sha256_hex(&cookie_value), &csrf_token)
            .await?;
        Ok(NewPortalSession {
            cookie_value,
            csrf_token,
        })
    }

    /// A sign-in link to each open account of the address (in `only` the
    /// one tenant).
    pub(super) async fn send_sign_in_links(
        &self,
        email: &str,
        only: Option<TenantId>,
    ) -> Result<(), AppError> {
        for candidate in self.store.portal().portal_candidates(email).await? {
            if only.is_some_and(|tenant| tenant != candidate.tenant) {
                continue;
            }
            let secret = format!("{}.{}", candidate.tenant.0, random_token());
            let text = sign_in_mail(LINK_PLACEHOLDER);
            let scope = contact_scope(candidate.tenant, candidate.account.contact_id.0, None);
            self.store
                .portal()
                .create_portal_sign_in(
                    &scope,
                    candidate.account.id,
                    &sha256_hex(&secret),
                    Timestamp(Timestamp::now().0 + SIGN_IN_MINUTES * 60_000),
                    &NewMail {
                        contact_id: Some(candidate.account.contact_id),
                        recipient: candidate.account.email.clone(),
                        subject: text.subject,
                        body: text.body,
                        purpose: MailPurpose::PortalSignIn,
                        about: Some((RecordType::PortalAccount, candidate.account.id.0)),
                        secret_link: Some(self.mailer.link(&format!("/portal/link/{secret}"))),
                    },
                )
                .await?;
        }
        Ok(())
    }
}

impl Portal<'_> {
    /// Checks an email and password; on success opens a portal session.
    pub async fn portal_login(
        self,
        email: &str,
        password: &str,
        client_address: &str,
        user_agent: Option<&str>,
    ) -> Result<NewPortalSession, AppError> {
        let client = crate::client_context(Some(client_address.to_string()), user_agent);
        let email = email.trim().to_lowercase();
        let limits = crate::auth::login_limits("portal", &email, client_address);
        self.throttle.reserve(&limits)?;
        let candidates = if email.is_empty() || email.len() > 254 {
            Vec::new()
        } else {
            self.store.portal().portal_candidates(&email).await?
        };
        if candidates.is_empty() {
            verify_password(password.to_string(), None).await;
        }
        for candidate in candidates {
            if verify_password(password.to_string(), candidate.password_hash.clone()).await {
                self.throttle.succeeded(&limits);
                return self
                    .open_portal_session(candidate.tenant, &candidate.account, client)
                    .await;
            }
        }
        Err(AppError::BadCredentials)
    }

    /// Sends a sign-in link to every open account of this address; the
    /// answer is the same whether there is one or not, and comes before
    /// the lookup and the writing, so its time does not tell either.
    pub async fn request_portal_sign_in(
        self,
        email: &str,
        client_address: &str,
    ) -> Result<(), AppError> {
        let email = email.trim().to_lowercase();
        // Each request counts as a failure would: after three links for an
        // address, each more waits 1, 2, 4 … minutes; a client asking for
        // many addresses is held like one guessing passwords.
        self.throttle.reserve(&[
            Limit::new(format!("portal-link:{email}"), 3),
            Limit::new(
                format!("portal-address:{client_address}"),
                crate::auth::MAX_PER_ADDRESS,
            ),
        ])?;
        if email.is_empty() || email.len() > 254 {
            return Ok(());
        }
        let app = App::clone(&self);
        tokio::spawn(async move {
            if let Err(error) = app.send_sign_in_links(&email, None).await {
                tracing::warn!(error = %crate::with_causes(&error), "portal: writing a sign-in link failed");
            }
        });
        Ok(())
    }

    /// Signs in with a one-time link, spending it.
    pub async fn portal_sign_in_with_link(
        self,
        link: &str,
        client_address: &str,
        user_agent: Option<&str>,
    ) -> Result<NewPortalSession, AppError> {
        let (tenant, _) = split(link).ok_or(AppError::PortalLink(LinkProblem::Unknown))?;
        let client = crate::client_context(Some(client_address.to_string()), user_agent);
        let cookie_value = format!("{}.{}", tenant.0, random_token());
        let csrf_token = random_token();
        let store = &self.store;
        // The scope names the contact, known once the link is read.
        let account = store
            .portal()
            .check_portal_link(tenant, &sha256_hex(link), LinkPurpose::SignIn)
            .await?
            .map_err(AppError::PortalLink)?;
        let contact = store
            .portal()
            .portal_identity(tenant, account)
            .await?
            .ok_or(AppError::PortalLink(LinkProblem::Unknown))?
            .account
            .contact_id;
        store
            .portal()
            .sign_in_with_portal_link(
                tenant,
                &sha256_hex(link),
                &sha256_hex(&cookie_value),
                &csrf_token,
                |_| contact_scope(tenant, contact.0, client),
            )
            .await?
            .map_err(AppError::PortalLink)?;
        Ok(NewPortalSession {
            cookie_value,
            csrf_token,
        })
    }

    /// The invitation behind a link, while it can be accepted: its account.
    pub async fn portal_invitation(self, link: &str) -> Result<PortalAccount, AppError> {
        let (tenant, _) = split(link).ok_or(AppError::PortalLink(LinkProblem::Unknown))?;
        let account = self
            .store
            .portal()
            .check_portal_link(tenant, &sha256_hex(link), LinkPurpose::Invitation)
            .await?
            .map_err(AppError::PortalLink)?;
        Ok(self
            .store
            .portal()
            .portal_identity(tenant, account)
            .await?
            .ok_or(AppError::PortalLink(LinkProblem::Unknown))?
            .account)
    }

    /// Accepts an invitation with a password (the default policy: 12
    /// characters, not a common one, not built from the name or email),
    /// and signs in.
    pub async fn accept_portal_invitation(
        self,
        link: &str,
        password: &str,
        client_address: &str,
        user_agent: Option<&str>,
    ) -> Result<NewPortalSession, AppError> {
        let (tenant, _) = split(link).ok_or(AppError::PortalLink(LinkProblem::Unknown))?;
        let account = self.portal_invitation(link).await?;
        let identity = self
            .store
            .portal()
            .portal_identity(tenant, account.id)
            .await?
            .ok_or(AppError::PortalLink(LinkProblem::Unknown))?;
        let mut errors = ValidationErrors::new();
        errors.check(
            "password",
            PasswordPolicy::default().check(password, &[&account.email, &identity.name]),
        );
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let hash = hash_password(password.to_string()).await?;
        let client = crate::client_context(Some(client_address.to_string()), user_agent);
        let scope_client = client.clone();
        let contact = account.contact_id.0;
        self.store
            .portal()
            .accept_portal_invitation(tenant, &sha256_hex(link), &hash, |_| {
                contact_scope(tenant, contact, scope_client)
            })
            .await?
            .map_err(AppError::PortalLink)?;
        self.open_portal_session(tenant, &account, client).await
    }

    /// The session behind a portal cookie, if it is live.
    pub async fn portal_session(
        self,
        cookie_value: &str,
    ) -> Result<Option<PortalSession>, AppError> {
        let Some((tenant, _)) = split(cookie_value) else {
            return Ok(None);
        };
        let Some(record) = self
            .store
            .portal()
            .portal_session(tenant, &sha256_hex(cookie_value))
            .await?
        else {
            return Ok(None);
        };
        if Timestamp::now().0 - record.last_seen_at.0 > 5 * 60_000 {
            self.store
                .portal()
                .touch_portal_session(tenant, record.session_id)
                .await?;
        }
        Ok(Some(PortalSession {
            principal: PortalPrincipal::from_identity(record.identity),
            csrf_token: record.csrf_token,
        }))
    }

    pub async fn portal_logout(
        self,
        principal: &PortalPrincipal,
        cookie_value: &str,
    ) -> Result<(), AppError> {
        self.store
            .portal()
            .end_portal_session(&principal.scope(), &sha256_hex(cookie_value))
            .await?;
        Ok(())
    }
}
