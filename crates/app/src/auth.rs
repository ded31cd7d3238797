//! Staff login, sessions, API tokens, and the operator's tenant and user
//! administration.

use crate::secrets::{hash_password, random_token, sha256_hex, verify_password};
use crate::{client_context, App, AppError, Principal};
use custodian_core::access::Roles;
use custodian_core::audit::{Actor, ActorKind, AuditAction, RecordType};
use custodian_core::time::Timestamp;
use custodian_core::users::User;
use custodian_core::validation::{required_text, ValidationErrors};
use custodian_core::values::EmailAddress;
use custodian_core::{totp, ApiTokenId, Refusal, SessionId, TenantId, UserId};
use custodian_store::{NewAuditEntry, Scope, Tenant};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const SESSION_LIFETIME_HOURS: i64 = 12;

/// Login attempts per account (the typed email, whether or not it exists,
/// so the answer never tells), per account from one address, and per
/// address. Every attempt is counted before the password is checked
/// (`reserve`), so guesses sent together cannot all pass a check made
/// before any of them failed; a success gives its count back (`succeeded`).
/// After `max` attempts each further one locks the key for twice as long as
/// the last: 1 minute, 2, 4, … up to an hour. A key with no attempt for a
/// day is forgotten. Kept in memory: a restart forgives.
///
/// The tightest limit is per account and address, so a guesser locks the
/// account for themselves long before they lock out its owner, who signs in
/// from elsewhere; the per-account limit, higher, slows guessing from many
/// addresses; the per-address limit, higher still, slows one address trying
/// many accounts without locking out a whole office behind one proxy.
#[derive(Default)]
pub(crate) struct LoginThrottle {
    failures: Mutex<HashMap<String, Failures>>,
}

struct Failures {
    count: u32,
    last: Instant,
    locked_until: Option<Instant>,
}

const FORGET_AFTER: Duration = Duration::from_secs(24 * 3600);
const FIRST_LOCK: Duration = Duration::from_secs(60);
const LONGEST_LOCK: Duration = Duration::from_secs(3600);
/// Attempts on one account from one address.
pub(crate) const MAX_PER_ACCOUNT_AND_ADDRESS: u32 = 5;
/// Attempts on one account from anywhere.
pub(crate) const MAX_PER_ACCOUNT: u32 = 30;
/// Attempts from one address on any account.
pub(crate) const MAX_PER_ADDRESS: u32 = 100;
/// Codes tried for one user's second factor while signed in.
pub(crate) const MAX_CODES: u32 = 5;

/// A limit: the key counted and the attempts it allows.
pub(crate) struct Limit {
    pub key: String,
    pub max: u32,
}

impl Limit {
    pub(crate) fn new(key: String, max: u32) -> Limit {
        Limit { key, max }
    }
}

/// The three limits of a password login; `realm` keeps the back office's
/// and the portal's counts apart.
pub(crate) fn login_limits(realm: &str, email: &str, client_address: &str) -> [Limit; 3] {
    [
        Limit::new(
            format!("{realm}-pair:{client_address}|{email}"),
            MAX_PER_ACCOUNT_AND_ADDRESS,
        ),
        Limit::new(format!("{realm}-account:{email}"), MAX_PER_ACCOUNT),
        Limit::new(format!("{realm}-address:{client_address}"), MAX_PER_ADDRESS),
    ]
}

/// How long the `count`-th failure locks a key that allows `max`.
fn lock_for(count: u32, max: u32) -> Option<Duration> {
    let beyond = count.checked_sub(max)?;
    let doubling = 2u32.saturating_pow(beyond.min(16));
    Some((FIRST_LOCK * doubling).min(LONGEST_LOCK))
}

