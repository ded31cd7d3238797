//! A staff user's own access: their sessions and API tokens, seen and ended
//! by themselves; and the administrator's user list, where all sessions of
//! someone who left are ended at once. Every end and revoke is audited.

use crate::secrets::{random_token, sha256_hex};
use crate::{App, AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::time::Timestamp;
use custodian_core::users::{SessionInfo, TokenInfo, UserSummary};
use custodian_core::validation::required_text;
use custodian_core::{ApiTokenId, Refusal, SessionId, UserId, ValidationErrors};
use custodian_store::Scope;
use serde::Deserialize;

/// The longest an API token may live.
pub const MAX_TOKEN_DAYS: u32 = 3_650;

/// A new API token as a page or an API client asks for it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTokenInput {
    pub name: String,
    /// Days until it stops working (1 to 3650); none for no expiry.
    pub expires_in_days: Option<u32>,
}

/// A token just made: the secret is shown once, here, and never again.
pub struct IssuedToken {
    pub info: TokenInfo,
    pub secret: String,
}

impl App {
    pub async fn my_sessions(&self, principal: &Principal) -> Result<Vec<SessionInfo>, AppError> {
        Ok(self
            .store
            .user_sessions(principal.tenant, principal.user_id)
            .await?)
    }

    /// Ends one of the caller's sessions (404 if it is not theirs).
    pub async fn end_my_session(
        &self,
        principal: &Principal,
        session_id: SessionId,
    ) -> Result<(), AppError> {
        self.store
            .end_sessions(
                &principal.scope(),
                principal.user_id,
                Some(session_id),
                None,
            )
            .await?;
        Ok(())
    }

    /// Ends every session of the caller except `keep` (the one in use).
    pub async fn end_my_other_sessions(
        &self,
        principal: &Principal,
        keep: Option<SessionId>,
    ) -> Result<u64, AppError> {
        Ok(self
            .store
            .end_sessions(&principal.scope(), principal.user_id, None, keep)
            .await?)
    }

    /// The administrator's list of the tenant's staff.
    pub async fn users(&self, principal: &Principal) -> Result<Vec<UserSummary>, AppError> {
        principal.authorize(Area::Administration, Action::Read)?;
        let users = self.store.users(principal.tenant).await?;
        // Staff are data subjects too: the list shows their names and emails.
        self.record_read_fields(
            principal,
            custodian_core::audit::AuditAction::List,
            custodian_core::audit::RecordType::User,
            users.iter().map(|u| u.user.id.0),
            "email,display_name",
        )
        .await?;
        Ok(users)
    }

    /// Ends all sessions and revokes all API tokens of a user, e.g. on their
    /// last day; returns how many sessions ended and tokens were revoked.
    pub async fn lock_out_user(
        &self,
        principal: &Principal,
        user: UserId,
    ) -> Result<(u64, u64), AppError> {
        principal.authorize(Area::Administration, Action::Administer)?;
        self.end_user_access(&principal.scope(), user).await
    }

    /// `lock_out_user` for the operator (`custodian admin user end-access`).
    pub async fn end_user_access(
        &self,
        scope: &Scope,
        user: UserId,
    ) -> Result<(u64, u64), AppError> {
        Ok(self.store.end_user_access(scope, user).await?)
    }

    /// Lets a user whose access was ended log in again.
    pub async fn reactivate_user(
        &self,
        principal: &Principal,
        user: UserId,
    ) -> Result<custodian_core::users::User, AppError> {
        principal.authorize(Area::Administration, Action::Administer)?;
        self.reactivate(&principal.scope(), user).await
    }

    /// `reactivate_user` for the operator (`custodian admin user reactivate`).
    pub async fn reactivate(
        &self,
        scope: &Scope,
        user: UserId,
    ) -> Result<custodian_core::users::User, AppError> {
        Ok(self.store.reactivate_user(scope, user).await?)
    }

    /// Revokes any token of the tenant (the operator's path).
    pub async fn revoke_api_token(&self, scope: &Scope, token: ApiTokenId) -> Result<(), AppError> {
        Ok(self.store.revoke_api_token(scope, None, token).await?)
    }

    pub async fn my_api_tokens(&self, principal: &Principal) -> Result<Vec<TokenInfo>, AppError> {
        Ok(self
            .store
            .user_api_tokens(principal.tenant, principal.user_id)
            .await?)
    }

    /// A new API token of the caller, acting with the caller's role.
    pub async fn create_my_api_token(
        &self,
        principal: &Principal,
        input: &NewTokenInput,
    ) -> Result<IssuedToken, AppError> {
        let mut errors = ValidationErrors::new();
        let name = errors.check("name", required_text(&input.name, 100));
        let expires_at = match input.expires_in_days {
            None => None,
            Some(days) if (1..=MAX_TOKEN_DAYS).contains(&days) => {
                Some(Timestamp(Timestamp::now().0 + i64::from(days) * 86_400_000))
            }
            Some(_) => {
                errors.add(
                    "expires_in_days",
                    "out_of_range",
                    format!("Choose 1 to {MAX_TOKEN_DAYS} days, or leave it empty for no expiry."),
                );
                None
            }
        };
        let Some(name) = name.filter(|_| errors.is_empty()) else {
            return Err(errors.into());
        };
        let (id, secret) = self
            .issue_api_token(&principal.scope(), principal.user_id, &name, expires_at)
            .await?;
        let info = self
            .my_api_tokens(principal)
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or(AppError::Refused(Refusal::NotFound))?;
        Ok(IssuedToken { info, secret })
    }

    pub async fn revoke_my_api_token(
        &self,
        principal: &Principal,
        token: ApiTokenId,
    ) -> Result<(), AppError> {
        self.store
            .revoke_api_token(&principal.scope(), Some(principal.user_id), token)
            .await?;
        Ok(())
    }

    /// Makes, stores (hashed) and returns a token; shared with the operator's path.
    pub(crate) async fn issue_api_token(
        &self,
        scope: &Scope,
        user: UserId,
        name: &str,
        expires_at: Option<Timestamp>,
    ) -> Result<(ApiTokenId, String), AppError> {
        let secret = format!("cst_{}.{}", scope.tenant.0, random_token());
        let id = self
            .store
            .create_api_token(scope, user, name, &sha256_hex(&secret), expires_at)
            .await
            .map_err(|e| match e {
                custodian_store::StoreError::Refused(Refusal::UnknownReference { .. }) => {
                    AppError::Refused(Refusal::NotFound)
                }
                other => other.into(),
            })?;
        Ok((id, secret))
    }

    /// Gives a user of the tenant these roles (administrators only). Unknown
    /// names, no role at all, or leaving the tenant without an
    /// administrator are refused and change nothing.
    pub async fn set_user_roles(
        &self,
        principal: &Principal,
        user: UserId,
        names: &[String],
    ) -> Result<custodian_core::users::User, AppError> {
        principal.authorize(Area::Administration, Action::Administer)?;
        self.assign_roles(&principal.scope(), user, names).await
    }

    /// `set_user_roles` for the operator (`custodian admin user roles`).
    pub async fn assign_roles(
        &self,
        scope: &Scope,
        user: UserId,
        names: &[String],
    ) -> Result<custodian_core::users::User, AppError> {
        let (roles, custom) = self.resolve_role_names(scope.tenant, names).await?;
        if roles.is_empty() && custom.is_empty() {
            return Err(ValidationErrors::single(
                "roles",
                "no_role",
                "Give the user at least one role.",
            )
            .into());
        }
        Ok(self
            .store
            .set_user_roles(scope, user, roles, &custom)
            .await?)
    }
}
