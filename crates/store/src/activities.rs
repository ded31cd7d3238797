//! Activities and their links to contacts: the timelines.

use crate::page::{
    count_rows, finish_page, keyset, Arg, Cursor, CursorKey, ListQuery, SortKey, Sql,
};
use crate::rows::require_reference;
use crate::statement::Bindable;
use crate::stored::{FieldValues, StoredRecord};
use crate::{Scope, Store, StoreError};
use custodian_core::activities::{Activity, ActivityFields, ActivityKind, LinkedContact};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::page::Page;
use custodian_core::time::Timestamp;
use custodian_core::{ActivityId, ContactId, OrganisationId, Refusal, TenantId, UserId};
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;

const SELECT: &str =
    "SELECT a.activity_id, a.kind, a.occurred_at, a.author_id, u.display_name AS author_name,
    a.subject, a.body, a.organisation_id, a.created_at, a.updated_at, a.version
    FROM activities a LEFT JOIN users u ON u.tenant_id = a.tenant_id AND u.user_id = a.author_id";

const SORT_KEYS: &[SortKey] = &[SortKey {
    name: "occurred_at",
    column: "a.occurred_at",
    text: false,
}];
/// A contact's timeline walks the link table's (contact, time) index.
const CONTACT_SORT_KEYS: &[SortKey] = &[SortKey {
    name: "occurred_at",
    column: "ac.occurred_at",
    text: false,
}];

fn from_row(row: &AnyRow) -> Result<Activity, StoreError> {
    let kind: String = row.try_get("kind")?;
    Ok(Activity {
        id: ActivityId(row.try_get("activity_id")?),
        kind: ActivityKind::parse(&kind).unwrap_or(ActivityKind::Note),
        occurred_at: Timestamp(row.try_get("occurred_at")?),
        author_id: row.try_get::<Option<i64>, _>("author_id")?.map(UserId),
        author_name: row.try_get("author_name")?,
        subject: row.try_get("subject")?,
        body: row.try_get("body")?,
        organisation_id: row
            .try_get::<Option<i64>, _>("organisation_id")?
            .map(OrganisationId),
        contacts: Vec::new(),
        created_at: Timestamp(row.try_get("created_at")?),
        updated_at: Timestamp(row.try_get("updated_at")?),
        masked_fields: Vec::new(),
        reason_required_fields: Vec::new(),
        version: row.try_get("version")?,
    })
}

/// Fills in the linked contacts of the given activities with one query.
async fn attach_contacts(
    conn: &mut AnyConnection,
    tenant: TenantId,
    activities: &mut [Activity],
) -> Result<(), StoreError> {
    if activities.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new(
        "SELECT ac.activity_id, c.contact_id, c.first_name, c.last_name FROM activity_contacts ac
         JOIN contacts c ON c.tenant_id = ac.tenant_id AND c.contact_id = ac.contact_id",
    );
    let t = sql.arg(Arg::Int(tenant.0));
    let ids: Vec<String> = activities
        .iter()
        .map(|a| sql.arg(Arg::Int(a.id.0)))
        .collect();
    sql.push(&format!(
        " WHERE ac.tenant_id = {t} AND ac.activity_id IN ({}) ORDER BY c.last_name, c.contact_id",
        ids.join(", ")
    ));
    let rows = sql.query().fetch_all(conn).await?;
    let mut by_activity: HashMap<i64, Vec<LinkedContact>> = HashMap::new();
    for row in &rows {
        let first: String = row.try_get("first_name")?;
        let last: String = row.try_get("last_name")?;
        by_activity
            .entry(row.try_get("activity_id")?)
            .or_default()
            .push(LinkedContact {
                id: ContactId(row.try_get("contact_id")?),
                name: format!("{first} {last}"),
            });
    }
    for activity in activities {
        activity.contacts = by_activity.remove(&activity.id.0).unwrap_or_default();
    }
    Ok(())
}

async fn load(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: ActivityId,
) -> Result<Activity, StoreError> {
    let row = sqlx::query(&format!(
        "{SELECT} WHERE a.tenant_id = $1 AND a.activity_id = $2"
    ))
    .bind_all((tenant.0, id.0))
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::Refused(Refusal::NotFound))?;
    let mut activity = [from_row(&row)?];
    attach_contacts(conn, tenant, &mut activity).await?;
    let [activity] = activity;
    Ok(activity)
}

