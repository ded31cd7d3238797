//! TOTP secrets of staff users and the tenant's "two-factor is mandatory".

use crate::statement::Bindable;
use crate::{Scope, Store, StoreError};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::Refusal;
use custodian_core::{TenantId, UserId};
use sqlx::Row;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TwoFactor {
    pub secret: Option<Vec<u8>>,
    pub pending_secret: Option<Vec<u8>>,
    pub last_step: Option<i64>,
    /// The tenant makes two-factor mandatory.
    pub required: bool,
}

impl Store {
    pub async fn two_factor(
        &self,
        tenant: TenantId,
        user: UserId,
    ) -> Result<TwoFactor, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let row = sqlx::query(
            "SELECT u.totp_secret, u.totp_pending_secret, u.totp_last_step, t.require_two_factor
             FROM users u JOIN tenants t ON t.tenant_id = u.tenant_id
             WHERE u.tenant_id = $1 AND u.user_id = $2",
        )
        .bind_all((tenant.0, user.0))
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::Refused(Refusal::NotFound))?;
        tx.commit().await?;
        Ok(TwoFactor {
            secret: row.try_get("totp_secret")?,
            pending_secret: row.try_get("totp_pending_secret")?,
            last_step: row.try_get("totp_last_step")?,
            required: row.try_get::<i64, _>("require_two_factor")? != 0,
        })
    }

    /// Offers a secret for set-up; it takes effect when a code confirms it.
    pub async fn offer_totp_secret(
        &self,
        scope: &Scope,
        user: UserId,
        secret: &[u8],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        sqlx::query(
            "UPDATE users SET totp_pending_secret = $1 WHERE tenant_id = $2 AND user_id = $3",
        )
        .bind_all((secret.to_vec(), scope.tenant.0, user.0))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Makes the offered secret the user's, with the step that confirmed it.
    pub async fn confirm_totp_secret(
        &self,
        scope: &Scope,
        user: UserId,
        step: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        let changed = sqlx::query(
            "UPDATE users SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, totp_last_step = $1
             WHERE tenant_id = $2 AND user_id = $3 AND totp_pending_secret IS NOT NULL",
        )
        .bind_all((step, scope.tenant.0, user.0))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::Refused(Refusal::NotFound));
        }
        self.audit(
            &mut tx,
            scope,
            AuditAction::Update,
            RecordType::User,
            user.0,
            &["two_factor"],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Uses up a time step; false when it (or a later one) was used before,
    /// so that of two requests with one code only one gets in.
    pub async fn use_totp_step(
        &self,
        tenant: TenantId,
        user: UserId,
        step: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin(tenant).await?;
        let used = sqlx::query(
            "UPDATE users SET totp_last_step = $1
             WHERE tenant_id = $2 AND user_id = $3 AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
        .bind_all((step, tenant.0, user.0))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(used == 1)
    }

    /// Turns two-factor off for a user (their own choice, or an
    /// administrator's reset after a lost phone).
    pub async fn remove_totp(&self, scope: &Scope, user: UserId) -> Result<(), StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        let had: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(CASE WHEN totp_secret IS NULL AND totp_pending_secret IS NULL THEN 0 ELSE 1 END AS BIGINT)
             FROM users WHERE tenant_id = $1 AND user_id = $2",
        )
        .bind_all((scope.tenant.0, user.0))
        .fetch_optional(&mut *tx)
        .await?;
        match had {
            None => return Err(StoreError::Refused(Refusal::NotFound)),
            // Nothing to remove: nothing changes, nothing to audit.
            Some(0) => return Ok(()),
            Some(_) => {}
        }
        sqlx::query(
            "UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, totp_last_step = NULL
             WHERE tenant_id = $1 AND user_id = $2",
        )
        .bind_all((scope.tenant.0, user.0))
        .execute(&mut *tx)
        .await?;
        self.audit(
            &mut tx,
            scope,
            AuditAction::Update,
            RecordType::User,
            user.0,
            &["two_factor"],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn set_two_factor_required(
        &self,
        scope: &Scope,
        required: bool,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        sqlx::query("UPDATE tenants SET require_two_factor = $1 WHERE tenant_id = $2")
            .bind_all((i64::from(required), scope.tenant.0))
            .execute(&mut *tx)
            .await?;
        self.audit(
            &mut tx,
            scope,
            AuditAction::Update,
            RecordType::Tenant,
            scope.tenant.0,
            &["require_two_factor"],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
