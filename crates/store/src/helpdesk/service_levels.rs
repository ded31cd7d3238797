//! The tenant's service levels, laid over the defaults.

use crate::statement::Bindable;
use crate::Helpdesk;
use crate::{Scope, StoreError};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::helpdesk::{ServiceLevel, ServiceLevels, TicketPriority};
use custodian_core::time::Timestamp;
use custodian_core::TenantId;
use sqlx::{AnyConnection, Row};

pub(super) async fn load_levels(
    conn: &mut AnyConnection,
    tenant: TenantId,
) -> Result<ServiceLevels, StoreError> {
    let rows = sqlx::query(
        "SELECT priority, first_response_minutes, resolution_minutes FROM ticket_service_levels WHERE tenant_id = $1",
    )
    .bind(tenant.0)
    .fetch_all(conn)
    .await?;
    let mut levels = Vec::with_capacity(rows.len());
    for row in &rows {
        let priority: String = row.try_get(0)?;
        let priority = TicketPriority::parse(&priority)
            .ok_or(StoreError::Corrupt("an unknown ticket priority"))?;
        levels.push(ServiceLevel {
            priority,
            first_response_minutes: row.try_get(1)?,
            resolution_minutes: row.try_get(2)?,
        });
    }
    Ok(ServiceLevels::with(levels))
}

impl Helpdesk<'_> {
    pub async fn service_levels(self, tenant: TenantId) -> Result<ServiceLevels, StoreError> {
        let mut tx = self.begin_read(tenant).await?;
        let levels = load_levels(&mut tx, tenant).await?;
        tx.commit().await?;
        Ok(levels)
    }

    /// Stores every priority's times. Tickets already raised keep their due
    /// times until their priority changes.
    pub async fn set_service_levels(
        self,
        scope: &Scope,
        levels: &ServiceLevels,
    ) -> Result<ServiceLevels, StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        let now = Timestamp::now().0;
        for level in &levels.levels {
            sqlx::query(
                "INSERT INTO ticket_service_levels (tenant_id, priority, first_response_minutes, resolution_minutes, updated_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (tenant_id, priority) DO UPDATE SET first_response_minutes = $3, resolution_minutes = $4, updated_at = $5",
            )
            .bind_all((scope.tenant.0, level.priority.as_str(), level.first_response_minutes, level.resolution_minutes, now))
            .execute(&mut *tx)
            .await?;
        }
        self.audit(
            &mut tx,
            scope,
            AuditAction::Update,
            RecordType::Tenant,
            scope.tenant.0,
            &["ticket_service_levels"],
        )
        .await?;
        let levels = load_levels(&mut tx, scope.tenant).await?;
        tx.commit().await?;
        Ok(levels)
    }
}
