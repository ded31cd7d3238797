//! Keyset (cursor) pagination shared by every list, forwards and back, the
//! capped count of a list's rows, and a small builder for SQL with numbered
//! parameters.

use crate::StoreError;
use custodian_core::page::{Count, Page};
use custodian_core::Refusal;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::Any;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    #[default]
    Ascending,
    Descending,
}

/// Where the previous page ended: the sort key and id of its last row; or,
/// going back, where the next page began (the key and id of its first row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub key: CursorKey,
    pub id: i64,
    /// The page before this row, not the page after it.
    pub backwards: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CursorKey {
    Text(String),
    Int(i64),
}

impl Cursor {
    /// An opaque token: hex of `T<text>` or `I<int>` (after a `B` going
    /// back), a 0x1f separator and the id.
    pub fn encode(&self) -> String {
        let back = if self.backwards { "B" } else { "" };
        let raw = match &self.key {
            CursorKey::Text(t) => format!("{back}T{t}\u{1f}{}", self.id),
            CursorKey::Int(i) => format!("{back}I{i}\u{1f}{}", self.id),
        };
        raw.bytes().map(|b| format!("{b:02x}")).collect()
    }

    /// `None` for anything that `encode` did not produce.
    pub fn decode(token: &str) -> Option<Cursor> {
        if !token.len().is_multiple_of(2) || token.len() > 2048 {
            return None;
        }
        let bytes: Option<Vec<u8>> = (0..token.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(token.get(i..i + 2)?, 16).ok())
            .collect();
        let raw = String::from_utf8(bytes?).ok()?;
        let (key, id) = raw.rsplit_once('\u{1f}')?;
        let id = id.parse().ok()?;
        let (key, backwards) = match key.strip_prefix('B') {
            Some(rest) => (rest, true),
            None => (key, false),
        };
        let key = match key.split_at_checked(1)? {
            ("T", text) => CursorKey::Text(text.to_string()),
            ("I", int) => CursorKey::Int(int.parse().ok()?),
            _ => return None,
        };
        Some(Cursor { key, id, backwards })
    }
}

/// What a list page asks for. Each list uses the filters that apply to it.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// A sort field the list offers; the list's default when `None`.
    pub sort: Option<String>,
    pub order: SortOrder,
    pub after: Option<Cursor>,
    pub limit: i64,
    /// Count the rows the filters match (up to [`Count::CAP`]).
    pub count: bool,
    /// Name prefix filter.
    pub name_prefix: Option<String>,
    pub organisation_id: Option<i64>,
    pub contact_id: Option<i64>,
    /// Activity kind, agreement status or ticket status.
    pub kind: Option<String>,
    /// Ticket priority.
    pub priority: Option<String>,
    /// Ticket assignee; 0 for tickets nobody is assigned.
    pub assignee_id: Option<i64>,
    /// Tickets of this contact (first) or of this organisation (second).
    pub requester_or_organisation: Option<(i64, i64)>,
    /// Only the records the caller reaches.
    pub reach: crate::Reach,
}

impl ListQuery {
    /// The same query, limited to the records `reach` covers.
    pub fn within(mut self, reach: crate::Reach) -> ListQuery {
        self.reach = reach;
        self
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Int(i64),
    Text(String),
}

/// SQL text with `$n` parameters, built from fixed fragments and bound values.
#[derive(Debug, Default, Clone)]
pub(crate) struct Sql {
    pub(crate) text: String,
    args: Vec<Arg>,
}

impl Sql {
    pub(crate) fn new(text: &str) -> Sql {
        Sql {
            text: text.to_string(),
            args: Vec::new(),
        }
    }

    /// Adds a bound value and returns its placeholder.
    pub(crate) fn arg(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }

    pub(crate) fn push(&mut self, fragment: &str) {
        self.text.push_str(fragment);
    }

    /// Appends a condition that each of the first five typed words is
    /// found, case-insensitively, in one of `columns`.
    pub(crate) fn contains_words(&mut self, typed: &str, columns: &[&str]) {
        for word in typed.split_whitespace().take(5) {
            let w = self.arg(Arg::Text(crate::rows::contains_pattern(word)));
            let any: Vec<String> = columns
                .iter()
                .map(|c| format!("LOWER({c}) LIKE {w} ESCAPE '\\'"))
                .collect();
            self.push(&format!(" AND ({})", any.join(" OR ")));
        }
    }

    pub(crate) fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        let mut query = sqlx::query(&self.text);
        for arg in &self.args {
            query = match arg {
                Arg::Int(i) => query.bind(*i),
                Arg::Text(t) => query.bind(t.as_str()),
            };
        }
        query
    }
}

/// One sortable key of a list: the column, and whether it holds text.
pub(crate) struct SortKey {
    pub(crate) name: &'static str,
    pub(crate) column: &'static str,
    pub(crate) text: bool,
}

