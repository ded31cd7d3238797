//! Staff users, server-side sessions and API tokens. Secrets are stored only
//! as hashes; the app layer hashes and verifies them.

use crate::roles::{access_settings_from, held_roles};
use crate::statement::Bindable;
use crate::{Scope, Store, StoreError};
use custodian_core::access::{Role, Roles};
use custodian_core::audit::{Actor, ActorKind, AuditAction, RecordType};
use custodian_core::time::Timestamp;
use custodian_core::users::{User, UserAccess};
use custodian_core::{ApiTokenId, Refusal, SessionId, TenantId, UserId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// A user with the given login email, in some tenant, with its password hash.
#[derive(Debug, Clone)]
pub struct LoginCandidate {
    pub user: User,
    pub password_hash: Option<String>,
    /// Set when the user logs in with a second factor.
    pub totp_secret: Option<Vec<u8>>,
}

#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub session_id: SessionId,
    pub user: User,
    pub access: UserAccess,
    pub csrf_token: String,
    pub expires_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub password_changed_at: Timestamp,
    /// The tenant's rotation interval, for "change your password now".
    pub password_rotation_days: Option<u32>,
    /// The tenant requires two-factor and the user has not set it up.
    pub two_factor_missing: bool,
}

#[derive(Debug, Clone)]
pub struct TokenRecord {
    pub id: ApiTokenId,
    pub user: User,
    pub access: UserAccess,
}

/// The tenant's settings columns a session or token lookup selects, to
/// resolve the user's access in the same read.
const ACCESS_COLUMNS: &str =
    "tn.sales_record_scope, tn.support_record_scope, tn.sensitive_categories";

async fn resolve_access(
    conn: &mut AnyConnection,
    row: &AnyRow,
    user: &User,
) -> Result<UserAccess, StoreError> {
    let settings = access_settings_from(row)?;
    let grants = held_roles(conn, user.tenant, &user.custom_roles)
        .await?
        .into_iter()
        .fold(user.roles.grants(settings.built_in_reach), |all, role| {
            all.union(role.grants)
        });
    Ok(UserAccess {
        grants,
        sensitive: settings.sensitive,
    })
}

pub(crate) fn user_from(row: &AnyRow) -> Result<User, StoreError> {
    let names: String = row.try_get("roles")?;
    let (built_in, custom): (Vec<&str>, Vec<&str>) = names
        .split(',')
        .filter(|n| !n.is_empty())
        .partition(|n| Role::parse(n).is_some());
    Ok(User {
        tenant: TenantId(row.try_get("tenant_id")?),
        id: UserId(row.try_get("user_id")?),
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        roles: Roles::of(
            &built_in
                .into_iter()
                .filter_map(Role::parse)
                .collect::<Vec<_>>(),
        ),
        // Names no tenant role carries (any more) grant nothing.
        custom_roles: custom.into_iter().map(String::from).collect(),
        disabled_at: row.try_get::<Option<i64>, _>("disabled_at")?.map(Timestamp),
    })
}

pub(crate) const USER_COLUMNS: &str =
    "u.tenant_id, u.user_id, u.email, u.display_name, u.roles, u.disabled_at";