impl LoginThrottle {
    /// Refused while any of the keys is locked; otherwise counts the
    /// attempt against each of them at once, before it is checked.
    pub(crate) fn reserve(&self, limits: &[Limit]) -> Result<(), AppError> {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        for limit in limits {
            if let Some(until) = failures.get(&limit.key).and_then(|f| f.locked_until) {
                if until > now {
                    return Err(AppError::TooManyAttempts {
                        retry_after_seconds: (until - now).as_secs().max(1),
                    });
                }
            }
        }
        if failures.len() > 100_000 {
            failures.retain(|_, f| f.last.elapsed() < FORGET_AFTER);
        }
        for limit in limits {
            let entry = failures.entry(limit.key.clone()).or_insert(Failures {
                count: 0,
                last: now,
                locked_until: None,
            });
            if entry.last.elapsed() >= FORGET_AFTER {
                entry.count = 0;
            }
            entry.count += 1;
            entry.last = now;
            entry.locked_until = lock_for(entry.count, limit.max).map(|d| now + d);
        }
        Ok(())
    }

    /// The attempt counted by `reserve` succeeded: the first limit (the
    /// account as typed from this address, or the code) is cleared, the
    /// others get their count back.
    pub(crate) fn succeeded(&self, limits: &[Limit]) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let Some((first, rest)) = limits.split_first() else {
            return;
        };
        failures.remove(&first.key);
        for limit in rest {
            if let Some(entry) = failures.get_mut(&limit.key) {
                entry.count = entry.count.saturating_sub(1);
                entry.locked_until = lock_for(entry.count, limit.max)
                    .map(|d| entry.last + d)
                    .filter(|until| *until > now);
            }
        }
    }
}

/// A new session: the cookie value to hand out, once.
pub struct NewSession {
    pub cookie_value: String,
    pub csrf_token: String,
    pub user: User,
}

/// How stale a session's "last used" may get before a request updates it:
/// one write per session per five minutes, not one per request.
const SESSION_TOUCH_MS: i64 = 5 * 60_000;

/// A session as the web layer sees it on each request.
pub struct LiveSession {
    /// Names this session among the user's (see `App::my_sessions`).
    pub session_id: SessionId,
    /// The tenant's rotation interval has passed since the user last set
    /// their password: they must choose a new one before anything else.
    pub password_expired: bool,
    /// The tenant requires two-factor and the user has yet to set it up.
    pub two_factor_missing: bool,
    pub principal: Principal,
    pub csrf_token: String,
}

/// `<tenant>.<secret>`: the tenant part lets the lookup stay inside one tenant.
fn split_tenant_token(value: &str) -> Option<(TenantId, &str)> {
    let (tenant, secret) = value.split_once('.')?;
    if secret.len() != 64 || !secret.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    Some((TenantId(tenant.parse().ok()?), secret))
}

impl App {
    pub async fn create_tenant(&self, name: &str) -> Result<Tenant, AppError> {
        let name = required_text(name, 200).map_err(|p| {
            let mut errors = ValidationErrors::new();
            errors.add("name", p.code, p.message);
            errors
        })?;
        Ok(self.store.create_tenant(&name).await?)
    }

    /// Creates a staff user (the operator's path; no principal needed).
    pub async fn create_user(
        &self,
        tenant: TenantId,
        email: &str,
        display_name: &str,
        password: &str,
        roles: impl Into<Roles>,
        actor: Actor,
    ) -> Result<User, AppError> {
        if self.store.closed_at(tenant).await?.is_some() {
            return Err(AppError::Refused(Refusal::InUse(
                "This tenant is closed: it takes no new staff.",
            )));
        }
        let roles = roles.into();
        let (email_text, display_name_text) = (email, display_name);
        let mut errors = ValidationErrors::new();
        let email = errors.check("email", EmailAddress::parse(email));
        let display_name = if display_name.trim().is_empty() {
            email
                .as_ref()
                .map(|e| e.as_str().split('@').next().unwrap_or("").to_string())
        } else {
            errors.check("display_name", required_text(display_name, 100))
        };
        let policy = self.store.password_policy(tenant).await?;
        if let Err(problem) = policy.check(password, &[email_text, display_name_text]) {
            errors.add("password", problem.code, problem.message);
        }
        if roles.is_empty() {
            errors.add("roles", "no_role", "Give the user at least one role.");
        }
        let (Some(email), Some(display_name)) = (email, display_name) else {
            return Err(errors.into());
        };
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let hash = hash_password(password.to_string()).await?;
        let user = self
            .store
            .create_user(
                &Scope::new(tenant, actor),
                email.as_str(),
                &display_name,
                Some(&hash),
                roles,
            )
            .await
            .map_err(|e| match e {
                custodian_store::StoreError::Refused(Refusal::UnknownReference { .. }) => {
                    AppError::Refused(Refusal::NotFound)
                }
                other => other.into(),
            })?;
        Ok(user)
    }

