//! The HTTP server loop: hyper's HTTP/1.1 connections with read timeouts, which `axum::serve`
//! does not offer. A client that never finishes its request headers is disconnected after
//! `limits.header_read_timeout`; a request body that stops sending for
//! `limits.body_read_timeout` fails (the JSON extractors answer 408, see extract.rs). Responses
//! are not timed here: event streams live as long as their client (routes/mod.rs bounds the
//! time to the first byte of every answer instead).
//!
//! Graceful shutdown as before: stop accepting, ask every connection to finish its current
//! request, run `on_shutdown` (which ends the event streams), and wait for them all.

use crate::config::Limits;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceExt;
use tower_http::timeout::TimeoutBody;

/// Serves `app` on `listener` until `shutdown` resolves, then drains connections.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: &Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
    on_shutdown: impl FnOnce(),
) -> std::io::Result<()> {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
    let body_timeout = limits.body_read_timeout;
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    accept_error(e).await;
                    continue;
                }
            },
            () = shutdown.as_mut() => break,
        };
        let service =
            app.clone().map_request(move |req: hyper::Request<Incoming>| request(req, peer, body_timeout));
        let conn = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                // Timeouts and clients that hang up land here; nothing to answer any more.
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
        });
    }
    drop(listener);
    on_shutdown();
    graceful.shutdown().await;
    Ok(())
}

/// The request as the router expects it: the peer's address for [`crate::extract::ClientIp`]
/// and a body that fails when the client stops sending.
fn request(
    req: hyper::Request<Incoming>,
    peer: SocketAddr,
    body_timeout: Duration,
) -> axum::extract::Request {
    let mut req = req.map(|body| Body::new(TimeoutBody::new(body_timeout, body)));
    req.extensions_mut().insert(ConnectInfo(peer));
    req
}

/// Accept errors are about this process (too many open files) or one aborted connection:
/// log, wait a moment for descriptors to free up, and keep serving.
async fn accept_error(e: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(e.kind(), ConnectionAborted | ConnectionRefused | ConnectionReset) {
        return;
    }
    tracing::error!(error = %e, "accept failed");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
