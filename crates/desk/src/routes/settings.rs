//! Site settings (issue 20): business hours, holidays, SLA targets and canned responses, behind
//! `AgentAuth` like every agent route; who may change what is the desk's rule
//! (crate::desk::settings).

use crate::desk::Desk;
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::routes::agent::AgentAuth;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::Json;
use handoff_protocol::settings::{CannedText, HoursUpdate, RetentionUpdate, SlaUpdate};
use std::sync::Arc;

/// `{key}/canned/{department}/{locale}/{id}`.
type CannedPath = Path<(String, String, String, String)>;

pub async fn get(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(key): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.site_settings(&auth.agent, &key).await?))
}

pub async fn hours(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(key): Path<String>,
    JsonBody(req): JsonBody<HoursUpdate>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.save_hours(&auth.agent, &key, req).await?))
}

pub async fn sla(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(key): Path<String>,
    JsonBody(req): JsonBody<SlaUpdate>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.save_sla(&auth.agent, &key, req).await?))
}

pub async fn save_canned(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path((key, department, locale, id)): CannedPath,
    JsonBody(req): JsonBody<CannedText>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.save_canned(&auth.agent, &key, (department, locale, id), req).await?))
}

pub async fn delete_canned(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path((key, department, locale, id)): CannedPath,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.delete_canned(&auth.agent, &key, (department, locale, id)).await?))
}

pub async fn revert(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path((key, section)): Path<(String, String)>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.revert_settings(&auth.agent, &key, &section).await?))
}

pub async fn retention(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(key): Path<String>,
    JsonBody(req): JsonBody<RetentionUpdate>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.save_retention(&auth.agent, &key, req).await?))
}
