//! Extractors that turn every malformed request into a clear problem+json:
//! bearer authentication, JSON bodies, query strings and record ids.

use crate::problem::Problem;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::Json;
use custodian_app::{App, AppError, Principal};
use custodian_core::Refusal;
use serde::de::DeserializeOwned;

pub struct ApiPrincipal(pub Principal);

/// The request header that states a reason for access.
pub const ACCESS_REASON: &str = "x-access-reason";
/// `X-Returning-Subject: confirmed`: the caller knows the person was erased
/// before and came back (a new contract or consent).
pub const RETURNING_SUBJECT: &str = "x-returning-subject";

impl FromRequestParts<App> for ApiPrincipal {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Problem> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| Problem::from(AppError::Unauthenticated))?;
        let principal = app
            .authenticate_token(bearer.trim())
            .await
            .map_err(Problem::from)?;
        let principal = principal.with_client(
            crate::client::peer_address(parts),
            crate::client::user_agent(&parts.headers),
        );
        // "Break glass": a stated reason shows the tenant's sensitive
        // categories and goes into the audit entries of this request.
        let reason = match parts.headers.get(ACCESS_REASON) {
            None => None,
            Some(value) => Some(
                value
                    .to_str()
                    .map_err(|_| Problem::from(AppError::ReasonRequired))?,
            ),
        };
        let principal = principal
            .with_reason(reason)
            .map_err(Problem::from)?
            .confirming_returning_subject(
                parts
                    .headers
                    .get(RETURNING_SUBJECT)
                    .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"confirmed")),
            );
        Ok(ApiPrincipal(principal))
    }
}

pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequest<App> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, app: &App) -> Result<Self, Problem> {
        // Read as JSON first: a record is an object, and serde would also
        // fill a struct from an array by position.
        match Json::<serde_json::Value>::from_request(req, app).await {
            Ok(Json(value)) if !value.is_object() => Err(Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                "The body must be a JSON object.",
            )),
            Ok(Json(value)) if crate::text_input::json_has_nul(&value) => Err(Problem::new(
                StatusCode::BAD_REQUEST,
                "nul_character",
                crate::text_input::NUL_DETAIL,
            )),
            Ok(Json(value)) => serde_json::from_value(value).map(ApiJson).map_err(|e| {
                Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_body",
                    format!("The body does not fit the schema: {e}"),
                )
            }),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Send the body as JSON with Content-Type: application/json.",
            )),
            Err(JsonRejection::JsonSyntaxError(e)) => Err(Problem::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                format!("The body is not valid JSON: {}", e.body_text()),
            )),
            Err(JsonRejection::JsonDataError(e)) => Err(Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                format!("The body does not fit the schema: {}", e.body_text()),
            )),
            Err(other) => Err(Problem::new(
                other.status(),
                "invalid_body",
                other.body_text(),
            )),
        }
    }
}

pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<App> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Problem> {
        match Query::<T>::from_request_parts(parts, app).await {
            Ok(Query(value)) => Ok(ApiQuery(value)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => Err(Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid_query",
                format!("The query string is not valid: {}", e.body_text()),
            )),
            Err(other) => Err(Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid_query",
                other.body_text(),
            )),
        }
    }
}

/// A record id from the path. Anything that is not an id answers 404, like
/// an id that does not exist.
pub struct RecordId(pub i64);

impl FromRequestParts<App> for RecordId {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Problem> {
        let Path(raw) = Path::<String>::from_request_parts(parts, app)
            .await
            .map_err(|_| Problem::from(AppError::Refused(Refusal::NotFound)))?;
        raw.parse::<i64>()
            .map(RecordId)
            .map_err(|_| Problem::from(AppError::Refused(Refusal::NotFound)))
    }
}
