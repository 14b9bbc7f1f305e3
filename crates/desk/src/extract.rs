//! Request extractors that turn axum's plain-text rejections into the JSON error shape, plus
//! small header helpers shared by customer and agent routes.

use crate::desk::Desk;
use crate::error::ApiError;
use crate::limits::Bounded;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum_extra::extract::cookie::Cookie;
use serde::de::DeserializeOwned;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// `axum::Json`, but malformed bodies answer `{"error": ..., "message": ...}` naming what was
/// wrong (field, line and column come from serde_json), and every field is within its limit
/// ([`Bounded`]) before a handler sees the body.
pub struct JsonBody<T>(pub T);

impl<T> FromRequest<Arc<Desk>> for JsonBody<T>
where
    T: DeserializeOwned + Bounded,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, desk: &Arc<Desk>) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let bytes = body_bytes(Request::from_parts(parts.clone(), body), desk).await?;
        // Every request body of protocol v1 is an object. serde would also read a struct from a
        // JSON array of its fields in order (`["a@b.c", "pw"]` as a login): refuse that.
        if bytes.iter().find(|b| !b.is_ascii_whitespace()).is_some_and(|b| *b != b'{') {
            return Err(ApiError::unprocessable("invalid_body", "the request body must be a JSON object"));
        }
        let req = Request::from_parts(parts, axum::body::Body::from(bytes));
        match axum::Json::<T>::from_request(req, desk).await {
            Ok(axum::Json(mut v)) => {
                v.bound(&desk.config.limits)?;
                Ok(JsonBody(v))
            }
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

/// The whole body (within the route's size limit and the body read timeout), errors as JSON.
async fn body_bytes(req: Request, desk: &Arc<Desk>) -> Result<axum::body::Bytes, ApiError> {
    axum::body::Bytes::from_request(req, desk).await.map_err(|r| {
        if let Some(e) = body_timed_out(&r) {
            e
        } else if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "request body is too large")
        } else {
            ApiError::bad_request("invalid_body", r.body_text())
        }
    })
}

/// `axum::extract::Query`, but a query it cannot read (a parameter given twice, a number that
/// is not one) answers 400 with the JSON error shape, not axum's plain text.
pub struct QueryParams<T>(pub T);

impl<T, S> FromRequestParts<S> for QueryParams<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::try_from_uri(&parts.uri)
            .map(|axum::extract::Query(v)| QueryParams(v))
            .map_err(|r| ApiError::bad_request("invalid_query", r.body_text()))
    }
}

/// Like [`JsonBody`], but an empty body (with or without a `Content-Type`) is `T::default()`:
/// for actions whose body is optional (`POST …/cancel`: empty or `{}`).
pub struct OptionalJsonBody<T>(pub T);

impl<T> FromRequest<Arc<Desk>> for OptionalJsonBody<T>
where
    T: DeserializeOwned + Default + Bounded,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &Arc<Desk>) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let bytes = body_bytes(Request::from_parts(parts.clone(), body), state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJsonBody(T::default()));
        }
        let req = Request::from_parts(parts, axum::body::Body::from(bytes));
        JsonBody::<T>::from_request(req, state).await.map(|JsonBody(v)| OptionalJsonBody(v))
    }
}

/// 408 when the client stopped sending its body (the server's body read timeout, see
/// server.rs): the error sits somewhere in the rejection's source chain.
fn body_timed_out(e: &(dyn std::error::Error + 'static)) -> Option<ApiError> {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if err.is::<tower_http::timeout::TimeoutError>() {
            return Some(ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "body_timeout",
                "the request body stopped arriving; send it again",
            ));
        }
        cur = err.source();
    }
    None
}

fn json_rejection(r: JsonRejection) -> ApiError {
    if let Some(e) = body_timed_out(&r) {
        return e;
    }
    let text = r.body_text();
    if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "request body is too large",
        );
    }
    match r {
        JsonRejection::JsonSyntaxError(_) => ApiError::bad_request("invalid_json", text),
        JsonRejection::JsonDataError(_) => ApiError::unprocessable("invalid_body", text),
        JsonRejection::MissingJsonContentType(_) => {
            ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", text)
        }
        _ => ApiError::bad_request("invalid_body", text),
    }
}

/// The client's IP (for rate limits): the socket's peer, or the address a trusted proxy's
/// header names (see [`crate::client_ip`]). Unspecified when the server runs without connect
/// info (router tests with `oneshot`).
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<Arc<Desk>> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, desk: &Arc<Desk>) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(a)| a.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        Ok(ClientIp(crate::client_ip::client_ip(peer, &parts.headers, &desk.config.trusted_proxies)))
    }
}

/// The token of `Authorization: Bearer <token>`, or `?token=` for EventSource, which cannot set
/// headers.
pub fn bearer(headers: &HeaderMap, query_token: Option<&str>) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
        .or_else(|| query_token.map(str::to_string))
}

/// The calling page's origin, for the site's `allowed_origins` check. A page the desk served
/// itself (the widget frame `/widget/{key}`, the portal `/help/{key}`) is same-origin: its
/// Origin names the Host it talks to, and it is trusted like a request without Origin.
pub fn origin(headers: &HeaderMap) -> Option<&str> {
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok())?;
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let own =
        host.is_some_and(|h| origin.split_once("://").is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(h)));
    (!own).then_some(origin)
}

/// The value of the cookie `name` in the request's `Cookie` headers, parsed by the `cookie`
/// crate (through axum-extra), borrowed from the header; pairs it cannot read are skipped. When
/// the name comes twice, the first one counts: a browser lists the cookie with the longest path
/// first (RFC 6265, 5.4), ours on `/v1/agent`, before one a sibling subdomain could have set on
/// `/`. That is why this is not `CookieJar::from_headers`, where the last one wins (and every
/// cookie is copied; see docs/benchmarks.md, "Stop 29").
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .and_then(|c| c.value_raw())
}

#[cfg(test)]
mod tests {
    use super::cookie;
    use axum::http::{header, HeaderMap, HeaderValue};

    fn headers(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(header::COOKIE, HeaderValue::from_str(v).expect("ascii"));
        }
        h
    }

    #[test]
    fn the_named_cookie_is_found_in_every_header() {
        let h = headers(&["theme=dark; handoff_session=abc=1", "other=2"]);
        assert_eq!(cookie(&h, "handoff_session"), Some("abc=1"), "the value runs to the `;`");
        assert_eq!(cookie(&h, "other"), Some("2"), "a second Cookie header");
        assert_eq!(cookie(&h, "handoff"), None, "names match whole");
        assert_eq!(cookie(&headers(&["a=; handoff_session=x"]), "a"), Some(""));
    }

    #[test]
    fn the_first_of_two_same_named_cookies_counts() {
        let h = headers(&["handoff_session=ours; handoff_session=tossed"]);
        assert_eq!(cookie(&h, "handoff_session"), Some("ours"));
    }

    #[test]
    fn unreadable_pairs_are_skipped() {
        let h = headers(&["garbage; =nameless;  handoff_session=tok ;"]);
        assert_eq!(cookie(&h, "handoff_session"), Some("tok"));
        assert_eq!(cookie(&HeaderMap::new(), "handoff_session"), None);
    }
}
