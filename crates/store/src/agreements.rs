//! Agreements: contracts with organisations.

use crate::page::{
    count_rows, finish_page, keyset, sort_name, Arg, Cursor, CursorKey, ListQuery, SortKey, Sql,
};
use crate::rows::require_reference;
use crate::statement::Bindable;
use crate::stored::{plain_new_fields, plain_record_steps, NewRecord, StoredRecord};
use crate::{Store, StoreError};
use custodian_core::agreements::{Agreement, AgreementFields, AgreementStatus, Money};
use custodian_core::audit::RecordType;
use custodian_core::page::Page;
use custodian_core::time::{CalendarDate, Timestamp};
use custodian_core::{AgreementId, OrganisationId, Refusal, TenantId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

pub(crate) const SELECT: &str = "SELECT g.agreement_id, g.title, g.organisation_id, o.name AS organisation_name, g.start_date, g.end_date,
    g.value_minor, g.currency, g.status, g.created_at, g.updated_at, g.version
    FROM agreements g JOIN organisations o ON o.tenant_id = g.tenant_id AND o.organisation_id = g.organisation_id";

const SORT_KEYS: &[SortKey] = &[
    SortKey {
        name: "start_date",
        column: "g.start_date",
        text: true,
    },
    SortKey {
        name: "title",
        column: "g.title",
        text: true,
    },
    SortKey {
        name: "created",
        column: "g.created_at",
        text: false,
    },
];

pub(crate) fn from_row(row: &AnyRow) -> Result<Agreement, StoreError> {
    let start: String = row.try_get("start_date")?;
    let end: Option<String> = row.try_get("end_date")?;
    let status: String = row.try_get("status")?;
    let corrupt = || StoreError::Database(sqlx::Error::Decode("invalid agreement row".into()));
    Ok(Agreement {
        id: AgreementId(row.try_get("agreement_id")?),
        title: row.try_get("title")?,
        organisation_id: OrganisationId(row.try_get("organisation_id")?),
        organisation_name: row.try_get("organisation_name")?,
        start_date: CalendarDate::parse(&start).ok_or_else(corrupt)?,
        end_date: end.as_deref().and_then(CalendarDate::parse),
        value: Money {
            minor_units: row.try_get("value_minor")?,
        }
        .to_decimal(),
        currency: row.try_get("currency")?,
        status: AgreementStatus::parse(&status).map_err(|_| corrupt())?,
        created_at: Timestamp(row.try_get("created_at")?),
        updated_at: Timestamp(row.try_get("updated_at")?),
        masked_fields: Vec::new(),
        reason_required_fields: Vec::new(),
        version: row.try_get("version")?,
    })
}

async fn load(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: AgreementId,
) -> Result<Agreement, StoreError> {
    let row = sqlx::query(&format!(
        "{SELECT} WHERE g.tenant_id = $1 AND g.agreement_id = $2"
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
    id: AgreementId,
    f: &AgreementFields,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE agreements SET title = $1, organisation_id = $2, start_date = $3, end_date = $4, value_minor = $5,
            currency = $6, status = $7 WHERE tenant_id = $8 AND agreement_id = $9",
    )
    .bind_all((&f.title, f.organisation_id.0, f.start_date.to_iso(), f.end_date.map(|d| d.to_iso()), f.value.minor_units, &f.currency, f.status.as_str(), tenant.0, id.0))
    .execute(conn)
    .await?;
    Ok(())
}

impl StoredRecord for Agreement {
    type Id = AgreementId;
    type Fields = AgreementFields;
    const TABLE: &'static str = "agreements";
    const ID_COLUMN: &'static str = "agreement_id";
    const RECORD_TYPE: RecordType = RecordType::Agreement;

    plain_record_steps!(AgreementId, AgreementFields);
}

impl NewRecord for Agreement {
    async fn insert_row(
        conn: &mut AnyConnection,
        tenant: TenantId,
        id: i64,
        fields: &AgreementFields,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        require_reference(
            &mut *conn,
            "organisations",
            "organisation_id",
            tenant.0,
            Some(fields.organisation_id.0),
            "organisation_id",
        )
        .await?;
        sqlx::query(
            "INSERT INTO agreements (tenant_id, agreement_id, title, organisation_id, start_date, value_minor, currency, status, created_at, updated_at, version)
             VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8, $8, 1)",
        )
        .bind_all((tenant.0, id, &fields.title, fields.organisation_id.0, fields.start_date.to_iso(), &fields.currency, fields.status.as_str(), now.0))
        .execute(conn)
        .await?;
        Ok(())
    }

    plain_new_fields!(AgreementId, AgreementFields);
}

impl Store {
    pub async fn list_agreements(
        &self,
        tenant: TenantId,
        query: &ListQuery,
    ) -> Result<Page<Agreement>, StoreError> {
        let mut sql = Sql::new(SELECT);
        let t = sql.arg(Arg::Int(tenant.0));
        sql.push(&format!(" WHERE g.tenant_id = {t}"));
        if let Some(org) = query.organisation_id {
            let o = sql.arg(Arg::Int(org));
            sql.push(&format!(" AND g.organisation_id = {o}"));
        }
        if let Some(status) = &query.kind {
            let s = sql.arg(Arg::Text(status.clone()));
            sql.push(&format!(" AND g.status = {s}"));
        }
        query
            .reach
            .restrict(&mut sql, tenant, RecordType::Agreement, "g");
        let counting = keyset(&mut sql, SORT_KEYS, "g.agreement_id", query)?;
        let mut tx = self.read_one(tenant).await?;
        let rows = sql.query().fetch_all(&mut *tx).await?;
        let total = count_rows(&mut tx, counting).await?;
        tx.commit().await?;
        let items = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
        let sort = sort_name(SORT_KEYS, query);
        Ok(finish_page(items, query, total, |g| Cursor {
            key: match sort {
                "title" => CursorKey::Text(g.title.clone()),
                "created" => CursorKey::Int(g.created_at.0),
                _ => CursorKey::Text(g.start_date.to_iso()),
            },
            id: g.id.0,
            backwards: false,
        }))
    }
}