impl Store {
    pub async fn create_user(
        &self,
        scope: &Scope,
        email: &str,
        display_name: &str,
        password_hash: Option<&str>,
        roles: Roles,
    ) -> Result<User, StoreError> {
        let now = Timestamp::now().0;
        let user = User {
            tenant: scope.tenant,
            id: UserId(self.next_id()),
            email: email.to_string(),
            display_name: display_name.to_string(),
            roles,
            custom_roles: Vec::new(),
            disabled_at: None,
        };
        let mut tx = self.begin(scope.tenant).await?;
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT tenant_id FROM tenants WHERE tenant_id = $1")
                .bind(scope.tenant.0)
                .fetch_optional(&mut *tx)
                .await?;
        if exists.is_none() {
            return Err(StoreError::Refused(Refusal::UnknownReference {
                field: "tenant",
            }));
        }
        sqlx::query(
            "INSERT INTO users (tenant_id, user_id, email, display_name, password_hash, roles, created_at, updated_at, password_changed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $7)",
        )
        .bind_all((user.tenant.0, user.id.0, &user.email, &user.display_name, password_hash, roles.to_names(), now))
        .execute(&mut *tx)
        .await
        .map_err(StoreError::unique_as("email"))?;
        self.audit(
            &mut tx,
            scope,
            AuditAction::Create,
            RecordType::User,
            user.id.0,
            if password_hash.is_some() {
                &["email", "display_name", "password", "roles"]
            } else {
                &["email", "display_name", "roles"]
            },
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    pub async fn user(&self, tenant: TenantId, id: UserId) -> Result<User, StoreError> {
        self.read_row(
            tenant,
            sqlx::query(&format!(
                "SELECT {USER_COLUMNS} FROM users u WHERE u.tenant_id = $1 AND u.user_id = $2"
            ))
            .bind_all((tenant.0, id.0)),
            user_from,
        )
        .await
    }

    pub async fn find_user_by_email(
        &self,
        tenant: TenantId,
        email: &str,
    ) -> Result<Option<User>, StoreError> {
        self.read_maybe(
            tenant,
            sqlx::query(&format!(
                "SELECT {USER_COLUMNS} FROM users u WHERE u.tenant_id = $1 AND u.email = $2"
            ))
            .bind_all((tenant.0, email)),
            user_from,
        )
        .await
    }

    /// Users with this login email across tenants: the login path, which
    /// comes before any tenant is known.
    pub async fn login_candidates(&self, email: &str) -> Result<Vec<LoginCandidate>, StoreError> {
        let mut tx = self.begin_operator().await?;
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, u.password_hash, u.totp_secret FROM users u WHERE u.email = $1 AND u.disabled_at IS NULL ORDER BY u.tenant_id LIMIT 10"
        ))
        .bind(email)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        rows.iter()
            .map(|row| {
                Ok(LoginCandidate {
                    user: user_from(row)?,
                    password_hash: row.try_get("password_hash")?,
                    totp_secret: row.try_get("totp_secret")?,
                })
            })
            .collect()
    }

