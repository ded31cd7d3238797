//! Assets: the installed base of products at customers.

use crate::page::{
    count_rows, finish_page, keyset, sort_name, Arg, Cursor, CursorKey, ListQuery, SortKey, Sql,
};
use crate::rows::require_reference;
use crate::statement::Bindable;
use crate::stored::{plain_new_fields, plain_record_steps, NewRecord, StoredRecord};
use crate::{Store, StoreError};
use custodian_core::assets::{Asset, AssetFields};
use custodian_core::audit::RecordType;
use custodian_core::page::Page;
use custodian_core::time::Timestamp;
use custodian_core::{AssetId, ContactId, OrganisationId, Refusal, TenantId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

const SELECT: &str =
    "SELECT asset_id, product_name, serial_number, control_code, organisation_id, contact_id,
    created_at, updated_at, version FROM assets";

const SORT_KEYS: &[SortKey] = &[
    SortKey {
        name: "serial_number",
        column: "serial_number",
        text: true,
    },
    SortKey {
        name: "created",
        column: "created_at",
        text: false,
    },
];

fn from_row(row: &AnyRow) -> Result<Asset, StoreError> {
    Ok(Asset {
        id: AssetId(row.try_get("asset_id")?),
        product_name: row.try_get("product_name")?,
        serial_number: row.try_get("serial_number")?,
        control_code: row.try_get("control_code")?,
        organisation_id: row
            .try_get::<Option<i64>, _>("organisation_id")?
            .map(OrganisationId),
        contact_id: row.try_get::<Option<i64>, _>("contact_id")?.map(ContactId),
        created_at: Timestamp(row.try_get("created_at")?),
        updated_at: Timestamp(row.try_get("updated_at")?),
        version: row.try_get("version")?,
    })
}

async fn load(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: AssetId,
) -> Result<Asset, StoreError> {
    let row = sqlx::query(&format!("{SELECT} WHERE tenant_id = $1 AND asset_id = $2"))
        .bind_all((tenant.0, id.0))
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::Refused(Refusal::NotFound))?;
    from_row(&row)
}

async fn write_fields(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: AssetId,
    f: &AssetFields,
) -> Result<(), StoreError> {
    require_reference(
        conn,
        "organisations",
        "organisation_id",
        tenant.0,
        f.organisation_id.map(|o| o.0),
        "organisation_id",
    )
    .await?;
    require_reference(
        conn,
        "contacts",
        "contact_id",
        tenant.0,
        f.contact_id.map(|c| c.0),
        "contact_id",
    )
    .await?;
    sqlx::query(
        "UPDATE assets SET product_name = $1, serial_number = $2, control_code = $3, organisation_id = $4, contact_id = $5
         WHERE tenant_id = $6 AND asset_id = $7",
    )
    .bind_all((&f.product_name, &f.serial_number, f.control_code.as_deref(), f.organisation_id.map(|o| o.0), f.contact_id.map(|c| c.0), tenant.0, id.0))
    .execute(conn)
    .await?;
    Ok(())
}

impl StoredRecord for Asset {
    type Id = AssetId;
    type Fields = AssetFields;
    const TABLE: &'static str = "assets";
    const ID_COLUMN: &'static str = "asset_id";
    const RECORD_TYPE: RecordType = RecordType::Asset;

    plain_record_steps!(AssetId, AssetFields);
}

impl NewRecord for Asset {
    async fn insert_row(
        conn: &mut AnyConnection,
        tenant: TenantId,
        id: i64,
        fields: &AssetFields,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO assets (tenant_id, asset_id, product_name, serial_number, created_at, updated_at, version)
             VALUES ($1, $2, $3, $4, $5, $5, 1)",
        )
        .bind_all((tenant.0, id, &fields.product_name, &fields.serial_number, now.0))
        .execute(conn)
        .await?;
        Ok(())
    }

    plain_new_fields!(AssetId, AssetFields);
}

impl Store {
    pub async fn list_assets(
        &self,
        tenant: TenantId,
        query: &ListQuery,
    ) -> Result<Page<Asset>, StoreError> {
        let mut sql = Sql::new(SELECT);
        let t = sql.arg(Arg::Int(tenant.0));
        sql.push(&format!(" WHERE tenant_id = {t}"));
        if let Some(org) = query.organisation_id {
            let o = sql.arg(Arg::Int(org));
            sql.push(&format!(" AND organisation_id = {o}"));
        }
        if let Some(contact) = query.contact_id {
            let c = sql.arg(Arg::Int(contact));
            sql.push(&format!(" AND contact_id = {c}"));
        }
        if let Some(prefix) = query.name_prefix.as_deref() {
            let from = sql.arg(Arg::Text(prefix.to_string()));
            let to = sql.arg(Arg::Text(format!("{prefix}\u{10ffff}")));
            sql.push(&format!(
                " AND serial_number >= {from} AND serial_number < {to}"
            ));
        }
        query
            .reach
            .restrict(&mut sql, tenant, RecordType::Asset, "assets");
        let counting = keyset(&mut sql, SORT_KEYS, "asset_id", query)?;
        let mut tx = self.read_one(tenant).await?;
        let rows = sql.query().fetch_all(&mut *tx).await?;
        let total = count_rows(&mut tx, counting).await?;
        tx.commit().await?;
        let items = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
        let sort = sort_name(SORT_KEYS, query);
        Ok(finish_page(items, query, total, |a| Cursor {
            key: if sort == "serial_number" {
                CursorKey::Text(a.serial_number.clone())
            } else {
                CursorKey::Int(a.created_at.0)
            },
            id: a.id.0,
            backwards: false,
        }))
    }
}
