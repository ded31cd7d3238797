//! One declaration per API operation: its method and path, the handler
//! that answers it, the permission it needs (area × action of the matrix
//! in core), what its `{id}` names, and its OpenAPI description. The
//! router (`api::routes`), the permission table
//! (`permissions::route_rules`) and the OpenAPI document
//! (`openapi::openapi_document`) are all derived from the one list
//! (`openapi::operations`), so none can name an operation the others lack.

use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodFilter, MethodRouter};
use custodian_app::App;
use custodian_core::access::{Action, Area};
use custodian_core::audit::RecordType;
use utoipa::openapi::path::OperationBuilder;

/// Who may call an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Not said yet: the unit test below refuses such a declaration.
    Undeclared,
    /// Any signed-in user, for their own things.
    SignedIn,
    /// Roles granted this action in this area.
    Needs(Area, Action),
}

pub struct Operation {
    pub method: Method,
    /// Below /api/v1, e.g. `/contacts/{id}`.
    pub path: String,
    pub access: Access,
    /// The record type whose id `{id}` stands for.
    pub id_of: Option<RecordType>,
    /// What the answer shows whole (a file's content): the caller's roles
    /// must also see every personal column of this table.
    pub shows_whole: Option<&'static str>,
    pub doc: OperationBuilder,
    pub handler: MethodRouter<App>,
}

impl Operation {
    pub fn new<H, T>(
        method: Method,
        path: impl Into<String>,
        handler: H,
        doc: OperationBuilder,
    ) -> Operation
    where
        H: Handler<T, App>,
        T: 'static,
    {
        // Declarations name standard methods only; the unit test below
        // refuses any other.
        let filter = MethodFilter::try_from(method.clone()).unwrap_or(MethodFilter::GET);
        Operation {
            method,
            path: path.into(),
            access: Access::Undeclared,
            id_of: None,
            shows_whole: None,
            doc,
            handler: axum::routing::on(filter, handler),
        }
    }

    /// The permission the operation needs.
    pub fn needs(mut self, area: Area, action: Action) -> Operation {
        self.access = Access::Needs(area, action);
        self
    }

    /// Any signed-in user may call it, for their own things.
    pub fn for_anyone_signed_in(mut self) -> Operation {
        self.access = Access::SignedIn;
        self
    }

    /// The permission as the matrix names it (None: any signed-in user).
    pub fn needs_permission(&self) -> Option<(Area, Action)> {
        match self.access {
            Access::Needs(area, action) => Some((area, action)),
            Access::SignedIn | Access::Undeclared => None,
        }
    }

    /// What `{id}` in the path names.
    pub fn id_of(mut self, record_type: RecordType) -> Operation {
        self.id_of = Some(record_type);
        self
    }

    pub fn showing_whole(mut self, table: &'static str) -> Operation {
        self.shows_whole = Some(table);
        self
    }

    /// Bodies up to `bytes` (the default limit is smaller).
    pub fn body_limit(mut self, bytes: usize) -> Operation {
        self.handler = self
            .handler
            .layer(axum::extract::DefaultBodyLimit::max(bytes));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::Access;

    #[test]
    fn every_operation_says_who_may_call_it_and_is_declared_once() {
        let operations = crate::api::openapi::operations();
        let mut seen = std::collections::BTreeSet::new();
        for operation in &operations {
            assert!(
                axum::routing::MethodFilter::try_from(operation.method.clone()).is_ok(),
                "{} {}: not a method the router serves",
                operation.method,
                operation.path
            );
            assert_ne!(
                operation.access,
                Access::Undeclared,
                "{} {} does not say who may call it",
                operation.method,
                operation.path
            );
            assert!(
                seen.insert((operation.method.to_string(), operation.path.clone())),
                "{} {} is declared twice",
                operation.method,
                operation.path
            );
            // An id names a record type, except the caller's own sessions
            // and tokens, which are theirs by definition.
            let own = operation.path.starts_with("/account/");
            assert_eq!(
                operation.path.contains("{id}") && !own,
                operation.id_of.is_some(),
                "{} {}: an id in the path names a record type",
                operation.method,
                operation.path
            );
        }
        assert!(operations.len() > 100, "{}", operations.len());
    }
}
