//! Tickets: raised with a number and due times from the service levels,
//! changed with their version, listed as queues (by status, priority,
//! assignee, organisation or contact) and found by number or subject.

use super::service_levels::load_levels;
use crate::page::{
    count_rows, finish_page, keyset, Arg, Cursor, CursorKey, ListQuery, SortKey, Sql,
};
use crate::rows::require_reference;
use crate::statement::Bindable;
use crate::stored::{FieldValues, StoredRecord};
use crate::Helpdesk;
use crate::{Scope, Store, StoreError};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::helpdesk::{Ticket, TicketFields, TicketPriority, TicketStatus, TicketTimes};
use custodian_core::page::Page;
use custodian_core::time::Timestamp;
use custodian_core::{ContactId, OrganisationId, Refusal, TenantId, TicketId, UserId};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Row, Transaction};

const SELECT: &str = "SELECT t.ticket_id, t.number, t.subject, t.description, t.status, t.priority,
    t.category, t.organisation_id, o.name AS organisation_name, t.contact_id,
    c.first_name AS contact_first_name, c.last_name AS contact_last_name,
    t.assignee_id, u.display_name AS assignee_name, t.first_response_due_at, t.resolution_due_at,
    t.first_responded_at, t.resolved_at, t.closed_at, t.created_at, t.updated_at, t.version
    FROM tickets t
    LEFT JOIN organisations o ON o.tenant_id = t.tenant_id AND o.organisation_id = t.organisation_id
    LEFT JOIN contacts c ON c.tenant_id = t.tenant_id AND c.contact_id = t.contact_id
    LEFT JOIN users u ON u.tenant_id = t.tenant_id AND u.user_id = t.assignee_id";

const SORT_KEYS: &[SortKey] = &[
    SortKey {
        name: "created",
        column: "t.created_at",
        text: false,
    },
    SortKey {
        name: "number",
        column: "t.number",
        text: false,
    },
];

fn from_row(row: &AnyRow) -> Result<Ticket, StoreError> {
    let status: String = row.try_get("status")?;
    let priority: String = row.try_get("priority")?;
    let contact_name = match (
        row.try_get::<Option<String>, _>("contact_first_name")?,
        row.try_get::<Option<String>, _>("contact_last_name")?,
    ) {
        (Some(first), Some(last)) => Some(format!("{first} {last}")),
        _ => None,
    };
    let optional_time = |column: &str| -> Result<Option<Timestamp>, StoreError> {
        Ok(row.try_get::<Option<i64>, _>(column)?.map(Timestamp))
    };
    let mut ticket = Ticket {
        id: TicketId(row.try_get("ticket_id")?),
        number: row.try_get("number")?,
        subject: row.try_get("subject")?,
        description: row.try_get("description")?,
        status: TicketStatus::parse(&status)
            .ok_or(StoreError::Corrupt("an unknown ticket status"))?,
        priority: TicketPriority::parse(&priority)
            .ok_or(StoreError::Corrupt("an unknown ticket priority"))?,
        category: row.try_get("category")?,
        organisation_id: row
            .try_get::<Option<i64>, _>("organisation_id")?
            .map(OrganisationId),
        organisation_name: row.try_get("organisation_name")?,
        contact_id: row.try_get::<Option<i64>, _>("contact_id")?.map(ContactId),
        contact_name,
        assignee_id: row.try_get::<Option<i64>, _>("assignee_id")?.map(UserId),
        assignee_name: row.try_get("assignee_name")?,
        first_response_due_at: Timestamp(row.try_get("first_response_due_at")?),
        resolution_due_at: Timestamp(row.try_get("resolution_due_at")?),
        first_responded_at: optional_time("first_responded_at")?,
        resolved_at: optional_time("resolved_at")?,
        closed_at: optional_time("closed_at")?,
        first_response_overdue: false,
        resolution_overdue: false,
        created_at: Timestamp(row.try_get("created_at")?),
        updated_at: Timestamp(row.try_get("updated_at")?),
        masked_fields: Vec::new(),
        reason_required_fields: Vec::new(),
        version: row.try_get("version")?,
    };
    ticket.mark_overdue(Timestamp::now());
    Ok(ticket)
}

pub(super) async fn load(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: TicketId,
) -> Result<Ticket, StoreError> {
    let row = sqlx::query(&format!(
        "{SELECT} WHERE t.tenant_id = $1 AND t.ticket_id = $2"
    ))
    .bind_all((tenant.0, id.0))
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::Refused(Refusal::NotFound))?;
    from_row(&row)
}

