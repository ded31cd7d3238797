//! Portal accounts: invited by staff (with the invitation's link and
//! message written in the same transaction), given organisation access or
//! ended, found by email for a login.

use crate::statement::Bindable;
use crate::Portal;
use crate::{NewMail, Scope, StoreError};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::portal::{LinkPurpose, PortalAccount};
use custodian_core::time::Timestamp;
use custodian_core::Refusal;
use custodian_core::{ContactId, OrganisationId, PortalAccountId, TenantId, UserId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

pub(super) const SELECT: &str =
    "SELECT account_id, contact_id, email, organisation_access, invited_at,
    activated_at, disabled_at, last_login_at FROM portal_accounts";

pub(super) fn from_row(row: &AnyRow) -> Result<PortalAccount, StoreError> {
    let time = |column: &str| -> Result<Option<Timestamp>, StoreError> {
        Ok(row.try_get::<Option<i64>, _>(column)?.map(Timestamp))
    };
    Ok(PortalAccount {
        id: PortalAccountId(row.try_get("account_id")?),
        contact_id: ContactId(row.try_get("contact_id")?),
        email: row.try_get("email")?,
        organisation_access: row.try_get::<i64, _>("organisation_access")? != 0,
        invited_at: Timestamp(row.try_get("invited_at")?),
        activated_at: time("activated_at")?,
        disabled_at: time("disabled_at")?,
        last_login_at: time("last_login_at")?,
        masked_fields: Vec::new(),
        reason_required_fields: Vec::new(),
    })
}

pub(super) async fn account_of(
    conn: &mut AnyConnection,
    tenant: TenantId,
    contact: ContactId,
) -> Result<Option<PortalAccount>, StoreError> {
    let row = sqlx::query(&format!(
        "{SELECT} WHERE tenant_id = $1 AND contact_id = $2"
    ))
    .bind_all((tenant.0, contact.0))
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// An account a login's email may belong to.
#[derive(Debug, Clone)]
pub struct PortalCandidate {
    pub tenant: TenantId,
    pub account: PortalAccount,
    pub password_hash: Option<String>,
}

/// Who a portal session or link belongs to: the account and the contact
/// person with their organisation.
#[derive(Debug, Clone)]
pub struct PortalIdentity {
    pub tenant: TenantId,
    pub account: PortalAccount,
    pub name: String,
    pub organisation_id: Option<OrganisationId>,
}

/// The columns an identity is read from: the account (`a`) and its
/// contact (`c`).
pub(super) const IDENTITY_COLUMNS: &str =
    "a.account_id, a.contact_id, a.email, a.organisation_access, a.invited_at, a.activated_at,
     a.disabled_at, a.last_login_at, c.first_name, c.last_name, c.organisation_id";

pub(super) async fn identity(
    conn: &mut AnyConnection,
    tenant: TenantId,
    account: PortalAccountId,
) -> Result<Option<PortalIdentity>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {IDENTITY_COLUMNS}
         FROM portal_accounts a JOIN contacts c ON c.tenant_id = a.tenant_id AND c.contact_id = a.contact_id
         WHERE a.tenant_id = $1 AND a.account_id = $2"
    ))
    .bind_all((tenant.0, account.0))
    .fetch_optional(conn)
    .await?;
    row.map(|row| identity_from_row(tenant, &row)).transpose()
}

/// An identity from a row of [`IDENTITY_COLUMNS`].
pub(super) fn identity_from_row(
    tenant: TenantId,
    row: &AnyRow,
) -> Result<PortalIdentity, StoreError> {
    let first: String = row.try_get("first_name")?;
    let last: String = row.try_get("last_name")?;
    Ok(PortalIdentity {
        tenant,
        account: from_row(row)?,
        name: format!("{first} {last}"),
        organisation_id: row
            .try_get::<Option<i64>, _>("organisation_id")?
            .map(OrganisationId),
    })
}