    /// Checks an email and password; on success opens a session. Logins and
    /// failed logins of existing accounts are in the audit trail.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        client_address: &str,
        user_agent: Option<&str>,
        two_factor_code: &str,
    ) -> Result<NewSession, AppError> {
        let client = || client_context(Some(client_address.to_string()), user_agent);
        let email = email.trim().to_lowercase();
        let limits = login_limits("staff", &email, client_address);
        self.throttle.reserve(&limits)?;
        let candidates = if email.is_empty() || email.len() > 254 {
            Vec::new()
        } else {
            self.store.login_candidates(&email).await?
        };
        let mut authenticated = None;
        if candidates.is_empty() {
            verify_password(password.to_string(), None).await;
        }
        for candidate in &candidates {
            if verify_password(password.to_string(), candidate.password_hash.clone()).await {
                if let Some(stored) = &candidate.totp_secret {
                    // The second factor, used once: the same answer as a
                    // wrong password when it is missing or wrong (or kept
                    // under another installation's key).
                    let now = Timestamp::now().0.div_euclid(1000);
                    let step = self
                        .key
                        .open_at_rest(stored)
                        .and_then(|secret| totp::verify(&secret, two_factor_code, now, None));
                    let used = match step {
                        Some(step) => {
                            self.store
                                .use_totp_step(candidate.user.tenant, candidate.user.id, step)
                                .await?
                        }
                        None => false,
                    };
                    if !used {
                        break;
                    }
                }
                authenticated = Some(candidate.user.clone());
                break;
            }
        }
        let Some(user) = authenticated else {
            // Someone, not yet known, tried these accounts.
            for candidate in &candidates {
                let entry = NewAuditEntry {
                    actor: Actor::SYSTEM,
                    action: AuditAction::LoginFailed,
                    record_type: RecordType::User,
                    record_id: candidate.user.id.0,
                    fields: String::new(),
                    context: client(),
                    occurred_at: Timestamp::now(),
                    record_ids: Vec::new(),
                };
                // Queued, not written here: a synchronous write would make a
                // wrong password for an existing account slower than one for
                // an unknown address, and so tell them apart.
                self.record_entries(candidate.user.tenant, vec![entry])
                    .await?;
            }
            return Err(AppError::BadCredentials);
        };
        self.throttle.succeeded(&limits);
        let secret = random_token();
        let cookie_value = format!("{}.{secret}", user.tenant.0);
        let csrf_token = random_token();
        let expires_at = Timestamp(Timestamp::now().0 + SESSION_LIFETIME_HOURS * 3_600_000);
        let actor = Actor {
            kind: ActorKind::User,
            id: user.id.0,
        };
        let scope = Scope::new(user.tenant, actor).with_context(client());
        self.store
            .create_session(
                &scope,
                &user,
                &sha256_hex(&cookie_value),
                &csrf_token,
                expires_at,
            )
            .await?;
        Ok(NewSession {
            cookie_value,
            csrf_token,
            user,
        })
    }

    /// The session behind a cookie value, if it is live.
    pub async fn session(&self, cookie_value: &str) -> Result<Option<LiveSession>, AppError> {
        let Some((tenant, _)) = split_tenant_token(cookie_value) else {
            return Ok(None);
        };
        let record = self
            .store
            .session(tenant, &sha256_hex(cookie_value))
            .await?;
        let Some(record) = record else {
            return Ok(None);
        };
        if Timestamp::now().0 - record.last_seen_at.0 > SESSION_TOUCH_MS {
            self.store.touch_session(tenant, record.session_id).await?;
        }
        let policy = custodian_core::passwords::PasswordPolicy {
            rotation_days: record.password_rotation_days,
            ..Default::default()
        };
        Ok(Some(LiveSession {
            session_id: record.session_id,
            two_factor_missing: record.two_factor_missing,
            password_expired: policy.expired(record.password_changed_at.0, Timestamp::now().0),
            principal: Principal::from_user(
                &record.user,
                record.access,
                ActorKind::User,
                record.user.id.0,
            ),
            csrf_token: record.csrf_token,
        }))
    }

    /// Ends the session behind a cookie; `principal` carries the client
    /// context for the trail.
    pub async fn logout(&self, principal: &Principal, cookie_value: &str) -> Result<(), AppError> {
        if let Some((tenant, _)) = split_tenant_token(cookie_value) {
            let scope = Scope::new(tenant, principal.actor).with_context(principal.context.clone());
            self.store
                .delete_session(&scope, &sha256_hex(cookie_value))
                .await?;
        }
        Ok(())
    }

    /// Issues an API token for a user (the operator's path); the token is
    /// shown once and stored hashed.
    pub async fn create_api_token(
        &self,
        tenant: TenantId,
        user: UserId,
        name: &str,
        actor: Actor,
    ) -> Result<(ApiTokenId, String), AppError> {
        self.create_api_token_until(tenant, user, name, None, actor)
            .await
    }

    /// Like `create_api_token`, ending at `expires_at`.
    pub async fn create_api_token_until(
        &self,
        tenant: TenantId,
        user: UserId,
        name: &str,
        expires_at: Option<Timestamp>,
        actor: Actor,
    ) -> Result<(ApiTokenId, String), AppError> {
        let name = required_text(name, 100)
            .map_err(|p| ValidationErrors::single("name", p.code, p.message))?;
        self.issue_api_token(&Scope::new(tenant, actor), user, &name, expires_at)
            .await
    }

    /// The principal behind a bearer token.
    pub async fn authenticate_token(&self, bearer: &str) -> Result<Principal, AppError> {
        let rest = bearer
            .strip_prefix("cst_")
            .ok_or(AppError::Unauthenticated)?;
        let (tenant, _) = split_tenant_token(rest).ok_or(AppError::Unauthenticated)?;
        let record = self
            .store
            .api_token(tenant, &sha256_hex(bearer))
            .await?
            .ok_or(AppError::Unauthenticated)?;
        Ok(Principal::from_user(
            &record.user,
            record.access,
            ActorKind::ApiToken,
            record.id.0,
        ))
    }
}

