//! Embedding by script tag: `/embed.js`, the frame helpers, the widget page in an iframe
//! (`/widget/{key}`), the full-page portal (`/help/{key}`) and the loader's origin check.

use crate::desk::Desk;
use crate::embed::{self, Mode, PageSpec, TrunkAssets};
use crate::error::ApiError;
use crate::extract::{origin, ClientIp, JsonBody, QueryParams};
use crate::sites::LoadedSite;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use handoff_protocol::v1::{Customer, Identify};
use serde::Deserialize;
use std::sync::Arc;

/// Whether the request's `If-None-Match` names `tag`: the browser has this very body.
fn has(headers: &HeaderMap, tag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| embed::none_match(v, tag))
}

fn script(body: &'static str, content_type: &'static str, headers: &HeaderMap) -> Response {
    let tag = embed::etag(body);
    let etag = HeaderValue::from_str(&tag).unwrap_or(HeaderValue::from_static("\"0\""));
    let cache = HeaderValue::from_static("public, max-age=300");
    if has(headers, &tag) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag), (header::CACHE_CONTROL, cache)])
            .into_response();
    }
    let ct = HeaderValue::from_static(content_type);
    ([(header::CONTENT_TYPE, ct), (header::ETAG, etag), (header::CACHE_CONTROL, cache)], body).into_response()
}

#[utoipa::path(
    get,
    path = "/embed.js",
    tag = "embed",
    summary = "The facade loader script (Cache-Control max-age=300, ETag)",
    responses(
        (status = 200, description = "the loader", body = String, content_type = "text/javascript"),
        (status = 304, description = "not modified"),
    ),
)]
pub async fn loader(headers: HeaderMap) -> Response {
    script(&embed::LOADER_JS, "text/javascript; charset=utf-8", &headers)
}

#[utoipa::path(
    get,
    path = "/embed/frame.js",
    tag = "embed",
    summary = "The widget frame's messaging helper",
    responses(
        (status = 200, description = "script", body = String, content_type = "text/javascript"),
        (status = 304, description = "not modified"),
    ),
)]
pub async fn frame_js(headers: HeaderMap) -> Response {
    script(&embed::FRAME_JS, "text/javascript; charset=utf-8", &headers)
}

#[utoipa::path(
    get,
    path = "/embed/frame.css",
    tag = "embed",
    summary = "The widget frame's styles",
    responses(
        (status = 200, description = "styles", body = String, content_type = "text/css"),
        (status = 304, description = "not modified"),
    ),
)]
pub async fn frame_css(headers: HeaderMap) -> Response {
    script(embed::FRAME_CSS, "text/css; charset=utf-8", &headers)
}

fn site<'a>(desk: &'a Desk, key: &str) -> Result<&'a LoadedSite, ApiError> {
    desk.sites.get(key).ok_or_else(|| ApiError::not_found("site"))
}

fn refuse(origin: &str) -> ApiError {
    ApiError::forbidden("origin_not_allowed", format!("origin {origin:?} is not allowed for this site"))
}

