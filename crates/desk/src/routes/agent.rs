//! Agent routes: the console's side. Authentication is a session cookie; every mutating request
//! must also carry the session's CSRF token in `X-CSRF-Token` (a cross-site form cannot read it).

use crate::db::{AgentRow, SessionRow};
use crate::desk::Desk;
use crate::error::{ApiError, ApiResult};
use crate::extract::{cookie, ClientIp, JsonBody, QueryParams};
use crate::insights::{csv, InsightsParams};
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use axum_extra::extract::cookie::{Cookie, SameSite};
use handoff_protocol::privacy::PrivacyRequest;
use handoff_protocol::v1::{
    AgentPreferences, AgentText, LoggedIn, Login, Note, Reassign, SetPresence, Transfer, Typing,
};
use std::collections::HashMap;
use std::sync::Arc;

pub const SESSION_COOKIE: &str = "handoff_session";

/// A request from a logged-in agent (and, for anything but GET, with the right CSRF token).
pub struct AgentAuth {
    pub agent: AgentRow,
    pub session: SessionRow,
}

impl FromRequestParts<Arc<Desk>> for AgentAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, desk: &Arc<Desk>) -> Result<Self, Self::Rejection> {
        let token = cookie(&parts.headers, SESSION_COOKIE)
            .ok_or_else(|| ApiError::unauthorized("no_session", "log in first (no session cookie)"))?;
        let mutating = !matches!(parts.method, Method::GET | Method::HEAD);
        let csrf = mutating.then(|| parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()));
        let (agent, session) = desk.session_agent(token, csrf).await?;
        Ok(AgentAuth { agent, session })
    }
}

/// The session cookie's `Set-Cookie`: only for the agent API, out of reach of scripts and of
/// cross-site requests, `max_age` seconds (0 ends it), `Secure` when the desk is served over
/// HTTPS (`secure_cookies`).
fn session_cookie(value: &str, max_age: u64, secure: bool) -> ApiResult<HeaderValue> {
    let cookie = Cookie::build((SESSION_COOKIE, value))
        .path("/v1/agent")
        .http_only(true)
        .same_site(SameSite::Strict)
        .max_age(time::Duration::seconds(i64::try_from(max_age).unwrap_or(i64::MAX)))
        .secure(secure)
        .build();
    // Display, not `encoded()`: tokens are base64url, written as they are (as before the crate).
    HeaderValue::from_str(&cookie.to_string()).map_err(|e| ApiError::internal(format!("cookie: {e}")))
}

pub async fn login(
    State(desk): State<Arc<Desk>>,
    ClientIp(ip): ClientIp,
    JsonBody(req): JsonBody<Login>,
) -> ApiResult<Response> {
    desk.check_ip(ip).await?;
    let s = desk.login(&req.email, &req.password).await?;
    let info = desk.agent_info(&s.agent).await?;
    let mut res = Json(LoggedIn { agent: info, csrf_token: s.csrf_token }).into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie(&s.token, desk.config.session_ttl.as_secs(), desk.config.secure_cookies)?,
    );
    Ok(res)
}

pub async fn logout(State(desk): State<Arc<Desk>>, auth: AgentAuth) -> ApiResult<Response> {
    desk.logout(&auth.session).await?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().insert(header::SET_COOKIE, session_cookie("", 0, desk.config.secure_cookies)?);
    Ok(res)
}

pub async fn me(State(desk): State<Arc<Desk>>, auth: AgentAuth) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.agent_info(&auth.agent).await?))
}

pub async fn presence(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    JsonBody(req): JsonBody<SetPresence>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.set_presence(&auth.agent, req.presence, req.capacity).await?))
}

pub async fn preferences(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    JsonBody(req): JsonBody<AgentPreferences>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.set_preferences(&auth.agent, req).await?))
}

/// `?department=` and `?tier=` narrow the list to one queue.
pub async fn queue(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    QueryParams(q): QueryParams<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    let mut list = desk.queue(&auth.agent).await?;
    if let Some(d) = q.get("department") {
        list.retain(|c| c.department.as_ref() == Some(d));
    }
    if let Some(t) = q.get("tier") {
        list.retain(|c| c.tier.as_ref() == Some(t));
    }
    Ok(Json(list))
}

pub async fn conversations(State(desk): State<Arc<Desk>>, auth: AgentAuth) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.my_conversations(&auth.agent).await?))
}

pub async fn detail(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.detail(&auth.agent, &id).await?))
}

pub async fn claim(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.claim(&auth.agent, &id).await?))
}

pub async fn reply(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<AgentText>,
) -> ApiResult<impl IntoResponse> {
    let (m, new) = desk.reply(&auth.agent, &id, &req.text, false, req.client_id.as_deref()).await?;
    Ok((if new { StatusCode::CREATED } else { StatusCode::OK }, Json(m)))
}

pub async fn note(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<AgentText>,
) -> ApiResult<impl IntoResponse> {
    let (m, new) = desk.reply(&auth.agent, &id, &req.text, true, req.client_id.as_deref()).await?;
    Ok((if new { StatusCode::CREATED } else { StatusCode::OK }, Json(m)))
}

pub async fn transfer(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<Transfer>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.transfer(&auth.agent, &id, &req.department, req.note.as_deref()).await?))
}

