//! The one error type handlers return. It renders as `{"error": code, "message": text}` with the
//! matching status, so every client can rely on one error shape.

use crate::db::DbError;
use crate::desk::error::DeskError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use handoff_protocol::v1::ErrorBody;

#[derive(Debug, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Seconds, sent as `Retry-After` (rate limits).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into(), retry_after: None }
    }
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }
    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }
    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("{what} not found"))
    }
    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, message)
    }
    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }
    pub fn too_many(retry_after: u64) -> Self {
        ApiError {
            retry_after: Some(retry_after),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "too many requests; retry later")
        }
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Conflict(_) => {
                ApiError::conflict("concurrent_update", "the conversation changed; retry")
            }
            DbError::Unavailable(m) => {
                // Nothing wrong with the request (a lock or the database out of reach for
                // now): 503, so clients and load balancers retry.
                tracing::error!(error = %m, "database unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "the desk's database is unavailable; retry",
                )
            }
            other => {
                // Log the details, tell the client only that it was our fault.
                tracing::error!(error = %other, "database error");
                ApiError::internal("internal storage error")
            }
        }
    }
}

/// The edge: each kind of refusal of the desk as its HTTP status.
impl From<DeskError> for ApiError {
    fn from(e: DeskError) -> Self {
        match e {
            DeskError::Unknown(what) => ApiError::not_found(&what),
            DeskError::Refused { code, message } => ApiError::forbidden(code, message),
            DeskError::Unauthenticated { code, message } => ApiError::unauthorized(code, message),
            DeskError::Conflict { code, message } => ApiError::conflict(code, message),
            DeskError::Invalid { code, message } => ApiError::unprocessable(code, message),
            DeskError::Malformed { code, message } => ApiError::bad_request(code, message),
            DeskError::Limited { code, message, retry_after } => ApiError {
                retry_after: Some(retry_after),
                ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, code, message)
            },
            DeskError::Storage(e) => ApiError::from(e),
            DeskError::Internal(m) => {
                tracing::error!(error = %m, "internal error");
                ApiError::internal(m)
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody { error: self.code.to_string(), message: self.message };
        let mut res = (self.status, Json(body)).into_response();
        if let Some(s) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        res
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
