//! Changing one's own password, and the tenant's password policy that
//! every new password is checked against.

use crate::secrets::{hash_password, verify_password};
use crate::{App, AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::passwords::PasswordPolicy;
use custodian_core::{SessionId, ValidationErrors};

impl App {
    /// Sets a new password for the caller after checking the current one;
    /// ends their other sessions. `keep` is the session in use.
    pub async fn change_password(
        &self,
        principal: &Principal,
        current: &str,
        new: &str,
        keep: Option<SessionId>,
    ) -> Result<(), AppError> {
        let stored = self
            .store
            .password_hash(principal.tenant, principal.user_id)
            .await?;
        if !verify_password(current.to_string(), stored).await {
            return Err(ValidationErrors::single(
                "current_password",
                "wrong_password",
                "This is not your current password.",
            )
            .into());
        }
        if new == current {
            return Err(ValidationErrors::single(
                "new_password",
                "unchanged",
                "Choose a password other than your current one.",
            )
            .into());
        }
        let user = self.store.user(principal.tenant, principal.user_id).await?;
        let policy = self.store.password_policy(principal.tenant).await?;
        policy
            .check(new, &[&user.email, &user.display_name])
            .map_err(|p| ValidationErrors::single("new_password", p.code, p.message))?;
        let hash = hash_password(new.to_string()).await?;
        self.store
            .set_password(&principal.scope(), principal.user_id, &hash, keep)
            .await?;
        Ok(())
    }

    /// The policy a user's own new password must meet: any signed-in user
    /// may read it to change their password.
    pub async fn own_password_policy(
        &self,
        principal: &Principal,
    ) -> Result<PasswordPolicy, AppError> {
        Ok(self.store.password_policy(principal.tenant).await?)
    }

    pub async fn password_policy(&self, principal: &Principal) -> Result<PasswordPolicy, AppError> {
        principal.authorize(Area::Administration, Action::Read)?;
        Ok(self.store.password_policy(principal.tenant).await?)
    }

    /// Replaces the tenant's policy; it applies to every password set from
    /// now on, and a new rotation interval to every user at their next request.
    pub async fn set_password_policy(
        &self,
        principal: &Principal,
        policy: &PasswordPolicy,
    ) -> Result<PasswordPolicy, AppError> {
        principal.authorize(Area::Administration, Action::Administer)?;
        policy
            .validate()
            .map_err(|(field, p)| ValidationErrors::single(field, p.code, p.message))?;
        self.store
            .set_password_policy(&principal.scope(), policy)
            .await?;
        Ok(*policy)
    }
}
