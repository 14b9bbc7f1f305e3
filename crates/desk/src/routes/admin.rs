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

pub async fn agents(State(desk): State<Arc<Desk>>, auth: AgentAuth) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.admin_agents(&auth.agent).await?))
}

pub async fn create(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    JsonBody(req): JsonBody<NewAgent>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(desk.create_agent(&auth.agent, req).await?)))
}

pub async fn update(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<AgentUpdate>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.update_agent(&auth.agent, agent_id(&id)?, req).await?))
}

pub async fn deactivate(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.set_agent_active(&auth.agent, agent_id(&id)?, false).await?))
}

pub async fn activate(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.set_agent_active(&auth.agent, agent_id(&id)?, true).await?))
}

pub async fn audit(State(desk): State<Arc<Desk>>, auth: AgentAuth) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.admin_changes(&auth.agent).await?))
}

/// `PUT /v1/agent/password`: the agent's own.
pub async fn password(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    JsonBody(req): JsonBody<PasswordChange>,
) -> ApiResult<StatusCode> {
    desk.change_password(&auth.agent, &auth.session, req).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /v1/agent/sessions`: the agent's own, the current one marked.
pub async fn sessions(State(desk): State<Arc<Desk>>, auth: AgentAuth) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.sessions_of(&auth.agent, Some(&auth.session)).await?))
}

pub async fn end_session(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    desk.end_session(&auth.agent, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn agent_sessions(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.sessions_of_agent(&auth.agent, agent_id(&id)?).await?))
}

pub async fn end_agent_session(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path((id, session)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    desk.end_session_of_agent(&auth.agent, agent_id(&id)?, &session).await?;
    Ok(StatusCode::NO_CONTENT)
}
