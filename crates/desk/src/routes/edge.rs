//! What every answer passes through on its way out: a bound on the time to answer, and the
//! agent console's browser protections (Content-Security-Policy, no framing).

use crate::desk::Desk;
use crate::embed::TrunkAssets;
use crate::error::ApiError;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// 503 JSON when the answer has not started within `limits.request_timeout`. Only the time to
/// the response head counts: an event stream has answered at once and then lives on.
pub async fn request_timeout(State(desk): State<Arc<Desk>>, req: Request, next: Next) -> Response {
    answer_within(desk.config.limits.request_timeout, next.run(req)).await
}

/// `answer`, or 503 JSON if it is not ready within `limit` (the work is dropped).
async fn answer_within(limit: Duration, answer: impl Future<Output = Response>) -> Response {
    match tokio::time::timeout(limit, answer).await {
        Ok(res) => res,
        Err(_) => {
            tracing::warn!(limit_secs = limit.as_secs(), "request timed out");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "timeout",
                format!("the answer took longer than {} s; retry later", limit.as_secs()),
            )
            .into_response()
        }
    }
}

/// `/console/…`: never framed (clickjacking), scripts only from the desk plus Trunk's inline
/// start script by hash. Style attributes stay allowed (`style-src-attr`): the console sets a
/// few widths through them, and CSS cannot run script.
pub async fn console_headers(State(desk): State<Arc<Desk>>, req: Request, next: Next) -> Response {
    let console = req.uri().path() == "/console" || req.uri().path().starts_with("/console/");
    let mut res = next.run(req).await;
    if !console {
        return res;
    }
    let h = res.headers_mut();
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    // A 304's header fields replace the stored response's (RFC 9111, 4.3.4), and it has no
    // Content-Type: given the policy of a non-page, the cached console page would run nothing
    // after a revalidated reload (a blank console). It keeps the policy it was stored with.
    if res.status() == StatusCode::NOT_MODIFIED {
        return res;
    }
    let h = res.headers_mut();
    let html = h.get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    // Only a page runs a policy; the scripts, styles and wasm it loads get the strictest one.
    let csp = if html { console_csp(&desk) } else { "default-src 'none'; frame-ancestors 'none'".into() };
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    res
}

/// The console's policy, with the hash of the start script of the console build being served
/// (read per request: the build can be replaced while the desk runs).
pub fn console_csp(desk: &Desk) -> String {
    let start = desk
        .config
        .static_dir
        .as_ref()
        .and_then(|d| std::fs::read_to_string(d.join("console/index.html")).ok())
        .and_then(|html| TrunkAssets::from_index(&html))
        .map(|a| format!(" {}", a.script_hash()))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{start}; style-src 'self'; \
         style-src-attr 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; \
         form-action 'self'; object-src 'none'; frame-ancestors 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_slow_answer_becomes_503_json_and_a_quick_one_passes() {
        let slow = async {
            tokio::time::sleep(Duration::from_secs(600)).await;
            StatusCode::OK.into_response()
        };
        let res = answer_within(Duration::from_millis(50), slow).await;
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        let body = axum::body::to_bytes(res.into_body(), 1024).await.unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["error"], "timeout");
        let quick = async { StatusCode::NO_CONTENT.into_response() };
        assert_eq!(answer_within(Duration::from_secs(60), quick).await.status(), StatusCode::NO_CONTENT);
    }
}
