//! Tenants: created and listed by the operator.

use crate::statement::Bindable;
use crate::{Store, StoreError};
use custodian_core::audit::chain::GENESIS;
use custodian_core::time::Timestamp;
use custodian_core::Refusal;
use custodian_core::TenantId;
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    pub id: TenantId,
    pub name: String,
    pub created_at: Timestamp,
}

impl Store {
    pub async fn create_tenant(&self, name: &str) -> Result<Tenant, StoreError> {
        let tenant = Tenant {
            id: TenantId(self.next_id()),
            name: name.to_string(),
            created_at: Timestamp::now(),
        };
        let mut tx = self.begin_operator().await?;
        sqlx::query("INSERT INTO tenants (tenant_id, name, created_at) VALUES ($1, $2, $3)")
            .bind_all((tenant.id.0, &tenant.name, tenant.created_at.0))
            .execute(&mut *tx)
            .await?;
        // The head row exists from the start, so appending can always lock it.
        sqlx::query("INSERT INTO audit_heads (tenant_id, seq, entry_hash) VALUES ($1, 0, $2)")
            .bind_all((tenant.id.0, GENESIS.to_vec()))
            .execute(&mut *tx)
            .await?;
        self.seed_default_purposes(&mut tx, tenant.id).await?;
        self.seed_default_rules(&mut tx, tenant.id).await?;
        tx.commit().await?;
        Ok(tenant)
    }

    pub async fn find_tenant_by_name(&self, name: &str) -> Result<Option<Tenant>, StoreError> {
        let mut tx = self.begin_operator().await?;
        let row = sqlx::query("SELECT tenant_id, name, created_at FROM tenants WHERE name = $1 ORDER BY tenant_id LIMIT 1")
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        row.map(|row| {
            Ok(Tenant {
                id: TenantId(row.try_get("tenant_id")?),
                name: row.try_get("name")?,
                created_at: Timestamp(row.try_get("created_at")?),
            })
        })
        .transpose()
    }

    pub async fn tenant(&self, id: TenantId) -> Result<Tenant, StoreError> {
        let mut tx = self.read_one(id).await?;
        let row =
            sqlx::query("SELECT tenant_id, name, created_at FROM tenants WHERE tenant_id = $1")
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::Refused(Refusal::NotFound))?;
        tx.commit().await?;
        Ok(Tenant {
            id: TenantId(row.try_get("tenant_id")?),
            name: row.try_get("name")?,
            created_at: Timestamp(row.try_get("created_at")?),
        })
    }
}
