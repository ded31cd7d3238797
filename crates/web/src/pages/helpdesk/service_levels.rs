//! The service levels page: per priority, when the first answer and the
//! resolution of a new ticket are due. Everyone in support sees them;
//! administrators change them.

use crate::csrf::CsrfForm;
use crate::pages::session::PageSession;
use crate::pages::views::{error_page, refusal_lines, refused_if, render, Layout};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use custodian_app::{App, AppError};
use custodian_core::helpdesk::{ServiceLevel, ServiceLevelsInput, TicketPriority};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new().route("/tickets/service-levels", get(show).post(save))
}

struct LevelRow {
    priority: &'static str,
    label: &'static str,
    first_response: String,
    resolution: String,
}

#[derive(Template)]
#[template(path = "pages/helpdesk/service_levels.html")]
struct ServiceLevelsPage {
    layout: Layout,
    rows: Vec<LevelRow>,
    errors: Vec<String>,
}

deref_layout!(ServiceLevelsPage);

fn rows(levels: &[ServiceLevel]) -> Vec<LevelRow> {
    levels
        .iter()
        .map(|l| LevelRow {
            priority: l.priority.as_str(),
            label: l.priority.label(),
            first_response: l.first_response_minutes.to_string(),
            resolution: l.resolution_minutes.to_string(),
        })
        .collect()
}

async fn show(State(app): State<App>, session: PageSession) -> Response {
    match app.helpdesk().service_levels(&session.principal).await {
        Ok(levels) => render(&ServiceLevelsPage {
            layout: Layout::new(&session, ""),
            rows: rows(&levels.levels),
            errors: Vec::new(),
        }),
        Err(error) => error_page(error),
    }
}

/// The minutes as typed, two fields per priority: "low_first_response",
/// "low_resolution" and so on.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ServiceLevelsForm {
    low_first_response: String,
    low_resolution: String,
    normal_first_response: String,
    normal_resolution: String,
    high_first_response: String,
    high_resolution: String,
    urgent_first_response: String,
    urgent_resolution: String,
}

impl ServiceLevelsForm {
    /// The first answer's and the resolution's minutes typed for a priority.
    fn typed(&self, priority: TicketPriority) -> (&str, &str) {
        match priority {
            TicketPriority::Low => (&self.low_first_response, &self.low_resolution),
            TicketPriority::Normal => (&self.normal_first_response, &self.normal_resolution),
            TicketPriority::High => (&self.high_first_response, &self.high_resolution),
            TicketPriority::Urgent => (&self.urgent_first_response, &self.urgent_resolution),
        }
    }
}

async fn save(
    State(app): State<App>,
    session: PageSession,
    CsrfForm(form): CsrfForm<ServiceLevelsForm>,
) -> Response {
    let mut errors = Vec::new();
    let mut levels = Vec::new();
    let mut typed = Vec::new();
    for priority in TicketPriority::ALL {
        let (first_raw, resolution_raw) = form.typed(*priority);
        let minutes = |raw: &str| raw.trim().parse::<i64>().ok();
        let (first_response, resolution) = (minutes(first_raw), minutes(resolution_raw));
        typed.push(LevelRow {
            priority: priority.as_str(),
            label: priority.label(),
            first_response: first_raw.to_string(),
            resolution: resolution_raw.to_string(),
        });
        match (first_response, resolution) {
            (Some(first_response_minutes), Some(resolution_minutes)) => levels.push(ServiceLevel {
                priority: *priority,
                first_response_minutes,
                resolution_minutes,
            }),
            _ => errors.push(format!(
                "{}: give the minutes as whole numbers.",
                priority.label()
            )),
        }
    }
    if errors.is_empty() {
        match app
            .helpdesk()
            .set_service_levels(&session.principal, &ServiceLevelsInput { levels })
            .await
        {
            Ok(_) => return Redirect::to("/tickets/service-levels").into_response(),
            Err(AppError::Validation(refused)) => errors = refusal_lines(&refused),
            Err(error) => return error_page(error),
        }
    }
    refused_if(
        true,
        render(&ServiceLevelsPage {
            layout: Layout::new(&session, ""),
            rows: typed,
            errors,
        }),
    )
}
