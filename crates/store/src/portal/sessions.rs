//! Portal sessions: opened by a password or a sign-in link, stored as the
//! hash of their cookie, ended by logging out, by staff ending the
//! account, or by eight hours without use.

use super::accounts::{identity_from_row, PortalIdentity, IDENTITY_COLUMNS};
use super::links::take_link;
use crate::statement::Bindable;
use crate::Portal;
use crate::{Scope, Store, StoreError};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::portal::LinkProblem;
use custodian_core::portal::{LinkPurpose, SESSION_HOURS};
use custodian_core::time::Timestamp;
use custodian_core::{PortalAccountId, PortalSessionId, TenantId};
use sqlx::Row;

/// A live session with whom it belongs to.
#[derive(Debug, Clone)]
pub struct PortalSessionRecord {
    pub session_id: PortalSessionId,
    pub identity: PortalIdentity,
    pub csrf_token: String,
    pub last_seen_at: Timestamp,
}

const SESSION_MS: i64 = SESSION_HOURS * 3_600_000;

impl Store {
    async fn insert_session(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        scope: &Scope,
        account: PortalAccountId,
        token_hash: &str,
        csrf_token: &str,
    ) -> Result<(), StoreError> {
        let now = Timestamp::now().0;
        sqlx::query(
            "INSERT INTO portal_sessions (tenant_id, session_id, account_id, token_hash, csrf_token, created_at, last_seen_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7)",
        )
        .bind_all((scope.tenant.0, self.next_id(), account.0, token_hash, csrf_token, now, now + SESSION_MS))
        .execute(&mut **tx)
        .await?;
        sqlx::query("UPDATE portal_accounts SET last_login_at = $1 WHERE tenant_id = $2 AND account_id = $3")
            .bind_all((now, scope.tenant.0, account.0))
            .execute(&mut **tx)
            .await?;
        self.audit(
            tx,
            scope,
            AuditAction::Login,
            RecordType::PortalAccount,
            account.0,
            &[],
        )
        .await
    }
}

impl Portal<'_> {
    /// Opens a session for an account that logged in with its password.
    pub async fn open_portal_session(
        self,
        scope: &Scope,
        account: PortalAccountId,
        token_hash: &str,
        csrf_token: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        self.insert_session(&mut tx, scope, account, token_hash, csrf_token)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Spends a sign-in link and opens a session with it, at once.
    pub async fn sign_in_with_portal_link(
        self,
        tenant: TenantId,
        link_hash: &str,
        token_hash: &str,
        csrf_token: &str,
        scope_of: impl FnOnce(PortalAccountId) -> Scope,
    ) -> Result<Result<PortalAccountId, LinkProblem>, StoreError> {
        let mut tx = self.begin(tenant).await?;
        let account = match take_link(&mut tx, tenant, link_hash, LinkPurpose::SignIn, true).await?
        {
            Ok(account) => account,
            Err(problem) => return Ok(Err(problem)),
        };
        let scope = scope_of(account);
        self.insert_session(&mut tx, &scope, account, token_hash, csrf_token)
            .await?;
        tx.commit().await?;
        Ok(Ok(account))
    }

    /// The live session behind a cookie's hash, of an account not ended.
    /// One statement, without a transaction on SQLite: every portal page
    /// asks it first.
    pub async fn portal_session(
        self,
        tenant: TenantId,
        token_hash: &str,
    ) -> Result<Option<PortalSessionRecord>, StoreError> {
        let mut conn = self.read_one(tenant).await?;
        let row = sqlx::query(&format!(
            "SELECT s.session_id, s.csrf_token, s.last_seen_at, {IDENTITY_COLUMNS}
             FROM portal_sessions s
             JOIN portal_accounts a ON a.tenant_id = s.tenant_id AND a.account_id = s.account_id
             JOIN contacts c ON c.tenant_id = a.tenant_id AND c.contact_id = a.contact_id
             WHERE s.tenant_id = $1 AND s.token_hash = $2 AND s.expires_at > $3 AND a.disabled_at IS NULL"
        ))
        .bind_all((tenant.0, token_hash, Timestamp::now().0))
        .fetch_optional(&mut *conn)
        .await?;
        conn.commit().await?;
        let Some(row) = row else {
            return Ok(None);
        };
        Ok(Some(PortalSessionRecord {
            session_id: PortalSessionId(row.try_get("session_id")?),
            identity: identity_from_row(tenant, &row)?,
            csrf_token: row.try_get("csrf_token")?,
            last_seen_at: Timestamp(row.try_get("last_seen_at")?),
        }))
    }

    /// Keeps a used session alive for another eight hours.
    pub async fn touch_portal_session(
        self,
        tenant: TenantId,
        session: PortalSessionId,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin(tenant).await?;
        let now = Timestamp::now().0;
        sqlx::query(
            "UPDATE portal_sessions SET last_seen_at = $1, expires_at = $2 WHERE tenant_id = $3 AND session_id = $4",
        )
        .bind_all((now, now + SESSION_MS, tenant.0, session.0))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn end_portal_session(
        self,
        scope: &Scope,
        token_hash: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        let account: Option<i64> = sqlx::query_scalar(
            "DELETE FROM portal_sessions WHERE tenant_id = $1 AND token_hash = $2 RETURNING account_id",
        )
        .bind_all((scope.tenant.0, token_hash))
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(account) = account {
            self.audit(
                &mut tx,
                scope,
                AuditAction::Logout,
                RecordType::PortalAccount,
                account,
                &[],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
