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

#[utoipa::path(
    post,
    path = "/v1/agent/login",
    tag = "agent",
    summary = "Log in; sets the HttpOnly session cookie",
    request_body(content = handoff_protocol::v1::Login, description = "Limit 64 KiB."),
    responses(
        super::doc::BodyErrors,
        (status = 200, description = "Logged in; `Set-Cookie: handoff_session=...; HttpOnly; SameSite=Strict`.", body = handoff_protocol::v1::LoggedIn),
        (status = 401, description = "Missing token / session.", body = handoff_protocol::v1::ErrorBody),
        (status = 429, description = "Too many requests from this address (`rate_limited`), or too many failed logins for this account (`login_backoff`: even the right password waits); `Retry-After` says how many seconds.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
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

#[utoipa::path(
    post,
    path = "/v1/agent/logout",
    tag = "agent",
    summary = "End the session",
    security(("agentSession" = [], "csrf" = [])),
    responses(
        super::doc::AgentErrors,
        (status = 204, description = "Logged out; cookie cleared."),
    ),
)]
pub async fn logout(State(desk): State<Arc<Desk>>, auth: AgentAuth) -> ApiResult<Response> {
    desk.logout(&auth.session).await?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().insert(header::SET_COOKIE, session_cookie("", 0, desk.config.secure_cookies)?);
    Ok(res)
}

#[utoipa::path(
    get,
    path = "/v1/agent/me",
    tag = "agent",
    summary = "The logged-in agent",
    security(("agentSession" = [])),
    responses(
        super::doc::AgentErrors,
        (status = 200, description = "Agent", body = handoff_protocol::v1::AgentInfo),
    ),
)]
pub async fn me(State(desk): State<Arc<Desk>>, auth: AgentAuth) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.agent_info(&auth.agent).await?))
}

#[utoipa::path(
    put,
    path = "/v1/agent/presence",
    tag = "agent",
    summary = "Set presence and capacity",
    security(("agentSession" = [], "csrf" = [])),
    request_body(content = handoff_protocol::v1::SetPresence, description = "Limit 64 KiB."),
    responses(
        super::doc::BodyErrors,
        super::doc::AgentErrors,
        (status = 200, description = "Updated.", body = handoff_protocol::v1::AgentInfo),
    ),
)]
pub async fn presence(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    JsonBody(req): JsonBody<SetPresence>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.set_presence(&auth.agent, req.presence, req.capacity).await?))
}

#[utoipa::path(
    put,
    path = "/v1/agent/preferences",
    tag = "agent",
    summary = "Set the agent's own preferences",
    description = "`ticket_mail`: e-mail me a ticket filed for one of my departments while nobody of it is online (off by default).",
    security(("agentSession" = [], "csrf" = [])),
    request_body(content = handoff_protocol::v1::AgentPreferences, description = "Limit 64 KiB."),
    responses(
        super::doc::BodyErrors,
        super::doc::AgentErrors,
        (status = 200, description = "Updated.", body = handoff_protocol::v1::AgentInfo),
    ),
)]
pub async fn preferences(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    JsonBody(req): JsonBody<AgentPreferences>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.set_preferences(&auth.agent, req).await?))
}

/// `?department=` and `?tier=` narrow the list to one queue.
#[utoipa::path(
    get,
    path = "/v1/agent/queue",
    tag = "agent",
    summary = "Queued conversations this agent can take",
    params(
        ("department" = Option<String>, Query, description = "Only this department."),
        ("tier" = Option<String>, Query, description = "Only this tier."),
    ),
    security(("agentSession" = [])),
    responses(
        super::doc::AgentErrors,
        (status = 200, description = "In service order.", body = Vec<handoff_protocol::v1::ConversationSummary>),
    ),
)]
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

#[utoipa::path(
    get,
    path = "/v1/agent/conversations",
    tag = "agent",
    summary = "Conversations assigned to this agent",
    security(("agentSession" = [])),
    responses(
        super::doc::AgentErrors,
        (status = 200, description = "List", body = Vec<handoff_protocol::v1::ConversationSummary>),
    ),
)]
pub async fn conversations(State(desk): State<Arc<Desk>>, auth: AgentAuth) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.my_conversations(&auth.agent).await?))
}