/// Checks the links and finds the organisation: the one given, or else the
/// requesting contact's employer.
async fn resolve_links(
    conn: &mut AnyConnection,
    tenant: TenantId,
    f: &TicketFields,
) -> Result<Option<i64>, StoreError> {
    let mut employer = None;
    if let Some(contact) = f.contact_id {
        let found: Option<Option<i64>> = sqlx::query_scalar(
            "SELECT organisation_id FROM contacts WHERE tenant_id = $1 AND contact_id = $2",
        )
        .bind_all((tenant.0, contact.0))
        .fetch_optional(&mut *conn)
        .await?;
        employer = found.ok_or(StoreError::Refused(Refusal::UnknownReference {
            field: "contact_id",
        }))?;
    }
    require_reference(
        conn,
        "users",
        "user_id",
        tenant.0,
        f.assignee_id.map(|u| u.0),
        "assignee_id",
    )
    .await?;
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

/// Locks the ticket's row for the rest of the transaction (PostgreSQL;
/// SQLite's writer holds the whole file), so that a reply and an edit at
/// once do not write over each other.
pub(super) async fn lock_ticket(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: TicketId,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE tickets SET version = version WHERE tenant_id = $1 AND ticket_id = $2")
        .bind_all((tenant.0, id.0))
        .execute(conn)
        .await?;
    Ok(())
}

/// Writes a ticket's fields and times (not its version).
pub(super) async fn write_ticket(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: TicketId,
    f: &TicketFields,
    organisation_id: Option<i64>,
    times: &TicketTimes,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE tickets SET subject = $1, description = $2, status = $3, priority = $4, category = $5,
         organisation_id = $6, contact_id = $7, assignee_id = $8, first_response_due_at = $9,
         resolution_due_at = $10, first_responded_at = $11, resolved_at = $12, closed_at = $13
         WHERE tenant_id = $14 AND ticket_id = $15",
    )
    .bind_all((&f.subject, &f.description, f.status.as_str(), f.priority.as_str(), &f.category, organisation_id, f.contact_id.map(|c| c.0), f.assignee_id.map(|u| u.0), times.first_response_due_at.0, times.resolution_due_at.0, times.first_responded_at.map(|t| t.0), times.resolved_at.map(|t| t.0), times.closed_at.map(|t| t.0), tenant.0, id.0))
    .execute(conn)
    .await?;
    Ok(())
}

/// The ticket's fields as they stand, to compare a change with.
pub(super) fn fields_of(ticket: &Ticket) -> TicketFields {
    TicketFields {
        subject: ticket.subject.clone(),
        description: ticket.description.clone(),
        status: ticket.status,
        priority: ticket.priority,
        category: ticket.category.clone(),
        organisation_id: ticket.organisation_id,
        contact_id: ticket.contact_id,
        assignee_id: ticket.assignee_id,
    }
}

/// ` AND t.status IN (…)`: only tickets not yet solved (new, open,
/// pending), for the `active` queue and the dashboard's counts.
pub(crate) fn only_active(sql: &mut Sql) {
    let active: Vec<String> = TicketStatus::ALL
        .iter()
        .filter(|s| s.is_active())
        .map(|s| sql.arg(Arg::Text(s.as_str().to_string())))
        .collect();
    sql.push(&format!(" AND t.status IN ({})", active.join(", ")));
}

impl StoredRecord for Ticket {
    type Id = TicketId;
    type Fields = TicketFields;
    const TABLE: &'static str = "tickets";
    const ID_COLUMN: &'static str = "ticket_id";
    const RECORD_TYPE: RecordType = RecordType::Ticket;

    async fn load(conn: &mut AnyConnection, tenant: TenantId, id: i64) -> Result<Self, StoreError> {
        load(conn, tenant, TicketId(id)).await
    }

    async fn write(
        conn: &mut AnyConnection,
        tenant: TenantId,
        id: i64,
        before: &Self,
        fields: &TicketFields,
        now: Timestamp,
    ) -> Result<FieldValues, StoreError> {
        let organisation_id = resolve_links(conn, tenant, fields).await?;
        let levels = load_levels(conn, tenant).await?;
        let times = before
            .times()
            .after_change(now, fields.priority, fields.status, &levels);
        write_ticket(conn, tenant, TicketId(id), fields, organisation_id, &times).await?;
        let mut after = fields.clone();
        after.organisation_id = organisation_id.map(OrganisationId);
        Ok(after.field_values())
    }

    fn values_before(&self, _fields: &TicketFields) -> FieldValues {
        fields_of(self).field_values()
    }

