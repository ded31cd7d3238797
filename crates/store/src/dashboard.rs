//! The home dashboard's counts and series: a few aggregate statements over
//! indexed columns (tickets by status, by creation and by resolution time;
//! agreements by end date), each within the caller's reach, so the page
//! stays fast on a large tenant.

use crate::helpdesk::tickets::only_active;
use crate::page::{Arg, Sql};
use crate::statement::Bindable;
use crate::{Reach, Store, StoreError};
use custodian_core::agreements::Agreement;
use custodian_core::audit::RecordType;
use custodian_core::dashboard::{
    fill_months, fill_weeks, months_since, weeks_since, RequestMonth, TicketTotals, TicketWeek,
    WEEK_MS,
};
use custodian_core::time::{CalendarDate, Timestamp};
use custodian_core::{TenantId, UserId};
use sqlx::Row;

/// Dashboard rows come from counts, which no backend returns negative.
fn count(row: &sqlx::any::AnyRow, column: &str) -> Result<u64, StoreError> {
    let value: Option<i64> = row.try_get(column)?;
    Ok(value.unwrap_or(0).max(0) as u64)
}

impl Store {
    /// The unsolved tickets the caller reaches, counted by who has them and
    /// which service level they broke.
    pub async fn ticket_totals(
        &self,
        tenant: TenantId,
        reach: Reach,
        me: UserId,
        now: Timestamp,
    ) -> Result<TicketTotals, StoreError> {
        let mut sql = Sql::new("");
        let now = sql.arg(Arg::Int(now.0));
        let me = sql.arg(Arg::Int(me.0));
        let t = sql.arg(Arg::Int(tenant.0));
        let late = format!(
            "((t.first_responded_at IS NULL AND t.first_response_due_at < {now})
              OR (t.resolved_at IS NULL AND t.resolution_due_at < {now}))"
        );
        sql.push(&format!(
            "SELECT COUNT(*) AS open,
                SUM(CASE WHEN t.assignee_id IS NULL THEN 1 ELSE 0 END) AS unassigned,
                SUM(CASE WHEN t.assignee_id = {me} THEN 1 ELSE 0 END) AS mine,
                SUM(CASE WHEN t.assignee_id = {me} AND {late} THEN 1 ELSE 0 END) AS mine_overdue,
                SUM(CASE WHEN t.first_responded_at IS NULL AND t.first_response_due_at < {now} THEN 1 ELSE 0 END) AS first_breached,
                SUM(CASE WHEN t.resolved_at IS NULL AND t.resolution_due_at < {now} THEN 1 ELSE 0 END) AS resolution_breached
             FROM tickets t WHERE t.tenant_id = {t}"
        ));
        only_active(&mut sql);
        reach.restrict(&mut sql, tenant, RecordType::Ticket, "t");
        let mut reader = self.read_one(tenant).await?;
        let row = sql.query().fetch_one(&mut *reader).await?;
        reader.commit().await?;
        Ok(TicketTotals {
            open: count(&row, "open")?,
            unassigned: count(&row, "unassigned")?,
            mine: count(&row, "mine")?,
            mine_overdue: count(&row, "mine_overdue")?,
            first_response_breached: count(&row, "first_breached")?,
            resolution_breached: count(&row, "resolution_breached")?,
        })
    }

    /// Tickets opened, answered and resolved per week over the weeks the
    /// chart shows, of the tickets the caller reaches.
    pub async fn ticket_weeks(
        &self,
        tenant: TenantId,
        reach: Reach,
        now: Timestamp,
    ) -> Result<Vec<TicketWeek>, StoreError> {
        let since = weeks_since(now).0;
        let mut reader = self.read_one(tenant).await?;
        let mut found: Vec<(i64, TicketWeek)> = Vec::new();
        for (column, opened) in [("created_at", true), ("resolved_at", false)] {
            let mut sql = Sql::new("");
            let s = sql.arg(Arg::Int(since));
            let week = sql.arg(Arg::Int(WEEK_MS));
            let t = sql.arg(Arg::Int(tenant.0));
            // The mean first answer only means something for the week a
            // ticket was opened in.
            let answered = if opened {
                "SUM(CASE WHEN t.first_responded_at IS NULL THEN 0 ELSE 1 END) AS answered,
                 CAST(AVG(t.first_responded_at - t.created_at) AS BIGINT) AS mean_first_response"
            } else {
                "CAST(0 AS BIGINT) AS answered, CAST(NULL AS BIGINT) AS mean_first_response"
            };
            sql.push(&format!(
                "SELECT (t.{column} - {s}) / {week} AS week, COUNT(*) AS counted, {answered}
                 FROM tickets t WHERE t.tenant_id = {t} AND t.{column} >= {s}"
            ));
            reach.restrict(&mut sql, tenant, RecordType::Ticket, "t");
            sql.push(" GROUP BY 1");
            for row in sql.query().fetch_all(&mut *reader).await? {
                let number: i64 = row.try_get("week")?;
                let counted = count(&row, "counted")?;
                let index = match found.iter().position(|(w, _)| *w == number) {
                    Some(index) => index,
                    None => {
                        found.push((
                            number,
                            TicketWeek {
                                starts: CalendarDate::of(now),
                                opened: 0,
                                resolved: 0,
                                answered: 0,
                                mean_first_response_minutes: None,
                            },
                        ));
                        found.len() - 1
                    }
                };
                let week = &mut found[index].1;
                if opened {
                    week.opened = counted;
                    week.answered = count(&row, "answered")?;
                    let mean: Option<i64> = row.try_get("mean_first_response")?;
                    week.mean_first_response_minutes = mean.map(|ms| ms / 60_000);
                } else {
                    week.resolved = counted;
                }
            }
        }
        reader.commit().await?;
        Ok(fill_weeks(now, &found))
    }

    /// Data-subject requests received per month over the months the chart
    /// shows.
    pub async fn request_months(
        &self,
        tenant: TenantId,
        today: CalendarDate,
    ) -> Result<Vec<RequestMonth>, StoreError> {
        let found = self
            .read_rows(
                tenant,
                sqlx::query(
                    "SELECT SUBSTR(received_on, 1, 7) AS month, COUNT(*) AS received
                     FROM subject_requests WHERE tenant_id = $1 AND received_on >= $2
                     GROUP BY SUBSTR(received_on, 1, 7)",
                )
                .bind_all((tenant.0, months_since(today).to_iso())),
                |row| {
                    Ok(RequestMonth {
                        month: row.try_get("month")?,
                        received: count(row, "received")?,
                    })
                },
            )
            .await?;
        Ok(fill_months(today, &found))
    }

    /// The agreements the caller reaches that end between `from` and
    /// `until`, soonest first.
    pub async fn agreements_ending(
        &self,
        tenant: TenantId,
        reach: Reach,
        from: CalendarDate,
        until: CalendarDate,
        limit: i64,
    ) -> Result<Vec<Agreement>, StoreError> {
        let mut sql = Sql::new(crate::agreements::SELECT);
        let t = sql.arg(Arg::Int(tenant.0));
        let from = sql.arg(Arg::Text(from.to_iso()));
        let until = sql.arg(Arg::Text(until.to_iso()));
        sql.push(&format!(
            " WHERE g.tenant_id = {t} AND g.end_date >= {from} AND g.end_date <= {until}"
        ));
        reach.restrict(&mut sql, tenant, RecordType::Agreement, "g");
        let limit = sql.arg(Arg::Int(limit));
        sql.push(&format!(
            " ORDER BY g.end_date, g.agreement_id LIMIT {limit}"
        ));
        let mut reader = self.read_one(tenant).await?;
        let rows = sql.query().fetch_all(&mut *reader).await?;
        reader.commit().await?;
        rows.iter().map(crate::agreements::from_row).collect()
    }
}

impl Store {
    /// What changes whenever one of the tenant's tickets is raised or
    /// changed: the last number given and the newest change. A cached
    /// count is current while this is the same.
    pub async fn ticket_fingerprint(&self, tenant: TenantId) -> Result<(i64, i64), StoreError> {
        let mut reader = self.read_one(tenant).await?;
        let row = sqlx::query(
            "SELECT (SELECT ticket_counter FROM tenants WHERE tenant_id = $1) AS raised,
                    (SELECT COALESCE(MAX(updated_at), 0) FROM tickets WHERE tenant_id = $1) AS changed",
        )
        .bind(tenant.0)
        .fetch_one(&mut *reader)
        .await?;
        reader.commit().await?;
        Ok((row.try_get("raised")?, row.try_get("changed")?))
    }
}
