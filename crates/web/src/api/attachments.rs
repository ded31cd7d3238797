//! Files on tickets over the API: attach one (the body is the file; its
//! name in `file_name`), list them, download one.

use super::extract::{ApiPrincipal, ApiQuery, RecordId};
use super::{created, run, ListPage};
use crate::problem::Problem;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use custodian_app::App;
use custodian_core::helpdesk::{FileKind, TicketAttachment};
use custodian_core::{TicketAttachmentId, TicketId};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileName {
    file_name: String,
}

pub(super) async fn attach(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
    ApiQuery(name): ApiQuery<FileName>,
    body: Bytes,
) -> Result<Response, Problem> {
    let attachment =
        run(app
            .helpdesk()
            .attach_to_ticket(&principal, TicketId(id), &name.file_name, &body))
        .await?;
    Ok(created(
        &format!("/api/v1/attachments/{}", attachment.id),
        &attachment,
    ))
}

pub(super) async fn list(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<Json<ListPage<TicketAttachment>>, Problem> {
    Ok(Json(ListPage::whole(
        run(app.helpdesk().ticket_attachments(&principal, TicketId(id))).await?,
    )))
}

pub(super) async fn download(
    State(app): State<App>,
    ApiPrincipal(principal): ApiPrincipal,
    RecordId(id): RecordId,
) -> Result<Response, Problem> {
    let (attachment, content) = run(app
        .helpdesk()
        .ticket_attachment(&principal, TicketAttachmentId(id)))
    .await?;
    Ok(file_response(&attachment, content))
}

/// A file as a download: its kind by content, a name safe for the header.
pub(crate) fn file_response(attachment: &TicketAttachment, content: Vec<u8>) -> Response {
    let kind = FileKind::parse(&attachment.content_type).unwrap_or(FileKind::Text);
    let safe: String = attachment
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    crate::downloads::attachment(kind.as_str(), &safe, content)
}
