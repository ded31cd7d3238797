//! The benchmark's baseline: a bare axum handler returning a fixed JSON
//! response, served the same way as Custodian, so docs/benchmarks.md can
//! show Custodian's cost as a ratio of the framework's own.
//!
//! `cargo run --release -p custodian-web --example bare_axum -- 127.0.0.1:8182`

use axum::routing::get;
use axum::Router;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listen = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8182".into());
    let app = Router::new().route(
        "/",
        get(|| async {
            (
                [("content-type", "application/json")],
                r#"{"id":1,"first_name":"Ada","last_name":"Lovelace"}"#,
            )
        }),
    );
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    axum::serve(listener, app).await
}
