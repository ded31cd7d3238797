//! Custodian's HTTP layer: the JSON API under /api/v1, the back office pages,
//! the OpenAPI document and the health check. Handlers translate HTTP to app
//! use cases and app errors to problem+json; nothing here decides a rule.

// Handlers refuse a request by returning its finished response (a Problem or
// a page) as the error; it is built once and moved once per request, so its
// size does not matter.
#![allow(clippy::result_large_err)]
mod api;
mod assets;
mod client;
mod csrf;
mod downloads;
mod headers;
mod multipart;
mod pages;
mod portal;
mod problem;
mod text_input;
mod tls;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use custodian_app::App;
use std::net::SocketAddr;

pub use api::openapi_document;
pub use api::permissions::{route_rules, RouteRule};
pub use client::{Transport, TrustedProxies};
pub use tls::TlsFiles;

/// The router for a server reached directly over plain HTTP (tests, the
/// demo); `router_with` for one behind proxies or speaking TLS.
pub fn router(app: App) -> Router {
    router_with(app, Transport::default())
}

pub fn router_with(app: App, transport: Transport) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .nest("/api/v1", api::routes())
        .merge(pages::routes())
        .merge(portal::routes())
        // Any other address: the same "does not exist" page as a missing record.
        .fallback(pages::missing)
        .layer(axum::middleware::from_fn(problem::api_errors_as_problems))
        .layer(axum::middleware::from_fn(text_input::refuse_nul))
        .layer(axum::middleware::from_fn(headers::security_headers))
        // Outermost, so every layer and handler finds it.
        .layer(axum::Extension(std::sync::Arc::new(transport)))
        .with_state(app)
}

async fn healthz(State(app): State<App>) -> StatusCode {
    match app.ping().await {
        Ok(()) => StatusCode::OK,
        Err(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// Serves until ctrl-c or SIGTERM; `on_ready` gets the bound address.
pub async fn serve(app: App, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    serve_with(app, listener, Transport::default()).await
}

/// Like `serve`, believing forwarded addresses from `transport`'s proxies.
pub async fn serve_with(
    app: App,
    listener: tokio::net::TcpListener,
    transport: Transport,
) -> std::io::Result<()> {
    let router = router_with(app, transport).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

/// Like `serve_with`, speaking HTTPS with the certificate in `files`
/// (read again on SIGHUP and when the files change); cookies are Secure
/// and HSTS is sent whatever the request's headers say.
pub async fn serve_tls(
    app: App,
    listener: tokio::net::TcpListener,
    transport: Transport,
    files: TlsFiles,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    let listener = tls::TlsListener::start(listener, files).map_err(std::io::Error::other)?;
    let transport = Transport {
        tls: true,
        ..transport
    };
    let router = router_with(app, transport).into_make_service_with_connect_info::<SocketAddr>();
    // tap_io: axum gives the peer's address to listeners it wraps.
    axum::serve(listener.tap_io(|_| {}), router)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

/// Ctrl-C, or SIGTERM from a service manager.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
