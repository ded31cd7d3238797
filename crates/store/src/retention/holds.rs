//! Legal holds: placing, releasing, listing, and what the active holds of a
//! tenant cover (an organisation's hold spread to its contacts).

use crate::statement::Bindable;
use crate::Retention;
use crate::{Scope, StoreError};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::retention::{HeldSet, HoldTarget, LegalHold, NewHold};
use custodian_core::time::Timestamp;
use custodian_core::{LegalHoldId, Refusal, TenantId, UserId};
use sqlx::any::AnyRow;
use sqlx::Row;

const COLUMNS: &str = "hold_id, target_type, target_id, reason, owner_id, review_on, created_at, released_at, release_reason";

fn from_row(row: &AnyRow) -> Result<LegalHold, StoreError> {
    let target: String = row.try_get("target_type")?;
    Ok(LegalHold {
        id: LegalHoldId(row.try_get("hold_id")?),
        target: HoldTarget::parse(&target).ok_or(StoreError::Corrupt(
            "a legal hold on an unknown kind of record",
        ))?,
        target_id: row.try_get("target_id")?,
        reason: row.try_get("reason")?,
        owner_id: UserId(row.try_get("owner_id")?),
        review_on: row.try_get("review_on")?,
        created_at: Timestamp(row.try_get("created_at")?),
        released_at: row.try_get::<Option<i64>, _>("released_at")?.map(Timestamp),
        release_reason: row.try_get("release_reason")?,
    })
}

impl Retention<'_> {
    /// Active holds first (soonest review first), then released ones.
    pub async fn legal_hold_list(self, tenant: TenantId) -> Result<Vec<LegalHold>, StoreError> {
        self.read_rows(
            tenant,
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM legal_holds WHERE tenant_id = $1
             ORDER BY CASE WHEN released_at IS NULL THEN 0 ELSE 1 END, review_on, hold_id"
            ))
            .bind(tenant.0),
            from_row,
        )
        .await
    }

    pub async fn legal_hold(
        self,
        tenant: TenantId,
        id: LegalHoldId,
    ) -> Result<LegalHold, StoreError> {
        self.read_row(
            tenant,
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM legal_holds WHERE tenant_id = $1 AND hold_id = $2"
            ))
            .bind_all((tenant.0, id.0)),
            from_row,
        )
        .await
    }

    /// Places a hold; the record it names must exist in the tenant.
    pub async fn place_legal_hold(
        self,
        scope: &Scope,
        hold: &NewHold,
        owner: i64,
        created_by: i64,
    ) -> Result<LegalHold, StoreError> {
        let id = self.next_id();
        let mut tx = self.begin(scope.tenant).await?;
        let (table, key) = match hold.target {
            HoldTarget::Contact => ("contacts", "contact_id"),
            HoldTarget::Organisation => ("organisations", "organisation_id"),
            HoldTarget::Activity => ("activities", "activity_id"),
        };
        let exists: Option<i64> = sqlx::query_scalar(&format!(
            "SELECT {key} FROM {table} WHERE tenant_id = $1 AND {key} = $2"
        ))
        .bind_all((scope.tenant.0, hold.target_id))
        .fetch_optional(&mut *tx)
        .await?;
        if exists.is_none() {
            return Err(StoreError::Refused(Refusal::UnknownReference {
                field: "target_id",
            }));
        }
        let owner_exists: Option<i64> =
            sqlx::query_scalar("SELECT user_id FROM users WHERE tenant_id = $1 AND user_id = $2")
                .bind_all((scope.tenant.0, owner))
                .fetch_optional(&mut *tx)
                .await?;
        if owner_exists.is_none() {
            return Err(StoreError::Refused(Refusal::UnknownReference {
                field: "owner_id",
            }));
        }
        sqlx::query(
            "INSERT INTO legal_holds (tenant_id, hold_id, target_type, target_id, reason, owner_id,
                                      review_on, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind_all((
            scope.tenant.0,
            id,
            hold.target.as_str(),
            hold.target_id,
            &hold.reason,
            owner,
            hold.review_on.to_iso(),
            created_by,
            Timestamp::now().0,
        ))
        .execute(&mut *tx)
        .await?;
        self.audit(
            &mut tx,
            scope,
            AuditAction::Create,
            RecordType::LegalHold,
            id,
            &["reason"],
        )
        .await?;
        tx.commit().await?;
        self.legal_hold(scope.tenant, LegalHoldId(id)).await
    }

    /// Releases an active hold; a released hold stays listed.
    pub async fn release_legal_hold(
        self,
        scope: &Scope,
        id: LegalHoldId,
        released_by: i64,
        reason: &str,
    ) -> Result<LegalHold, StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        let changed = sqlx::query(
            "UPDATE legal_holds SET released_at = $3, released_by = $4, release_reason = $5
             WHERE tenant_id = $1 AND hold_id = $2 AND released_at IS NULL",
        )
        .bind_all((
            scope.tenant.0,
            id.0,
            Timestamp::now().0,
            released_by,
            reason,
        ))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            let exists: Option<i64> = sqlx::query_scalar(
                "SELECT hold_id FROM legal_holds WHERE tenant_id = $1 AND hold_id = $2",
            )
            .bind_all((scope.tenant.0, id.0))
            .fetch_optional(&mut *tx)
            .await?;
            return Err(match exists {
                None => StoreError::Refused(Refusal::NotFound),
                Some(_) => StoreError::Refused(Refusal::InUse("This hold was already released.")),
            });
        }
        self.audit(
            &mut tx,
            scope,
            AuditAction::Update,
            RecordType::LegalHold,
            id.0,
            &["released_at", "release_reason"],
        )
        .await?;
        tx.commit().await?;
        self.legal_hold(scope.tenant, id).await
    }

    /// What the tenant's active holds cover: held contacts, organisations
    /// (and their contacts) and activities.
    pub async fn held_set(self, tenant: TenantId) -> Result<HeldSet, StoreError> {
        let mut tx = self.begin_read(tenant).await?;
        let rows = sqlx::query(
            "SELECT target_type, target_id FROM legal_holds WHERE tenant_id = $1 AND released_at IS NULL",
        )
        .bind(tenant.0)
        .fetch_all(&mut *tx)
        .await?;
        let mut held = HeldSet::default();
        for row in &rows {
            let target: String = row.try_get(0)?;
            let id: i64 = row.try_get(1)?;
            match HoldTarget::parse(&target) {
                Some(HoldTarget::Contact) => held.contacts.insert(id),
                Some(HoldTarget::Organisation) => held.organisations.insert(id),
                Some(HoldTarget::Activity) => held.activities.insert(id),
                None => {
                    return Err(StoreError::Corrupt(
                        "a legal hold on an unknown kind of record",
                    ))
                }
            };
        }
        for organisation in held.organisations.clone() {
            let contacts: Vec<i64> = sqlx::query_scalar(
                "SELECT contact_id FROM contacts WHERE tenant_id = $1 AND organisation_id = $2",
            )
            .bind_all((tenant.0, organisation))
            .fetch_all(&mut *tx)
            .await?;
            held.contacts.extend(contacts);
        }
        tx.commit().await?;
        Ok(held)
    }
}