    /// Opens a session; the login is audited with the scope's client context.
    pub async fn create_session(
        &self,
        scope: &Scope,
        user: &User,
        session_hash: &str,
        csrf_token: &str,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin(user.tenant).await?;
        let now = Timestamp::now().0;
        let context = scope.context.as_deref();
        sqlx::query(
            "INSERT INTO sessions (tenant_id, session_hash, user_id, csrf_token, created_at, expires_at,
                                   session_id, last_seen_at, source_ip, user_agent)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $5, $8, $9)",
        )
        .bind_all((user.tenant.0, session_hash, user.id.0, csrf_token, now, expires_at.0, self.next_id(), context.and_then(|c| c.source_ip.clone()), context.and_then(|c| c.user_agent.clone())))
        .execute(&mut *tx)
        .await?;
        self.audit(
            &mut tx,
            scope,
            AuditAction::Login,
            RecordType::User,
            user.id.0,
            &[],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The live session with this hash, if it has not expired.
    pub async fn session(
        &self,
        tenant: TenantId,
        session_hash: &str,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, s.csrf_token, s.expires_at, s.session_id, s.last_seen_at,
                    u.password_changed_at, tn.password_rotation_days, {ACCESS_COLUMNS},
                    CAST(CASE WHEN tn.require_two_factor <> 0 AND u.totp_secret IS NULL THEN 1 ELSE 0 END AS BIGINT)
                        AS two_factor_missing
             FROM sessions s
             JOIN users u ON u.tenant_id = s.tenant_id AND u.user_id = s.user_id
             JOIN tenants tn ON tn.tenant_id = s.tenant_id
             WHERE s.tenant_id = $1 AND s.session_hash = $2 AND s.expires_at > $3 AND u.disabled_at IS NULL"
        ))
        .bind_all((tenant.0, session_hash, Timestamp::now().0))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            tx.commit().await?;
            return Ok(None);
        };
        let user = user_from(&row)?;
        let access = resolve_access(&mut tx, &row, &user).await?;
        tx.commit().await?;
        Ok(Some(SessionRecord {
            session_id: SessionId(row.try_get("session_id")?),
            user,
            access,
            csrf_token: row.try_get("csrf_token")?,
            expires_at: Timestamp(row.try_get("expires_at")?),
            last_seen_at: Timestamp(row.try_get("last_seen_at")?),
            password_changed_at: Timestamp(row.try_get("password_changed_at")?),
            password_rotation_days: row
                .try_get::<Option<i64>, _>("password_rotation_days")?
                .and_then(|d| u32::try_from(d).ok()),
            two_factor_missing: row.try_get::<i64, _>("two_factor_missing")? != 0,
        }))
    }

    /// Ends a session (and sweeps expired ones); the logout is audited.
    pub async fn delete_session(
        &self,
        scope: &Scope,
        session_hash: &str,
    ) -> Result<(), StoreError> {
        let tenant = scope.tenant;
        let mut tx = self.begin(tenant).await?;
        let user: Option<i64> = sqlx::query_scalar(
            "SELECT user_id FROM sessions WHERE tenant_id = $1 AND session_hash = $2",
        )
        .bind_all((tenant.0, session_hash))
        .fetch_optional(&mut *tx)
        .await?;
        // The audit hook comes last, as in every write (see docs/audit.md).
        sqlx::query(
            "DELETE FROM sessions WHERE tenant_id = $1 AND (session_hash = $2 OR expires_at < $3)",
        )
        .bind_all((tenant.0, session_hash, Timestamp::now().0))
        .execute(&mut *tx)
        .await?;
        if let Some(user) = user {
            let scope = Scope {
                actor: Actor {
                    kind: ActorKind::User,
                    id: user,
                },
                ..scope.clone()
            };
            self.audit(
                &mut tx,
                &scope,
                AuditAction::Logout,
                RecordType::User,
                user,
                &[],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn create_api_token(
        &self,
        scope: &Scope,
        user: UserId,
        name: &str,
        token_hash: &str,
        expires_at: Option<Timestamp>,
    ) -> Result<ApiTokenId, StoreError> {
        let id = ApiTokenId(self.next_id());
        let mut tx = self.begin(scope.tenant).await?;
        let owner: Option<i64> =
            sqlx::query_scalar("SELECT user_id FROM users WHERE tenant_id = $1 AND user_id = $2")
                .bind_all((scope.tenant.0, user.0))
                .fetch_optional(&mut *tx)
                .await?;
        if owner.is_none() {
            return Err(StoreError::Refused(Refusal::UnknownReference {
                field: "user",
            }));
        }
        sqlx::query(
            "INSERT INTO api_tokens (tenant_id, token_id, user_id, name, token_hash, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind_all((scope.tenant.0, id.0, user.0, name, token_hash, Timestamp::now().0, expires_at.map(|t| t.0)))
        .execute(&mut *tx)
        .await?;
        self.audit(
            &mut tx,
            scope,
            AuditAction::Create,
            RecordType::ApiToken,
            id.0,
            &["name", "user_id", "expires_at"],
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The live (not revoked, not expired) token with this hash.
    pub async fn api_token(
        &self,
        tenant: TenantId,
        token_hash: &str,
    ) -> Result<Option<TokenRecord>, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, t.token_id, {ACCESS_COLUMNS} FROM api_tokens t
             JOIN users u ON u.tenant_id = t.tenant_id AND u.user_id = t.user_id
             JOIN tenants tn ON tn.tenant_id = t.tenant_id
             WHERE t.tenant_id = $1 AND t.token_hash = $2 AND t.revoked_at IS NULL AND u.disabled_at IS NULL
               AND (t.expires_at IS NULL OR t.expires_at > $3)"
        ))
        .bind_all((tenant.0, token_hash, Timestamp::now().0))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            tx.commit().await?;
            return Ok(None);
        };
        let user = user_from(&row)?;
        let access = resolve_access(&mut tx, &row, &user).await?;
        tx.commit().await?;
        Ok(Some(TokenRecord {
            id: ApiTokenId(row.try_get("token_id")?),
            user,
            access,
        }))
    }
}