#[utoipa::path(
    get,
    path = "/v1/agent/conversations/{id}",
    tag = "agent",
    summary = "Everything about one conversation (handoff, messages with notes, audit)",
    params(
        ("id" = String, Path),
    ),
    security(("agentSession" = [])),
    responses(
        super::doc::AgentErrors,
        (status = 200, description = "Detail", body = handoff_protocol::v1::ConversationDetail),
        (status = 404, description = "Unknown conversation.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn detail(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.detail(&auth.agent, &id).await?))
}

#[utoipa::path(
    post,
    path = "/v1/agent/conversations/{id}/claim",
    tag = "agent",
    summary = "Take a queued conversation",
    params(
        ("id" = String, Path),
    ),
    security(("agentSession" = [], "csrf" = [])),
    responses(
        super::doc::AgentErrors,
        (status = 200, description = "Done.", body = handoff_protocol::v1::ConversationSummary),
        (status = 400, description = "Malformed JSON (`invalid_json`) or bad parameter.", body = handoff_protocol::v1::ErrorBody),
        (status = 404, description = "Unknown conversation.", body = handoff_protocol::v1::ErrorBody),
        (status = 409, description = "Conflict with the current state.", body = handoff_protocol::v1::ErrorBody),
        (status = 422, description = "Unknown field, wrong type, missing field, or a value the site does not know.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn claim(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.claim(&auth.agent, &id).await?))
}

#[utoipa::path(
    post,
    path = "/v1/agent/conversations/{id}/messages",
    tag = "agent",
    summary = "Reply to the customer",
    params(
        ("id" = String, Path),
    ),
    security(("agentSession" = [], "csrf" = [])),
    request_body(content = handoff_protocol::v1::AgentText, description = "Limit 64 KiB."),
    responses(
        super::doc::BodyErrors,
        super::doc::AgentErrors,
        (status = 201, description = "Done.", body = handoff_protocol::v1::Message),
        (status = 404, description = "Unknown conversation.", body = handoff_protocol::v1::ErrorBody),
        (status = 409, description = "Conflict with the current state.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn reply(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<AgentText>,
) -> ApiResult<impl IntoResponse> {
    let (m, new) = desk.reply(&auth.agent, &id, &req.text, false, req.client_id.as_deref()).await?;
    Ok((if new { StatusCode::CREATED } else { StatusCode::OK }, Json(m)))
}

#[utoipa::path(
    post,
    path = "/v1/agent/conversations/{id}/notes",
    tag = "agent",
    summary = "Internal note (never sent to the customer)",
    params(
        ("id" = String, Path),
    ),
    security(("agentSession" = [], "csrf" = [])),
    request_body(content = handoff_protocol::v1::AgentText, description = "Limit 64 KiB."),
    responses(
        super::doc::BodyErrors,
        super::doc::AgentErrors,
        (status = 201, description = "Done.", body = handoff_protocol::v1::Message),
        (status = 404, description = "Unknown conversation.", body = handoff_protocol::v1::ErrorBody),
        (status = 409, description = "Conflict with the current state.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn note(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<AgentText>,
) -> ApiResult<impl IntoResponse> {
    let (m, new) = desk.reply(&auth.agent, &id, &req.text, true, req.client_id.as_deref()).await?;
    Ok((if new { StatusCode::CREATED } else { StatusCode::OK }, Json(m)))
}

#[utoipa::path(
    post,
    path = "/v1/agent/conversations/{id}/transfer",
    tag = "agent",
    summary = "Transfer to another department (functional escalation)",
    params(
        ("id" = String, Path),
    ),
    security(("agentSession" = [], "csrf" = [])),
    request_body(content = handoff_protocol::v1::Transfer, description = "Limit 64 KiB."),
    responses(
        super::doc::BodyErrors,
        super::doc::AgentErrors,
        (status = 200, description = "Done.", body = handoff_protocol::v1::ConversationSummary),
        (status = 404, description = "Unknown conversation.", body = handoff_protocol::v1::ErrorBody),
        (status = 409, description = "Conflict with the current state.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn transfer(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<Transfer>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.transfer(&auth.agent, &id, &req.department, req.note.as_deref()).await?))
}

#[utoipa::path(
    post,
    path = "/v1/agent/conversations/{id}/escalate",
    tag = "agent",
    summary = "Escalate to the next tier (hierarchical)",
    params(
        ("id" = String, Path),
    ),
    security(("agentSession" = [], "csrf" = [])),
    request_body(content = handoff_protocol::v1::Note, description = "Limit 64 KiB."),
    responses(
        super::doc::BodyErrors,
        super::doc::AgentErrors,
        (status = 200, description = "Done.", body = handoff_protocol::v1::ConversationSummary),
        (status = 404, description = "Unknown conversation.", body = handoff_protocol::v1::ErrorBody),
        (status = 409, description = "Conflict with the current state.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn escalate(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<Note>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.escalate(&auth.agent, &id, &req.note).await?))
}

#[utoipa::path(
    post,
    path = "/v1/agent/conversations/{id}/resolve",
    tag = "agent",
    summary = "Resolve",
    params(
        ("id" = String, Path),
    ),
    security(("agentSession" = [], "csrf" = [])),
    responses(
        super::doc::AgentErrors,
        (status = 200, description = "Done.", body = handoff_protocol::v1::ConversationSummary),
        (status = 400, description = "Malformed JSON (`invalid_json`) or bad parameter.", body = handoff_protocol::v1::ErrorBody),
        (status = 404, description = "Unknown conversation.", body = handoff_protocol::v1::ErrorBody),
        (status = 409, description = "Conflict with the current state.", body = handoff_protocol::v1::ErrorBody),
        (status = 422, description = "Unknown field, wrong type, missing field, or a value the site does not know.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn resolve(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.resolve(&auth.agent, &id).await?))
}

#[utoipa::path(
    post,
    path = "/v1/agent/conversations/{id}/handback",
    tag = "agent",
    summary = "Hand back to the bot",
    params(
        ("id" = String, Path),
    ),
    security(("agentSession" = [], "csrf" = [])),
    request_body(content = handoff_protocol::v1::Note, description = "Limit 64 KiB."),
    responses(
        super::doc::BodyErrors,
        super::doc::AgentErrors,
        (status = 200, description = "Done.", body = handoff_protocol::v1::ConversationSummary),
        (status = 404, description = "Unknown conversation.", body = handoff_protocol::v1::ErrorBody),
        (status = 409, description = "Conflict with the current state.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn hand_back(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<Note>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.hand_back(&auth.agent, &id, &req.note).await?))
}

#[utoipa::path(
    post,
    path = "/v1/agent/conversations/{id}/typing",
    tag = "agent",
    summary = "Agent typing indicator (ephemeral)",
    params(
        ("id" = String, Path),
    ),
    security(("agentSession" = [], "csrf" = [])),
    request_body(content = handoff_protocol::v1::Typing, description = "Limit 64 KiB."),
    responses(
        super::doc::BodyErrors,
        super::doc::AgentErrors,
        (status = 204, description = "Done."),
        (status = 404, description = "Unknown conversation.", body = handoff_protocol::v1::ErrorBody),
        (status = 409, description = "Conflict with the current state.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn typing(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<Typing>,
) -> ApiResult<impl IntoResponse> {
    desk.agent_typing(&auth.agent, &id, req.typing).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/v1/agent/tickets",
    tag = "agent",
    summary = "Offline tickets, newest first",
    security(("agentSession" = [])),
    responses(
        super::doc::AgentErrors,
        (status = 200, description = "List", body = Vec<handoff_protocol::v1::Ticket>),
    ),
)]
pub async fn tickets(State(desk): State<Arc<Desk>>, auth: AgentAuth) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.tickets(&auth.agent).await?))
}

/// Supervisors: mails to customers that fail or were given up.
#[utoipa::path(
    get,
    path = "/v1/agent/supervisor/mail",
    tag = "supervisor",
    summary = "Supervisor: mails to customers (ticket receipts, answers) that are failing or were given up, newest first",
    security(("agentSession" = [])),
    responses(
        super::doc::AgentErrors,
        (status = 200, description = "The mails, at most 200.", body = Vec<handoff_protocol::v1::FailedMail>),
        (status = 403, description = "`not_supervisor`.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn failing_mail(State(desk): State<Arc<Desk>>, auth: AgentAuth) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.failing_mail(&auth.agent).await?))
}

#[utoipa::path(
    post,
    path = "/v1/agent/tickets/{id}/answer",
    tag = "agent",
    summary = "Answer an offline ticket (stored; the ticket becomes `answered`)",
    params(
        ("id" = String, Path, description = "The ticket id (a number)."),
    ),
    security(("agentSession" = [], "csrf" = [])),
    request_body(content = handoff_protocol::v1::AgentText, description = "Limit 64 KiB."),
    responses(
        super::doc::BodyErrors,
        super::doc::AgentErrors,
        (status = 200, description = "Done.", body = handoff_protocol::v1::Ticket),
        (status = 404, description = "Unknown ticket.", body = handoff_protocol::v1::ErrorBody),
        (status = 409, description = "`already_answered`.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
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
#[utoipa::path(
    get,
    path = "/v1/agent/canned",
    tag = "agent",
    summary = "Canned responses of the agent's departments",
    params(
        ("locale" = Option<String>, Query, description = "Only this locale."),
    ),
    security(("agentSession" = [])),
    responses(
        super::doc::AgentErrors,
        (status = 200, description = "The list.", body = Vec<handoff_protocol::v1::CannedResponse>),
    ),
)]
pub async fn canned(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    QueryParams(q): QueryParams<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.canned(&auth.agent, q.get("locale").map(String::as_str))))
}

#[utoipa::path(
    get,
    path = "/v1/agent/conversations/{id}/history",
    tag = "agent",
    summary = "Earlier conversations of the same visitor (by `visitor_id`), newest first",
    params(
        ("id" = String, Path),
    ),
    security(("agentSession" = [])),
    responses(
        super::doc::AgentErrors,
        (status = 200, description = "The list (empty without a visitor id).", body = Vec<handoff_protocol::v1::ConversationSummary>),
        (status = 404, description = "Unknown conversation.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn history(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.history(&auth.agent, &id).await?))
}

#[utoipa::path(
    post,
    path = "/v1/agent/conversations/{id}/reassign",
    tag = "supervisor",
    summary = "Supervisor: give the conversation to an agent (own id: take over)",
    params(
        ("id" = String, Path),
    ),
    security(("agentSession" = [], "csrf" = [])),
    request_body(content = handoff_protocol::v1::Reassign, description = "Limit 64 KiB."),
    responses(
        super::doc::BodyErrors,
        super::doc::AgentErrors,
        (status = 200, description = "Done.", body = handoff_protocol::v1::ConversationSummary),
        (status = 404, description = "Unknown conversation.", body = handoff_protocol::v1::ErrorBody),
        (status = 409, description = "Conflict with the current state.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn reassign(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<Reassign>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.reassign(&auth.agent, &id, req.agent_id, req.note.as_deref()).await?))
}

#[utoipa::path(
    get,
    path = "/v1/agent/supervisor/overview",
    tag = "supervisor",
    summary = "Supervisor: agents with presence and load, waiting and active conversations, SLA breaches, recent escalations",
    security(("agentSession" = [])),
    responses(
        super::doc::AgentErrors,
        (status = 200, description = "The overview.", body = handoff_protocol::v1::SupervisorOverview),
        (status = 403, description = "`not_supervisor`.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn overview(State(desk): State<Arc<Desk>>, auth: AgentAuth) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.overview(&auth.agent).await?))
}

/// Departments, tiers, priorities and locales of every site (names per locale).
#[utoipa::path(
    get,
    path = "/v1/agent/sites",
    tag = "agent",
    summary = "Departments, tiers, priorities and locales of every site, with names per locale",
    security(("agentSession" = [])),
    responses(
        super::doc::AgentErrors,
        (status = 200, description = "The list.", body = Vec<handoff_protocol::v1::SiteSummary>),
    ),
)]
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
#[utoipa::path(
    get,
    path = "/v1/agent/insights",
    tag = "supervisor",
    summary = r#"Escalation insights of one site and period: containment, escalation flow, speed and SLA, quality, trends (docs/protocol.md, "Insights (computed)")"#,
    params(
        ("site" = Option<String>, Query, description = "Site key; default: the first site (by key) the agent supervises."),
        ("from" = Option<String>, Query, description = "Start of the period, inclusive: RFC 3339, or YYYY-MM-DD (its 00:00 UTC). Default: `to` minus 30 days."),
        ("to" = Option<String>, Query, description = "End of the period, exclusive: RFC 3339, or YYYY-MM-DD (the next 00:00 UTC: the day is included). Default: now."),
        ("bucket" = inline(Option<handoff_protocol::insights::Bucket>), Query, description = "Trend buckets (UTC days or ISO weeks). Default: day."),
        ("department" = Option<String>, Query, description = "Only conversations that were in this department."),
        ("tier" = Option<String>, Query, description = "Only conversations that reached this tier."),
        ("locale" = Option<String>, Query, description = "Only conversations in this locale."),
        ("reason" = inline(Option<handoff_protocol::HandoffReason>), Query, description = "Only conversations with a handoff of this reason."),
    ),
    security(("agentSession" = [])),
    responses(
        super::doc::AgentErrors,
        (status = 200, description = "Every figure.", body = handoff_protocol::insights::Insights),
        (status = 400, description = "`invalid_query`: a query that does not parse, such as a parameter given twice.", body = handoff_protocol::v1::ErrorBody),
        (status = 403, description = "`not_supervisor`: not above the site's first human tier.", body = handoff_protocol::v1::ErrorBody),
        (status = 422, description = "`unknown_site`, `unknown_department`, `unknown_tier`, `unknown_locale`, `unknown_reason`, `invalid_bucket`, `invalid_date`, `empty_period` (`to` not after `from`), `too_many_buckets` (over 1,000).", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn insights(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    QueryParams(q): QueryParams<InsightsParams>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.insights(&auth.agent, &q).await?))
}

/// One insights table as CSV (`?table=`, plus the same query as [`insights`]).
#[utoipa::path(
    get,
    path = "/v1/agent/insights.csv",
    tag = "supervisor",
    summary = "One insights table as CSV (RFC 4180, header row, formula injection neutralised), as an attachment `insights-<table>-<site>-<from>-<to>.csv`",
    params(
        ("table" = String, Query, description = "Which table: containment, reasons, flow, speed, sla, ratings, comments, articles, trends, gaps or articles_before_handoff (`unknown_table` otherwise)."),
        ("site" = Option<String>, Query, description = "Site key; default: the first site (by key) the agent supervises."),
        ("from" = Option<String>, Query, description = "Start of the period, inclusive: RFC 3339, or YYYY-MM-DD (its 00:00 UTC). Default: `to` minus 30 days."),
        ("to" = Option<String>, Query, description = "End of the period, exclusive: RFC 3339, or YYYY-MM-DD (the next 00:00 UTC: the day is included). Default: now."),
        ("bucket" = inline(Option<handoff_protocol::insights::Bucket>), Query, description = "Trend buckets (UTC days or ISO weeks). Default: day."),
        ("department" = Option<String>, Query, description = "Only conversations that were in this department."),
        ("tier" = Option<String>, Query, description = "Only conversations that reached this tier."),
        ("locale" = Option<String>, Query, description = "Only conversations in this locale."),
        ("reason" = inline(Option<handoff_protocol::HandoffReason>), Query, description = "Only conversations with a handoff of this reason."),
    ),
    security(("agentSession" = [])),
    responses(
        super::doc::AgentErrors,
        (status = 200, description = "The table.", body = String, content_type = "text/csv"),
        (status = 400, description = "`invalid_query`: a query that does not parse, such as a parameter given twice.", body = handoff_protocol::v1::ErrorBody),
        (status = 403, description = "`not_supervisor`: not above the site's first human tier.", body = handoff_protocol::v1::ErrorBody),
        (status = 422, description = "`unknown_site`, `unknown_department`, `unknown_tier`, `unknown_locale`, `unknown_reason`, `invalid_bucket`, `invalid_date`, `empty_period` (`to` not after `from`), `too_many_buckets` (over 1,000), `unknown_table` (the message lists the tables).", body = handoff_protocol::v1::ErrorBody),
    ),
)]
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
#[utoipa::path(
    post,
    path = "/v1/agent/privacy/export",
    tag = "supervisor",
    summary = "Everything stored about one customer of a site, as JSON (docs/privacy.md)",
    security(("agentSession" = [], "csrf" = [])),
    request_body(content = handoff_protocol::privacy::PrivacyRequest, description = "Limit 64 KiB."),
    responses(
        super::doc::BodyErrors,
        super::doc::AgentErrors,
        (status = 200, description = "The customer's conversations with messages and handoff, tickets and mails (empty lists when nothing is stored).", body = handoff_protocol::privacy::CustomerExport),
        (status = 403, description = "`not_supervisor`: not above the site's first human tier of this site; `outside_departments`: a supervisor (not a manager) and the customer has conversations in other departments; missing CSRF token.", body = handoff_protocol::v1::ErrorBody),
        (status = 422, description = "`unknown_site`, `missing_selector` (none of user_id, visitor_id, email), `ambiguous_selector` (more than one), `too_long`.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn privacy_export(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    JsonBody(req): JsonBody<PrivacyRequest>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.export_customer(&auth.agent, &req).await?))
}

/// Erases one customer of a site (supervisors and managers).
#[utoipa::path(
    post,
    path = "/v1/agent/privacy/erase",
    tag = "supervisor",
    summary = "Erase one customer of a site: texts and personal fields removed, rows and insights figures kept, an audit line written (docs/privacy.md). Idempotent.",
    security(("agentSession" = [], "csrf" = [])),
    request_body(content = handoff_protocol::privacy::PrivacyRequest, description = "Limit 64 KiB."),
    responses(
        super::doc::BodyErrors,
        super::doc::AgentErrors,
        (status = 200, description = "How much was erased (counts only).", body = handoff_protocol::privacy::ErasureReport),
        (status = 403, description = "`not_supervisor`: not above the site's first human tier of this site; `outside_departments`: a supervisor (not a manager) and the customer has conversations in other departments; missing CSRF token.", body = handoff_protocol::v1::ErrorBody),
        (status = 422, description = "`unknown_site`, `missing_selector` (none of user_id, visitor_id, email), `ambiguous_selector` (more than one), `too_long`.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
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
