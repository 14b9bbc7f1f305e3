//! The HTTP surface: thin handlers that parse, call the desk, and shape the answer.

mod admin;
mod agent;
mod agent_stream;
mod customer;
mod doc;
mod edge;
mod embed;
mod ops;
mod settings;
mod stream;

use crate::desk::Desk;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, Extensions, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Version};
use axum::{Extension, Router};
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa::OpenApi;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

/// The API, and the OpenAPI document generated from it: each handler carries its own
/// description (`#[utoipa::path]`, with the wire types' schemas from crates/protocol), and
/// `routes!` takes the path from that description, so a route cannot be served undocumented or
/// documented at a path it is not served at.
fn api(desk: &Arc<Desk>) -> OpenApiRouter<Arc<Desk>> {
    let big = DefaultBodyLimit::max(desk.config.limits.transcript_bytes);
    let customer = OpenApiRouter::new()
        .routes(routes!(customer::start))
        .routes(routes!(customer::state))
        .routes(routes!(customer::message))
        .routes(routes!(customer::handoff).layer(big))
        .routes(routes!(customer::cancel))
        .routes(routes!(stream::customer))
        .routes(routes!(customer::typing))
        .routes(routes!(customer::rating))
        .routes(routes!(customer::transcript))
        .routes(routes!(customer::ticket).layer(big))
        .routes(routes!(embed::identify))
        .layer(cors(desk.clone()));
    let agent = OpenApiRouter::new()
        .routes(routes!(agent::login))
        .routes(routes!(agent::logout))
        .routes(routes!(agent::me))
        .routes(routes!(agent::presence))
        .routes(routes!(agent::preferences))
        .routes(routes!(admin::agents, admin::create))
        .routes(routes!(admin::update))
        .routes(routes!(admin::deactivate))
        .routes(routes!(admin::activate))
        .routes(routes!(admin::audit))
        .routes(routes!(admin::agent_sessions))
        .routes(routes!(admin::end_agent_session))
        .routes(routes!(settings::get))
        .routes(routes!(settings::revert))
        .routes(routes!(settings::hours))
        .routes(routes!(settings::sla))
        .routes(routes!(settings::retention))
        .routes(routes!(settings::save_canned, settings::delete_canned))
        .routes(routes!(admin::password))
        .routes(routes!(admin::sessions))
        .routes(routes!(admin::end_session))
        .routes(routes!(agent::queue))
        .routes(routes!(agent::conversations))
        .routes(routes!(agent::detail))
        .routes(routes!(agent::claim))
        .routes(routes!(agent::reply))
        .routes(routes!(agent::note))
        .routes(routes!(agent::transfer))
        .routes(routes!(agent::escalate))
        .routes(routes!(agent::resolve))
        .routes(routes!(agent::hand_back))
        .routes(routes!(agent::typing))
        .routes(routes!(agent_stream::agent))
        .routes(routes!(agent::tickets))
        .routes(routes!(agent::answer_ticket))
        .routes(routes!(agent::canned))
        .routes(routes!(agent::sites))
        .routes(routes!(agent::history))
        .routes(routes!(agent::reassign))
        .routes(routes!(agent::overview))
        .routes(routes!(agent::failing_mail))
        .routes(routes!(agent::insights))
        .routes(routes!(agent::insights_csv))
        .routes(routes!(agent::privacy_export))
        .routes(routes!(agent::privacy_erase));
    let ops = OpenApiRouter::new()
        .routes(routes!(ops::openapi))
        .routes(routes!(ops::healthz))
        .routes(routes!(ops::metrics));
    let embedding = OpenApiRouter::new()
        .routes(routes!(embed::check))
        .routes(routes!(embed::loader))
        .routes(routes!(embed::frame_js))
        .routes(routes!(embed::frame_css))
        .routes(routes!(embed::frame))
        .routes(routes!(embed::portal));
    // Files (the loader, the widget page, the static bundle) get cache headers and compression;
    // the API and its event streams do not go through those layers: an SSE response must never
    // be compressed, and each open stream would carry their per-response state (10,000 of them
    // are held at once, see docs/benchmarks.md).
    let mut files = embedding.fallback(ops::not_found);
    if let Some(dir) = &desk.config.static_dir {
        // `cargo xtask dist` writes .br/.gz copies at the best levels (xtask/src/precompress.rs);
        // files without them are compressed on the fly below.
        files = files.fallback_service(ServeDir::new(dir).precompressed_br().precompressed_gzip());
    }
    let files = files
        .layer(axum::middleware::from_fn(immutable_assets))
        .layer(axum::middleware::from_fn_with_state(desk.clone(), edge::console_headers))
        .layer(CompressionLayer::new().br(true).gzip(true).compress_when(compressible));
    OpenApiRouter::with_openapi(doc::ApiDoc::openapi()).merge(customer).merge(agent).merge(ops).merge(files)
}

pub fn router(desk: Arc<Desk>) -> Router {
    let (api, doc) = api(&desk).split_for_parts();
    api.layer(Extension(ops::ApiDocument::new(&doc)))
        .layer(DefaultBodyLimit::max(desk.config.limits.body_bytes))
        .layer(axum::middleware::from_fn_with_state(desk.clone(), edge::request_timeout))
        .layer(axum::middleware::from_fn(crate::limits::bounded_uri))
        .layer(
            // One INFO line per request (method, path, status, latency); bodies are never logged.
            TraceLayer::new_for_http()
                // The path only: the query may carry a conversation token (`?token=`).
                .make_span_with(|req: &axum::http::Request<axum::body::Body>| {
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(desk)
}

/// Trunk's hashed asset names never change content: cache them for a year.
async fn immutable_assets(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let hashed = crate::embed::is_hashed_asset(req.uri().path());
    let mut res = next.run(req).await;
    if hashed && res.status().is_success() {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    }
    res
}

/// Only scripts, styles, pages, wasm and site bundles are compressed (never the event streams or
/// API answers).
fn compressible(status: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions) -> bool {
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    // application/octet-stream: site bundles (sites/<key>/<locale>.bundle, text in Handoff's own
    // format).
    let kind = [
        "text/javascript",
        "application/javascript",
        "text/css",
        "application/wasm",
        "text/html",
        "application/octet-stream",
    ];
    status.is_success() && kind.iter().any(|k| ct.starts_with(k))
}

/// CORS for the customer routes: a preflight does not say which site it is for, so any origin
/// some site accepts passes here; the handlers then check the origin against the actual site.
fn cors(desk: Arc<Desk>) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin, _| {
            origin.to_str().is_ok_and(|o| desk.sites.any_origin_allowed(o))
        }))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            HeaderName::from_static("last-event-id"),
        ])
        .expose_headers([header::RETRY_AFTER])
}
