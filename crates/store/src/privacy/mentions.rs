//! Mentions of a subject being erased in text that is not theirs: a call
//! note on a colleague, another customer's ticket, a request or a FAQ draft
//! that names them. A full-text index over every free-text column the
//! catalog redacts (migration 33: FTS5 tables on SQLite, GIN indexes on
//! PostgreSQL) finds the candidates; core's `redact_mentions` decides which
//! really name the subject and what the text becomes. The erasure plan lists
//! them with their records, the erasure redacts them in its transaction and
//! checks afterwards that the index finds none left.

use super::subject_tables::{rows_condition, SubjectTable, SUBJECT_TABLES};
use crate::rows::id_array;
use crate::statement::Bindable;
use crate::StoreError;
use custodian_core::privacy::erasure::table_erasure;
use custodian_core::privacy::redaction::Identifiers;
use custodian_core::{ContactId, TenantId};
use sqlx::{AnyConnection, Row};

/// The table whose files are indexed by their content when they are text.
const FILES: &str = "ticket_attachments";
/// Phrases asked of the index in one query (a retention batch erases
/// hundreds of people at once).
const PHRASES_PER_QUERY: usize = 200;

/// What becomes of one column of a row that mentions the subject.
enum Redacted {
    Text(String),
    File(Vec<u8>),
}

/// A row outside the subject's own records whose text names them.
pub(crate) struct MentioningRow {
    key: i64,
    /// The id its audit entries name.
    pub(crate) audited: i64,
    /// The columns that change, with what they become.
    changes: Vec<(&'static str, Redacted)>,
}

/// The rows of one table that mention the subject.
pub(crate) struct TableMentions {
    pub(crate) table: &'static SubjectTable,
    pub(crate) rows: Vec<MentioningRow>,
}

impl TableMentions {
    /// The columns in which mentions were found, in the catalog's order.
    pub(crate) fn columns(&self) -> Vec<&'static str> {
        let mut columns: Vec<&'static str> = Vec::new();
        for row in &self.rows {
            for (column, _) in &row.changes {
                if !columns.contains(column) {
                    columns.push(column);
                }
            }
        }
        columns
    }

