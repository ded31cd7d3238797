//! What records are called where a page mentions them by id (the audit
//! trail, legal holds): an organisation's name, a contact's name, a
//! ticket's or a data-subject request's number. Only records within the caller's reach are named.

use crate::page::{Arg, Sql};
use crate::{Reach, Store, StoreError};
use custodian_core::audit::RecordType;
use custodian_core::TenantId;
use sqlx::Row;

impl Store {
    /// The names of those of `ids` (records of `record_type`) that exist and
    /// lie within `reach`, as `(id, name)`. Record types without a name
    /// here give nothing.
    pub async fn record_names(
        &self,
        tenant: TenantId,
        record_type: RecordType,
        ids: &[i64],
        reach: Reach,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        let (id_column, columns) = match record_type {
            RecordType::Organisation => ("organisation_id", "x.name AS a, '' AS b"),
            RecordType::Contact => ("contact_id", "x.first_name AS a, x.last_name AS b"),
            RecordType::Ticket => ("ticket_id", "CAST(x.number AS TEXT) AS a, '' AS b"),
            RecordType::SubjectRequest => ("request_id", "CAST(x.number AS TEXT) AS a, '' AS b"),
            _ => return Ok(Vec::new()),
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Sql::new(&format!(
            "SELECT x.{id_column} AS id, {columns} FROM {} x",
            record_type.table()
        ));
        let t = sql.arg(Arg::Int(tenant.0));
        let wanted: Vec<String> = ids
            .iter()
            .take(500)
            .map(|id| sql.arg(Arg::Int(*id)))
            .collect();
        sql.push(&format!(
            " WHERE x.tenant_id = {t} AND x.{id_column} IN ({})",
            wanted.join(", ")
        ));
        reach.restrict(&mut sql, tenant, record_type, "x");
        let mut tx = self.read_one(tenant).await?;
        let rows = sql.query().fetch_all(&mut *tx).await?;
        tx.commit().await?;
        rows.iter()
            .map(|row| {
                let id: i64 = row.try_get("id")?;
                let a: String = row.try_get("a")?;
                let b: String = row.try_get("b")?;
                let name = match record_type {
                    RecordType::Ticket | RecordType::SubjectRequest => format!("#{a}"),
                    RecordType::Contact => format!("{a} {b}"),
                    _ => a,
                };
                Ok((id, name))
            })
            .collect()
    }
}
