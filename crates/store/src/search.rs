//! The search index behind the search box: one entry per organisation and
//! contact, matched by word prefix. SQLite uses FTS5, PostgreSQL a GIN index
//! over `to_tsvector('simple', terms)`; both index the terms core computes.

use crate::connect::Backend;
use crate::statement::Bindable;
use crate::{Store, StoreError};
use custodian_core::search::query_tokens;
use custodian_core::search::SearchHit;
use custodian_core::TenantId;
use sqlx::{AnyConnection, Row};

pub(crate) struct SearchEntry<'a> {
    pub(crate) record_type: &'static str,
    pub(crate) record_id: i64,
    pub(crate) label: &'a str,
    pub(crate) detail: &'a str,
    pub(crate) terms: &'a str,
}

pub(crate) async fn upsert(
    conn: &mut AnyConnection,
    tenant: TenantId,
    entry: SearchEntry<'_>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO search_entries (tenant_id, record_type, record_id, label, detail, terms)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (tenant_id, record_type, record_id)
         DO UPDATE SET label = excluded.label, detail = excluded.detail, terms = excluded.terms",
    )
    .bind_all((
        tenant.0,
        entry.record_type,
        entry.record_id,
        entry.label,
        entry.detail,
        entry.terms,
    ))
    .execute(conn)
    .await?;
    Ok(())
}

pub(crate) async fn remove(
    conn: &mut AnyConnection,
    tenant: TenantId,
    record_type: &str,
    record_id: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "DELETE FROM search_entries WHERE tenant_id = $1 AND record_type = $2 AND record_id = $3",
    )
    .bind_all((tenant.0, record_type, record_id))
    .execute(conn)
    .await?;
    Ok(())
}

/// CROSS JOIN keeps the full-text match as the outer loop; with a plain
/// JOIN SQLite may walk the tenant's entries and run the match once per
/// entry (30 s per search at a million contacts).
const SQLITE_SEARCH: &str = "SELECT s.record_type, s.record_id, s.label, s.detail
     FROM search_entries_fts f CROSS JOIN search_entries s ON s.rowid = f.rowid
     WHERE search_entries_fts MATCH $1 AND s.tenant_id = $2
       AND ($4 = '' OR s.record_type = $4) LIMIT $3";

impl Store {
    /// Organisations and contacts whose names, emails, phones or account
    /// numbers start with the words typed.
    pub async fn search(
        &self,
        tenant: TenantId,
        input: &str,
        limit: i64,
    ) -> Result<Vec<SearchHit>, StoreError> {
        self.search_of(tenant, input, None, limit).await
    }

    /// [`Store::search`] of one record type only (`organisation` or
    /// `contact`), as a picker asks.
    pub async fn search_of(
        &self,
        tenant: TenantId,
        input: &str,
        only: Option<&str>,
        limit: i64,
    ) -> Result<Vec<SearchHit>, StoreError> {
        let only = only.unwrap_or_default();
        let tokens = query_tokens(input);
        if tokens.is_empty() {
            return Ok(Vec::new());
        }
        let limit = limit.clamp(1, 50);
        let mut tx = self.read_one(tenant).await?;
        let rows = match self.backend {
            Backend::Sqlite => {
                // Tokens are alphanumeric only, so quoting them is safe.
                let mut expression = format!("\"t{}\"", tenant.0);
                for token in &tokens {
                    expression.push_str(&format!(" \"{token}\"*"));
                }
                sqlx::query(SQLITE_SEARCH)
                    .bind_all((expression, tenant.0, limit, only))
                    .fetch_all(&mut *tx)
                    .await?
            }
            Backend::Postgres => {
                let expression = tokens
                    .iter()
                    .map(|t| format!("{t}:*"))
                    .collect::<Vec<_>>()
                    .join(" & ");
                sqlx::query(
                    "SELECT record_type, record_id, label, detail FROM search_entries
                     WHERE tenant_id = $1 AND to_tsvector('simple', terms) @@ to_tsquery('simple', $2)
                       AND ($4 = '' OR record_type = $4) LIMIT $3",
                )
                .bind_all((tenant.0, expression, limit, only))
                .fetch_all(&mut *tx)
                .await?
            }
        };
        tx.commit().await?;
        let mut hits = rows
            .iter()
            .map(|row| {
                Ok(SearchHit {
                    record_type: row.try_get("record_type")?,
                    record_id: row.try_get("record_id")?,
                    label: row.try_get("label")?,
                    detail: row.try_get("detail")?,
                    restricted: false,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        hits.sort_by(|a, b| {
            a.record_type
                .cmp(&b.record_type)
                .reverse()
                .then(a.label.cmp(&b.label))
        });
        let contacts: Vec<custodian_core::ContactId> = hits
            .iter()
            .filter(|h| h.record_type == "contact")
            .map(|h| custodian_core::ContactId(h.record_id))
            .collect();
        let restricted = self
            .privacy()
            .restricted_contacts(tenant, &contacts)
            .await?;
        for hit in hits.iter_mut().filter(|h| h.record_type == "contact") {
            hit.restricted = restricted.iter().any(|c| c.0 == hit.record_id);
        }
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use super::SQLITE_SEARCH;
    use crate::statement::Bindable;
    use crate::Store;
    use sqlx::Row;

    #[tokio::test]
    async fn sqlite_search_starts_from_the_full_text_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&format!("sqlite://{}/s.db", dir.path().display()))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        let plan = sqlx::query(&format!("EXPLAIN QUERY PLAN {SQLITE_SEARCH}"))
            .bind_all(("\"t1\" \"ab\"*", 1_i64, 10_i64, ""))
            .fetch_all(&store.pool)
            .await
            .unwrap();
        let first: String = plan[0].get("detail");
        assert!(first.contains("VIRTUAL TABLE"), "{first}");
    }
}