impl Portal<'_> {
    pub async fn portal_account_of(
        self,
        tenant: TenantId,
        contact: ContactId,
    ) -> Result<Option<PortalAccount>, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let account = account_of(&mut tx, tenant, contact).await?;
        tx.commit().await?;
        Ok(account)
    }

    /// Invites the contact (or invites them again): the account with this
    /// email, open again if it was ended, earlier invitation links spent, a
    /// new link, and the message carrying it, in one transaction.
    #[allow(clippy::too_many_arguments)]
    pub async fn invite_to_portal(
        self,
        scope: &Scope,
        contact: ContactId,
        email: &str,
        invited_by: UserId,
        token_hash: &str,
        expires_at: Timestamp,
        invitation: &NewMail,
    ) -> Result<PortalAccount, StoreError> {
        let tenant = scope.tenant;
        let mut tx = self.begin(tenant).await?;
        let now = Timestamp::now().0;
        let account = match account_of(&mut tx, tenant, contact).await? {
            Some(account) => {
                // An ended account opens again only with the new
                // invitation's password, never the old one.
                sqlx::query(
                    "UPDATE portal_accounts SET email = $1, invited_by = $2, invited_at = $3,
                        password_hash = CASE WHEN disabled_at IS NULL THEN password_hash ELSE NULL END,
                        disabled_at = NULL
                     WHERE tenant_id = $4 AND account_id = $5",
                )
                .bind_all((email, invited_by.0, now, tenant.0, account.id.0))
                .execute(&mut *tx)
                .await?;
                super::links::spend_open_links(&mut tx, tenant, account.id, now).await?;
                self.audit(
                    &mut tx,
                    scope,
                    AuditAction::Update,
                    RecordType::PortalAccount,
                    account.id.0,
                    &["email", "invited_at", "disabled_at"],
                )
                .await?;
                account.id
            }
            None => {
                let id = PortalAccountId(self.next_id());
                sqlx::query(
                    "INSERT INTO portal_accounts (tenant_id, account_id, contact_id, email, password_hash, organisation_access,
                     invited_by, invited_at, activated_at, disabled_at, last_login_at)
                     VALUES ($1, $2, $3, $4, NULL, 0, $5, $6, NULL, NULL, NULL)",
                )
                .bind_all((tenant.0, id.0, contact.0, email, invited_by.0, now))
                .execute(&mut *tx)
                .await?;
                self.audit(
                    &mut tx,
                    scope,
                    AuditAction::Create,
                    RecordType::PortalAccount,
                    id.0,
                    &["contact_id", "email"],
                )
                .await?;
                id
            }
        };
        super::links::insert_link(
            &mut tx,
            self.next_id(),
            tenant,
            account,
            LinkPurpose::Invitation,
            token_hash,
            expires_at,
        )
        .await?;
        self.enqueue_mail(&mut tx, scope, invitation).await?;
        let account = account_of(&mut tx, tenant, contact)
            .await?
            .ok_or(StoreError::Refused(Refusal::NotFound))?;
        tx.commit().await?;
        Ok(account)
    }

    /// Sets the organisation flag; ending access also ends the account's
    /// sessions and spends its links.
    pub async fn set_portal_access(
        self,
        scope: &Scope,
        contact: ContactId,
        organisation_access: bool,
        enabled: bool,
    ) -> Result<PortalAccount, StoreError> {
        let tenant = scope.tenant;
        let mut tx = self.begin(tenant).await?;
        let before = account_of(&mut tx, tenant, contact)
            .await?
            .ok_or(StoreError::Refused(Refusal::NotFound))?;
        let now = Timestamp::now().0;
        let disabled_at = match (enabled, before.disabled_at) {
            (true, _) => None,
            (false, Some(at)) => Some(at.0),
            (false, None) => Some(now),
        };
        sqlx::query(
            "UPDATE portal_accounts SET organisation_access = $1, disabled_at = $2 WHERE tenant_id = $3 AND account_id = $4",
        )
        .bind_all((i64::from(organisation_access), disabled_at, tenant.0, before.id.0))
        .execute(&mut *tx)
        .await?;
        if !enabled {
            sqlx::query("DELETE FROM portal_sessions WHERE tenant_id = $1 AND account_id = $2")
                .bind_all((tenant.0, before.id.0))
                .execute(&mut *tx)
                .await?;
            super::links::spend_open_links(&mut tx, tenant, before.id, now).await?;
        }
        let mut changed = Vec::new();
        if before.organisation_access != organisation_access {
            changed.push("organisation_access");
        }
        if before.disabled_at.map(|t| t.0) != disabled_at {
            changed.push("disabled_at");
        }
        if !changed.is_empty() {
            self.audit(
                &mut tx,
                scope,
                AuditAction::Update,
                RecordType::PortalAccount,
                before.id.0,
                &changed,
            )
            .await?;
        }
        let account = account_of(&mut tx, tenant, contact)
            .await?
            .ok_or(StoreError::Refused(Refusal::NotFound))?;
        tx.commit().await?;
        Ok(account)
    }

    /// The open accounts a login's email may be, in every tenant (the
    /// operator's path: the email is all a login gives).
    pub async fn portal_candidates(self, email: &str) -> Result<Vec<PortalCandidate>, StoreError> {
        let mut tx = self.begin_operator().await?;
        let rows = sqlx::query(
            "SELECT tenant_id, account_id, contact_id, email, organisation_access, invited_at, activated_at,
                    disabled_at, last_login_at, password_hash
             FROM portal_accounts WHERE email = $1 AND disabled_at IS NULL AND password_hash IS NOT NULL
             ORDER BY tenant_id LIMIT 10",
        )
        .bind(email)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        rows.iter()
            .map(|row| {
                Ok(PortalCandidate {
                    tenant: TenantId(row.try_get("tenant_id")?),
                    account: from_row(row)?,
                    password_hash: row.try_get("password_hash")?,
                })
            })
            .collect()
    }

    /// The tenant's portal accounts, oldest invitation first.
    pub async fn portal_accounts(
        self,
        tenant: TenantId,
        limit: i64,
    ) -> Result<Vec<PortalAccount>, StoreError> {
        self.read_rows(
            tenant,
            sqlx::query(&format!(
                "{SELECT} WHERE tenant_id = $1 ORDER BY invited_at, account_id LIMIT $2"
            ))
            .bind_all((tenant.0, limit)),
            from_row,
        )
        .await
    }

    pub async fn portal_identity(
        self,
        tenant: TenantId,
        account: PortalAccountId,
    ) -> Result<Option<PortalIdentity>, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let identity = identity(&mut tx, tenant, account).await?;
        tx.commit().await?;
        Ok(identity)
    }
}