/// A fresh random token for a login form's CSRF cookie.
pub fn new_csrf_token() -> String {
    random_token()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_double_after_the_allowance_and_stop_at_an_hour() {
        assert_eq!(lock_for(4, 5), None);
        assert_eq!(lock_for(5, 5), Some(Duration::from_secs(60)));
        assert_eq!(lock_for(6, 5), Some(Duration::from_secs(120)));
        assert_eq!(lock_for(8, 5), Some(Duration::from_secs(480)));
        assert_eq!(lock_for(40, 5), Some(Duration::from_secs(3600)));
        let throttle = LoginThrottle::default();
        let limits = || [Limit::new("account:a@example.com".into(), 5)];
        for _ in 0..5 {
            assert!(throttle.reserve(&limits()).is_ok());
        }
        assert!(matches!(
            throttle.reserve(&limits()),
            Err(AppError::TooManyAttempts { retry_after_seconds }) if (55..=60).contains(&retry_after_seconds)
        ));
        throttle.succeeded(&limits());
        assert!(throttle.reserve(&limits()).is_ok());
    }

    #[test]
    fn a_success_gives_back_its_count_to_the_wider_limits() {
        let throttle = LoginThrottle::default();
        let limits = || {
            [
                Limit::new("pair".into(), 2),
                Limit::new("address".into(), 3),
            ]
        };
        for _ in 0..10 {
            throttle.reserve(&limits()).unwrap();
            throttle.succeeded(&limits());
        }
        // Ten sign-ins counted nothing: two failures are still allowed.
        throttle.reserve(&limits()).unwrap();
        throttle.reserve(&limits()).unwrap();
        assert!(throttle.reserve(&limits()).is_err());
        // Another account from the same address: the address allows one more.
        let other = [
            Limit::new("pair2".into(), 2),
            Limit::new("address".into(), 3),
        ];
        throttle.reserve(&other).unwrap();
        assert!(throttle.reserve(&other).is_err());
    }
}
