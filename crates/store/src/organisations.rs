//! Organisations: storage, search entry and audit.

use crate::page::{
    count_rows, finish_page, keyset, sort_name, Arg, Cursor, CursorKey, ListQuery, SortKey, Sql,
};
use crate::rows::{address, require_owner};
use crate::search::{self, SearchEntry};
use crate::statement::Bindable;
use crate::stored::{plain_new_fields, plain_record_steps, NewRecord, StoredRecord};
use crate::{Reach, Store, StoreError};
use custodian_core::audit::RecordType;
use custodian_core::organisations::{Organisation, OrganisationFields};
use custodian_core::page::Page;
use custodian_core::search::document_terms;
use custodian_core::sorting::{prefix_key, sort_key};
use custodian_core::time::Timestamp;
use custodian_core::{OrganisationId, Refusal, TenantId, UserId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

const SELECT: &str = "SELECT organisation_id, name, website, account_number, phone,
    billing_street, billing_postcode, billing_city, billing_country,
    postal_street, postal_postcode, postal_city, postal_country, created_at, updated_at, version,
    organisations.owner_id, (SELECT ow.display_name FROM users ow
        WHERE ow.tenant_id = organisations.tenant_id AND ow.user_id = organisations.owner_id) AS owner_name
    FROM organisations";

const SORT_KEYS: &[SortKey] = &[
    SortKey {
        name: "name",
        column: "sort_name",
        text: true,
    },
    SortKey {
        name: "created",
        column: "created_at",
        text: false,
    },
];

fn from_row(row: &AnyRow) -> Result<Organisation, StoreError> {
    Ok(Organisation {
        id: OrganisationId(row.try_get("organisation_id")?),
        name: row.try_get("name")?,
        owner_id: row.try_get::<Option<i64>, _>("owner_id")?.map(UserId),
        owner_name: row.try_get("owner_name")?,
        website: row.try_get("website")?,
        account_number: row.try_get("account_number")?,
        phone: row.try_get("phone")?,
        billing_address: address(row, "billing")?,
        postal_address: address(row, "postal")?,
        created_at: Timestamp(row.try_get("created_at")?),
        updated_at: Timestamp(row.try_get("updated_at")?),
        version: row.try_get("version")?,
    })
}

async fn load(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: OrganisationId,
) -> Result<Organisation, StoreError> {
    let row = sqlx::query(&format!(
        "{SELECT} WHERE tenant_id = $1 AND organisation_id = $2"
    ))
    .bind_all((tenant.0, id.0))
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::Refused(Refusal::NotFound))?;
    from_row(&row)
}

async fn write_fields(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: OrganisationId,
    f: &OrganisationFields,
) -> Result<(), StoreError> {
    require_owner(&mut *conn, tenant.0, f.owner_id).await?;
    sqlx::query(
        "UPDATE organisations SET name = $1, website = $2, account_number = $3, phone = $4,
            billing_street = $5, billing_postcode = $6, billing_city = $7, billing_country = $8,
            postal_street = $9, postal_postcode = $10, postal_city = $11, postal_country = $12,
            sort_name = $13, owner_id = $16
         WHERE tenant_id = $14 AND organisation_id = $15",
    )
    .bind_all((
        &f.name,
        f.website.as_ref().map(|w| w.as_str()),
        f.account_number.as_deref(),
        f.phone.as_ref().map(|p| p.as_str()),
        f.billing_address.street.as_deref(),
        f.billing_address.postcode.as_deref(),
        f.billing_address.city.as_deref(),
        f.billing_address.country.as_deref(),
        f.postal_address.street.as_deref(),
        f.postal_address.postcode.as_deref(),
        f.postal_address.city.as_deref(),
        f.postal_address.country.as_deref(),
        sort_key(&[&f.name]),
        tenant.0,
        id.0,
        f.owner_id.map(|o| o.0),
    ))
    .execute(&mut *conn)
    .await
    .map_err(StoreError::unique_as("account_number"))?;
    let detail = [
        f.account_number.as_deref(),
        f.billing_address.city.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let website_host = f
        .website
        .as_ref()
        .map(|w| {
            w.as_str()
                .split("://")
                .nth(1)
                .unwrap_or("")
                .split('/')
                .next()
                .unwrap_or("")
                .to_string()
        })
        .unwrap_or_default();
    let terms = document_terms(
        &[
            &f.name,
            f.account_number.as_deref().unwrap_or(""),
            &website_host,
        ],
        &[f.phone.as_ref().map_or("", |p| p.as_str())],
    );
    search::upsert(
        conn,
        tenant,
        SearchEntry {
            record_type: "organisation",
            record_id: id.0,
            label: &f.name,
            detail: &detail,
            terms: &terms,
        },
    )
    .await
}

impl StoredRecord for Organisation {
    type Id = OrganisationId;
    type Fields = OrganisationFields;
    const TABLE: &'static str = "organisations";
    const ID_COLUMN: &'static str = "organisation_id";
    const RECORD_TYPE: RecordType = RecordType::Organisation;

    plain_record_steps!(OrganisationId, OrganisationFields);

    async fn delete_dependents(
        conn: &mut AnyConnection,
        tenant: TenantId,
        id: i64,
    ) -> Result<(), StoreError> {
        let agreements: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM agreements WHERE tenant_id = $1 AND organisation_id = $2",
        )
        .bind_all((tenant.0, id))
        .fetch_one(&mut *conn)
        .await?;
        if agreements > 0 {
            return Err(StoreError::Refused(Refusal::InUse(
                "The organisation still has agreements; delete or move them first.",
            )));
        }
        for table in ["contacts", "activities", "assets", "tickets"] {
            sqlx::query(&format!("UPDATE {table} SET organisation_id = NULL WHERE tenant_id = $1 AND organisation_id = $2"))
                .bind_all((tenant.0, id))
                .execute(&mut *conn)
                .await?;
        }
        search::remove(conn, tenant, "organisation", id).await?;
        Ok(())
    }
}

