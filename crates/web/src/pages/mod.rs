//! placeholder
use axum::Router;
use custodian_app::App;
pub fn routes() -> Router<App> {
    Router::new()
}
