//! The team's administration (issue 20): managers and supervisors, behind `AgentAuth` like
//! every agent route; who may change whom is the desk's rule (crate::desk::admin).

use crate::desk::Desk;
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::routes::agent::AgentAuth;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use handoff_protocol::admin::{AgentUpdate, NewAgent, PasswordChange};
use std::sync::Arc;

/// An agent id from the path; anything else names no agent (a JSON 404, like tickets' ids).
fn agent_id(id: &str) -> ApiResult<i64> {
    id.parse().map_err(|_| ApiError::not_found("agent"))
}

#[utoipa::path(
    get,
    path = "/v1/agent/admin/agents",
    tag = "agent",
    summary = "The agents the caller administers",
    description = "Managers: every agent of their sites; supervisors: agents below their tier in their own departments; and the caller. By name.",
    security(("agentSession" = [])),
    responses(
        super::doc::AgentErrors,
        (status = 200, description = "The agents.", body = Vec<handoff_protocol::v1::AgentInfo>),
        (status = 403, description = "`not_supervisor` (an agent), `not_your_team` (outside the actor's sites, departments or below-tier), `csrf`.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn agents(State(desk): State<Arc<Desk>>, auth: AgentAuth) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.admin_agents(&auth.agent).await?))
}

#[utoipa::path(
    post,
    path = "/v1/agent/admin/agents",
    tag = "agent",
    summary = "Create an agent",
    description = "Stored with an audit row. Without `password` the desk makes one up and answers it once. The new agent serves the creator's sites and starts offline.",
    security(("agentSession" = [], "csrf" = [])),
    request_body(content = handoff_protocol::admin::NewAgent, description = "Limit 64 KiB."),
    responses(
        super::doc::BodyErrors,
        super::doc::AgentErrors,
        (status = 201, description = "Created.", body = handoff_protocol::admin::AgentCreated),
        (status = 403, description = "`not_supervisor` (an agent), `not_your_team` (outside the actor's sites, departments or below-tier), `csrf`.", body = handoff_protocol::v1::ErrorBody),
        (status = 409, description = "`agent_exists`: an agent signs in with this e-mail already.", body = handoff_protocol::v1::ErrorBody),
        (status = 422, description = "`invalid_email`, `weak_password` (fewer than 10 characters, a common password, or the sign-in address in it), `unknown_tier`, `unknown_department`, `missing_field`, `invalid_capacity`, `too_long`, unknown field or wrong type.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn create(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    JsonBody(req): JsonBody<NewAgent>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(desk.create_agent(&auth.agent, req).await?)))
}

#[utoipa::path(
    put,
    path = "/v1/agent/admin/agents/{id}",
    tag = "agent",
    summary = "Change an agent",
    description = "Absent fields stay. Effective at once: waiting work is dispatched again. Audited with the old and new value.",
    params(
        ("id" = String, Path, description = "The agent's id."),
    ),
    security(("agentSession" = [], "csrf" = [])),
    request_body(content = handoff_protocol::admin::AgentUpdate, description = "Limit 64 KiB."),
    responses(
        super::doc::BodyErrors,
        super::doc::AgentErrors,
        (status = 200, description = "The agent as it is now.", body = handoff_protocol::v1::AgentInfo),
        (status = 403, description = "`not_supervisor` (an agent), `not_your_team` (outside the actor's sites, departments or below-tier), `csrf`.", body = handoff_protocol::v1::ErrorBody),
        (status = 404, description = "Unknown agent.", body = handoff_protocol::v1::ErrorBody),
        (status = 409, description = "`own_tier`: nobody changes their own tier.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn update(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<AgentUpdate>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.update_agent(&auth.agent, agent_id(&id)?, req).await?))
}

#[utoipa::path(
    post,
    path = "/v1/agent/admin/agents/{id}/deactivate",
    tag = "agent",
    summary = "Deactivate an agent",
    description = "Ends every session and event stream of the agent at once (on every instance), sets them offline, returns their chats to the queue (audit `assignment_lost`, reason `deactivated`). Their login is answered `403 account_deactivated`. The same request again changes nothing.",
    params(
        ("id" = String, Path, description = "The agent's id."),
    ),
    security(("agentSession" = [], "csrf" = [])),
    responses(
        super::doc::AgentErrors,
        (status = 200, description = "The agent, `deactivated: true`.", body = handoff_protocol::v1::AgentInfo),
        (status = 400, description = "Malformed JSON (`invalid_json`) or bad parameter.", body = handoff_protocol::v1::ErrorBody),
        (status = 403, description = "`not_supervisor` (an agent), `not_your_team` (outside the actor's sites, departments or below-tier), `csrf`.", body = handoff_protocol::v1::ErrorBody),
        (status = 404, description = "Unknown agent.", body = handoff_protocol::v1::ErrorBody),
        (status = 409, description = "`own_account`: nobody deactivates themselves.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn deactivate(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.set_agent_active(&auth.agent, agent_id(&id)?, false).await?))
}

#[utoipa::path(
    post,
    path = "/v1/agent/admin/agents/{id}/activate",
    tag = "agent",
    summary = "Reactivate an agent",
    description = "They can sign in again (offline until they go online).",
    params(
        ("id" = String, Path, description = "The agent's id."),
    ),
    security(("agentSession" = [], "csrf" = [])),
    responses(
        super::doc::AgentErrors,
        (status = 200, description = "The agent, `deactivated: false`.", body = handoff_protocol::v1::AgentInfo),
        (status = 400, description = "Malformed JSON (`invalid_json`) or bad parameter.", body = handoff_protocol::v1::ErrorBody),
        (status = 403, description = "`not_supervisor` (an agent), `not_your_team` (outside the actor's sites, departments or below-tier), `csrf`.", body = handoff_protocol::v1::ErrorBody),
        (status = 404, description = "Unknown agent.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn activate(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.set_agent_active(&auth.agent, agent_id(&id)?, true).await?))
}

#[utoipa::path(
    get,
    path = "/v1/agent/admin/audit",
    tag = "agent",
    summary = "Administrative changes",
    description = "The latest 500 changes to agents the caller administers, or made by them, newest first.",
    security(("agentSession" = [])),
    responses(
        super::doc::AgentErrors,
        (status = 200, description = "The changes.", body = Vec<handoff_protocol::admin::AdminChange>),
        (status = 403, description = "`not_supervisor` (an agent), `not_your_team` (outside the actor's sites, departments or below-tier), `csrf`.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn audit(State(desk): State<Arc<Desk>>, auth: AgentAuth) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.admin_changes(&auth.agent).await?))
}

/// `PUT /v1/agent/password`: the agent's own.
#[utoipa::path(
    put,
    path = "/v1/agent/password",
    tag = "agent",
    summary = "Change your own password",
    description = "The current password first (wrong ones count like failed logins); the new one at least 10 characters, more than three different ones, not the sign-in address, not a common password. Every other session of the agent ends at once. Audited as `password_changed`.",
    security(("agentSession" = [], "csrf" = [])),
    request_body(content = handoff_protocol::admin::PasswordChange, description = "Limit 64 KiB."),
    responses(
        super::doc::BodyErrors,
        super::doc::AgentErrors,
        (status = 204, description = "Changed."),
        (status = 403, description = "`wrong_password`, `csrf`.", body = handoff_protocol::v1::ErrorBody),
        (status = 422, description = "`weak_password`, `same_password`, unknown field or wrong type.", body = handoff_protocol::v1::ErrorBody),
        (status = 429, description = "`login_backoff`: too many wrong passwords for this account; see `Retry-After`.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn password(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    JsonBody(req): JsonBody<PasswordChange>,
) -> ApiResult<StatusCode> {
    desk.change_password(&auth.agent, &auth.session, req).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /v1/agent/sessions`: the agent's own, the current one marked.
#[utoipa::path(
    get,
    path = "/v1/agent/sessions",
    tag = "agent",
    summary = "Your sessions",
    description = "Unexpired sessions of the caller, newest first; `current` marks this one.",
    security(("agentSession" = [])),
    responses(
        super::doc::AgentErrors,
        (status = 200, description = "The sessions.", body = Vec<handoff_protocol::admin::SessionInfo>),
    ),
)]
pub async fn sessions(State(desk): State<Arc<Desk>>, auth: AgentAuth) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.sessions_of(&auth.agent, Some(&auth.session)).await?))
}

#[utoipa::path(
    delete,
    path = "/v1/agent/sessions/{id}",
    tag = "agent",
    summary = "End one of your sessions",
    description = "Its event streams end at once, on every instance.",
    params(
        ("id" = String, Path, description = "A `SessionInfo.id`."),
    ),
    security(("agentSession" = [], "csrf" = [])),
    responses(
        super::doc::AgentErrors,
        (status = 204, description = "Ended."),
        (status = 403, description = "`csrf`.", body = handoff_protocol::v1::ErrorBody),
        (status = 404, description = "No session of yours by that id.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn end_session(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    desk.end_session(&auth.agent, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/v1/agent/admin/agents/{id}/sessions",
    tag = "agent",
    summary = "An agent's sessions",
    description = "For whoever may change the agent (see `/v1/agent/admin/agents`).",
    params(
        ("id" = String, Path, description = "The agent's id."),
    ),
    security(("agentSession" = [])),
    responses(
        super::doc::AgentErrors,
        (status = 200, description = "The sessions.", body = Vec<handoff_protocol::admin::SessionInfo>),
        (status = 403, description = "`not_supervisor`, `not_your_team`.", body = handoff_protocol::v1::ErrorBody),
        (status = 404, description = "Unknown agent.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn agent_sessions(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.sessions_of_agent(&auth.agent, agent_id(&id)?).await?))
}

#[utoipa::path(
    delete,
    path = "/v1/agent/admin/agents/{id}/sessions/{session}",
    tag = "agent",
    summary = "End one of an agent's sessions",
    params(
        ("id" = String, Path, description = "The agent's id."),
        ("session" = String, Path, description = "A `SessionInfo.id`."),
    ),
    security(("agentSession" = [], "csrf" = [])),
    responses(
        super::doc::AgentErrors,
        (status = 204, description = "Ended."),
        (status = 403, description = "`not_supervisor`, `not_your_team`, `csrf`.", body = handoff_protocol::v1::ErrorBody),
        (status = 404, description = "Unknown agent or session.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn end_agent_session(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path((id, session)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    desk.end_session_of_agent(&auth.agent, agent_id(&id)?, &session).await?;
    Ok(StatusCode::NO_CONTENT)
}
