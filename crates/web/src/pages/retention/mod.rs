//! The retention pages of the privacy area: the rules and the contract end,
//! legal holds, the review list with its report, and the runs with the
//! plan (a dry run) and their history.

mod holds;
mod reviews;
mod rules;
mod runs;

use axum::Router;
use custodian_app::App;

pub fn routes() -> Router<App> {
    Router::new()
        .merge(rules::routes())
        .merge(holds::routes())
        .merge(reviews::routes())
        .merge(runs::routes())
}