impl NewRecord for Organisation {
    async fn insert_row(
        conn: &mut AnyConnection,
        tenant: TenantId,
        id: i64,
        fields: &OrganisationFields,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO organisations (tenant_id, organisation_id, name, created_at, updated_at, version)
             VALUES ($1, $2, $3, $4, $4, 1)",
        )
        .bind_all((tenant.0, id, &fields.name, now.0))
        .execute(conn)
        .await?;
        Ok(())
    }

    plain_new_fields!(OrganisationId, OrganisationFields);
}

impl Store {
    pub async fn list_organisations(
        &self,
        tenant: TenantId,
        query: &ListQuery,
    ) -> Result<Page<Organisation>, StoreError> {
        let mut sql = Sql::new(SELECT);
        let t = sql.arg(Arg::Int(tenant.0));
        sql.push(&format!(" WHERE tenant_id = {t}"));
        if let Some(prefix) = query.name_prefix.as_deref().map(prefix_key) {
            let from = sql.arg(Arg::Text(prefix.clone()));
            let to = sql.arg(Arg::Text(format!("{prefix}\u{10ffff}")));
            sql.push(&format!(" AND sort_name >= {from} AND sort_name < {to}"));
        }
        query
            .reach
            .restrict(&mut sql, tenant, RecordType::Organisation, "organisations");
        let counting = keyset(&mut sql, SORT_KEYS, "organisation_id", query)?;
        let mut tx = self.read_one(tenant).await?;
        let rows = sql.query().fetch_all(&mut *tx).await?;
        let total = count_rows(&mut tx, counting).await?;
        tx.commit().await?;
        let items = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
        let sort = sort_name(SORT_KEYS, query);
        Ok(finish_page(items, query, total, |o| Cursor {
            key: if sort == "name" {
                CursorKey::Text(sort_key(&[&o.name]))
            } else {
                CursorKey::Int(o.created_at.0)
            },
            id: o.id.0,
            backwards: false,
        }))
    }

    /// Organisations for a choice list (id, name), by name.
    pub async fn organisation_choices(
        &self,
        tenant: TenantId,
        reach: Reach,
        limit: i64,
    ) -> Result<Vec<(OrganisationId, String)>, StoreError> {
        let mut sql = Sql::new("SELECT organisation_id, name FROM organisations");
        let t = sql.arg(Arg::Int(tenant.0));
        sql.push(&format!(" WHERE tenant_id = {t}"));
        reach.restrict(&mut sql, tenant, RecordType::Organisation, "organisations");
        let l = sql.arg(Arg::Int(limit));
        sql.push(&format!(" ORDER BY sort_name, organisation_id LIMIT {l}"));
        let mut tx = self.read_one(tenant).await?;
        let rows = sql.query().fetch_all(&mut *tx).await?;
        tx.commit().await?;
        rows.iter()
            .map(|r| {
                Ok((
                    OrganisationId(r.try_get("organisation_id")?),
                    r.try_get("name")?,
                ))
            })
            .collect()
    }
}