    pub(crate) fn audited_ids(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.rows.iter().map(|r| r.audited).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// The tables whose free text is indexed for mentions, with those columns.
fn sources() -> impl Iterator<Item = (&'static SubjectTable, Vec<&'static str>)> {
    SUBJECT_TABLES.iter().filter_map(|table| {
        let mut columns = table_erasure(table.table).redact;
        if table.table == FILES {
            columns.push("content");
        }
        (!columns.is_empty()).then_some((table, columns))
    })
}

/// The FTS5 tables of SQLite's full-text indexes: the search box's and one
/// per table whose text is searched for mentions.
pub(crate) fn full_text_indexes() -> Vec<String> {
    let mut indexes = vec!["search_entries_fts".to_string()];
    indexes.extend(sources().map(|(table, _)| format!("{}_mentions", table.table)));
    indexes
}

/// The indexed document of a table on PostgreSQL: the expression of its
/// GIN index, which the query must repeat for the index to be used.
fn postgres_document(table: &str, columns: &[&str]) -> String {
    let parts: Vec<String> = columns
        .iter()
        .map(|c| {
            if table == FILES && *c == "content" {
                "coalesce(custodian_text_file(content_type, content), '')".to_string()
            } else {
                format!("coalesce({c}, '')")
            }
        })
        .collect();
    format!(
        "to_tsvector('simple', translate({}, '-+/()', '     '))",
        parts.join(" || ' ' || ")
    )
}

/// The words of each phrase as the index is asked for them: every word
/// required, in any order (the text decides the rest), and a phrase whose
/// words include all of another's left out, since it finds nothing more
/// ("ada lovelace" and "lovelace ada" are asked once, "+49 30 5550199"
/// not beside "5550199").
fn word_groups(phrases: &[String]) -> Vec<Vec<String>> {
    let mut groups: Vec<Vec<String>> = phrases
        .iter()
        .map(|p| {
            let mut words: Vec<String> = p
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect();
            words.sort_unstable();
            words.dedup();
            words
        })
        .filter(|words| !words.is_empty())
        .collect();
    groups.sort_by_key(Vec::len);
    let mut kept: Vec<Vec<String>> = Vec::new();
    for group in groups {
        if !kept.iter().any(|k| k.iter().all(|w| group.contains(w))) {
            kept.push(group);
        }
    }
    kept
}

/// An FTS5 query for any of the word groups.
fn sqlite_match(groups: &[Vec<String>]) -> String {
    groups
        .iter()
        .map(|words| {
            let quoted: Vec<String> = words
                .iter()
                .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
                .collect();
            format!("({})", quoted.join(" AND "))
        })
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// A tsquery for any of the phrases, each made by PostgreSQL's own parser
/// (as the indexed text is), all of its words required.
async fn postgres_query(
    conn: &mut AnyConnection,
    phrases: &[String],
) -> Result<Option<String>, StoreError> {
    let json = serde_json::to_string(phrases)
        .map_err(|_| StoreError::Corrupt("phrases that cannot be written"))?;
    let query: Option<String> = sqlx::query_scalar(
        "SELECT string_agg(DISTINCT '(' || q::text || ')', ' | ') FROM (
             SELECT plainto_tsquery('simple', translate(value, '-+/()', '     ')) AS q
             FROM json_array_elements_text($1::json)
         ) AS phrases WHERE numnode(q) > 0",
    )
    .bind(json)
    .fetch_one(&mut *conn)
    .await?;
    Ok(query)
}

/// The rows outside the contacts' own records (those erasure handles by
/// the catalog's strategies) whose text mentions them, table by table.
pub(crate) async fn find_mentions(
    conn: &mut AnyConnection,
    tenant: TenantId,
    contacts: &[ContactId],
    identifiers: &Identifiers,
) -> Result<Vec<TableMentions>, StoreError> {
    let phrases = identifiers.mention_phrases();
    let postgres = conn.backend_name() == "PostgreSQL";
    let mut queries = Vec::new();
    if postgres {
        for chunk in phrases.chunks(PHRASES_PER_QUERY) {
            queries.extend(postgres_query(&mut *conn, chunk).await?);
        }
    } else {
        for chunk in word_groups(&phrases).chunks(PHRASES_PER_QUERY) {
            queries.push(sqlite_match(chunk));
        }
    }
    let mut found = Vec::new();
    if queries.is_empty() {
        return Ok(found);
    }
    let contact_set = crate::rows::id_set(conn, 2);
    for (table, columns) in sources() {
        let name = table.table;
        let audit_column = table.audited_as.map_or(table.key, |(_, column)| column);
        let selected: Vec<String> = columns
            .iter()
            .map(|c| {
                if name == FILES && *c == "content" {
                    format!("CASE WHEN {name}.content_type LIKE 'text/%' THEN {name}.content END")
                } else {
                    format!("{name}.{c}")
                }
            })
            .collect();
        let not_theirs = format!(
            "NOT COALESCE(({}), FALSE)",
            rows_condition(table, &contact_set)
        );
        let sql = if postgres {
            format!(
                "SELECT {name}.{}, {name}.{audit_column}, {} FROM {name}
                 WHERE {name}.tenant_id = $1 AND {} @@ $3::tsquery AND {not_theirs}",
                table.key,
                selected.join(", "),
                postgres_document(name, &columns),
            )
        } else {
            format!(
                "SELECT {name}.{}, {name}.{audit_column}, {} FROM {name}_mentions
                 CROSS JOIN {name} ON {name}.rowid = {name}_mentions.rowid
                 WHERE {name}_mentions MATCH $3 AND {name}.tenant_id = $1 AND {not_theirs}",
                table.key,
                selected.join(", "),
            )
        };
        let mut rows: Vec<MentioningRow> = Vec::new();
        for query in &queries {
            let candidates = sqlx::query(&sql)
                .bind_all((tenant.0, id_array(contacts.iter().map(|c| c.0)), query))
                .fetch_all(&mut *conn)
                .await?;
            for candidate in candidates {
                let key: i64 = candidate.try_get(0)?;
                if rows.iter().any(|r| r.key == key) {
                    continue;
                }
                let mut changes = Vec::new();
                for (i, column) in columns.iter().enumerate() {
                    if name == FILES && *column == "content" {
                        let bytes: Option<Vec<u8>> = candidate.try_get(i + 2)?;
                        let redacted = bytes
                            .and_then(|b| String::from_utf8(b).ok())
                            .and_then(|text| identifiers.redact_mentions(&text));
                        if let Some(text) = redacted {
                            changes.push((*column, Redacted::File(text.into_bytes())));
                        }
                    } else {
                        let text: Option<String> = candidate.try_get(i + 2)?;
                        if let Some(redacted) = text.and_then(|t| identifiers.redact_mentions(&t)) {
                            changes.push((*column, Redacted::Text(redacted)));
                        }
                    }
                }
                if !changes.is_empty() {
                    rows.push(MentioningRow {
                        key,
                        audited: candidate.try_get(1)?,
                        changes,
                    });
                }
            }
        }
        if !rows.is_empty() {
            rows.sort_by_key(|r| r.key);
            found.push(TableMentions { table, rows });
        }
    }
    Ok(found)
}

/// The subject's identifiers with the street lines of their own addresses:
/// a contact's work address that is not their organisation's (billing or
/// postal), which would otherwise blank the firm's address in its records.
pub(crate) async fn with_own_streets(
    conn: &mut AnyConnection,
    tenant: TenantId,
    contacts: &[ContactId],
    identifiers: &Identifiers,
) -> Result<Identifiers, StoreError> {
    let sql = format!(
        "SELECT c.work_street FROM contacts c
         LEFT JOIN organisations o ON o.tenant_id = c.tenant_id AND o.organisation_id = c.organisation_id
         WHERE c.tenant_id = $1 AND c.contact_id IN ({}) AND c.work_street IS NOT NULL
           AND (o.organisation_id IS NULL OR (lower(c.work_street) <> lower(coalesce(o.billing_street, ''))
                AND lower(c.work_street) <> lower(coalesce(o.postal_street, ''))))",
        crate::rows::id_set(conn, 2)
    );
    let streets: Vec<String> = sqlx::query_scalar(&sql)
        .bind_all((tenant.0, id_array(contacts.iter().map(|c| c.0))))
        .fetch_all(&mut *conn)
        .await?;
    let mut identifiers = identifiers.clone();
    for street in streets {
        identifiers.add_street(&street);
    }
    Ok(identifiers)
}

/// Reads the redacted rows back inside the erasure's transaction: how many
/// texts were checked, or which table still names the subject.
pub(crate) async fn still_mentioning(
    conn: &mut AnyConnection,
    tenant: TenantId,
    identifiers: &Identifiers,
    mentions: &[TableMentions],
) -> Result<u64, StoreError> {
    let mut checked = 0;
    for found in mentions {
        let table = found.table;
        let columns = found.columns();
        for chunk in found.rows.chunks(500) {
            let sql = format!(
                "SELECT {} FROM {} WHERE tenant_id = $1 AND {} IN ({})",
                columns.join(", "),
                table.table,
                table.key,
                crate::rows::id_set(conn, 2)
            );
            let rows = sqlx::query(&sql)
                .bind_all((tenant.0, id_array(chunk.iter().map(|r| r.key))))
                .fetch_all(&mut *conn)
                .await?;
            for row in rows {
                for (i, column) in columns.iter().enumerate() {
                    let text = if table.table == FILES && *column == "content" {
                        let bytes: Option<Vec<u8>> = row.try_get(i)?;
                        bytes.map(|b| String::from_utf8_lossy(&b).into_owned())
                    } else {
                        row.try_get::<Option<String>, _>(i)?
                    };
                    if text.is_some_and(|t| identifiers.redact_mentions(&t).is_some()) {
                        return Err(StoreError::ErasureUnverified(table.table));
                    }
                }
                checked += 1;
            }
        }
    }
    Ok(checked)
}

/// Writes the redacted texts of the rows found.
pub(crate) async fn redact_mentions(
    conn: &mut AnyConnection,
    tenant: TenantId,
    mentions: &[TableMentions],
) -> Result<(), StoreError> {
    for table in mentions {
        for row in &table.rows {
            let mut assignments = Vec::new();
            for (i, (column, _)) in row.changes.iter().enumerate() {
                assignments.push(format!("{column} = ${}", i + 3));
            }
            let file_size = row.changes.iter().find_map(|(_, value)| match value {
                Redacted::File(bytes) => Some(bytes.len()),
                Redacted::Text(_) => None,
            });
            if file_size.is_some() {
                assignments.push(format!("size_bytes = ${}", row.changes.len() + 3));
            }
            let sql = format!(
                "UPDATE {} SET {} WHERE tenant_id = $1 AND {} = $2",
                table.table.table,
                assignments.join(", "),
                table.table.key
            );
            let mut query = sqlx::query(&sql).bind(tenant.0).bind(row.key);
            for (_, value) in &row.changes {
                query = match value {
                    Redacted::Text(text) => query.bind(text.clone()),
                    Redacted::File(bytes) => query.bind(bytes.clone()),
                };
            }
            if let Some(size) = file_size {
                query = query.bind(i64::try_from(size).unwrap_or(i64::MAX));
            }
            query.execute(&mut *conn).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_redacted_free_text_column_is_indexed() {
        let indexed: Vec<&str> = sources().map(|(t, _)| t.table).collect();
        for table in [
            "activities",
            "ticket_messages",
            "subject_requests",
            "faq_articles",
        ] {
            assert!(indexed.contains(&table), "{table}");
        }
        let (_, files) = sources().find(|(t, _)| t.table == FILES).unwrap();
        assert_eq!(files, ["file_name", "content"]);
    }

    #[test]
    fn the_index_is_asked_for_each_set_of_words_once() {
        let phrases: Vec<String> = [
            "Ada Lovelace",
            "lovelace ada",
            "+49 30 5550199",
            "5550199",
            "ada@analytical.example",
            "say \"hi\"",
        ]
        .iter()
        .map(|p| p.to_string())
        .collect();
        assert_eq!(
            sqlite_match(&word_groups(&phrases)),
            "(\"5550199\") OR (\"ada\" AND \"lovelace\") OR (\"hi\" AND \"say\") \
             OR (\"ada\" AND \"analytical\" AND \"example\")"
        );
    }
}
