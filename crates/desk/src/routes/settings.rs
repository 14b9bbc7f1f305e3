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

#[utoipa::path(
    get,
    path = "/v1/agent/admin/sites/{key}/settings",
    tag = "agent",
    summary = "A site's settings in force",
    description = "Business hours and holidays, SLA targets per priority and canned responses, each with where it comes from (`file` or `console`) and what the caller may change. Supervisors and managers of the site.",
    params(
        ("key" = String, Path, description = "The site's key."),
    ),
    security(("agentSession" = [])),
    responses(
        super::doc::AgentErrors,
        (status = 200, description = "The site's settings in force now.", body = handoff_protocol::settings::SiteSettings),
        (status = 403, description = "`not_supervisor`: only the site's supervisors and managers.", body = handoff_protocol::v1::ErrorBody),
        (status = 404, description = "Unknown site (or section, canned response).", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn get(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(key): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.site_settings(&auth.agent, &key).await?))
}

#[utoipa::path(
    put,
    path = "/v1/agent/admin/sites/{key}/hours",
    tag = "agent",
    summary = "Change business hours and holidays",
    description = "Managers. In force at once on this instance and within a second on the others; from then this section wins over the config file until reverted. Audited as `hours_changed` with the old and new value.",
    params(
        ("key" = String, Path, description = "The site's key."),
    ),
    security(("agentSession" = [], "csrf" = [])),
    request_body(content = handoff_protocol::settings::HoursUpdate, description = "Limit 64 KiB."),
    responses(
        super::doc::BodyErrors,
        super::doc::AgentErrors,
        (status = 200, description = "The site's settings in force now.", body = handoff_protocol::settings::SiteSettings),
        (status = 403, description = "`not_supervisor`, `not_manager`, `csrf`.", body = handoff_protocol::v1::ErrorBody),
        (status = 404, description = "Unknown site (or section, canned response).", body = handoff_protocol::v1::ErrorBody),
        (status = 409, description = "`settings_busy`: the section changed several times while this save was retried; nothing was changed, try again.", body = handoff_protocol::v1::ErrorBody),
        (status = 422, description = "Unknown field, wrong type or missing field (`invalid_body`), a field over its limit (`too_long`, `too_many`), or a value the site does not accept (`invalid_hours`, `invalid_sla`, `invalid_canned`, `too_many_canned`); the message names the field. Nothing is changed.", body = handoff_protocol::v1::ErrorBody),
        (status = 429, description = "Too many requests.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn hours(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(key): Path<String>,
    JsonBody(req): JsonBody<HoursUpdate>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.save_hours(&auth.agent, &key, req).await?))
}

#[utoipa::path(
    put,
    path = "/v1/agent/admin/sites/{key}/sla",
    tag = "agent",
    summary = "Change SLA targets",
    description = "Managers. Conversations handed off from now on get the new targets. A priority not listed gets the desk's default (300 s / 86,400 s). Audited as `sla_changed`.",
    params(
        ("key" = String, Path, description = "The site's key."),
    ),
    security(("agentSession" = [], "csrf" = [])),
    request_body(content = handoff_protocol::settings::SlaUpdate, description = "Limit 64 KiB."),
    responses(
        super::doc::BodyErrors,
        super::doc::AgentErrors,
        (status = 200, description = "The site's settings in force now.", body = handoff_protocol::settings::SiteSettings),
        (status = 403, description = "`not_supervisor`, `not_manager`, `csrf`.", body = handoff_protocol::v1::ErrorBody),
        (status = 404, description = "Unknown site (or section, canned response).", body = handoff_protocol::v1::ErrorBody),
        (status = 409, description = "`settings_busy`: the section changed several times while this save was retried; nothing was changed, try again.", body = handoff_protocol::v1::ErrorBody),
        (status = 422, description = "Unknown field, wrong type or missing field (`invalid_body`), a field over its limit (`too_long`, `too_many`), or a value the site does not accept (`invalid_hours`, `invalid_sla`, `invalid_canned`, `too_many_canned`); the message names the field. Nothing is changed.", body = handoff_protocol::v1::ErrorBody),
        (status = 429, description = "Too many requests.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn sla(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(key): Path<String>,
    JsonBody(req): JsonBody<SlaUpdate>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.save_sla(&auth.agent, &key, req).await?))
}

#[utoipa::path(
    put,
    path = "/v1/agent/admin/sites/{key}/canned/{department}/{locale}/{id}",
    tag = "agent",
    summary = "Create or replace a canned response",
    description = "Managers, and supervisors for their own departments. The first save copies the config file's canned responses into the database; from then the saved list wins. Audited as `canned_saved` with the old and new response.",
    params(
        ("key" = String, Path, description = "The site's key."),
        ("department" = String, Path, description = "A department of the site."),
        ("locale" = String, Path, description = "A locale of the site."),
        ("id" = String, Path, description = "1-64 of a-z, 0-9, - and _."),
    ),
    security(("agentSession" = [], "csrf" = [])),
    request_body(content = handoff_protocol::settings::CannedText, description = "Limit 64 KiB."),
    responses(
        super::doc::BodyErrors,
        super::doc::AgentErrors,
        (status = 200, description = "The site's settings in force now.", body = handoff_protocol::settings::SiteSettings),
        (status = 403, description = "`not_supervisor`, `not_your_department`, `csrf`.", body = handoff_protocol::v1::ErrorBody),
        (status = 404, description = "Unknown site (or section, canned response).", body = handoff_protocol::v1::ErrorBody),
        (status = 409, description = "`settings_busy`: the section changed several times while this save was retried; nothing was changed, try again.", body = handoff_protocol::v1::ErrorBody),
        (status = 422, description = "Unknown field, wrong type or missing field (`invalid_body`), a field over its limit (`too_long`, `too_many`), or a value the site does not accept (`invalid_hours`, `invalid_sla`, `invalid_canned`, `too_many_canned`); the message names the field. Nothing is changed.", body = handoff_protocol::v1::ErrorBody),
        (status = 429, description = "Too many requests.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn save_canned(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path((key, department, locale, id)): CannedPath,
    JsonBody(req): JsonBody<CannedText>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.save_canned(&auth.agent, &key, (department, locale, id), req).await?))
}

