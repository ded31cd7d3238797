//! Contacts: storage, search entry and audit.

use crate::page::{
    count_rows, finish_page, keyset, sort_name, Arg, Cursor, CursorKey, ListQuery, SortKey, Sql,
};
use crate::rows::{address, require_owner, split_lines};
use crate::search::{self, SearchEntry};
use crate::statement::Bindable;
use crate::stored::{plain_new_fields, plain_record_steps, NewRecord, StoredRecord};
use crate::{Reach, Store, StoreError};
use custodian_core::audit::RecordType;
use custodian_core::contacts::{Contact, ContactFields, Gender};
use custodian_core::page::Page;
use custodian_core::search::contact_terms;
use custodian_core::sorting::{prefix_key, sort_key};
use custodian_core::time::Timestamp;
use custodian_core::{ContactId, OrganisationId, Refusal, TenantId, UserId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

const SELECT: &str = "SELECT c.contact_id, c.owner_id,
    (SELECT ow.display_name FROM users ow WHERE ow.tenant_id = c.tenant_id AND ow.user_id = c.owner_id) AS owner_name,
    c.organisation_id, o.name AS organisation_name, c.gender,
    c.first_name, c.last_name, c.position, c.emails, c.phones,
    c.work_street, c.work_postcode, c.work_city, c.work_country, c.created_at, c.updated_at, c.version, c.restricted_at, c.marketing_objection_at
    FROM contacts c LEFT JOIN organisations o ON o.tenant_id = c.tenant_id AND o.organisation_id = c.organisation_id";

const SORT_KEYS: &[SortKey] = &[
    SortKey {
        name: "last_name",
        column: "c.sort_name",
        text: true,
    },
    SortKey {
        name: "created",
        column: "c.created_at",
        text: false,
    },
];

fn from_row(row: &AnyRow) -> Result<Contact, StoreError> {
    let gender: Option<String> = row.try_get("gender")?;
    Ok(Contact {
        id: ContactId(row.try_get("contact_id")?),
        owner_id: row.try_get::<Option<i64>, _>("owner_id")?.map(UserId),
        owner_name: row.try_get("owner_name")?,
        organisation_id: row
            .try_get::<Option<i64>, _>("organisation_id")?
            .map(OrganisationId),
        organisation_name: row.try_get("organisation_name")?,
        gender: gender.and_then(|g| Gender::parse(&g).ok()),
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        position: row.try_get("position")?,
        emails: split_lines(row.try_get("emails")?),
        phones: split_lines(row.try_get("phones")?),
        work_address: address(row, "work")?,
        created_at: Timestamp(row.try_get("created_at")?),
        updated_at: Timestamp(row.try_get("updated_at")?),
        restricted_since: row
            .try_get::<Option<i64>, _>("restricted_at")?
            .map(Timestamp),
        marketing_objection_since: row
            .try_get::<Option<i64>, _>("marketing_objection_at")?
            .map(Timestamp),
        masked_fields: Vec::new(),
        reason_required_fields: Vec::new(),
        version: row.try_get("version")?,
    })
}

pub(crate) async fn load(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: ContactId,
) -> Result<Contact, StoreError> {
    let row = sqlx::query(&format!(
        "{SELECT} WHERE c.tenant_id = $1 AND c.contact_id = $2"
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
    id: ContactId,
    f: &ContactFields,
) -> Result<(), StoreError> {
    // The employer must exist; its name goes into the search entry.
    let organisation_name: Option<String> = match f.organisation_id {
        Some(org) => Some(
            sqlx::query_scalar(
                "SELECT name FROM organisations WHERE tenant_id = $1 AND organisation_id = $2",
            )
            .bind_all((tenant.0, org.0))
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::Refused(Refusal::UnknownReference {
                field: "organisation_id",
            }))?,
        ),
        None => None,
    };
    require_owner(&mut *conn, tenant.0, f.owner_id).await?;
    let emails: Vec<&str> = f.emails.iter().map(|e| e.as_str()).collect();
    let phones: Vec<&str> = f.phones.iter().map(|p| p.as_str()).collect();
    sqlx::query(
        "UPDATE contacts SET organisation_id = $1, gender = $2, first_name = $3, last_name = $4, position = $5,
            emails = $6, phones = $7, work_street = $8, work_postcode = $9, work_city = $10, work_country = $11,
            sort_name = $12, owner_id = $15
         WHERE tenant_id = $13 AND contact_id = $14",
    )
    .bind_all((f.organisation_id.map(|o| o.0), f.gender.map(|g| g.as_str()), &f.first_name, &f.last_name, f.position.as_deref(), emails.join("\n"), phones.join("\n"), f.work_address.street.as_deref(), f.work_address.postcode.as_deref(), f.work_address.city.as_deref(), f.work_address.country.as_deref(), sort_key(&[&f.last_name, &f.first_name]), tenant.0, id.0, f.owner_id.map(|o| o.0)))
    .execute(&mut *conn)
    .await?;
    let label = format!("{} {}", f.first_name, f.last_name);
    let detail = [organisation_name.as_deref(), emails.first().copied()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    let terms = contact_terms(&f.first_name, &f.last_name, &emails, &phones);
    search::upsert(
        conn,
        tenant,
        SearchEntry {
            record_type: "contact",
            record_id: id.0,
            label: &label,
            detail: &detail,
            terms: &terms,
        },
    )
    .await
}

impl StoredRecord for Contact {
    type Id = ContactId;
    type Fields = ContactFields;
    const TABLE: &'static str = "contacts";
    const ID_COLUMN: &'static str = "contact_id";
    const RECORD_TYPE: RecordType = RecordType::Contact;

    plain_record_steps!(ContactId, ContactFields);

    async fn delete_dependents(
        conn: &mut AnyConnection,
        tenant: TenantId,
        id: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE assets SET contact_id = NULL WHERE tenant_id = $1 AND contact_id = $2")
            .bind_all((tenant.0, id))
            .execute(&mut *conn)
            .await?;
        // Consent proof stays (what was agreed when), without the address
        // and browser it was given from, as an erasure leaves it.
        sqlx::query(
            "UPDATE consent_events SET source_ip = NULL, user_agent = NULL WHERE tenant_id = $1 AND contact_id = $2",
        )
        .bind_all((tenant.0, id))
        .execute(&mut *conn)
        .await?;
        sqlx::query("DELETE FROM activity_contacts WHERE tenant_id = $1 AND contact_id = $2")
            .bind_all((tenant.0, id))
            .execute(&mut *conn)
            .await?;
        // Their tickets stay the organisation's, without a requester (an
        // erasure, unlike a delete, takes them).
        for (table, column) in [
            ("tickets", "contact_id"),
            ("ticket_messages", "author_contact_id"),
            ("ticket_attachments", "uploaded_by_contact"),
        ] {
            sqlx::query(&format!(
                "UPDATE {table} SET {column} = NULL WHERE tenant_id = $1 AND {column} = $2"
            ))
            .bind_all((tenant.0, id))
            .execute(&mut *conn)
            .await?;
        }
        // Their portal access ends with them.
        for table in ["portal_sessions", "portal_links"] {
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE tenant_id = $1 AND account_id IN
                 (SELECT account_id FROM portal_accounts WHERE tenant_id = $1 AND contact_id = $2)"
            ))
            .bind_all((tenant.0, id))
            .execute(&mut *conn)
            .await?;
        }
        sqlx::query("DELETE FROM portal_accounts WHERE tenant_id = $1 AND contact_id = $2")
            .bind_all((tenant.0, id))
            .execute(&mut *conn)
            .await?;
        // Messages to a deleted person are neither sent nor kept.
        sqlx::query("DELETE FROM outbox WHERE tenant_id = $1 AND contact_id = $2")
            .bind_all((tenant.0, id))
            .execute(&mut *conn)
            .await?;
        search::remove(conn, tenant, "contact", id).await?;
        Ok(())
    }
}

impl NewRecord for Contact {
    async fn insert_row(
        conn: &mut AnyConnection,
        tenant: TenantId,
        id: i64,
        fields: &ContactFields,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO contacts (tenant_id, contact_id, first_name, last_name, emails, phones, created_at, updated_at, version)
             VALUES ($1, $2, $3, $4, '', '', $5, $5, 1)",
        )
        .bind_all((tenant.0, id, &fields.first_name, &fields.last_name, now.0))
        .execute(conn)
        .await?;
        Ok(())
    }

    plain_new_fields!(ContactId, ContactFields);
}

