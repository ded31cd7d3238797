//! The back office's side of the customer portal: a contact's portal
//! access and invitation, and the tenant's self-registration settings.

mod access;
mod registration;

use axum::Router;
use custodian_app::App;

pub fn routes() -> Router<App> {
    Router::new()
        .merge(access::routes())
        .merge(registration::routes())
}
