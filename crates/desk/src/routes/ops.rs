//! Operations: health, metrics, the OpenAPI document, and JSON 404s.

use crate::desk::Desk;
use crate::error::ApiError;
use crate::extract::bearer;
use crate::secret;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Extension;
use handoff_protocol::v1::ConversationStatus;
use std::sync::Arc;

/// The OpenAPI document, serialised once when the router is built.
#[derive(Clone)]
pub struct ApiDocument(Arc<str>);

impl ApiDocument {
    pub fn new(doc: &utoipa::openapi::OpenApi) -> Self {
        // Serialising plain data into a string cannot fail; "{}" keeps the route answering if it did.
        ApiDocument(doc.to_json().unwrap_or_else(|_| "{}".into()).into())
    }
}

#[utoipa::path(
    get,
    path = "/v1/openapi.json",
    tag = "ops",
    summary = "This document",
    responses(
        (status = 200, description = "OpenAPI 3.1", body = serde_json::Value),
    ),
)]
pub async fn openapi(Extension(ApiDocument(doc)): Extension<ApiDocument>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], doc.to_string())
}

/// 200 when the database answers, 503 otherwise (load balancers take the desk out).
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "ops",
    summary = "Health (checks the database)",
    responses(
        (status = 200, description = "OK", body = serde_json::Value),
        (status = 503, description = "Database unavailable", body = serde_json::Value),
    ),
)]
pub async fn healthz(State(desk): State<Arc<Desk>>) -> impl IntoResponse {
    match desk.db.ping().await {
        Ok(()) => (StatusCode::OK, axum::Json(serde_json::json!({"status": "ok"}))),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "database unavailable"})),
            )
        }
    }
}

/// With `metrics_token` configured, only `Authorization: Bearer <token>` may read the metrics
/// (they tell queue lengths and volumes); otherwise they are open, for a scraper on the same
/// private network.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "ops",
    summary = "Prometheus metrics",
    description = "With `metrics_token` configured, requires `Authorization: Bearer <metrics_token>`.",
    responses(
        (status = 200, description = "Text exposition format 0.0.4", body = String, content_type = "text/plain"),
        (status = 401, description = "`metrics_token` is configured and the request lacks it (`metrics_token`).", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn metrics(
    State(desk): State<Arc<Desk>>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    if let Some(want) = &desk.config.metrics_token {
        let given = bearer(&headers, None).unwrap_or_default();
        // Hashes have one length: the comparison takes the same time however much matched.
        if !secret::same(&secret::hash_token(&given), &secret::hash_token(want)) {
            return Err(ApiError::unauthorized(
                "metrics_token",
                "GET /metrics needs Authorization: Bearer <metrics_token>",
            ));
        }
    }
    let queued =
        desk.db.conversations_with_status(ConversationStatus::Queued).await.map(|v| v.len()).unwrap_or(0);
    let mut text = desk.metrics.render(queued as u64);
    match desk.db.stored_counts().await {
        Ok(c) => text.push_str(&crate::metrics::render_stored(&c)),
        Err(e) => tracing::error!(error = %e, "metrics: stored counts"),
    }
    let outbox = match desk.db.mail_counts().await {
        Ok(c) => Some(c),
        Err(e) => {
            tracing::error!(error = %e, "metrics: outbox counts");
            None
        }
    };
    text.push_str(&crate::metrics::render_mail(
        desk.mail.sent.load(std::sync::atomic::Ordering::Relaxed),
        desk.mail.failures.load(std::sync::atomic::Ordering::Relaxed),
        outbox.as_ref(),
        &crate::metrics::Inbound {
            outcomes: desk.mail.inbound_counts(),
            fetch_errors: desk.mail.fetch_errors.load(std::sync::atomic::Ordering::Relaxed),
        },
    ));
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text))
}

pub async fn not_found() -> ApiError {
    ApiError::not_found("route")
}