impl Store {
    pub async fn list_contacts(
        &self,
        tenant: TenantId,
        query: &ListQuery,
    ) -> Result<Page<Contact>, StoreError> {
        let mut sql = Sql::new(SELECT);
        let t = sql.arg(Arg::Int(tenant.0));
        sql.push(&format!(" WHERE c.tenant_id = {t}"));
        if let Some(org) = query.organisation_id {
            let o = sql.arg(Arg::Int(org));
            sql.push(&format!(" AND c.organisation_id = {o}"));
        }
        if let Some(prefix) = query.name_prefix.as_deref().map(prefix_key) {
            let from = sql.arg(Arg::Text(prefix.clone()));
            let to = sql.arg(Arg::Text(format!("{prefix}\u{10ffff}")));
            sql.push(&format!(
                " AND c.sort_name >= {from} AND c.sort_name < {to}"
            ));
        }
        query
            .reach
            .restrict(&mut sql, tenant, RecordType::Contact, "c");
        let counting = keyset(&mut sql, SORT_KEYS, "c.contact_id", query)?;
        let mut tx = self.read_one(tenant).await?;
        let rows = sql.query().fetch_all(&mut *tx).await?;
        let total = count_rows(&mut tx, counting).await?;
        tx.commit().await?;
        let items = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
        let sort = sort_name(SORT_KEYS, query);
        Ok(finish_page(items, query, total, |c| Cursor {
            key: if sort == "last_name" {
                CursorKey::Text(sort_key(&[&c.last_name, &c.first_name]))
            } else {
                CursorKey::Int(c.created_at.0)
            },
            id: c.id.0,
            backwards: false,
        }))
    }