    async fn before_update(
        conn: &mut AnyConnection,
        tenant: TenantId,
        id: i64,
    ) -> Result<(), StoreError> {
        lock_ticket(conn, tenant, TicketId(id)).await
    }

    async fn delete_dependents(
        conn: &mut AnyConnection,
        tenant: TenantId,
        id: i64,
    ) -> Result<(), StoreError> {
        // An article made from it stays, without the link.
        sqlx::query(
            "UPDATE faq_articles SET source_ticket_id = NULL WHERE tenant_id = $1 AND source_ticket_id = $2",
        )
        .bind_all((tenant.0, id))
        .execute(&mut *conn)
        .await?;
        sqlx::query("DELETE FROM ticket_attachments WHERE tenant_id = $1 AND ticket_id = $2")
            .bind_all((tenant.0, id))
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM ticket_messages WHERE tenant_id = $1 AND ticket_id = $2")
            .bind_all((tenant.0, id))
            .execute(&mut *conn)
            .await?;
        Ok(())
    }
}

impl Store {
    /// Writes a new ticket with its number and audit entry inside `tx`.
    pub(crate) async fn insert_ticket(
        &self,
        tx: &mut Transaction<'static, Any>,
        scope: &Scope,
        created_by: Option<UserId>,
        fields: &TicketFields,
    ) -> Result<TicketId, StoreError> {
        let tenant = scope.tenant;
        let organisation_id = resolve_links(tx, tenant, fields).await?;
        // The tenant's row is the counter: its update is the lock that
        // keeps two tickets from getting the same number.
        let number: i64 = sqlx::query_scalar(
            "UPDATE tenants SET ticket_counter = ticket_counter + 1 WHERE tenant_id = $1 RETURNING ticket_counter",
        )
        .bind(tenant.0)
        .fetch_one(&mut **tx)
        .await?;
        let levels = load_levels(tx, tenant).await?;
        let now = Timestamp::now();
        let times = TicketTimes::raised(now, fields.priority, &levels).after_change(
            now,
            fields.priority,
            fields.status,
            &levels,
        );
        let id = TicketId(self.next_id());
        sqlx::query(
            "INSERT INTO tickets (tenant_id, ticket_id, number, subject, description, status, priority, category,
             organisation_id, contact_id, assignee_id, created_by, first_response_due_at, resolution_due_at,
             first_responded_at, resolved_at, closed_at, created_at, updated_at, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, NULL, $15, $16, $17, $17, 1)",
        )
        .bind_all((tenant.0, id.0, number, &fields.subject, &fields.description, fields.status.as_str(), fields.priority.as_str(), &fields.category, organisation_id, fields.contact_id.map(|c| c.0), fields.assignee_id.map(|u| u.0), created_by.map(|u| u.0), times.first_response_due_at.0, times.resolution_due_at.0, times.resolved_at.map(|t| t.0), times.closed_at.map(|t| t.0), now.0))
        .execute(&mut **tx)
        .await?;
        let names: Vec<&str> = fields.field_values().iter().map(|(n, _)| *n).collect();
        self.audit(
            tx,
            scope,
            AuditAction::Create,
            RecordType::Ticket,
            id.0,
            &names,
        )
        .await?;
        Ok(id)
    }
}

impl Helpdesk<'_> {
    /// Spreads the tenant's tickets over the last `days` days, as if they
    /// had been raised then (the demo's history: overdue tickets, weekly
    /// charts with more than one week). Every time of a ticket moves back by
    /// the same amount, so its due times and answers keep their order;
    /// what moves is when, not what, so no audit entry is written.
    pub async fn spread_ticket_history(
        self,
        tenant: TenantId,
        days: i64,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin(tenant).await?;
        let shift = "((number * 7919) % $2) * 86400000";
        let moved = |column: &str| format!("{column} = {column} - {shift}");
        let optional = |column: &str| {
            format!("{column} = CASE WHEN {column} IS NULL THEN NULL ELSE {column} - {shift} END")
        };
        let sql = format!(
            "UPDATE tickets SET {}, {}, {}, {}, {}, {}, {} WHERE tenant_id = $1",
            moved("created_at"),
            moved("updated_at"),
            moved("first_response_due_at"),
            moved("resolution_due_at"),
            optional("first_responded_at"),
            optional("resolved_at"),
            optional("closed_at"),
        );
        let done = sqlx::query(&sql)
            .bind_all((tenant.0, days.max(1)))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }
}

