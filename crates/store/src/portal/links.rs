//! One-time links: stored as the hash of their secret, used once, within
//! their time. An invitation's link is spent in the transaction that sets
//! the password; a sign-in link in the one that opens the session.

use crate::statement::Bindable;
use crate::Portal;
use crate::{NewMail, Scope, StoreError};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::portal::{LinkProblem, LinkPurpose};
use custodian_core::time::Timestamp;
use custodian_core::{PortalAccountId, TenantId};
use sqlx::{AnyConnection, Row};

/// Spends every link of the account not used yet (a new invitation, a new
/// password or ended access makes them worthless).
pub(super) async fn spend_open_links(
    conn: &mut AnyConnection,
    tenant: TenantId,
    account: PortalAccountId,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE portal_links SET used_at = $1 WHERE tenant_id = $2 AND account_id = $3 AND used_at IS NULL",
    )
    .bind_all((now, tenant.0, account.0))
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn insert_link(
    conn: &mut AnyConnection,
    id: i64,
    tenant: TenantId,
    account: PortalAccountId,
    purpose: LinkPurpose,
    token_hash: &str,
    expires_at: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO portal_links (tenant_id, link_id, account_id, purpose, token_hash, expires_at, used_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, NULL, $7)",
    )
    .bind_all((tenant.0, id, account.0, purpose.as_str(), token_hash, expires_at.0, Timestamp::now().0))
    .execute(conn)
    .await?;
    Ok(())
}

/// The link's account, or why it cannot be used; spends it when `spend`.
pub(super) async fn take_link(
    conn: &mut AnyConnection,
    tenant: TenantId,
    token_hash: &str,
    purpose: LinkPurpose,
    spend: bool,
) -> Result<Result<PortalAccountId, LinkProblem>, StoreError> {
    let row = sqlx::query(
        "SELECT l.link_id, l.account_id, l.expires_at, l.used_at, a.disabled_at
         FROM portal_links l JOIN portal_accounts a ON a.tenant_id = l.tenant_id AND a.account_id = l.account_id
         WHERE l.tenant_id = $1 AND l.token_hash = $2 AND l.purpose = $3",
    )
    .bind_all((tenant.0, token_hash, purpose.as_str()))
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(Err(LinkProblem::Unknown));
    };
    let now = Timestamp::now().0;
    if row.try_get::<Option<i64>, _>("used_at")?.is_some() {
        return Ok(Err(LinkProblem::Used));
    }
    if row.try_get::<i64, _>("expires_at")? <= now {
        return Ok(Err(LinkProblem::Expired));
    }
    if row.try_get::<Option<i64>, _>("disabled_at")?.is_some() {
        return Ok(Err(LinkProblem::Ended));
    }
    let link: i64 = row.try_get("link_id")?;
    if spend {
        let spent = sqlx::query(
            "UPDATE portal_links SET used_at = $1 WHERE tenant_id = $2 AND link_id = $3 AND used_at IS NULL",
        )
        .bind_all((now, tenant.0, link))
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if spent == 0 {
            return Ok(Err(LinkProblem::Used));
        }
    }
    Ok(Ok(PortalAccountId(row.try_get("account_id")?)))
}

impl Portal<'_> {
    /// Whether a link can be used now, without spending it (to show the
    /// form behind an invitation).
    pub async fn check_portal_link(
        self,
        tenant: TenantId,
        token_hash: &str,
        purpose: LinkPurpose,
    ) -> Result<Result<PortalAccountId, LinkProblem>, StoreError> {
        let mut tx = self.begin_read(tenant).await?;
        let found = take_link(&mut tx, tenant, token_hash, purpose, false).await?;
        tx.commit().await?;
        Ok(found)
    }

    /// Accepts an invitation: spends its link and sets the password, at
    /// once; the account is active from then on.
    pub async fn accept_portal_invitation(
        self,
        tenant: TenantId,
        token_hash: &str,
        password_hash: &str,
        scope_of: impl FnOnce(PortalAccountId) -> Scope,
    ) -> Result<Result<PortalAccountId, LinkProblem>, StoreError> {
        let mut tx = self.begin(tenant).await?;
        let account =
            match take_link(&mut tx, tenant, token_hash, LinkPurpose::Invitation, true).await? {
                Ok(account) => account,
                Err(problem) => return Ok(Err(problem)),
            };
        let now = Timestamp::now().0;
        sqlx::query(
            "UPDATE portal_accounts SET password_hash = $1, activated_at = COALESCE(activated_at, $2)
             WHERE tenant_id = $3 AND account_id = $4",
        )
        .bind_all((password_hash, now, tenant.0, account.0))
        .execute(&mut *tx)
        .await?;
        let scope = scope_of(account);
        self.audit(
            &mut tx,
            &scope,
            AuditAction::Update,
            RecordType::PortalAccount,
            account.0,
            &["password_hash", "activated_at"],
        )
        .await?;
        tx.commit().await?;
        Ok(Ok(account))
    }

    /// A sign-in link for an account, with the message carrying it.
    pub async fn create_portal_sign_in(
        self,
        scope: &Scope,
        account: PortalAccountId,
        token_hash: &str,
        expires_at: Timestamp,
        mail: &NewMail,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        insert_link(
            &mut tx,
            self.next_id(),
            scope.tenant,
            account,
            LinkPurpose::SignIn,
            token_hash,
            expires_at,
        )
        .await?;
        self.enqueue_mail(&mut tx, scope, mail).await?;
        tx.commit().await?;
        Ok(())
    }
}
