//! The JSON API under /api/v1: bearer tokens, problem+json errors, cursor
//! pages, ETag / If-Match on updates. Every record type is served by the same
//! generic handlers through the `Resource` trait.

mod account;
pub(crate) mod attachments;
mod audit;
mod consent;
mod dashboard;
mod extract;
mod helpdesk;
mod openapi;
pub(crate) mod operation;
mod outbox;
pub mod permissions;
mod portal;
mod purposes;
mod reference;
mod requests;
pub(crate) mod resources;
pub(crate) mod retention;
mod roles;
mod teams;

pub use openapi::openapi_document;

use crate::problem::Problem;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use custodian_app::records::ListParams;
use custodian_app::{App, AppError};
use custodian_core::need_to_know::NeedToKnow;
use extract::{ApiJson, ApiPrincipal, ApiQuery, RecordId};
use resources::Resource;
use serde::{Deserialize, Serialize};
use std::future::Future;

pub fn routes() -> Router<App> {
    let mut router = Router::new();
    for operation in openapi::operations() {
        // Operations on one path with different methods merge into one route.
        router = router.route(&operation.path, operation.handler);
    }
    router
        .route("/openapi.json", get(|| async { Json(openapi_document()) }))
        .route("/docs", get(|| async { Html(reference::reference_page()) }))
        .fallback(|| async {
            Problem::new(StatusCode::NOT_FOUND, "not_found", "No such endpoint.")
        })
        .method_not_allowed_fallback(|| async {
            Problem::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "This endpoint does not take that method; the Allow header names those it does.",
            )
        })
}

/// One page of a list.
#[derive(Serialize)]
pub struct ListPage<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// Pass as `cursor` to get the page before; left out on the first page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_cursor: Option<String>,
    /// With `count=true`: how many records match, counted up to 10,000.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<custodian_core::page::Count>,
}

impl<T> ListPage<T> {
    /// A list given whole, in one page.
    pub fn whole(items: Vec<T>) -> ListPage<T> {
        ListPage {
            items,
            next_cursor: None,
            previous_cursor: None,
            total: None,
        }
    }
}

impl<T> From<custodian_core::page::Page<T>> for ListPage<T> {
    fn from(page: custodian_core::page::Page<T>) -> ListPage<T> {
        ListPage {
            items: page.items,
            next_cursor: page.next_cursor,
            previous_cursor: page.previous_cursor,
            total: page.total,
        }
    }
}

fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

fn with_etag<T: Serialize>(status: StatusCode, version: i64, body: &T) -> Response {
    let mut response = (status, Json(body)).into_response();
    response.headers_mut().insert(header::ETAG, etag(version));
    response
}

/// 201 Created with the new thing and where it lives.
fn created<T: Serialize>(location: &str, body: &T) -> Response {
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(location) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

async fn run<T>(future: impl Future<Output = Result<T, AppError>>) -> Result<T, Problem> {
    future.await.map_err(Problem::from)
}

async fn list<R: Resource>(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Response, Problem> {
    let page = run(R::list(&app, &principal, &params)).await?;
    Ok(Json(ListPage::from(page)).into_response())
}

async fn create<R: Resource>(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    ApiJson(input): ApiJson<R::Input>,
) -> Result<Response, Problem> {
    let record = run(R::create(&app, &principal, &input)).await?;
    let mut response = with_etag(StatusCode::CREATED, R::version(&record), &record);
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/{}/{}", R::PATH, R::id(&record)))
    {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

async fn read<R: Resource>(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<Response, Problem> {
    let record = run(R::get(&app, &principal, id.into())).await?;
    let mut response = with_etag(StatusCode::OK, R::version(&record), &record);
    if !record.reason_required().is_empty() {
        // Some masked fields are sensitive: a stated reason would show them.
        response.headers_mut().insert(
            "custodian-access-reason",
            HeaderValue::from_static("required"),
        );
    }
    Ok(response)
}

/// `If-Match: "<version>"` is required, so that no update silently
/// overwrites another.
fn expected_version(headers: &HeaderMap) -> Result<i64, Problem> {
    let value = headers.get(header::IF_MATCH).ok_or_else(|| {
        Problem::new(
            StatusCode::PRECONDITION_REQUIRED,
            "precondition_required",
            "Send If-Match with the ETag of the version you edited.",
        )
    })?;
    value
        .to_str()
        .ok()
        .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| {
            Problem::field(
                StatusCode::BAD_REQUEST,
                "invalid_if_match",
                "If-Match",
                "If-Match must be an ETag such as \"3\".".into(),
            )
        })
}

async fn update<R: Resource>(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
    headers: HeaderMap,
    ApiJson(input): ApiJson<R::Input>,
) -> Result<Response, Problem> {
    let expected = expected_version(&headers)?;
    let record = run(R::update(
        &app,
        &principal,
        id.into(),
        Some(expected),
        &input,
    ))
    .await?;
    Ok(with_etag(StatusCode::OK, R::version(&record), &record))
}

async fn delete<R: Resource>(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<StatusCode, Problem> {
    run(R::delete(&app, &principal, id.into())).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    pub q: String,
    /// `organisation` or `contact`: hits of that type only.
    #[serde(default, rename = "type")]
    pub record_type: Option<SearchType>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum SearchType {
    Organisation,
    Contact,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SearchResult {
    /// `organisation` or `contact`.
    pub record_type: String,
    pub id: i64,
    pub label: String,
    pub detail: String,
    /// The record's API path.
    pub href: String,
    /// A contact whose processing is restricted at their request (Art. 18).
    pub restricted: bool,
}

async fn search(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<Json<Vec<SearchResult>>, Problem> {
    let only = params.record_type.map(|t| match t {
        SearchType::Organisation => custodian_core::audit::RecordType::Organisation,
        SearchType::Contact => custodian_core::audit::RecordType::Contact,
    });
    let hits = run(app.search_of(&principal, &params.q, only)).await?;
    Ok(Json(
        hits.into_iter()
            .map(|h| SearchResult {
                href: format!("/api/v1/{}s/{}", h.record_type, h.record_id),
                record_type: h.record_type,
                id: h.record_id,
                label: h.label,
                detail: h.detail,
                restricted: h.restricted,
            })
            .collect(),
    ))
}
