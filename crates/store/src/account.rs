//! What staff see and end of their own access: their sessions (with the
//! device and address each was opened from) and their API tokens; and the
//! administrator's list of users, to end all sessions of someone who left.

use crate::auth::{user_from, USER_COLUMNS};
use crate::statement::Bindable;
use crate::{Scope, Store, StoreError};
use custodian_core::access::{Role, Roles};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::time::Timestamp;
use custodian_core::users::{SessionInfo, TokenInfo, User, UserSummary};
use custodian_core::{ApiTokenId, Refusal, SessionId, TenantId, UserId};
use sqlx::{Any, Row, Transaction};

impl Store {
    /// A user's live sessions, newest first.
    pub async fn user_sessions(
        &self,
        tenant: TenantId,
        user: UserId,
    ) -> Result<Vec<SessionInfo>, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let rows = sqlx::query(
            "SELECT session_id, created_at, last_seen_at, expires_at, source_ip, user_agent FROM sessions
             WHERE tenant_id = $1 AND user_id = $2 AND expires_at > $3 ORDER BY created_at DESC",
        )
        .bind_all((tenant.0, user.0, Timestamp::now().0))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        rows.iter()
            .map(|row| {
                Ok(SessionInfo {
                    session_id: SessionId(row.try_get("session_id")?),
                    created_at: Timestamp(row.try_get("created_at")?),
                    last_seen_at: Timestamp(row.try_get("last_seen_at")?),
                    expires_at: Timestamp(row.try_get("expires_at")?),
                    source_ip: row.try_get("source_ip")?,
                    user_agent: row.try_get("user_agent")?,
                })
            })
            .collect()
    }

    /// Records that a session was used now (callers limit how often).
    pub async fn touch_session(
        &self,
        tenant: TenantId,
        session_id: SessionId,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin(tenant).await?;
        sqlx::query(
            "UPDATE sessions SET last_seen_at = $1 WHERE tenant_id = $2 AND session_id = $3",
        )
        .bind_all((Timestamp::now().0, tenant.0, session_id.0))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends sessions of `user`: one (`only`), or all but `keep`. Each ended
    /// session is a logout in the trail, made by the scope's actor. Returns
    /// how many ended; NotFound when `only` is not a session of the user.
    pub async fn end_sessions(
        &self,
        scope: &Scope,
        user: UserId,
        only: Option<SessionId>,
        keep: Option<SessionId>,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT session_id FROM sessions WHERE tenant_id = $1 AND user_id = $2
             AND ($3 IS NULL OR session_id = $3) AND ($4 IS NULL OR session_id <> $4)",
        )
        .bind_all((
            scope.tenant.0,
            user.0,
            only.map(|id| id.0),
            keep.map(|id| id.0),
        ))
        .fetch_all(&mut *tx)
        .await?;
        if only.is_some() && ids.is_empty() {
            return Err(StoreError::Refused(Refusal::NotFound));
        }
        for id in &ids {
            sqlx::query("DELETE FROM sessions WHERE tenant_id = $1 AND session_id = $2")
                .bind_all((scope.tenant.0, id))
                .execute(&mut *tx)
                .await?;
        }
        if !ids.is_empty() {
            let fields = if only.is_some() {
                "session"
            } else {
                "all_sessions"
            };
            self.audit(
                &mut tx,
                scope,
                AuditAction::Logout,
                RecordType::User,
                user.0,
                &[fields],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(ids.len() as u64)
    }

    /// A user's API tokens, live and revoked, newest first. Never the secret.
    pub async fn user_api_tokens(
        &self,
        tenant: TenantId,
        user: UserId,
    ) -> Result<Vec<TokenInfo>, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let rows = sqlx::query(
            "SELECT token_id, name, created_at, expires_at, revoked_at FROM api_tokens
             WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at DESC, token_id DESC",
        )
        .bind_all((tenant.0, user.0))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        rows.iter()
            .map(|row| {
                Ok(TokenInfo {
                    id: ApiTokenId(row.try_get("token_id")?),
                    name: row.try_get("name")?,
                    created_at: Timestamp(row.try_get("created_at")?),
                    expires_at: row.try_get::<Option<i64>, _>("expires_at")?.map(Timestamp),
                    revoked_at: row.try_get::<Option<i64>, _>("revoked_at")?.map(Timestamp),
                })
            })
            .collect()
    }

    /// Revokes a token of `user` (any user's when None: the operator);
    /// NotFound when there is no such live token.
    pub async fn revoke_api_token(
        &self,
        scope: &Scope,
        user: Option<UserId>,
        token: ApiTokenId,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        let revoked = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1
             WHERE tenant_id = $2 AND token_id = $3 AND revoked_at IS NULL AND ($4 IS NULL OR user_id = $4)",
        )
        .bind_all((Timestamp::now().0, scope.tenant.0, token.0, user.map(|u| u.0)))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if revoked == 0 {
            return Err(StoreError::Refused(Refusal::NotFound));
        }
        self.audit(
            &mut tx,
            scope,
            AuditAction::Update,
            RecordType::ApiToken,
            token.0,
            &["revoked_at"],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The tenant's staff users by name, with their live session counts.
    pub async fn users(&self, tenant: TenantId) -> Result<Vec<UserSummary>, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS},
                    (SELECT COUNT(*) FROM sessions s WHERE s.tenant_id = u.tenant_id AND s.user_id = u.user_id
                       AND s.expires_at > $2) AS live_sessions
             FROM users u WHERE u.tenant_id = $1 ORDER BY u.display_name, u.user_id"
        ))
        .bind_all((tenant.0, Timestamp::now().0))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        rows.iter()
            .map(|row| {
                Ok(UserSummary {
                    user: user_from(row)?,
                    live_sessions: row.try_get("live_sessions")?,
                })
            })
            .collect()
    }

    /// Locks the tenant's writers (PostgreSQL; SQLite has one writer) and
    /// counts the active administrators other than `user`; NotFound when
    /// `user` is not in the tenant.
    async fn other_administrators(
        &self,
        tx: &mut Transaction<'static, Any>,
        scope: &Scope,
        user: UserId,
    ) -> Result<usize, StoreError> {
        if self.backend == crate::Backend::Postgres {
            sqlx::query("SELECT seq FROM audit_heads WHERE tenant_id = $1 FOR UPDATE")
                .bind(scope.tenant.0)
                .execute(&mut **tx)
                .await?;
        }
        let rows = sqlx::query(
            "SELECT user_id, roles FROM users WHERE tenant_id = $1 AND disabled_at IS NULL",
        )
        .bind(scope.tenant.0)
        .fetch_all(&mut **tx)
        .await?;
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT user_id FROM users WHERE tenant_id = $1 AND user_id = $2")
                .bind_all((scope.tenant.0, user.0))
                .fetch_optional(&mut **tx)
                .await?;
        if exists.is_none() {
            return Err(StoreError::Refused(Refusal::NotFound));
        }
        let mut others = 0;
        for row in &rows {
            let id: i64 = row.try_get("user_id")?;
            let names: String = row.try_get("roles")?;
            if id != user.0 && names.split(',').any(|n| n == Role::Administrator.as_str()) {
                others += 1;
            }
        }
        Ok(others)
    }

    /// Gives a user these roles. Refused when it would leave the tenant
    /// without an active administrator; concurrent changes queue on the
    /// tenant's audit head, so two demotions cannot both pass the check.
    /// Gives the user these built-in roles and tenant roles (by name; the
    /// caller checked that they exist).
    pub async fn set_user_roles(
        &self,
        scope: &Scope,
        user: UserId,
        roles: Roles,
        custom_roles: &[String],
    ) -> Result<User, StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        if self.other_administrators(&mut tx, scope, user).await? == 0
            && !roles.contains(Role::Administrator)
        {
            return Err(StoreError::Refused(Refusal::LastAdministrator));
        }
        let names = std::iter::once(roles.to_names())
            .chain(custom_roles.iter().cloned())
            .filter(|n| !n.is_empty())
            .collect::<Vec<_>>()
            .join(",");
        sqlx::query(
            "UPDATE users SET roles = $1, updated_at = $2 WHERE tenant_id = $3 AND user_id = $4",
        )
        .bind_all((names, Timestamp::now().0, scope.tenant.0, user.0))
        .execute(&mut *tx)
        .await?;
        self.audit(
            &mut tx,
            scope,
            AuditAction::Update,
            RecordType::User,
            user.0,
            &["roles"],
        )
        .await?;
        tx.commit().await?;
        self.user(scope.tenant, user).await
    }

    /// A leaver's last day, in one transaction: the account is disabled (no
    /// login, session or token works), every session ends and every token is
    /// revoked. Refused for the last active administrator. Returns how many
    /// sessions ended and tokens were revoked.
    pub async fn end_user_access(
        &self,
        scope: &Scope,
        user: UserId,
    ) -> Result<(u64, u64), StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        let others = self.other_administrators(&mut tx, scope, user).await?;
        let is_administrator: Option<String> = sqlx::query_scalar(
            "SELECT roles FROM users WHERE tenant_id = $1 AND user_id = $2 AND disabled_at IS NULL",
        )
        .bind_all((scope.tenant.0, user.0))
        .fetch_optional(&mut *tx)
        .await?;
        if others == 0
            && is_administrator
                .is_some_and(|r| r.split(',').any(|n| n == Role::Administrator.as_str()))
        {
            return Err(StoreError::Refused(Refusal::LastAdministrator));
        }
        let now = Timestamp::now().0;
        sqlx::query(
            "UPDATE users SET disabled_at = $1, updated_at = $1 WHERE tenant_id = $2 AND user_id = $3 AND disabled_at IS NULL",
        )
        .bind_all((now, scope.tenant.0, user.0))
        .execute(&mut *tx)
        .await?;
        let sessions = sqlx::query("DELETE FROM sessions WHERE tenant_id = $1 AND user_id = $2")
            .bind_all((scope.tenant.0, user.0))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let tokens: Vec<i64> = sqlx::query_scalar(
            "SELECT token_id FROM api_tokens WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL",
        )
        .bind_all((scope.tenant.0, user.0))
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE tenant_id = $2 AND user_id = $3 AND revoked_at IS NULL",
        )
        .bind_all((now, scope.tenant.0, user.0))
        .execute(&mut *tx)
        .await?;
        self.audit(
            &mut tx,
            scope,
            AuditAction::Update,
            RecordType::User,
            user.0,
            &["disabled_at"],
        )
        .await?;
        if sessions > 0 {
            self.audit(
                &mut tx,
                scope,
                AuditAction::Logout,
                RecordType::User,
                user.0,
                &["all_sessions"],
            )
            .await?;
        }
        for token in &tokens {
            self.audit(
                &mut tx,
                scope,
                AuditAction::Update,
                RecordType::ApiToken,
                *token,
                &["revoked_at"],
            )
            .await?;
        }
        tx.commit().await?;
        Ok((sessions, tokens.len() as u64))
    }

    /// Lets a disabled user log in again (with their old password; their
    /// old sessions and tokens stay ended). NotFound for no such user.
    pub async fn reactivate_user(&self, scope: &Scope, user: UserId) -> Result<User, StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        let changed = sqlx::query(
            "UPDATE users SET disabled_at = NULL, updated_at = $1 WHERE tenant_id = $2 AND user_id = $3 AND disabled_at IS NOT NULL",
        )
        .bind_all((Timestamp::now().0, scope.tenant.0, user.0))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed > 0 {
            self.audit(
                &mut tx,
                scope,
                AuditAction::Update,
                RecordType::User,
                user.0,
                &["disabled_at"],
            )
            .await?;
        }
        tx.commit().await?;
        self.user(scope.tenant, user).await
    }
}
