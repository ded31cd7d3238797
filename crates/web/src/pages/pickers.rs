//! Record pickers: the type-ahead behind every field that links a record
//! (an organisation, a contact, a requester, a hold's record, the audit
//! trail's data subject). The page sends a plain control — a select of
//! choices, or a record number input — marked `data-pick`; `app.js` turns it
//! into a combobox that asks `/search/pick` as the person types. Without
//! JavaScript the plain control is what they use.

use super::session::PageSession;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use custodian_app::App;
use custodian_core::audit::RecordType;
use serde::{Deserialize, Serialize};

/// What kind of record a picker finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    Organisation,
    Contact,
}

impl Pick {
    pub fn as_str(self) -> &'static str {
        match self {
            Pick::Organisation => "organisation",
            Pick::Contact => "contact",
        }
    }

    fn record_type(self) -> RecordType {
        match self {
            Pick::Organisation => RecordType::Organisation,
            Pick::Contact => RecordType::Contact,
        }
    }

    fn parse(text: &str) -> Option<Pick> {
        [Pick::Organisation, Pick::Contact]
            .into_iter()
            .find(|pick| pick.as_str() == text)
    }
}

#[derive(Deserialize)]
pub(super) struct PickQuery {
    #[serde(default)]
    q: String,
    #[serde(default, rename = "type")]
    record_type: String,
}

/// One choice the picker offers.
#[derive(Serialize)]
struct Choice {
    id: String,
    label: String,
    detail: String,
}

/// The records of one type matching what was typed, as JSON: the same
/// search as the search box (within the reader's reach, masked, audited).
pub(super) async fn pick(
    State(app): State<App>,
    session: PageSession,
    Query(query): Query<PickQuery>,
) -> Response {
    let Some(pick) = Pick::parse(&query.record_type) else {
        return super::bad_request("Pick an organisation or a contact.");
    };
    match app
        .search_of(&session.principal, &query.q, Some(pick.record_type()))
        .await
    {
        Ok(hits) => Json(
            hits.into_iter()
                .map(|hit| Choice {
                    id: hit.record_id.to_string(),
                    label: if hit.restricted {
                        format!("{} · restricted", hit.label)
                    } else {
                        hit.label
                    },
                    detail: hit.detail,
                })
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(error) => super::views::error_page(error),
    }
}
