//! The helpdesk in the back office: ticket queues, a ticket with its
//! replies and notes, and the service levels.

mod canned;
mod faq;
mod service_levels;
pub(crate) mod tickets;

pub(super) use tickets::tickets_on_timeline;

use axum::Router;
use custodian_app::App;

pub fn routes() -> Router<App> {
    tickets::routes()
        .merge(service_levels::routes())
        .merge(faq::routes())
        .merge(canned::routes())
}
