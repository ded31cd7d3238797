//! Links between list pages: sort headers and the next-page link keep the
//! list's filters, encoded properly.

use super::views::Header;
use custodian_app::records::ListParams;

/// The list at `base` with `params`, moved to `cursor` when given.
pub(crate) fn list_href(base: &str, params: &ListParams, cursor: Option<&str>) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
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
    ];
    for (name, value) in ids {
        if let Some(value) = value {
            pairs.push((name, value.to_string()));
        }
    }
    match serde_urlencoded::to_string(&pairs) {
        Ok(query) if !query.is_empty() => format!("{base}?{query}"),
        _ => base.to_string(),
    }
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