#[utoipa::path(
    delete,
    path = "/v1/agent/admin/sites/{key}/canned/{department}/{locale}/{id}",
    tag = "agent",
    summary = "Delete a canned response",
    description = "Managers, and supervisors for their own departments. Audited as `canned_deleted`.",
    params(
        ("key" = String, Path, description = "The site's key."),
        ("department" = String, Path, description = "A department of the site."),
        ("locale" = String, Path, description = "A locale of the site."),
        ("id" = String, Path, description = "1-64 of a-z, 0-9, - and _."),
    ),
    security(("agentSession" = [], "csrf" = [])),
    responses(
        super::doc::AgentErrors,
        (status = 200, description = "The site's settings in force now.", body = handoff_protocol::settings::SiteSettings),
        (status = 400, description = "Malformed JSON (`invalid_json`, `invalid_body`) or bad parameter.", body = handoff_protocol::v1::ErrorBody),
        (status = 403, description = "`not_supervisor`, `not_your_department`, `csrf`.", body = handoff_protocol::v1::ErrorBody),
        (status = 404, description = "Unknown site (or section, canned response).", body = handoff_protocol::v1::ErrorBody),
        (status = 409, description = "`settings_busy`: the section changed several times while this save was retried; nothing was changed, try again.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn delete_canned(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path((key, department, locale, id)): CannedPath,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.delete_canned(&auth.agent, &key, (department, locale, id)).await?))
}

#[utoipa::path(
    delete,
    path = "/v1/agent/admin/sites/{key}/settings/{section}",
    tag = "agent",
    summary = "Revert a section to the config file",
    description = "The config file's section is in force again (managers). Audited as `settings_reverted`.",
    params(
        ("key" = String, Path, description = "The site's key."),
        ("section" = inline(handoff_protocol::settings::SettingsSection), Path),
    ),
    security(("agentSession" = [], "csrf" = [])),
    responses(
        super::doc::AgentErrors,
        (status = 200, description = "The site's settings in force now.", body = handoff_protocol::settings::SiteSettings),
        (status = 400, description = "Malformed JSON (`invalid_json`, `invalid_body`) or bad parameter.", body = handoff_protocol::v1::ErrorBody),
        (status = 403, description = "`not_supervisor`, `not_manager`, `csrf`.", body = handoff_protocol::v1::ErrorBody),
        (status = 404, description = "Unknown site (or section, canned response).", body = handoff_protocol::v1::ErrorBody),
        (status = 409, description = "`settings_busy`: the section changed several times while this save was retried; nothing was changed, try again.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn revert(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path((key, section)): Path<(String, String)>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.revert_settings(&auth.agent, &key, &section).await?))
}

#[utoipa::path(
    put,
    path = "/v1/agent/admin/sites/{key}/retention",
    tag = "agent",
    summary = "Change the retention period",
    description = "Managers. Resolved conversations and answered tickets older than this many days (from their last change) are purged by the sweeper, within ten minutes. `null`: kept until erased. Audited as `retention_changed`.",
    params(
        ("key" = String, Path, description = "The site's key."),
    ),
    security(("agentSession" = [], "csrf" = [])),
    request_body(content = handoff_protocol::settings::RetentionUpdate, description = "Limit 64 KiB."),
    responses(
        super::doc::BodyErrors,
        super::doc::AgentErrors,
        (status = 200, description = "The site's settings in force now.", body = handoff_protocol::settings::SiteSettings),
        (status = 403, description = "`not_supervisor`, `not_manager`, `csrf`.", body = handoff_protocol::v1::ErrorBody),
        (status = 404, description = "Unknown site (or section, canned response).", body = handoff_protocol::v1::ErrorBody),
        (status = 409, description = "`settings_busy`: the section changed several times while this save was retried; nothing was changed, try again.", body = handoff_protocol::v1::ErrorBody),
        (status = 422, description = "Unknown field, wrong type or missing field (`invalid_body`), a field over its limit (`too_long`, `too_many`), or a value the site does not accept (`invalid_hours`, `invalid_retention` (not 1 to 3,650 days), `invalid_sla`, `invalid_canned`, `too_many_canned`); the message names the field. Nothing is changed.", body = handoff_protocol::v1::ErrorBody),
        (status = 429, description = "Too many requests.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn retention(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    Path(key): Path<String>,
    JsonBody(req): JsonBody<RetentionUpdate>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.save_retention(&auth.agent, &key, req).await?))
}