/// `POST /v1/sites/{key}/identify`: 200 with the customer as agents will see them, 403
/// `identity_not_verified` when the site verifies identities and the signature is wrong.
#[utoipa::path(
    post,
    path = "/v1/sites/{key}/identify",
    tag = "embed",
    summary = "Check the host page's identity of its customer (Handoff('identify')); nothing is stored",
    params(
        ("key" = String, Path, description = "the site key (site.toml)"),
    ),
    request_body(content = handoff_protocol::v1::Identify),
    responses(
        super::doc::BodyErrors,
        (status = 200, description = "the customer as agents will see them", body = handoff_protocol::v1::Customer),
        (status = 403, description = "identity_not_verified (wrong or missing signature) or origin_not_allowed", body = handoff_protocol::v1::ErrorBody),
        (status = 404, description = "no such site", body = handoff_protocol::v1::ErrorBody),
        (status = 422, description = "empty_identity, too_long, invalid_email, invalid_attribute, too_many_attributes", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn identify(
    State(desk): State<Arc<Desk>>,
    Path(key): Path<String>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    JsonBody(req): JsonBody<Identify>,
) -> Result<Json<Customer>, ApiError> {
    desk.check_ip(ip).await?;
    Ok(Json(desk.identify(&key, req, origin(&headers))?))
}

/// `GET /v1/sites/{key}/embed-check`: 204 when the calling page's `Origin` may embed the site
/// (answered with CORS for that origin), 403 `origin_not_allowed` otherwise.
#[utoipa::path(
    get,
    path = "/v1/sites/{key}/embed-check",
    tag = "embed",
    summary = "May the calling page (its Origin header) embed this site?",
    params(
        ("key" = String, Path, description = "the site key (site.toml)"),
    ),
    responses(
        (status = 204, description = "allowed (CORS for that origin)"),
        (status = 403, description = "Error", body = handoff_protocol::v1::ErrorBody),
        (status = 404, description = "Error", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn check(State(desk): State<Arc<Desk>>, Path(key): Path<String>, headers: HeaderMap) -> Response {
    let site = match site(&desk, &key) {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()).unwrap_or("");
    // A same-origin GET carries no Origin: the page is on the desk itself.
    // The refusal is readable by the refused page too, so the loader can say why.
    let mut res = if !origin.is_empty() && !site.origin_allowed(origin) {
        refuse(origin).into_response()
    } else {
        StatusCode::NO_CONTENT.into_response()
    };
    if let Ok(v) = HeaderValue::from_str(origin) {
        res.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
        res.headers_mut().insert(header::VARY, HeaderValue::from_static("origin"));
    }
    res
}

#[derive(Deserialize)]
pub struct PageQuery {
    origin: Option<String>,
    locale: Option<String>,
    department: Option<String>,
}

fn assets(desk: &Desk) -> Result<TrunkAssets, ApiError> {
    let dir = desk.config.static_dir.as_ref().ok_or_else(|| ApiError::not_found("widget build"))?;
    let html =
        std::fs::read_to_string(dir.join("index.html")).map_err(|_| ApiError::not_found("widget build"))?;
    TrunkAssets::from_index(&html).ok_or_else(|| ApiError::internal("index.html has no start script"))
}

/// A widget page. `no-cache` with a weak ETag of the page: every open asks the desk (the build
/// or the site may have changed), and a reopen of the same page gets a 304 without a body
/// instead of the whole page again.
fn html(page: String, csp: String, headers: &HeaderMap) -> Response {
    let tag = embed::weak_etag(&page);
    let csp = HeaderValue::from_str(&csp).unwrap_or(HeaderValue::from_static("default-src 'none'"));
    let etag = HeaderValue::from_str(&tag).unwrap_or(HeaderValue::from_static("W/\"0\""));
    let cache = HeaderValue::from_static("no-cache");
    // The 304 repeats the policy: its header fields replace those of the stored page.
    if has(headers, &tag) {
        return (
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag), (header::CACHE_CONTROL, cache), (header::CONTENT_SECURITY_POLICY, csp)],
        )
            .into_response();
    }
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (header::CONTENT_SECURITY_POLICY, csp),
            (header::CACHE_CONTROL, cache),
            (header::ETAG, etag),
            (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        ],
        page,
    )
        .into_response()
}

/// `GET /widget/{key}?origin=...`: the widget page for the loader's iframe. The host origin must
/// be one of the site's allowed origins; `frame-ancestors` makes the browser hold it to that.
#[utoipa::path(
    get,
    path = "/widget/{key}",
    tag = "embed",
    summary = "The widget page for the loader's iframe (strict CSP, frame-ancestors = origin)",
    params(
        ("key" = String, Path, description = "the site key (site.toml)"),
        ("origin" = Option<String>, Query, description = "the embedding page's origin; must be in allowed_origins"),
        ("locale" = Option<String>, Query, description = "preferred locale"),
        ("department" = Option<String>, Query, description = "preferred department"),
    ),
    responses(
        (status = 200, description = "widget page", body = String, content_type = "text/html"),
        (status = 403, description = "Error", body = handoff_protocol::v1::ErrorBody),
        (status = 404, description = "Error", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn frame(
    State(desk): State<Arc<Desk>>,
    Path(key): Path<String>,
    QueryParams(q): QueryParams<PageQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let site = site(&desk, &key)?;
    let origin = q.origin.as_deref().unwrap_or("");
    if !embed::valid_origin(origin) || !site.origin_allowed(origin) {
        return Err(refuse(origin));
    }
    let assets = assets(&desk)?;
    let spec = PageSpec {
        site: &site.key,
        mode: Mode::Frame,
        host_origin: Some(origin),
        locale: q.locale.as_deref(),
        department: q.department.as_deref(),
        locales: &site.content.settings.site.locales,
        default_locale: &site.content.settings.site.default_locale,
        mail: desk.config.smtp.is_some(),
    };
    let csp = embed::csp(&assets, &[origin.trim_end_matches('/').to_string()]);
    Ok(html(embed::page(&assets, &spec), csp, &headers))
}

/// `GET /help/{key}`: the same widget as a full-page help portal (never framed).
#[utoipa::path(
    get,
    path = "/help/{key}",
    tag = "embed",
    summary = "The widget as a full-page help portal",
    params(
        ("key" = String, Path, description = "the site key (site.toml)"),
        ("locale" = Option<String>, Query, description = "preferred locale"),
    ),
    responses(
        (status = 200, description = "portal page", body = String, content_type = "text/html"),
        (status = 404, description = "Error", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn portal(
    State(desk): State<Arc<Desk>>,
    Path(key): Path<String>,
    QueryParams(q): QueryParams<PageQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let site = site(&desk, &key)?;
    let assets = assets(&desk)?;
    let spec = PageSpec {
        site: &site.key,
        mode: Mode::Page,
        host_origin: None,
        locale: q.locale.as_deref(),
        department: None,
        locales: &site.content.settings.site.locales,
        default_locale: &site.content.settings.site.default_locale,
        mail: desk.config.smtp.is_some(),
    };
    Ok(html(embed::page(&assets, &spec), embed::csp(&assets, &[]), &headers))
}
