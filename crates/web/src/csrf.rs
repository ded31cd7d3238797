//! The CSRF check of every form, made before its handler runs. The session
//! extractors (back office and portal) and the double-submit cookie of
//! forms shown before a session leave the token they expect in the
//! request; `CsrfForm<T>` reads the body, refuses it with 403 unless its
//! `_csrf` field is that token, and only then deserializes `T` (repeated
//! keys become a `Vec`). A handler without a session extractor in front of
//! it has no expected token, so its forms are always refused: a new form
//! cannot forget the check.

use crate::pages::forms::{constant_time_eq, number};
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// The token a form of this request must carry, and the answer when it
/// does not (given the request's headers).
#[derive(Clone)]
pub(crate) struct ExpectedCsrf {
    pub token: String,
    pub refusal: fn(&HeaderMap) -> Response,
}

impl ExpectedCsrf {
    /// Whether `given` is the expected token.
    pub(crate) fn matches(&self, given: &str) -> bool {
        !self.token.is_empty()
            && !given.is_empty()
            && constant_time_eq(given.as_bytes(), self.token.as_bytes())
    }
}

/// The plain 403 of a back-office form.
pub(crate) fn back_office_refusal(_: &HeaderMap) -> Response {
    (
        StatusCode::FORBIDDEN,
        "The form has expired or did not come from this site. Reload the page and try again.",
    )
        .into_response()
}

/// A form body whose CSRF token was checked.
pub(crate) struct CsrfForm<T>(pub T);

impl<S, T> FromRequest<S> for CsrfForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let body = checked_form_body(request, state).await?;
        read_form(&body).map(CsrfForm)
    }
}

/// A record's create or edit form whose CSRF token was checked: the
/// record's own fields, and the two every record form carries.
pub(crate) struct CsrfRecordForm<T> {
    pub fields: T,
    pub saving: Saving,
}

/// What every record form sends besides the record's fields.
#[derive(Deserialize)]
pub(crate) struct Saving {
    /// The version the edit form was opened at (optimistic concurrency).
    #[serde(rename = "_version", default, deserialize_with = "number")]
    pub version: Option<i64>,
    /// "confirmed" when the person confirmed adding someone who erased
    /// their data before.
    #[serde(rename = "_returning_subject", default)]
    pub returning_subject: String,
}

impl<S, T> FromRequest<S> for CsrfRecordForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let body = checked_form_body(request, state).await?;
        Ok(CsrfRecordForm {
            fields: read_form(&body)?,
            saving: read_form(&body)?,
        })
    }
}

/// The body of a urlencoded form whose `_csrf` field is the expected token.
async fn checked_form_body<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, Response> {
    let expected = request.extensions().get::<ExpectedCsrf>().cloned();
    let headers = request.headers().clone();
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    let Some(expected) = expected else {
        return Err((StatusCode::FORBIDDEN, "This form cannot be sent here.").into_response());
    };
    if !is_form {
        return Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send the form as application/x-www-form-urlencoded.",
        )
            .into_response());
    }
    let body = Bytes::from_request(request, state)
        .await
        .map_err(IntoResponse::into_response)?;
    let given = form_urlencoded::parse(&body)
        .find(|(name, _)| name == "_csrf")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default();
    if !expected.matches(&given) {
        return Err((expected.refusal)(&headers));
    }
    Ok(body)
}

fn read_form<T: DeserializeOwned>(body: &[u8]) -> Result<T, Response> {
    serde_html_form::from_bytes(body).map_err(|error| {
        (
            StatusCode::BAD_REQUEST,
            format!("The form could not be read: {error}."),
        )
            .into_response()
    })
}

/// A file form (multipart) whose CSRF token was checked.
pub(crate) struct CsrfUpload(pub crate::multipart::UploadForm);

impl<S> FromRequest<S> for CsrfUpload
where
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let Some(expected) = request.extensions().get::<ExpectedCsrf>().cloned() else {
            return Err((StatusCode::FORBIDDEN, "This form cannot be sent here.").into_response());
        };
        let headers = request.headers().clone();
        let body = Bytes::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let form = crate::multipart::upload_form(&headers, &body);
        if !expected.matches(&form.csrf) {
            return Err((expected.refusal)(&headers));
        }
        Ok(CsrfUpload(form))
    }
}
