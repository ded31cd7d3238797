//! The tenant's own roles, and the tenant's access settings: how far the
//! built-in sales and support roles reach, and which catalog categories
//! need a stated reason to be read.

use crate::statement::Bindable;
use crate::{Scope, Store, StoreError};
use custodian_core::access::RecordScope;
use custodian_core::access_settings::AccessSettings;
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::custom_roles::{CustomRole, RoleFields};
use custodian_core::grants::{BuiltInReach, Categories, Grants};
use custodian_core::time::Timestamp;
use custodian_core::Refusal;
use custodian_core::{RoleId, TenantId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

const ROLE_COLUMNS: &str = "role_id, name, label, permissions, categories, record_scope";

fn role_from(row: &AnyRow) -> Result<CustomRole, StoreError> {
    let permissions: String = row.try_get("permissions")?;
    let categories: String = row.try_get("categories")?;
    let reach: String = row.try_get("record_scope")?;
    Ok(CustomRole {
        id: RoleId(row.try_get("role_id")?),
        name: row.try_get("name")?,
        label: row.try_get("label")?,
        grants: Grants::from_stored(&permissions, &categories, &reach),
    })
}

pub(crate) fn reach_of(stored: &str) -> RecordScope {
    RecordScope::parse(stored).unwrap_or(RecordScope::Own)
}

/// The tenant roles named in `names`, read inside an open transaction.
pub(crate) async fn held_roles(
    conn: &mut AnyConnection,
    tenant: TenantId,
    names: &[String],
) -> Result<Vec<CustomRole>, StoreError> {
    let mut roles = Vec::new();
    // A user holds a handful of roles; one indexed lookup each.
    for name in names {
        let row = sqlx::query(&format!(
            "SELECT {ROLE_COLUMNS} FROM roles WHERE tenant_id = $1 AND name = $2"
        ))
        .bind_all((tenant.0, name))
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(row) = row {
            roles.push(role_from(&row)?);
        }
    }
    Ok(roles)
}

impl Store {
    pub async fn custom_roles(&self, tenant: TenantId) -> Result<Vec<CustomRole>, StoreError> {
        self.read_rows(
            tenant,
            sqlx::query(&format!(
                "SELECT {ROLE_COLUMNS} FROM roles WHERE tenant_id = $1 ORDER BY label, role_id"
            ))
            .bind(tenant.0),
            role_from,
        )
        .await
    }

    pub async fn custom_role(
        &self,
        tenant: TenantId,
        id: RoleId,
    ) -> Result<CustomRole, StoreError> {
        self.read_row(
            tenant,
            sqlx::query(&format!(
                "SELECT {ROLE_COLUMNS} FROM roles WHERE tenant_id = $1 AND role_id = $2"
            ))
            .bind_all((tenant.0, id.0)),
            role_from,
        )
        .await
    }

    pub async fn create_custom_role(
        &self,
        scope: &Scope,
        fields: &RoleFields,
    ) -> Result<CustomRole, StoreError> {
        let id = RoleId(self.next_id());
        let now = Timestamp::now().0;
        let mut tx = self.begin(scope.tenant).await?;
        sqlx::query(
            "INSERT INTO roles (tenant_id, role_id, name, label, permissions, categories, record_scope, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind_all((scope.tenant.0, id.0, &fields.name, &fields.label, fields.grants.permission_names(), fields.grants.categories().to_names(), fields.grants.reach().as_str(), now))
        .execute(&mut *tx)
        .await
        .map_err(StoreError::unique_as("name"))?;
        self.audit(
            &mut tx,
            scope,
            AuditAction::Create,
            RecordType::Role,
            id.0,
            &["name", "label", "permissions", "categories", "record_scope"],
        )
        .await?;
        tx.commit().await?;
        self.custom_role(scope.tenant, id).await
    }

    /// Changes a role's label, permissions, categories and reach; its name
    /// stays, because users' role lists hold it.
    pub async fn update_custom_role(
        &self,
        scope: &Scope,
        id: RoleId,
        fields: &RoleFields,
    ) -> Result<CustomRole, StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        let before = sqlx::query(&format!(
            "SELECT {ROLE_COLUMNS} FROM roles WHERE tenant_id = $1 AND role_id = $2"
        ))
        .bind_all((scope.tenant.0, id.0))
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::Refused(Refusal::NotFound))?;
        let before = role_from(&before)?;
        sqlx::query(
            "UPDATE roles SET label = $1, permissions = $2, categories = $3, record_scope = $4, updated_at = $5
             WHERE tenant_id = $6 AND role_id = $7",
        )
        .bind_all((&fields.label, fields.grants.permission_names(), fields.grants.categories().to_names(), fields.grants.reach().as_str(), Timestamp::now().0, scope.tenant.0, id.0))
        .execute(&mut *tx)
        .await?;
        let mut changed = Vec::new();
        if before.label != fields.label {
            changed.push("label");
        }
        if before.grants.permission_names() != fields.grants.permission_names() {
            changed.push("permissions");
        }
        if before.grants.categories() != fields.grants.categories() {
            changed.push("categories");
        }
        if before.grants.reach() != fields.grants.reach() {
            changed.push("record_scope");
        }
        self.audit(
            &mut tx,
            scope,
            AuditAction::Update,
            RecordType::Role,
            id.0,
            &changed,
        )
        .await?;
        tx.commit().await?;
        self.custom_role(scope.tenant, id).await
    }

    /// Deletes a role nobody holds; refused while a user holds it.
    pub async fn delete_custom_role(&self, scope: &Scope, id: RoleId) -> Result<(), StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        let name: String =
            sqlx::query_scalar("SELECT name FROM roles WHERE tenant_id = $1 AND role_id = $2")
                .bind_all((scope.tenant.0, id.0))
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::Refused(Refusal::NotFound))?;
        let holders: Vec<String> =
            sqlx::query_scalar("SELECT roles FROM users WHERE tenant_id = $1")
                .bind(scope.tenant.0)
                .fetch_all(&mut *tx)
                .await?;
        if holders
            .iter()
            .any(|roles| roles.split(',').any(|r| r == name))
        {
            return Err(StoreError::Refused(Refusal::InUse(
                "Users hold this role. Take it from them first.",
            )));
        }
        sqlx::query("DELETE FROM roles WHERE tenant_id = $1 AND role_id = $2")
            .bind_all((scope.tenant.0, id.0))
            .execute(&mut *tx)
            .await?;
        self.audit(
            &mut tx,
            scope,
            AuditAction::Delete,
            RecordType::Role,
            id.0,
            &[],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn access_settings(&self, tenant: TenantId) -> Result<AccessSettings, StoreError> {
        self.read_row(tenant, sqlx::query(
            "SELECT sales_record_scope, support_record_scope, sensitive_categories FROM tenants WHERE tenant_id = $1",
        )
        .bind(tenant.0), access_settings_from).await
    }

    pub async fn set_access_settings(
        &self,
        scope: &Scope,
        settings: &AccessSettings,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        sqlx::query(
            "UPDATE tenants SET sales_record_scope = $1, support_record_scope = $2, sensitive_categories = $3
             WHERE tenant_id = $4",
        )
        .bind_all((settings.built_in_reach.sales.as_str(), settings.built_in_reach.support.as_str(), settings.sensitive.to_names(), scope.tenant.0))
        .execute(&mut *tx)
        .await?;
        self.audit(
            &mut tx,
            scope,
            AuditAction::Update,
            RecordType::Tenant,
            scope.tenant.0,
            &[
                "sales_record_scope",
                "support_record_scope",
                "sensitive_categories",
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Reads the access settings from a row that selected the tenant's three
/// columns.
pub(crate) fn access_settings_from(row: &AnyRow) -> Result<AccessSettings, StoreError> {
    let sales: String = row.try_get("sales_record_scope")?;
    let support: String = row.try_get("support_record_scope")?;
    let sensitive: String = row.try_get("sensitive_categories")?;
    Ok(AccessSettings {
        built_in_reach: BuiltInReach {
            sales: reach_of(&sales),
            support: reach_of(&support),
        },
        sensitive: Categories::from_names(&sensitive),
    })
}
