//! Processing purposes: storage and audit. A new tenant starts with the
//! default purposes of `custodian_core::purposes::defaults`.

use crate::statement::Bindable;
use crate::Privacy;
use crate::{Scope, Store, StoreError};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::catalog::Category;
use custodian_core::purposes::{defaults, LawfulBasis, Purpose, PurposeFields, SpecialCondition};
use custodian_core::time::Timestamp;
use custodian_core::Refusal;
use custodian_core::{PurposeId, TenantId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

const COLUMNS: &str = "purpose_id, name, description, lawful_basis, special_category_condition, categories, retention, recipients, direct_marketing";

fn from_row(row: &AnyRow) -> Result<Purpose, StoreError> {
    let basis: String = row.try_get("lawful_basis")?;
    let condition: Option<String> = row.try_get("special_category_condition")?;
    let categories: String = row.try_get("categories")?;
    let recipients: String = row.try_get("recipients")?;
    Ok(Purpose {
        id: PurposeId(row.try_get("purpose_id")?),
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        lawful_basis: LawfulBasis::parse(&basis).ok_or(StoreError::Corrupt(
            "a purpose with an unknown lawful basis",
        ))?,
        special_category_condition: condition.as_deref().and_then(SpecialCondition::parse),
        categories: categories
            .split(',')
            .filter_map(Category::parse)
            .map(Category::as_str)
            .collect(),
        retention: row.try_get("retention")?,
        recipients: recipients
            .lines()
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .collect(),
        direct_marketing: row.try_get::<i64, _>("direct_marketing")? != 0,
    })
}

fn category_names(fields: &PurposeFields) -> String {
    fields
        .categories
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Inserts one purpose inside an open transaction.
async fn insert(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: PurposeId,
    fields: &PurposeFields,
) -> Result<(), StoreError> {
    let now = Timestamp::now().0;
    sqlx::query(
        "INSERT INTO purposes (tenant_id, purpose_id, name, description, lawful_basis, special_category_condition,
                               categories, retention, recipients, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
    )
    .bind_all((tenant.0, id.0, &fields.name, fields.description.as_deref(), fields.lawful_basis.as_str(), fields.special_category_condition.map(|c| c.as_str()), category_names(fields), &fields.retention, fields.recipients.join("\n"), now))
    .execute(&mut *conn)
    .await
    .map_err(StoreError::unique_as("name"))?;
    // A separate statement: the column came with migration 17, after the
    // backfill of migration 13 that also inserts here (without it).
    if fields.direct_marketing {
        sqlx::query(
            "UPDATE purposes SET direct_marketing = 1 WHERE tenant_id = $1 AND purpose_id = $2",
        )
        .bind_all((tenant.0, id.0))
        .execute(conn)
        .await?;
    }
    Ok(())
}

impl Store {
    /// Gives a tenant the default purposes (at its creation, and once for
    /// tenants that existed before purposes did).
    pub(crate) async fn seed_default_purposes(
        &self,
        conn: &mut AnyConnection,
        tenant: TenantId,
    ) -> Result<(), StoreError> {
        for fields in defaults() {
            insert(&mut *conn, tenant, PurposeId(self.next_id()), &fields).await?;
        }
        Ok(())
    }
}

impl Privacy<'_> {
    pub async fn purposes(self, tenant: TenantId) -> Result<Vec<Purpose>, StoreError> {
        self.read_rows(
            tenant,
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM purposes WHERE tenant_id = $1 ORDER BY name, purpose_id"
            ))
            .bind(tenant.0),
            from_row,
        )
        .await
    }

    pub async fn purpose(self, tenant: TenantId, id: PurposeId) -> Result<Purpose, StoreError> {
        self.read_row(
            tenant,
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM purposes WHERE tenant_id = $1 AND purpose_id = $2"
            ))
            .bind_all((tenant.0, id.0)),
            from_row,
        )
        .await
    }

    pub async fn create_purpose(
        self,
        scope: &Scope,
        fields: &PurposeFields,
    ) -> Result<Purpose, StoreError> {
        let id = PurposeId(self.next_id());
        let mut tx = self.begin(scope.tenant).await?;
        insert(&mut tx, scope.tenant, id, fields).await?;
        self.audit(
            &mut tx,
            scope,
            AuditAction::Create,
            RecordType::Purpose,
            id.0,
            &FIELDS,
        )
        .await?;
        tx.commit().await?;
        self.purpose(scope.tenant, id).await
    }

    pub async fn update_purpose(
        self,
        scope: &Scope,
        id: PurposeId,
        fields: &PurposeFields,
    ) -> Result<Purpose, StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        let updated = sqlx::query(
            "UPDATE purposes SET name = $1, description = $2, lawful_basis = $3, special_category_condition = $4,
                                 categories = $5, retention = $6, recipients = $7, updated_at = $8,
                                 direct_marketing = $11
             WHERE tenant_id = $9 AND purpose_id = $10",
        )
        .bind_all((&fields.name, fields.description.as_deref(), fields.lawful_basis.as_str(), fields.special_category_condition.map(|c| c.as_str()), category_names(fields), &fields.retention, fields.recipients.join("\n"), Timestamp::now().0, scope.tenant.0, id.0, i64::from(fields.direct_marketing)))
        .execute(&mut *tx)
        .await
        .map_err(StoreError::unique_as("name"))?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::Refused(Refusal::NotFound));
        }
        self.audit(
            &mut tx,
            scope,
            AuditAction::Update,
            RecordType::Purpose,
            id.0,
            &FIELDS,
        )
        .await?;
        tx.commit().await?;
        self.purpose(scope.tenant, id).await
    }

    pub async fn delete_purpose(self, scope: &Scope, id: PurposeId) -> Result<(), StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        let texts: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM consent_texts WHERE tenant_id = $1 AND purpose_id = $2",
        )
        .bind_all((scope.tenant.0, id.0))
        .fetch_one(&mut *tx)
        .await?;
        if texts > 0 {
            return Err(StoreError::Refused(Refusal::InUse(
                "Subjects consented to this purpose's texts; the purpose stays as proof.",
            )));
        }
        let deleted = sqlx::query("DELETE FROM purposes WHERE tenant_id = $1 AND purpose_id = $2")
            .bind_all((scope.tenant.0, id.0))
            .execute(&mut *tx)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::Refused(Refusal::NotFound));
        }
        self.audit(
            &mut tx,
            scope,
            AuditAction::Delete,
            RecordType::Purpose,
            id.0,
            &[],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

const FIELDS: [&str; 8] = [
    "name",
    "description",
    "lawful_basis",
    "special_category_condition",
    "categories",
    "retention",
    "recipients",
    "direct_marketing",
];

/// Migration 13: the default purposes for every tenant that exists.
pub(crate) async fn backfill_default_purposes(
    store: &Store,
    conn: &mut AnyConnection,
) -> Result<(), StoreError> {
    let tenants: Vec<i64> = sqlx::query_scalar("SELECT tenant_id FROM tenants ORDER BY tenant_id")
        .fetch_all(&mut *conn)
        .await?;
    for tenant in tenants {
        for mut fields in defaults() {
            // Migration 17 marks direct marketing for these tenants.
            fields.direct_marketing = false;
            insert(
                &mut *conn,
                TenantId(tenant),
                PurposeId(store.next_id()),
                &fields,
            )
            .await?;
        }
    }
    Ok(())
}
