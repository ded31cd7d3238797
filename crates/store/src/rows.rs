//! Small helpers shared by the record modules: reading optional columns,
//! checking references and versions inside a transaction, numbering the
//! placeholders of an id list or binding it as one set.

use crate::statement::Bindable;
use crate::StoreError;
use custodian_core::values::Address;
use custodian_core::Refusal;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// Parameters a statement binds at most where a list is split over
/// statements. sqlx binds a SQLite parameter by walking SQLite's list of the
/// statement's parameter names to find it, so binding takes time quadratic
/// in the parameters: 5,000 ids in a statement were a third of an activity
/// sweep's time (perf: sqlite3_bind_parameter_name).
pub(crate) const PARAMETERS_PER_STATEMENT: usize = 400;

/// A set of ids bound as one parameter, `$parameter`, which holds them as a
/// JSON array (see [`id_array`]): the SQL of the set, to stand in
/// `IN (…)`. The statement's text and its binding cost stay the same
/// however many ids there are, where a placeholder each would cost time
/// quadratic in the ids (above) and make a new statement for each length.
pub(crate) fn id_set(conn: &AnyConnection, parameter: usize) -> String {
    if conn.backend_name() == "PostgreSQL" {
        format!("SELECT value::bigint FROM json_array_elements_text(${parameter}::json)")
    } else {
        format!("SELECT value FROM json_each(${parameter})")
    }
}

/// The ids as the JSON array an [`id_set`] parameter takes.
pub(crate) fn id_array(ids: impl IntoIterator<Item = i64>) -> String {
    let mut array = String::from("[");
    for (i, id) in ids.into_iter().enumerate() {
        if i > 0 {
            array.push(',');
        }
        array.push_str(&id.to_string());
    }
    array.push(']');
    array
}

/// `$from, $from+1, …`: the placeholders of an id list, `count` long.
pub(crate) fn placeholders(from: usize, count: usize) -> String {
    (0..count)
        .map(|i| format!("${}", from + i))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn address(row: &AnyRow, prefix: &str) -> Result<Address, StoreError> {
    Ok(Address {
        street: row.try_get(format!("{prefix}_street").as_str())?,
        postcode: row.try_get(format!("{prefix}_postcode").as_str())?,
        city: row.try_get(format!("{prefix}_city").as_str())?,
        country: row.try_get(format!("{prefix}_country").as_str())?,
    })
}

/// Whether a record with this id exists in the tenant. `table` and
/// `id_column` are fixed names from the calling module, never input.
pub(crate) async fn exists(
    conn: &mut AnyConnection,
    table: &str,
    id_column: &str,
    tenant: i64,
    id: i64,
) -> Result<bool, StoreError> {
    let found: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT {id_column} FROM {table} WHERE tenant_id = $1 AND {id_column} = $2"
    ))
    .bind_all((tenant, id))
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

pub(crate) async fn require_reference(
    conn: &mut AnyConnection,
    table: &str,
    id_column: &str,
    tenant: i64,
    id: Option<i64>,
    field: &'static str,
) -> Result<(), StoreError> {
    if let Some(id) = id {
        if !exists(conn, table, id_column, tenant, id).await? {
            return Err(StoreError::Refused(Refusal::UnknownReference { field }));
        }
    }
    Ok(())
}

/// Bumps the version of a record if it is still at `expected` (or
/// unconditionally when `None`), returning the new version.
pub(crate) async fn bump_version(
    conn: &mut AnyConnection,
    table: &str,
    id_column: &str,
    tenant: i64,
    id: i64,
    expected: Option<i64>,
    now: i64,
) -> Result<i64, StoreError> {
    let current: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT version FROM {table} WHERE tenant_id = $1 AND {id_column} = $2"
    ))
    .bind_all((tenant, id))
    .fetch_optional(&mut *conn)
    .await?;
    let current = current.ok_or(StoreError::Refused(Refusal::NotFound))?;
    if let Some(expected) = expected {
        if expected != current {
            return Err(StoreError::Refused(Refusal::VersionMismatch { current }));
        }
    }
    sqlx::query(&format!(
        "UPDATE {table} SET version = $1, updated_at = $2 WHERE tenant_id = $3 AND {id_column} = $4"
    ))
    .bind_all((current + 1, now, tenant, id))
    .execute(conn)
    .await?;
    Ok(current + 1)
}

pub(crate) fn split_lines(value: String) -> Vec<String> {
    value
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// An owner must be a user of the tenant.
pub(crate) async fn require_owner(
    conn: &mut AnyConnection,
    tenant: i64,
    owner: Option<custodian_core::UserId>,
) -> Result<(), StoreError> {
    let owner = owner.map(|o| o.0);
    require_reference(conn, "users", "user_id", tenant, owner, "owner_id").await
}

/// A LIKE pattern matching `word` anywhere, lower-cased, with `%`, `_`
/// and the escape character itself escaped (use with `ESCAPE '\\'`).
pub(crate) fn contains_pattern(word: &str) -> String {
    format!(
        "%{}%",
        word.to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Connection;

    /// More ids than either backend takes parameters in one statement.
    async fn sets_hold_any_number_of_ids(url: &str) {
        sqlx::any::install_default_drivers();
        let mut conn = AnyConnection::connect(url).await.unwrap();
        let ids: Vec<i64> = (0..70_000).map(|i| (1 << 52) + i * 3).collect();
        let sql = format!(
            "SELECT COUNT(*), MIN(value), MAX(value) FROM ({}) AS ids WHERE value IN ({})",
            id_set(&conn, 1),
            id_set(&conn, 2)
        );
        let (count, least, most): (i64, i64, i64) = sqlx::query_as(&sql)
            .bind_all((
                id_array(ids.iter().copied()),
                id_array(ids.iter().copied().step_by(2)),
            ))
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!((count, least, most), (35_000, ids[0], ids[69_998]));
        assert_eq!(id_array([]), "[]");
        assert_eq!(id_array([1, -2]), "[1,-2]");
    }

    #[tokio::test]
    async fn id_sets_on_sqlite() {
        sets_hold_any_number_of_ids("sqlite::memory:").await;
    }

    #[tokio::test]
    async fn id_sets_on_postgres() {
        if let Some(url) = crate::testing::postgres_server_url() {
            sets_hold_any_number_of_ids(&url).await;
        }
    }
}
