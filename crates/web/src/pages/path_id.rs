//! The record id in a page's path. Anything that is not a number is a page
//! that does not exist: the same 404 page, never a parser's message.

use super::views::error_page;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::Response;
use custodian_app::AppError;
use custodian_core::Refusal;

pub struct PageId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for PageId {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| error_page(AppError::Refused(Refusal::NotFound)))?;
        raw.parse()
            .map(PageId)
            .map_err(|_| error_page(AppError::Refused(Refusal::NotFound)))
    }
}