    /// Contacts for a choice list, optionally of one organisation. Across
    /// organisations the label names the employer, so two Erik Brauns can
    /// be told apart.
    pub async fn contact_choices(
        &self,
        tenant: TenantId,
        organisation: Option<OrganisationId>,
        reach: Reach,
        limit: i64,
    ) -> Result<Vec<(ContactId, String)>, StoreError> {
        let mut sql = Sql::new(
            "SELECT c.contact_id, c.first_name, c.last_name, o.name AS organisation_name FROM contacts c
             LEFT JOIN organisations o ON o.tenant_id = c.tenant_id AND o.organisation_id = c.organisation_id",
        );
        let t = sql.arg(Arg::Int(tenant.0));
        sql.push(&format!(" WHERE c.tenant_id = {t}"));
        if let Some(org) = organisation {
            let o = sql.arg(Arg::Int(org.0));
            sql.push(&format!(" AND c.organisation_id = {o}"));
        }
        reach.restrict(&mut sql, tenant, RecordType::Contact, "c");
        let l = sql.arg(Arg::Int(limit));
        sql.push(&format!(" ORDER BY c.sort_name, c.contact_id LIMIT {l}"));
        let mut tx = self.read_one(tenant).await?;
        let rows = sql.query().fetch_all(&mut *tx).await?;
        tx.commit().await?;
        rows.iter()
            .map(|r| {
                let first: String = r.try_get("first_name")?;
                let last: String = r.try_get("last_name")?;
                let employer: Option<String> = r.try_get("organisation_name")?;
                let label = match employer.filter(|_| organisation.is_none()) {
                    Some(employer) => format!("{first} {last} · {employer}"),
                    None => format!("{first} {last}"),
                };
                Ok((ContactId(r.try_get("contact_id")?), label))
            })
            .collect()
    }
}