/// Checks the references, picks the organisation and writes fields and links.
/// Checks the links and finds the organisation an activity belongs to: the
/// one given, or else the first linked contact's employer.
async fn resolve_organisation(
    conn: &mut AnyConnection,
    tenant: TenantId,
    f: &ActivityFields,
) -> Result<Option<i64>, StoreError> {
    let mut employer = None;
    for (n, contact) in f.contact_ids.iter().enumerate() {
        let found: Option<Option<i64>> = sqlx::query_scalar(
            "SELECT organisation_id FROM contacts WHERE tenant_id = $1 AND contact_id = $2",
        )
        .bind_all((tenant.0, contact.0))
        .fetch_optional(&mut *conn)
        .await?;
        match found {
            None => {
                return Err(StoreError::Refused(Refusal::UnknownReference {
                    field: "contact_ids",
                }))
            }
            Some(org) if n == 0 => employer = org,
            Some(_) => {}
        }
    }
    match f.organisation_id {
        Some(org) => {
            require_reference(
                conn,
                "organisations",
                "organisation_id",
                tenant.0,
                Some(org.0),
                "organisation_id",
            )
            .await?;
            Ok(Some(org.0))
        }
        None => Ok(employer),
    }
}

/// Links the activity to its contacts, in one statement.
async fn link_contacts(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: ActivityId,
    f: &ActivityFields,
) -> Result<(), StoreError> {
    if f.contact_ids.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new(
        "INSERT INTO activity_contacts (tenant_id, activity_id, contact_id, occurred_at) VALUES ",
    );
    for (n, contact) in f.contact_ids.iter().enumerate() {
        let t = sql.arg(Arg::Int(tenant.0));
        let a = sql.arg(Arg::Int(id.0));
        let c = sql.arg(Arg::Int(contact.0));
        let o = sql.arg(Arg::Int(f.occurred_at.0));
        let separator = if n == 0 { "" } else { ", " };
        sql.push(&format!("{separator}({t}, {a}, {c}, {o})"));
    }
    sql.query().execute(&mut *conn).await?;
    Ok(())
}

/// Replaces an existing activity's fields and contact links.
async fn write_fields(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: ActivityId,
    f: &ActivityFields,
) -> Result<(), StoreError> {
    let organisation_id = resolve_organisation(conn, tenant, f).await?;
    sqlx::query(
        "UPDATE activities SET kind = $1, occurred_at = $2, subject = $3, body = $4, organisation_id = $5
         WHERE tenant_id = $6 AND activity_id = $7",
    )
    .bind_all((f.kind.as_str(), f.occurred_at.0, &f.subject, &f.body, organisation_id, tenant.0, id.0))
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM activity_contacts WHERE tenant_id = $1 AND activity_id = $2")
        .bind_all((tenant.0, id.0))
        .execute(&mut *conn)
        .await?;
    link_contacts(conn, tenant, id, f).await
}

impl StoredRecord for Activity {
    type Id = ActivityId;
    type Fields = ActivityFields;
    const TABLE: &'static str = "activities";
    const ID_COLUMN: &'static str = "activity_id";
    const RECORD_TYPE: RecordType = RecordType::Activity;

    async fn load(conn: &mut AnyConnection, tenant: TenantId, id: i64) -> Result<Self, StoreError> {
        load(conn, tenant, ActivityId(id)).await
    }

    async fn write(
        conn: &mut AnyConnection,
        tenant: TenantId,
        id: i64,
        _before: &Self,
        fields: &ActivityFields,
        _now: Timestamp,
    ) -> Result<FieldValues, StoreError> {
        write_fields(conn, tenant, ActivityId(id), fields).await?;
        Ok(fields.field_values())
    }

    fn values_before(&self, fields: &ActivityFields) -> FieldValues {
        let mut input = self.to_input();
        if fields.organisation_id.is_none() {
            input.organisation_id = None;
        }
        input
            .validate()
            .map(|f| f.field_values())
            .unwrap_or_default()
    }

