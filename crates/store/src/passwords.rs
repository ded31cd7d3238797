//! The tenant's password policy and setting a user's password.

use crate::statement::Bindable;
use crate::{Scope, Store, StoreError};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::passwords::PasswordPolicy;
use custodian_core::time::Timestamp;
use custodian_core::{Refusal, SessionId, TenantId, UserId};
use sqlx::Row;

impl Store {
    pub async fn password_policy(&self, tenant: TenantId) -> Result<PasswordPolicy, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let row = sqlx::query(
            "SELECT password_min_length, password_rotation_days FROM tenants WHERE tenant_id = $1",
        )
        .bind(tenant.0)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::Refused(Refusal::NotFound))?;
        tx.commit().await?;
        let min_length: i64 = row.try_get("password_min_length")?;
        let rotation: Option<i64> = row.try_get("password_rotation_days")?;
        Ok(PasswordPolicy {
            min_length: u32::try_from(min_length).unwrap_or(12),
            rotation_days: rotation.and_then(|d| u32::try_from(d).ok()),
        })
    }

    pub async fn set_password_policy(
        &self,
        scope: &Scope,
        policy: &PasswordPolicy,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        sqlx::query(
            "UPDATE tenants SET password_min_length = $1, password_rotation_days = $2 WHERE tenant_id = $3",
        )
        .bind_all((i64::from(policy.min_length), policy.rotation_days.map(i64::from), scope.tenant.0))
        .execute(&mut *tx)
        .await?;
        self.audit(
            &mut tx,
            scope,
            AuditAction::Update,
            RecordType::Tenant,
            scope.tenant.0,
            &["password_min_length", "password_rotation_days"],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A user's password hash, to check their current password.
    pub async fn password_hash(
        &self,
        tenant: TenantId,
        user: UserId,
    ) -> Result<Option<String>, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let hash: Option<Option<String>> = sqlx::query_scalar(
            "SELECT password_hash FROM users WHERE tenant_id = $1 AND user_id = $2",
        )
        .bind_all((tenant.0, user.0))
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(hash.flatten())
    }

    /// Sets a new password and ends the user's other sessions (all but
    /// `keep`), as a password change should.
    pub async fn set_password(
        &self,
        scope: &Scope,
        user: UserId,
        hash: &str,
        keep: Option<SessionId>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        self.write_password(&mut tx, scope, user, hash, keep)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Inside `tx`: the new password hash, the user's other sessions (all
    /// but `keep`) ended, and the audit entry.
    pub(crate) async fn write_password(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        scope: &Scope,
        user: UserId,
        hash: &str,
        keep: Option<SessionId>,
    ) -> Result<(), StoreError> {
        let now = Timestamp::now().0;
        let changed = sqlx::query(
            "UPDATE users SET password_hash = $1, password_changed_at = $2, updated_at = $2
             WHERE tenant_id = $3 AND user_id = $4",
        )
        .bind_all((hash, now, scope.tenant.0, user.0))
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::Refused(Refusal::NotFound));
        }
        sqlx::query(
            "DELETE FROM sessions WHERE tenant_id = $1 AND user_id = $2 AND ($3 IS NULL OR session_id <> $3)",
        )
        .bind_all((scope.tenant.0, user.0, keep.map(|id| id.0)))
        .execute(&mut **tx)
        .await?;
        self.audit(
            tx,
            scope,
            AuditAction::Update,
            RecordType::User,
            user.0,
            &["password"],
        )
        .await
    }
}