/// Appends `AND (key, id) > (cursor)` and `ORDER BY … LIMIT …` for `query`
/// (`<` and the order reversed going back from a cursor). Fetches one row
/// more than the limit, to know whether a further page exists. When the
/// query asks for a count, gives back the statement that counts the rows
/// the filters match, to run with [`count_rows`].
pub(crate) fn keyset(
    sql: &mut Sql,
    keys: &[SortKey],
    id_column: &str,
    query: &ListQuery,
) -> Result<Option<Sql>, StoreError> {
    let counting = query.count.then(|| {
        let mut count = sql.clone();
        let cap = count.arg(Arg::Int(Count::CAP as i64 + 1));
        // Only the rows matter: the columns (and their subqueries) are
        // left out, so a count reads index entries, not records.
        let rows = match top_level_from(&count.text) {
            Some(from) => format!("SELECT 1 {}", &count.text[from..]),
            None => count.text.clone(),
        };
        count.text = format!("SELECT COUNT(*) FROM ({rows} LIMIT {cap}) counted");
        count
    });
    let key = match &query.sort {
        None => &keys[0],
        Some(name) => keys
            .iter()
            .find(|k| k.name == name)
            .ok_or(StoreError::Refused(Refusal::InvalidSort))?,
    };
    let backwards = query.after.as_ref().is_some_and(|c| c.backwards);
    let (cmp, dir) = match (query.order, backwards) {
        (SortOrder::Ascending, false) | (SortOrder::Descending, true) => (">", "ASC"),
        (SortOrder::Ascending, true) | (SortOrder::Descending, false) => ("<", "DESC"),
    };
    if let Some(cursor) = &query.after {
        let value = match (&cursor.key, key.text) {
            (CursorKey::Text(t), true) => Arg::Text(t.clone()),
            (CursorKey::Int(i), false) => Arg::Int(*i),
            _ => return Err(StoreError::Refused(Refusal::InvalidCursor)),
        };
        let v = sql.arg(value);
        let id = sql.arg(Arg::Int(cursor.id));
        sql.push(&format!(
            " AND ({}, {id_column}) {cmp} ({v}, {id})",
            key.column
        ));
    }
    let limit = sql.arg(Arg::Int(query.limit.clamp(1, 200) + 1));
    sql.push(&format!(
        " ORDER BY {} {dir}, {id_column} {dir} LIMIT {limit}",
        key.column
    ));
    Ok(counting)
}

/// Where the statement's own `FROM` starts: the first one outside
/// parentheses (a column's subquery has its own).
fn top_level_from(text: &str) -> Option<usize> {
    let mut depth = 0_i32;
    for (at, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            'F' if depth == 0 && text[at..].starts_with("FROM ") => {
                let before = text[..at].chars().next_back();
                if before.is_some_and(char::is_whitespace) {
                    return Some(at);
                }
            }
            _ => {}
        }
    }
    None
}

/// Runs the count [`keyset`] gave back, if it gave one.
pub(crate) async fn count_rows(
    conn: &mut sqlx::AnyConnection,
    counting: Option<Sql>,
) -> Result<Option<Count>, StoreError> {
    let Some(counting) = counting else {
        return Ok(None);
    };
    let rows: i64 = sqlx::Row::try_get(&counting.query().fetch_one(conn).await?, 0)?;
    Ok(Some(Count::of(u64::try_from(rows).unwrap_or(0))))
}

/// Cuts the extra row, puts rows read going back into the list's order, and
/// turns the first and last rows' keys into the cursors of the pages around.
pub(crate) fn finish_page<T>(
    mut items: Vec<T>,
    query: &ListQuery,
    total: Option<Count>,
    cursor_of: impl Fn(&T) -> Cursor,
) -> Page<T> {
    let limit = query.limit.clamp(1, 200) as usize;
    let further = items.len() > limit;
    items.truncate(limit);
    let backwards = query.after.as_ref().is_some_and(|c| c.backwards);
    if backwards {
        items.reverse();
    }
    let before_first = || {
        items.first().map(|first| {
            Cursor {
                backwards: true,
                ..cursor_of(first)
            }
            .encode()
        })
    };
    let after_last = || items.last().map(|last| cursor_of(last).encode());
    // Going back, the page after this one is where we came from; going on,
    // the page before it is.
    let (previous_cursor, next_cursor) = if backwards {
        (further.then(before_first).flatten(), after_last())
    } else {
        (
            query.after.is_some().then(before_first).flatten(),
            further.then(after_last).flatten(),
        )
    };
    Page {
        items,
        next_cursor,
        previous_cursor,
        total,
    }
}

/// The name of the sort key a query uses.
pub(crate) fn sort_name<'a>(keys: &'a [SortKey], query: &ListQuery) -> &'a str {
    query
        .sort
        .as_deref()
        .and_then(|s| keys.iter().find(|k| k.name == s))
        .map_or(keys[0].name, |k| k.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_skips_the_columns_and_their_subqueries() {
        let text =
            "SELECT c.id, (SELECT u.name FROM users u) AS owner\n    FROM contacts c WHERE x";
        let from = top_level_from(text).unwrap();
        assert_eq!(&text[from..], "FROM contacts c WHERE x");
    }

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        for cursor in [
            Cursor {
                key: CursorKey::Text("Müller\u{1f}x".into()),
                id: 42,
                backwards: false,
            },
            Cursor {
                key: CursorKey::Int(-7),
                id: 1,
                backwards: false,
            },
            Cursor {
                key: CursorKey::Text("Bauer".into()),
                id: 3,
                backwards: true,
            },
        ] {
            assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        }
        for bad in ["", "zz", "abc", "54", "4931", "not-a-cursor"] {
            assert_eq!(Cursor::decode(bad), None, "{bad}");
        }
    }
}