pub async fn escalate(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<Note>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.escalate(&auth.agent, &id, &req.note).await?))
}

pub async fn resolve(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.resolve(&auth.agent, &id).await?))
}

pub async fn hand_back(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<Note>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.hand_back(&auth.agent, &id, &req.note).await?))
}

pub async fn typing(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<Typing>,
) -> ApiResult<impl IntoResponse> {
    desk.agent_typing(&auth.agent, &id, req.typing).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn tickets(State(desk): State<Arc<Desk>>, auth: AgentAuth) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.tickets(&auth.agent).await?))
}

/// Supervisors: mails to customers that fail or were given up.
pub async fn failing_mail(State(desk): State<Arc<Desk>>, auth: AgentAuth) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.failing_mail(&auth.agent).await?))
}

pub async fn answer_ticket(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<AgentText>,
) -> ApiResult<impl IntoResponse> {
    let id: i64 = id.parse().map_err(|_| ApiError::not_found("ticket"))?;
    Ok(Json(desk.answer_ticket(&auth.agent, id, &req.text).await?))
}

/// `?locale=` narrows the list to one language.
pub async fn canned(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    QueryParams(q): QueryParams<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.canned(&auth.agent, q.get("locale").map(String::as_str))))
}

pub async fn history(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.history(&auth.agent, &id).await?))
}

pub async fn reassign(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<Reassign>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.reassign(&auth.agent, &id, req.agent_id, req.note.as_deref()).await?))
}

pub async fn overview(State(desk): State<Arc<Desk>>, auth: AgentAuth) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.overview(&auth.agent).await?))
}

/// Departments, tiers, priorities and locales of every site (names per locale).
pub async fn sites(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    let base = match &desk.config.public_url {
        Some(u) => u.clone(),
        None => base_from_request(&headers),
    };
    Ok(Json(desk.site_summaries(&auth.agent, &base)))
}

/// The address the console was loaded from: the `Host` header, https when a proxy says so.
/// Only used for the snippet shown to signed-in agents; a host that is not a bare host[:port]
/// falls back to a placeholder rather than echoing it into HTML.
fn base_from_request(headers: &HeaderMap) -> String {
    let get = |h: &str| headers.get(h).and_then(|v| v.to_str().ok()).unwrap_or("");
    let scheme = if get("x-forwarded-proto") == "https" { "https" } else { "http" };
    let base = format!("{scheme}://{}", get("host"));
    if crate::embed::valid_origin(&base) {
        base
    } else {
        "https://your-desk.example".into()
    }
}

/// The escalation insights of one site and period (supervisors and managers).
pub async fn insights(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    QueryParams(q): QueryParams<InsightsParams>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.insights(&auth.agent, &q).await?))
}

/// One insights table as CSV (`?table=`, plus the same query as [`insights`]).
pub async fn insights_csv(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    QueryParams(q): QueryParams<InsightsParams>,
) -> ApiResult<Response> {
    let query = desk.insights_query(&auth.agent, &q)?;
    let table = q.table().unwrap_or_default().to_string();
    if !csv::TABLES.contains(&table.as_str()) {
        return Err(ApiError::unprocessable(
            "unknown_table",
            format!("table {table:?} is not one of {}", csv::TABLES.join(", ")),
        ));
    }
    let figures = desk.compute_insights(&query).await?;
    let body =
        csv::table(&figures, &table).map_err(|e| ApiError::internal(e.to_string()))?.unwrap_or_default();
    let disposition =
        HeaderValue::from_str(&format!("attachment; filename=\"{}\"", csv::filename(&figures, &table)))
            .map_err(|e| ApiError::internal(format!("header: {e}")))?;
    let mut res = body.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    res.headers_mut().insert(header::CONTENT_DISPOSITION, disposition);
    Ok(res)
}

/// Everything stored about one customer of a site (supervisors and managers).
pub async fn privacy_export(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    JsonBody(req): JsonBody<PrivacyRequest>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.export_customer(&auth.agent, &req).await?))
}

/// Erases one customer of a site (supervisors and managers).
pub async fn privacy_erase(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    JsonBody(req): JsonBody<PrivacyRequest>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.erase_customer(&auth.agent, &req).await?))
}

#[cfg(test)]
mod tests {
    use super::session_cookie;

    fn attributes(v: &str) -> Vec<String> {
        let mut a: Vec<String> = v.split(';').map(|p| p.trim().to_string()).collect();
        a.sort();
        a
    }

    #[test]
    fn the_session_cookie_keeps_every_attribute() {
        let v = session_cookie("tok-en_1", 43_200, false).expect("cookie");
        assert_eq!(
            attributes(v.to_str().expect("ascii")),
            ["HttpOnly", "Max-Age=43200", "Path=/v1/agent", "SameSite=Strict", "handoff_session=tok-en_1"]
        );
        let v = session_cookie("", 0, true).expect("cookie");
        assert_eq!(
            attributes(v.to_str().expect("ascii")),
            ["HttpOnly", "Max-Age=0", "Path=/v1/agent", "SameSite=Strict", "Secure", "handoff_session="]
        );
        assert!(session_cookie("a\nb", 1, false).is_err(), "a value no header can carry");
    }
}
