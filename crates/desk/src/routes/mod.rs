//! The HTTP surface: thin handlers that parse, call the desk, and shape the answer.

mod admin;
mod agent;
mod agent_stream;
mod customer;
mod edge;
mod embed;
mod ops;
mod settings;
mod stream;

use crate::desk::Desk;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, Extensions, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Version};
use axum::routing::{delete, get, post, put};
use axum::Router;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

/// Every route the router serves, as `(method, path)`. Tests check that each one is served and
/// documented in the OpenAPI file, so this list, the router and the docs cannot drift apart.
pub const ROUTES: &[(&str, &str)] = &[
    ("POST", "/v1/conversations"),
    ("GET", "/v1/conversations/{id}"),
    ("POST", "/v1/conversations/{id}/messages"),
    ("POST", "/v1/conversations/{id}/handoff"),
    ("POST", "/v1/conversations/{id}/cancel"),
    ("GET", "/v1/conversations/{id}/events"),
    ("POST", "/v1/conversations/{id}/typing"),
    ("POST", "/v1/conversations/{id}/rating"),
    ("POST", "/v1/conversations/{id}/transcript"),
    ("POST", "/v1/conversations/{id}/ticket"),
    ("POST", "/v1/agent/login"),
    ("POST", "/v1/agent/logout"),
    ("GET", "/v1/agent/me"),
    ("PUT", "/v1/agent/presence"),
    ("PUT", "/v1/agent/preferences"),
    ("GET", "/v1/agent/admin/agents"),
    ("POST", "/v1/agent/admin/agents"),
    ("PUT", "/v1/agent/admin/agents/{id}"),
    ("POST", "/v1/agent/admin/agents/{id}/deactivate"),
    ("POST", "/v1/agent/admin/agents/{id}/activate"),
    ("GET", "/v1/agent/admin/audit"),
    ("GET", "/v1/agent/admin/agents/{id}/sessions"),
    ("DELETE", "/v1/agent/admin/agents/{id}/sessions/{session}"),
    ("GET", "/v1/agent/admin/sites/{key}/settings"),
    ("DELETE", "/v1/agent/admin/sites/{key}/settings/{section}"),
    ("PUT", "/v1/agent/admin/sites/{key}/hours"),
    ("PUT", "/v1/agent/admin/sites/{key}/sla"),
    ("PUT", "/v1/agent/admin/sites/{key}/retention"),
    ("PUT", "/v1/agent/admin/sites/{key}/canned/{department}/{locale}/{id}"),
    ("DELETE", "/v1/agent/admin/sites/{key}/canned/{department}/{locale}/{id}"),
    ("PUT", "/v1/agent/password"),
    ("GET", "/v1/agent/sessions"),
    ("DELETE", "/v1/agent/sessions/{id}"),
    ("GET", "/v1/agent/queue"),
    ("GET", "/v1/agent/conversations"),
    ("GET", "/v1/agent/conversations/{id}"),
    ("POST", "/v1/agent/conversations/{id}/claim"),
    ("POST", "/v1/agent/conversations/{id}/messages"),
    ("POST", "/v1/agent/conversations/{id}/notes"),
    ("POST", "/v1/agent/conversations/{id}/transfer"),
    ("POST", "/v1/agent/conversations/{id}/escalate"),
    ("POST", "/v1/agent/conversations/{id}/resolve"),
    ("POST", "/v1/agent/conversations/{id}/handback"),
    ("POST", "/v1/agent/conversations/{id}/typing"),
    ("GET", "/v1/agent/events"),
    ("GET", "/v1/agent/tickets"),
    ("POST", "/v1/agent/tickets/{id}/answer"),
    ("GET", "/v1/agent/canned"),
    ("GET", "/v1/agent/sites"),
    ("GET", "/v1/agent/conversations/{id}/history"),
    ("POST", "/v1/agent/conversations/{id}/reassign"),
    ("GET", "/v1/agent/supervisor/overview"),
    ("GET", "/v1/agent/supervisor/mail"),
    ("GET", "/v1/agent/insights"),
    ("GET", "/v1/agent/insights.csv"),
    ("POST", "/v1/agent/privacy/export"),
    ("POST", "/v1/agent/privacy/erase"),
    ("GET", "/v1/sites/{key}/embed-check"),
    ("POST", "/v1/sites/{key}/identify"),
    ("GET", "/embed.js"),
    ("GET", "/embed/frame.js"),
    ("GET", "/embed/frame.css"),
    ("GET", "/widget/{key}"),
    ("GET", "/help/{key}"),
    ("GET", "/v1/openapi.json"),
    ("GET", "/healthz"),
    ("GET", "/metrics"),
];

