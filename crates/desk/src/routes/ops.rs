//! Operations: health, metrics, the OpenAPI document, and JSON 404s.

use crate::desk::Desk;
use crate::error::ApiError;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use handoff_protocol::v1::ConversationStatus;
use std::sync::Arc;

pub const OPENAPI: &str = include_str!("../../openapi.json");

pub async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}

/// 200 when the database answers, 503 otherwise (load balancers take the desk out).
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

pub async fn metrics(State(desk): State<Arc<Desk>>) -> impl IntoResponse {
    let queued =
        desk.db.conversations_with_status(ConversationStatus::Queued).await.map(|v| v.len()).unwrap_or(0);
    let mut text = desk.metrics.render(queued as u64);
    match desk.db.stored_counts().await {
        Ok(c) => text.push_str(&crate::metrics::render_stored(&c)),
        Err(e) => tracing::error!(error = %e, "metrics: stored counts"),
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text)
}

pub async fn not_found() -> ApiError {
    ApiError::not_found("route")
}
