//! Registering for the portal without an invitation: the tenant's policy,
//! registrations waiting for their address to be confirmed (written with
//! the message carrying the link, in one transaction), and confirming one,
//! which makes the contact when it is new and the account, at once.

use super::accounts::account_of;
use crate::statement::Bindable;
use crate::Portal;
use crate::{NewMail, Scope, StoreError};
use custodian_core::audit::chain::ClientContext;
use custodian_core::audit::{Actor, ActorKind, AuditAction, RecordType};
use custodian_core::contacts::Contact;
use custodian_core::contacts::ContactFields;
use custodian_core::portal::registration::{RegistrationFields, RegistrationPolicy};
use custodian_core::portal::LinkProblem;
use custodian_core::time::Timestamp;
use custodian_core::{ContactId, PortalAccountId, Refusal, RegistrationId, TenantId};
use sqlx::{AnyConnection, Row};
use std::sync::Arc;

/// A registration waiting for its address to be confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRegistration {
    pub id: RegistrationId,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// The contact already known by this email when the person registered.
    pub contact_id: Option<ContactId>,
}

/// Who the confirmed registration's account belongs to.
#[derive(Debug, Clone, Copy)]
pub enum Registrant<'a> {
    /// A contact already in the CRM.
    Known(ContactId),
    /// A new contact, made with these fields.
    New(&'a ContactFields),
}

/// The registration behind a link, while it can be confirmed.
async fn pending(
    conn: &mut AnyConnection,
    tenant: TenantId,
    token_hash: &str,
) -> Result<Result<PendingRegistration, LinkProblem>, StoreError> {
    let row = sqlx::query(
        "SELECT registration_id, email, first_name, last_name, contact_id, expires_at
         FROM portal_registrations WHERE tenant_id = $1 AND token_hash = $2",
    )
    .bind_all((tenant.0, token_hash))
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(Err(LinkProblem::Unknown));
    };
    if row.try_get::<i64, _>("expires_at")? <= Timestamp::now().0 {
        return Ok(Err(LinkProblem::Expired));
    }
    Ok(Ok(PendingRegistration {
        id: RegistrationId(row.try_get("registration_id")?),
        email: row.try_get("email")?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        contact_id: row.try_get::<Option<i64>, _>("contact_id")?.map(ContactId),
    }))
}

/// Whether staff ended the portal access of an account with this address.
async fn address_ended(
    conn: &mut AnyConnection,
    tenant: TenantId,
    email: &str,
) -> Result<bool, StoreError> {
    let ended: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM portal_accounts WHERE tenant_id = $1 AND email = $2 AND disabled_at IS NOT NULL LIMIT 1",
    )
    .bind_all((tenant.0, email))
    .fetch_optional(&mut *conn)
    .await?;
    Ok(ended.is_some())
}

