//! Links between list pages: sort headers and the pager (the list's size,
//! previous and next page, page size) keep the list's filters, encoded
//! properly.

use super::views::{Header, SelectOption};
use custodian_app::records::{ListParams, DEFAULT_PAGE_SIZE};
use custodian_core::numbers::grouped;
use custodian_core::page::Page;

/// The page sizes a list offers.
const PAGE_SIZES: [i64; 4] = [25, 50, 100, 200];

/// The list's parameters with its size counted, as every list page shows it.
pub(crate) fn counted(params: &ListParams) -> ListParams {
    ListParams {
        count: Some(true),
        ..params.clone()
    }
}

/// Below a list: how many records it holds, the pages around this one, and
/// how many to show per page.
pub(crate) struct Pager {
    /// "1,234 contacts", "10,000+ contacts".
    pub total: Option<String>,
    pub first_href: Option<String>,
    pub previous_href: Option<String>,
    pub next_href: Option<String>,
    pub sizes: Vec<SelectOption>,
    /// The list's filters and order, kept when the page size changes.
    pub kept: Vec<(&'static str, String)>,
}

impl Pager {
    /// The pager of `page`, the list at `base` with `params`; `nouns` names
    /// one record and several ("contact", "contacts").
    pub(crate) fn of<T>(
        base: &str,
        params: &ListParams,
        page: &Page<T>,
        nouns: (&str, &str),
    ) -> Pager {
        let total = page.total.map(|count| {
            let noun = if count.at_least == 1 && !count.more {
                nouns.0
            } else {
                nouns.1
            };
            let more = if count.more { "+" } else { "" };
            format!("{}{more} {noun}", grouped(count.at_least))
        });
        let at = |cursor: &Option<String>| {
            cursor.as_deref().map(|c| {
                let first = ListParams {
                    cursor: None,
                    ..params.clone()
                };
                list_href(base, &first, Some(c))
            })
        };
        let first = ListParams {
            cursor: None,
            ..params.clone()
        };
        let size = params.limit.unwrap_or(DEFAULT_PAGE_SIZE);
        let mut sizes: Vec<i64> = PAGE_SIZES.to_vec();
        if !sizes.contains(&size) {
            sizes.push(size);
            sizes.sort_unstable();
        }
        let without_size = ListParams {
            limit: None,
            cursor: None,
            ..params.clone()
        };
        Pager {
            total,
            first_href: page
                .previous_cursor
                .is_some()
                .then(|| list_href(base, &first, None)),
            previous_href: at(&page.previous_cursor),
            next_href: at(&page.next_cursor),
            sizes: sizes
                .into_iter()
                .map(|n| SelectOption {
                    value: n.to_string(),
                    label: n.to_string(),
                    selected: n == size,
                })
                .collect(),
            kept: pairs(&without_size, None),
        }
    }
}

/// The list at `base` with `params`, moved to `cursor` when given.
pub(crate) fn list_href(base: &str, params: &ListParams, cursor: Option<&str>) -> String {
    match serde_urlencoded::to_string(pairs(params, cursor)) {
        Ok(query) if !query.is_empty() => format!("{base}?{query}"),
        _ => base.to_string(),
    }
}

/// The query string's names and values of `params` (at `cursor`).
fn pairs(params: &ListParams, cursor: Option<&str>) -> Vec<(&'static str, String)> {
    let mut pairs: Vec<(&'static str, String)> = Vec::new();
    if let Some(cursor) = cursor {
        pairs.push(("cursor", cursor.to_string()));
    }
    let text = [
        ("sort", &params.sort),
        ("q", &params.q),
        ("kind", &params.kind),
        ("status", &params.status),
        ("priority", &params.priority),
    ];
    for (name, value) in text {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            pairs.push((name, value.to_string()));
        }
    }
    let ids = [
        ("organisation_id", params.organisation_id),
        ("contact_id", params.contact_id),
        ("assignee_id", params.assignee_id),
        ("limit", params.limit),
    ];
    for (name, value) in ids {
        if let Some(value) = value {
            pairs.push((name, value.to_string()));
        }
    }
    pairs
}

pub(crate) fn next_href(base: &str, params: &ListParams, cursor: Option<String>) -> Option<String> {
    cursor.map(|c| {
        let first = ListParams {
            cursor: None,
            ..params.clone()
        };
        list_href(base, &first, Some(&c))
    })
}

/// A column header that sorts by `field`, and descending when it already
/// sorts ascending by it.
pub(super) fn sort_header(
    label: &'static str,
    base: &str,
    field: &str,
    params: &ListParams,
) -> Header {
    let sort = if params.sort.as_deref() == Some(field) {
        format!("-{field}")
    } else {
        field.to_string()
    };
    let sorted = ListParams {
        sort: Some(sort),
        cursor: None,
        ..params.clone()
    };
    Header {
        label,
        sort_href: Some(list_href(base, &sorted, None)),
    }
}

pub(super) fn plain_headers(labels: &[&'static str]) -> Vec<Header> {
    labels
        .iter()
        .map(|&label| Header {
            label,
            sort_href: None,
        })
        .collect()
}
