//! The API's permission table, derived from the operations' declarations
//! (`operation.rs`): every operation with the area and action of the
//! permission matrix it needs (None: any signed-in user, for their own
//! things). `tests/permissions.rs` walks this table — the router's own
//! routes — for every built-in role and compares each answer with the
//! matrix in core.

use custodian_core::access::{Action, Area};
use custodian_core::audit::RecordType;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteRule {
    pub method: &'static str,
    /// As in the OpenAPI document, e.g. `/api/v1/contacts/{id}`.
    pub path: String,
    pub needs: Option<(Area, Action)>,
    /// The record type whose id `{id}` stands for.
    pub id_of: Option<RecordType>,
    /// What the answer shows whole (a file's content): the caller's roles
    /// must also see every personal column of this table.
    pub shows_whole: Option<&'static str>,
}

/// The permission table, as the operations declare it.
pub fn route_rules() -> Vec<RouteRule> {
    super::openapi::operations()
        .into_iter()
        .map(|operation| RouteRule {
            method: match operation.method.as_str() {
                "POST" => "POST",
                "PUT" => "PUT",
                "DELETE" => "DELETE",
                "PATCH" => "PATCH",
                _ => "GET",
            },
            path: format!("/api/v1{}", operation.path),
            needs: operation.needs_permission(),
            id_of: operation.id_of,
            shows_whole: operation.shows_whole,
        })
        .collect()
}