impl Helpdesk<'_> {
    pub async fn create_ticket(
        self,
        scope: &Scope,
        created_by: Option<UserId>,
        fields: &TicketFields,
    ) -> Result<Ticket, StoreError> {
        // On SQLite, tickets raised together share one commit.
        if let Some(group) = &self.group_commit {
            let (store, scope, fields) = (Store::clone(&self), scope.clone(), fields.clone());
            return group
                .write(move |tx| {
                    Box::pin(async move {
                        let id = store.insert_ticket(tx, &scope, created_by, &fields).await?;
                        load(tx, scope.tenant, id).await
                    })
                })
                .await;
        }
        let mut tx = self.begin(scope.tenant).await?;
        let id = self
            .insert_ticket(&mut tx, scope, created_by, fields)
            .await?;
        let ticket = load(&mut tx, scope.tenant, id).await?;
        tx.commit().await?;
        Ok(ticket)
    }

    /// How many tickets the contact raised since `since` (a rate limit).
    pub async fn tickets_raised_since(
        self,
        tenant: TenantId,
        contact: ContactId,
        since: Timestamp,
    ) -> Result<usize, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM tickets WHERE tenant_id = $1 AND contact_id = $2 AND created_at >= $3",
        )
        .bind_all((tenant.0, contact.0, since.0))
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(usize::try_from(count).unwrap_or(0))
    }

    /// Tickets, newest first unless sorted otherwise: `kind` is a status
    /// (or `active`: new, open and pending), `assignee_id` 0 means nobody,
    /// and `name_prefix` finds a number (`1042`, `#1042`) or words of the
    /// subject.
    pub async fn list_tickets(
        self,
        tenant: TenantId,
        query: &ListQuery,
    ) -> Result<Page<Ticket>, StoreError> {
        let mut query = query.clone();
        if query.sort.is_none() {
            query.order = crate::SortOrder::Descending;
        }
        let mut sql = Sql::new(SELECT);
        let t = sql.arg(Arg::Int(tenant.0));
        sql.push(&format!(" WHERE t.tenant_id = {t}"));
        match query.kind.as_deref() {
            None => {}
            Some("active") => only_active(&mut sql),
            Some(status) => {
                let status = TicketStatus::parse(status).ok_or(StoreError::Refused(
                    Refusal::InvalidFilter { field: "status" },
                ))?;
                let s = sql.arg(Arg::Text(status.as_str().to_string()));
                sql.push(&format!(" AND t.status = {s}"));
            }
        }
        if let Some(priority) = query.priority.as_deref() {
            let priority = TicketPriority::parse(priority).ok_or(StoreError::Refused(
                Refusal::InvalidFilter { field: "priority" },
            ))?;
            let p = sql.arg(Arg::Text(priority.as_str().to_string()));
            sql.push(&format!(" AND t.priority = {p}"));
        }
        match query.assignee_id {
            None => {}
            Some(0) => sql.push(" AND t.assignee_id IS NULL"),
            Some(user) => {
                let u = sql.arg(Arg::Int(user));
                sql.push(&format!(" AND t.assignee_id = {u}"));
            }
        }
        if let Some(org) = query.organisation_id {
            let o = sql.arg(Arg::Int(org));
            sql.push(&format!(" AND t.organisation_id = {o}"));
        }
        if let Some(contact) = query.contact_id {
            let c = sql.arg(Arg::Int(contact));
            sql.push(&format!(" AND t.contact_id = {c}"));
        }
        if let Some((contact, org)) = query.requester_or_organisation {
            let c = sql.arg(Arg::Int(contact));
            let o = sql.arg(Arg::Int(org));
            sql.push(&format!(
                " AND (t.organisation_id = {o} OR t.contact_id = {c})"
            ));
        }
        if let Some(typed) = query.name_prefix.as_deref() {
            match typed.trim_start_matches('#').parse::<i64>() {
                Ok(number) => {
                    let n = sql.arg(Arg::Int(number));
                    sql.push(&format!(" AND t.number = {n}"));
                }
                Err(_) => sql.contains_words(typed, &["t.subject"]),
            }
        }
        query
            .reach
            .restrict(&mut sql, tenant, RecordType::Ticket, "t");
        let counting = keyset(&mut sql, SORT_KEYS, "t.ticket_id", &query)?;
        let sort = crate::page::sort_name(SORT_KEYS, &query);
        let mut tx = self.read_one(tenant).await?;
        let rows = sql.query().fetch_all(&mut *tx).await?;
        let total = count_rows(&mut tx, counting).await?;
        tx.commit().await?;
        Ok(finish_page(
            rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?,
            &query,
            total,
            |ticket| Cursor {
                key: CursorKey::Int(if sort == "number" {
                    ticket.number
                } else {
                    ticket.created_at.0
                }),
                id: ticket.id.0,
                backwards: false,
            },
        ))
    }
}
