//! Staff links: the one-time links that let an invited staff user choose
//! their first password, or someone who lost theirs a new one. Stored as
//! the hash of their secret; a new link spends the user's open ones; a link
//! is spent in the transaction that sets the password.

use crate::statement::Bindable;
use crate::{NewMail, Scope, Store, StoreError};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::invitations::StaffLinkPurpose;
use custodian_core::portal::LinkProblem;
use custodian_core::time::Timestamp;
use custodian_core::{TenantId, UserId};
use sqlx::Row;

/// A link as its page needs it: whose it is and what it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffLink {
    pub user: UserId,
    pub email: String,
    pub display_name: String,
    pub purpose: StaffLinkPurpose,
}

/// A link to be written: its secret's hash and when it stops working.
pub struct NewStaffLink<'a> {
    pub user: UserId,
    pub purpose: StaffLinkPurpose,
    pub token_hash: &'a str,
    pub expires_at: Timestamp,
}

impl Store {
    /// Writes a link for the user (spending their open ones) and, when
    /// there is one, the message that carries it. The audit entry says
    /// whether the link went by mail or was shown to the administrator.
    pub async fn add_staff_link(
        &self,
        scope: &Scope,
        link: &NewStaffLink<'_>,
        mail: Option<&NewMail>,
    ) -> Result<(), StoreError> {
        let tenant = scope.tenant;
        let now = Timestamp::now().0;
        let mut tx = self.begin(tenant).await?;
        let known: Option<i64> = sqlx::query_scalar(
            "SELECT user_id FROM users WHERE tenant_id = $1 AND user_id = $2 AND disabled_at IS NULL",
        )
        .bind_all((tenant.0, link.user.0))
        .fetch_optional(&mut *tx)
        .await?;
        if known.is_none() {
            return Err(StoreError::Refused(custodian_core::Refusal::NotFound));
        }
        sqlx::query(
            "UPDATE staff_links SET used_at = $1 WHERE tenant_id = $2 AND user_id = $3 AND used_at IS NULL",
        )
        .bind_all((now, tenant.0, link.user.0))
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO staff_links (tenant_id, link_id, user_id, purpose, token_hash, created_by, created_at, expires_at, used_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)",
        )
        .bind_all((
            tenant.0,
            self.next_id(),
            link.user.0,
            link.purpose.as_str(),
            link.token_hash,
            scope.actor.id,
            now,
            link.expires_at.0,
        ))
        .execute(&mut *tx)
        .await?;
        let field = match (link.purpose, mail.is_some()) {
            (StaffLinkPurpose::Invitation, true) => "invitation_link_mailed",
            (StaffLinkPurpose::Invitation, false) => "invitation_link_shown",
            (StaffLinkPurpose::NewPassword, true) => "password_link_mailed",
            (StaffLinkPurpose::NewPassword, false) => "password_link_shown",
        };
        self.audit(
            &mut tx,
            scope,
            AuditAction::Update,
            RecordType::User,
            link.user.0,
            &[field],
        )
        .await?;
        if let Some(mail) = mail {
            self.enqueue_mail(&mut tx, scope, mail).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The link with this secret's hash, while it can be used.
    pub async fn staff_link(
        &self,
        tenant: TenantId,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Result<StaffLink, LinkProblem>, StoreError> {
        let row = self
            .read_maybe(
                tenant,
                sqlx::query(
                    "SELECT l.user_id, l.purpose, l.expires_at, l.used_at, u.email, u.display_name, u.disabled_at
                     FROM staff_links l JOIN users u ON u.tenant_id = l.tenant_id AND u.user_id = l.user_id
                     WHERE l.tenant_id = $1 AND l.token_hash = $2",
                )
                .bind_all((tenant.0, token_hash)),
                |row| {
                    let purpose: String = row.try_get("purpose")?;
                    let used: Option<i64> = row.try_get("used_at")?;
                    let disabled: Option<i64> = row.try_get("disabled_at")?;
                    let expires: i64 = row.try_get("expires_at")?;
                    let link = StaffLink {
                        user: UserId(row.try_get("user_id")?),
                        email: row.try_get("email")?,
                        display_name: row.try_get("display_name")?,
                        purpose: StaffLinkPurpose::parse(&purpose)
                            .unwrap_or(StaffLinkPurpose::NewPassword),
                    };
                    Ok(if disabled.is_some() {
                        Err(LinkProblem::Ended)
                    } else if used.is_some() {
                        Err(LinkProblem::Used)
                    } else if expires <= now.0 {
                        Err(LinkProblem::Expired)
                    } else {
                        Ok(link)
                    })
                },
            )
            .await?;
        Ok(row.unwrap_or(Err(LinkProblem::Unknown)))
    }

    /// Spends the link and sets the user's password (ending their
    /// sessions), if the link can still be used; `scope` names the user as
    /// the actor.
    pub async fn use_staff_link(
        &self,
        scope: &Scope,
        token_hash: &str,
        password_hash: &str,
    ) -> Result<Result<UserId, LinkProblem>, StoreError> {
        let tenant = scope.tenant;
        let now = Timestamp::now().0;
        let mut tx = self.begin(tenant).await?;
        // Only an open link is spent: of two uses at once, one wins.
        let spent: Option<i64> = sqlx::query_scalar(
            "UPDATE staff_links SET used_at = $1
             WHERE tenant_id = $2 AND token_hash = $3 AND used_at IS NULL AND expires_at > $1
               AND user_id IN (SELECT user_id FROM users WHERE tenant_id = $2 AND disabled_at IS NULL)
             RETURNING user_id",
        )
        .bind_all((now, tenant.0, token_hash))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(user) = spent else {
            tx.rollback().await?;
            let problem = match self.staff_link(tenant, token_hash, Timestamp(now)).await? {
                Ok(_) => LinkProblem::Used,
                Err(problem) => problem,
            };
            return Ok(Err(problem));
        };
        self.write_password(&mut tx, scope, UserId(user), password_hash, None)
            .await?;
        tx.commit().await?;
        Ok(Ok(UserId(user)))
    }
}