pub fn router(desk: Arc<Desk>) -> Router {
    let limits = desk.config.limits.clone();
    let big = DefaultBodyLimit::max(limits.transcript_bytes);
    let customer = Router::new()
        .route("/v1/conversations", post(customer::start))
        .route("/v1/conversations/{id}", get(customer::state))
        .route("/v1/conversations/{id}/messages", post(customer::message))
        .route("/v1/conversations/{id}/handoff", post(customer::handoff).layer(big))
        .route("/v1/conversations/{id}/cancel", post(customer::cancel))
        .route("/v1/conversations/{id}/events", get(stream::customer))
        .route("/v1/conversations/{id}/typing", post(customer::typing))
        .route("/v1/conversations/{id}/rating", post(customer::rating))
        .route("/v1/conversations/{id}/transcript", post(customer::transcript))
        .route("/v1/conversations/{id}/ticket", post(customer::ticket).layer(big))
        .route("/v1/sites/{key}/identify", post(embed::identify))
        .layer(cors(desk.clone()));
    let agent = Router::new()
        .route("/v1/agent/login", post(agent::login))
        .route("/v1/agent/logout", post(agent::logout))
        .route("/v1/agent/me", get(agent::me))
        .route("/v1/agent/presence", put(agent::presence))
        .route("/v1/agent/preferences", put(agent::preferences))
        .route("/v1/agent/admin/agents", get(admin::agents).post(admin::create))
        .route("/v1/agent/admin/agents/{id}", put(admin::update))
        .route("/v1/agent/admin/agents/{id}/deactivate", post(admin::deactivate))
        .route("/v1/agent/admin/agents/{id}/activate", post(admin::activate))
        .route("/v1/agent/admin/audit", get(admin::audit))
        .route("/v1/agent/admin/agents/{id}/sessions", get(admin::agent_sessions))
        .route("/v1/agent/admin/agents/{id}/sessions/{session}", delete(admin::end_agent_session))
        .route("/v1/agent/admin/sites/{key}/settings", get(settings::get))
        .route("/v1/agent/admin/sites/{key}/settings/{section}", delete(settings::revert))
        .route("/v1/agent/admin/sites/{key}/hours", put(settings::hours))
        .route("/v1/agent/admin/sites/{key}/sla", put(settings::sla))
        .route("/v1/agent/admin/sites/{key}/retention", put(settings::retention))
        .route(
            "/v1/agent/admin/sites/{key}/canned/{department}/{locale}/{id}",
            put(settings::save_canned).delete(settings::delete_canned),
        )
        .route("/v1/agent/password", put(admin::password))
        .route("/v1/agent/sessions", get(admin::sessions))
        .route("/v1/agent/sessions/{id}", delete(admin::end_session))
        .route("/v1/agent/queue", get(agent::queue))
        .route("/v1/agent/conversations", get(agent::conversations))
        .route("/v1/agent/conversations/{id}", get(agent::detail))
        .route("/v1/agent/conversations/{id}/claim", post(agent::claim))
        .route("/v1/agent/conversations/{id}/messages", post(agent::reply))
        .route("/v1/agent/conversations/{id}/notes", post(agent::note))
        .route("/v1/agent/conversations/{id}/transfer", post(agent::transfer))
        .route("/v1/agent/conversations/{id}/escalate", post(agent::escalate))
        .route("/v1/agent/conversations/{id}/resolve", post(agent::resolve))
        .route("/v1/agent/conversations/{id}/handback", post(agent::hand_back))
        .route("/v1/agent/conversations/{id}/typing", post(agent::typing))
        .route("/v1/agent/events", get(agent_stream::agent))
        .route("/v1/agent/tickets", get(agent::tickets))
        .route("/v1/agent/tickets/{id}/answer", post(agent::answer_ticket))
        .route("/v1/agent/canned", get(agent::canned))
        .route("/v1/agent/sites", get(agent::sites))
        .route("/v1/agent/conversations/{id}/history", get(agent::history))
        .route("/v1/agent/conversations/{id}/reassign", post(agent::reassign))
        .route("/v1/agent/supervisor/overview", get(agent::overview))
        .route("/v1/agent/supervisor/mail", get(agent::failing_mail))
        .route("/v1/agent/insights", get(agent::insights))
        .route("/v1/agent/insights.csv", get(agent::insights_csv))
        .route("/v1/agent/privacy/export", post(agent::privacy_export))
        .route("/v1/agent/privacy/erase", post(agent::privacy_erase));
    let ops = Router::new()
        .route("/v1/openapi.json", get(ops::openapi))
        .route("/healthz", get(ops::healthz))
        .route("/metrics", get(ops::metrics));
    let embedding = Router::new()
        .route("/v1/sites/{key}/embed-check", get(embed::check))
        .route("/embed.js", get(embed::loader))
        .route("/embed/frame.js", get(embed::frame_js))
        .route("/embed/frame.css", get(embed::frame_css))
        .route("/widget/{key}", get(embed::frame))
        .route("/help/{key}", get(embed::portal));
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
    customer
        .merge(agent)
        .merge(ops)
        .merge(files)
        .layer(DefaultBodyLimit::max(limits.body_bytes))
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
