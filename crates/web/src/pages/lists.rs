//! The list pages of the CRM's records (organisations, contacts, assets,
//! agreements) and their CSV downloads: one handler for every list page and
//! one for every download; each record type says its title, columns and
//! filter. A download holds the columns the page shows, masked as the page
//! is, and is recorded in the audit trail as an export of each record.

use super::listing::{counted, list_href, Pager};
use super::record_form::FormRecord;
use super::session::PageSession;
use super::templates::{ListFilter, ListPage};
use super::views::{allowed, error_page, render, Cell, Header, Layout};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use custodian_app::csv::csv_cell;
use custodian_app::records::{Exported, ListParams};
use custodian_app::{App, AppError, Principal};
use custodian_core::access::Action;
use std::future::Future;

/// A record type with a list page and a CSV download.
pub(super) trait ListedRecord: FormRecord {
    /// "Contacts": the page's title.
    const TITLE: &'static str;
    /// One record and several, as the count says them.
    const NOUNS: (&'static str, &'static str);
    fn filter(params: &ListParams) -> Option<ListFilter>;
    /// The columns; those an index sorts by link to sorting by them.
    fn headers(params: &ListParams) -> Vec<Header>;
    fn row(record: &Self::Record) -> Vec<Cell>;
    fn export(
        app: &App,
        principal: &Principal,
        params: &ListParams,
    ) -> impl Future<Output = Result<Exported<Self::Record>, AppError>> + Send;
}

pub(super) async fn list<R: ListedRecord>(
    State(app): State<App>,
    session: PageSession,
    Query(params): Query<ListParams>,
) -> Response {
    let page = match R::list(&app, &session.principal, &counted(&params)).await {
        Ok(page) => page,
        Err(error) => return error_page(error),
    };
    let base = format!("/{}", R::PATH);
    let csv_base = format!("/{}.csv", R::PATH);
    let whole = ListParams {
        cursor: None,
        limit: None,
        ..params.clone()
    };
    render(&ListPage {
        layout: Layout::new(&session, ""),
        title: R::TITLE,
        new_href: allowed(&session, R::RECORD_TYPE, Action::Create)
            .then(|| format!("/{}/new", R::PATH)),
        csv_href: allowed(&session, R::RECORD_TYPE, Action::Export)
            .then(|| list_href(&csv_base, &whole, None)),
        filter: R::filter(&params),
        headers: R::headers(&params),
        rows: page.items.iter().map(R::row).collect(),
        pager: Pager::of(&base, &params, &page, R::NOUNS),
    })
}

pub(super) async fn csv<R: ListedRecord>(
    State(app): State<App>,
    session: PageSession,
    Query(params): Query<ListParams>,
) -> Response {
    match R::export(&app, &session.principal, &params).await {
        Ok(exported) => {
            let headers = R::headers(&params);
            let rows: Vec<Vec<Cell>> = exported.records.iter().map(R::row).collect();
            let mut body = String::new();
            push_line(&mut body, headers.iter().map(|h| h.label));
            for row in &rows {
                push_line(&mut body, row.iter().map(|cell| cell.text.as_str()));
            }
            csv_download(&format!("{}.csv", R::PATH), body, exported.truncated)
        }
        Err(error) => error_page(error),
    }
}

fn push_line<'a>(out: &mut String, cells: impl Iterator<Item = &'a str>) {
    let line: Vec<String> = cells.map(csv_cell).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

/// A CSV download named `file_name`; says in a header when it was cut at
/// its limit.
pub(crate) fn csv_download(file_name: &str, body: String, truncated: bool) -> Response {
    let disposition = format!("attachment; filename=\"{file_name}\"");
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response();
    if truncated {
        response.headers_mut().insert(
            "custodian-export-truncated",
            axum::http::HeaderValue::from_static("true"),
        );
    }
    response
}