impl Portal<'_> {
    /// Whether staff ended the portal access of an account with this
    /// address (which a registration does not get back).
    pub async fn portal_address_ended(
        self,
        tenant: TenantId,
        email: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_read(tenant).await?;
        let ended = address_ended(&mut tx, tenant, email).await?;
        tx.commit().await?;
        Ok(ended)
    }

    /// Deletes the registrations of every tenant whose link expired,
    /// audited per tenant; returns how many went.
    pub async fn purge_expired_portal_registrations(self) -> Result<usize, StoreError> {
        let now = Timestamp::now();
        let mut tx = self.begin_operator().await?;
        let rows = sqlx::query(
            "SELECT tenant_id, registration_id FROM portal_registrations WHERE expires_at <= $1 ORDER BY tenant_id",
        )
        .bind(now.0)
        .fetch_all(&mut *tx)
        .await?;
        let mut expired: Vec<(TenantId, Vec<i64>)> = Vec::new();
        for row in &rows {
            let tenant = TenantId(row.try_get("tenant_id")?);
            let id: i64 = row.try_get("registration_id")?;
            match expired.last_mut() {
                Some((last, ids)) if *last == tenant => ids.push(id),
                _ => expired.push((tenant, vec![id])),
            }
        }
        sqlx::query("DELETE FROM portal_registrations WHERE expires_at <= $1")
            .bind(now.0)
            .execute(&mut *tx)
            .await?;
        for (tenant, ids) in &expired {
            let entries: Vec<crate::NewAuditEntry> = ids
                .iter()
                .map(|id| crate::NewAuditEntry {
                    actor: Actor::SYSTEM,
                    action: AuditAction::Delete,
                    record_type: RecordType::PortalRegistration,
                    record_id: *id,
                    fields: String::new(),
                    context: None,
                    occurred_at: now,
                    record_ids: Vec::new(),
                })
                .collect();
            self.append_audit(&mut tx, *tenant, &entries).await?;
        }
        tx.commit().await?;
        Ok(rows.len())
    }

    pub async fn portal_registration_policy(
        self,
        tenant: TenantId,
    ) -> Result<RegistrationPolicy, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        // A closed tenant takes no one.
        let policy: Option<String> = sqlx::query_scalar(
            "SELECT CASE WHEN closed_at IS NULL THEN portal_registration ELSE 'off' END FROM tenants WHERE tenant_id = $1",
        )
                .bind(tenant.0)
                .fetch_optional(&mut *tx)
                .await?;
        tx.commit().await?;
        let policy = policy.ok_or(StoreError::Refused(Refusal::NotFound))?;
        RegistrationPolicy::parse(&policy)
            .ok_or(StoreError::Corrupt("an unknown portal registration policy"))
    }

    pub async fn set_portal_registration_policy(
        self,
        scope: &Scope,
        policy: RegistrationPolicy,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        sqlx::query("UPDATE tenants SET portal_registration = $1 WHERE tenant_id = $2")
            .bind_all((policy.as_str(), scope.tenant.0))
            .execute(&mut *tx)
            .await?;
        self.audit(
            &mut tx,
            scope,
            AuditAction::Update,
            RecordType::Tenant,
            scope.tenant.0,
            &["portal_registration"],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Keeps a registration until its address is confirmed, with the
    /// message carrying the link.
    pub async fn create_portal_registration(
        self,
        scope: &Scope,
        fields: &RegistrationFields,
        known_contact: Option<ContactId>,
        token_hash: &str,
        expires_at: Timestamp,
        mail: &NewMail,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        let now = Timestamp::now().0;
        // A new registration of the address replaces the one before, so
        // one link at a time can confirm it.
        sqlx::query("DELETE FROM portal_registrations WHERE tenant_id = $1 AND email = $2")
            .bind_all((scope.tenant.0, &fields.email))
            .execute(&mut *tx)
            .await?;
        let id = self.next_id();
        sqlx::query(
            "INSERT INTO portal_registrations (tenant_id, registration_id, email, first_name, last_name, contact_id,
                 token_hash, expires_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind_all((scope.tenant.0, id, &fields.email, &fields.first_name, &fields.last_name, known_contact.map(|c| c.0), token_hash, expires_at.0, now))
        .execute(&mut *tx)
        .await?;
        self.audit(
            &mut tx,
            scope,
            AuditAction::Create,
            RecordType::PortalRegistration,
            id,
            &["email", "first_name", "last_name", "contact_id"],
        )
        .await?;
        self.enqueue_mail(&mut tx, scope, mail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The registration behind a confirmation link, while it can be used.
    pub async fn pending_portal_registration(
        self,
        tenant: TenantId,
        token_hash: &str,
    ) -> Result<Result<PendingRegistration, LinkProblem>, StoreError> {
        let mut tx = self.begin_read(tenant).await?;
        let found = pending(&mut tx, tenant, token_hash).await?;
        tx.commit().await?;
        Ok(found)
    }

    /// Confirms a registration, in one transaction: the registration goes
    /// (with any other of the address), the contact is made when new, and
    /// the account is made active with the password (or, for a contact
    /// invited at this address and not yet signed in, activated with it).
    /// An address whose access staff ended stays ended; an account that
    /// signs in already is never changed. Everything is recorded with the
    /// person as the actor.
    pub async fn confirm_portal_registration(
        self,
        tenant: TenantId,
        token_hash: &str,
        registrant: Registrant<'_>,
        password_hash: &str,
        client: Option<Arc<ClientContext>>,
    ) -> Result<Result<(ContactId, PortalAccountId), LinkProblem>, StoreError> {
        let mut tx = self.begin(tenant).await?;
        let registration = match pending(&mut tx, tenant, token_hash).await? {
            Ok(registration) => registration,
            Err(problem) => return Ok(Err(problem)),
        };
        // Spent before anything else, and only once: of two confirmations
        // at the same moment, one finds nothing to spend.
        let spent = sqlx::query(
            "DELETE FROM portal_registrations WHERE tenant_id = $1 AND email = $2 AND expires_at > $3",
        )
        .bind_all((tenant.0, &registration.email, Timestamp::now().0))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if spent == 0 {
            return Ok(Err(LinkProblem::Used));
        }
        if address_ended(&mut tx, tenant, &registration.email).await? {
            return Ok(Err(LinkProblem::Ended));
        }
        let contact = match registrant {
            Registrant::Known(contact) => contact,
            Registrant::New(_) => ContactId(self.next_id()),
        };
        let scope = Scope::new(
            tenant,
            Actor {
                kind: ActorKind::Contact,
                id: contact.0,
            },
        )
        .with_context(client);
        match registrant {
            Registrant::New(fields) => {
                self.insert_record_as::<Contact>(&mut tx, &scope, contact.0, fields)
                    .await?
            }
            Registrant::Known(_) => {
                crate::rows::require_reference(
                    &mut tx,
                    "contacts",
                    "contact_id",
                    tenant.0,
                    Some(contact.0),
                    "contact_id",
                )
                .await
                .map_err(|_| StoreError::Refused(Refusal::NotFound))?;
            }
        }
        self.audit(
            &mut tx,
            &scope,
            AuditAction::Delete,
            RecordType::PortalRegistration,
            registration.id.0,
            &[],
        )
        .await?;
        let now = Timestamp::now().0;
        let account = match account_of(&mut tx, tenant, contact).await? {
            Some(account) if account.disabled_at.is_some() => {
                return Ok(Err(LinkProblem::Ended));
            }
            // An account that signs in, or one invited at another address,
            // is not the registration's to change.
            Some(account)
                if account.activated_at.is_some() || account.email != registration.email =>
            {
                return Ok(Err(LinkProblem::Taken));
            }
            Some(account) => {
                sqlx::query(
                    "UPDATE portal_accounts SET email = $1, password_hash = $2, activated_at = COALESCE(activated_at, $3)
                     WHERE tenant_id = $4 AND account_id = $5",
                )
                .bind_all((&registration.email, password_hash, now, tenant.0, account.id.0))
                .execute(&mut *tx)
                .await?;
                // Earlier links (an invitation) would set another password.
                super::links::spend_open_links(&mut tx, tenant, account.id, now).await?;
                sqlx::query("DELETE FROM portal_sessions WHERE tenant_id = $1 AND account_id = $2")
                    .bind_all((tenant.0, account.id.0))
                    .execute(&mut *tx)
                    .await?;
                self.audit(
                    &mut tx,
                    &scope,
                    AuditAction::Update,
                    RecordType::PortalAccount,
                    account.id.0,
                    &["email", "password_hash", "activated_at"],
                )
                .await?;
                account.id
            }
            None => {
                let id = PortalAccountId(self.next_id());
                sqlx::query(
                    "INSERT INTO portal_accounts (tenant_id, account_id, contact_id, email, password_hash, organisation_access,
                     invited_by, invited_at, activated_at, disabled_at, last_login_at)
                     VALUES ($1, $2, $3, $4, $5, 0, NULL, $6, $6, NULL, NULL)",
                )
                .bind_all((tenant.0, id.0, contact.0, &registration.email, password_hash, now))
                .execute(&mut *tx)
                .await?;
                self.audit(
                    &mut tx,
                    &scope,
                    AuditAction::Create,
                    RecordType::PortalAccount,
                    id.0,
                    &["contact_id", "email", "password_hash", "activated_at"],
                )
                .await?;
                id
            }
        };
        tx.commit().await?;
        Ok(Ok((contact, account)))
    }
}
