//! Setting up, using and removing TOTP two-factor login, and the tenant's
//! "two-factor is mandatory".

use crate::{App, AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::time::Timestamp;
use custodian_core::totp;
use custodian_core::{UserId, ValidationErrors};

/// A secret offered for set-up: typed into an authenticator app, or read
/// from the otpauth link.
pub struct TotpOffer {
    pub secret_base32: String,
    pub uri: String,
}

fn now_seconds() -> i64 {
    Timestamp::now().0.div_euclid(1000)
}

fn code_problem(typed: &str) -> ValidationErrors {
    if totp::well_formed(typed) {
        ValidationErrors::single(
            "code",
            "wrong_code",
            "That code does not match; check the time on your phone and type the current code.",
        )
    } else {
        ValidationErrors::single(
            "code",
            "malformed_code",
            "Type the 6 digits your authenticator app shows.",
        )
    }
}

impl App {
    /// Whether the caller uses two-factor, and whether the tenant requires it.
    pub async fn two_factor_status(&self, principal: &Principal) -> Result<(bool, bool), AppError> {
        let state = self
            .store
            .two_factor(principal.tenant, principal.user_id)
            .await?;
        Ok((state.secret.is_some(), state.required))
    }

    /// Offers a fresh secret; it replaces the current one only when a code
    /// from it is confirmed.
    pub async fn offer_two_factor(&self, principal: &Principal) -> Result<TotpOffer, AppError> {
        let mut secret = [0u8; totp::SECRET_BYTES];
        if getrandom::getrandom(&mut secret).is_err() {
            std::process::abort();
        }
        // Kept sealed with the installation's key: reading the database
        // alone does not give the codes.
        self.store
            .offer_totp_secret(
                &principal.scope(),
                principal.user_id,
                &self.key.seal_at_rest(&secret),
            )
            .await?;
        let user = self.store.user(principal.tenant, principal.user_id).await?;
        let tenant = self.store.tenant(principal.tenant).await?;
        Ok(TotpOffer {
            secret_base32: totp::base32(&secret),
            uri: totp::otpauth_uri(&format!("Custodian {}", tenant.name), &user.email, &secret),
        })
    }

    /// The offered secret as `TotpOffer` again (a page reloaded mid-set-up).
    pub async fn pending_two_factor(
        &self,
        principal: &Principal,
    ) -> Result<Option<TotpOffer>, AppError> {
        let state = self
            .store
            .two_factor(principal.tenant, principal.user_id)
            .await?;
        let Some(secret) = state.pending_secret else {
            return Ok(None);
        };
        let user = self.store.user(principal.tenant, principal.user_id).await?;
        let tenant = self.store.tenant(principal.tenant).await?;
        Ok(Some(TotpOffer {
            secret_base32: totp::base32(&secret),
            uri: totp::otpauth_uri(&format!("Custodian {}", tenant.name), &user.email, &secret),
        }))
    }

    /// Turns two-factor on with a code from the offered secret.
    pub async fn confirm_two_factor(
        &self,
        principal: &Principal,
        code: &str,
    ) -> Result<(), AppError> {
        let state = self
            .store
            .two_factor(principal.tenant, principal.user_id)
            .await?;
        let Some(secret) = state
            .pending_secret
            .and_then(|stored| self.key.open_at_rest(&stored))
        else {
            return Err(
                ValidationErrors::single("code", "no_setup", "Start the set-up first.").into(),
            );
        };
        let limits = code_limits(principal);
        self.throttle.reserve(&limits)?;
        let step =
            totp::verify(&secret, code, now_seconds(), None).ok_or_else(|| code_problem(code))?;
        self.throttle.succeeded(&limits);
        self.store
            .confirm_totp_secret(&principal.scope(), principal.user_id, step)
            .await?;
        Ok(())
    }

    /// Turns two-factor off, with a current code; refused while the tenant
    /// requires it.
    pub async fn disable_two_factor(
        &self,
        principal: &Principal,
        code: &str,
    ) -> Result<(), AppError> {
        let state = self
            .store
            .two_factor(principal.tenant, principal.user_id)
            .await?;
        let Some(stored) = state.secret else {
            return Ok(());
        };
        let secret = self.key.open_at_rest(&stored).unwrap_or_default();
        if state.required {
            return Err(ValidationErrors::single(
                "code",
                "required_by_tenant",
                "Your organisation requires two-factor login; it cannot be turned off.",
            )
            .into());
        }
        let limits = code_limits(principal);
        self.throttle.reserve(&limits)?;
        let step = totp::verify(&secret, code, now_seconds(), state.last_step)
            .ok_or_else(|| code_problem(code))?;
        if !self
            .store
            .use_totp_step(principal.tenant, principal.user_id, step)
            .await?
        {
            return Err(code_problem(code).into());
        }
        self.throttle.succeeded(&limits);
        self.store
            .remove_totp(&principal.scope(), principal.user_id)
            .await?;
        Ok(())
    }

    /// An administrator removes a user's second factor (a lost phone); the
    /// user sets it up again at their next login if the tenant requires it.
    pub async fn reset_two_factor(
        &self,
        principal: &Principal,
        user: UserId,
    ) -> Result<(), AppError> {
        principal.authorize(Area::Administration, Action::Administer)?;
        Ok(self.store.remove_totp(&principal.scope(), user).await?)
    }

    /// Whether the tenant requires two-factor login (administrators).
    pub async fn two_factor_required(&self, principal: &Principal) -> Result<bool, AppError> {
        principal.authorize(Area::Administration, Action::Read)?;
        Ok(self
            .store
            .two_factor(principal.tenant, principal.user_id)
            .await?
            .required)
    }

    pub async fn set_two_factor_required(
        &self,
        principal: &Principal,
        required: bool,
    ) -> Result<(), AppError> {
        principal.authorize(Area::Administration, Action::Administer)?;
        Ok(self
            .store
            .set_two_factor_required(&principal.scope(), required)
            .await?)
    }
}

/// Codes typed by a signed-in user for their own second factor: counted
/// before they are checked, as passwords are, so a stolen session cannot
/// try every code to turn two-factor off.
fn code_limits(principal: &Principal) -> [crate::auth::Limit; 1] {
    [crate::auth::Limit::new(
        format!("totp:{}:{}", principal.tenant.0, principal.user_id.0),
        crate::auth::MAX_CODES,
    )]
}