    async fn delete_dependents(
        conn: &mut AnyConnection,
        tenant: TenantId,
        id: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM activity_contacts WHERE tenant_id = $1 AND activity_id = $2")
            .bind_all((tenant.0, id))
            .execute(&mut *conn)
            .await?;
        Ok(())
    }
}

impl Store {
    pub async fn create_activity(
        &self,
        scope: &Scope,
        author: Option<UserId>,
        fields: &ActivityFields,
    ) -> Result<Activity, StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        let id = self.insert_activity(&mut tx, scope, author, fields).await?;
        let activity = load(&mut tx, scope.tenant, id).await?;
        tx.commit().await?;
        Ok(activity)
    }

    /// Writes a new activity with its search entry and audit entry inside `tx`.
    pub(crate) async fn insert_activity(
        &self,
        tx: &mut Transaction<'static, Any>,
        scope: &Scope,
        author: Option<UserId>,
        fields: &ActivityFields,
    ) -> Result<ActivityId, StoreError> {
        let id = ActivityId(self.next_id());
        let now = Timestamp::now().0;
        let organisation_id = resolve_organisation(tx, scope.tenant, fields).await?;
        sqlx::query(
            "INSERT INTO activities (tenant_id, activity_id, kind, occurred_at, author_id, subject, body, organisation_id, created_at, updated_at, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, 1)",
        )
        .bind_all((scope.tenant.0, id.0, fields.kind.as_str(), fields.occurred_at.0, author.map(|a| a.0), &fields.subject, &fields.body, organisation_id, now))
        .execute(&mut **tx)
        .await?;
        link_contacts(tx, scope.tenant, id, fields).await?;
        let names: Vec<&str> = fields.field_values().iter().map(|(n, _)| *n).collect();
        self.audit(
            &mut *tx,
            scope,
            AuditAction::Create,
            RecordType::Activity,
            id.0,
            &names,
        )
        .await?;
        Ok(id)
    }

    /// Activities, newest first: all of them, one contact's timeline
    /// (`contact_id`) or one organisation's (`organisation_id`).
    pub async fn list_activities(
        &self,
        tenant: TenantId,
        query: &ListQuery,
    ) -> Result<Page<Activity>, StoreError> {
        let mut query = query.clone();
        if query.sort.is_none() {
            query.order = crate::SortOrder::Descending;
        }
        let mut sql = Sql::new(SELECT);
        let t = sql.arg(Arg::Int(tenant.0));
        if let Some(contact) = query.contact_id {
            let c = sql.arg(Arg::Int(contact));
            sql.push(&format!(
                " JOIN activity_contacts ac ON ac.tenant_id = a.tenant_id AND ac.activity_id = a.activity_id
                  WHERE a.tenant_id = {t} AND ac.contact_id = {c}"
            ));
        } else {
            sql.push(&format!(" WHERE a.tenant_id = {t}"));
        }
        if let Some(org) = query.organisation_id {
            let o = sql.arg(Arg::Int(org));
            sql.push(&format!(" AND a.organisation_id = {o}"));
        }
        if let Some(kind) = &query.kind {
            let k = sql.arg(Arg::Text(kind.clone()));
            sql.push(&format!(" AND a.kind = {k}"));
        }
        query
            .reach
            .restrict(&mut sql, tenant, RecordType::Activity, "a");
        let counting = match query.contact_id {
            Some(_) => keyset(&mut sql, CONTACT_SORT_KEYS, "ac.activity_id", &query)?,
            None => keyset(&mut sql, SORT_KEYS, "a.activity_id", &query)?,
        };
        let mut tx = self.begin_read(tenant).await?;
        let rows = sql.query().fetch_all(&mut *tx).await?;
        let total = count_rows(&mut tx, counting).await?;
        let mut page = finish_page(
            rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?,
            &query,
            total,
            |a| Cursor {
                key: CursorKey::Int(a.occurred_at.0),
                id: a.id.0,
                backwards: false,
            },
        );
        attach_contacts(&mut tx, tenant, &mut page.items).await?;
        tx.commit().await?;
        Ok(page)
    }
}
