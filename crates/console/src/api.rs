//! All I/O with the desk: JSON over the browser's fetch, same origin, with the session cookie
//! and, on every mutating request, the `X-CSRF-Token` the login returned (kept in
//! sessionStorage so a reload of the tab keeps working).

use crate::browser;
use handoff_protocol::settings::SiteSettings;
use handoff_protocol::v1::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestCredentials, RequestInit, Response};

const CSRF_KEY: &str = "handoff-console-csrf";

#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status; 0 when the desk could not be reached.
    pub status: u16,
    pub code: String,
    pub message: String,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

fn network(e: JsValue) -> ApiError {
    ApiError {
        status: 0,
        code: "network".into(),
        message: e.as_string().unwrap_or_else(|| String::from(js_sys::Object::from(e).to_string())),
    }
}

async fn send(method: &str, path: &str, body: Option<String>) -> Result<(u16, String), ApiError> {
    let init = RequestInit::new();
    init.set_method(method);
    init.set_credentials(RequestCredentials::SameOrigin);
    let headers = web_sys::Headers::new().map_err(network)?;
    headers.set("Accept", "application/json").map_err(network)?;
    if method != "GET" {
        headers.set("X-CSRF-Token", &browser::session_get(CSRF_KEY).unwrap_or_default()).map_err(network)?;
    }
    if let Some(b) = &body {
        headers.set("Content-Type", "application/json").map_err(network)?;
        init.set_body(&JsValue::from_str(b));
    }
    init.set_headers(&headers);
    let req = Request::new_with_str_and_init(path, &init).map_err(network)?;
    let window = web_sys::window().ok_or_else(|| network(JsValue::from_str("no window")))?;
    let resp: Response = JsFuture::from(window.fetch_with_request(&req))
        .await
        .map_err(network)?
        .dyn_into()
        .map_err(network)?;
    let text =
        JsFuture::from(resp.text().map_err(network)?).await.map_err(network)?.as_string().unwrap_or_default();
    let status = resp.status();
    if !(200..300).contains(&status) {
        let (code, message) = match serde_json::from_str::<ErrorBody>(&text) {
            Ok(e) => (e.error, e.message),
            Err(_) => ("http".to_string(), format!("HTTP {status}")),
        };
        return Err(ApiError { status, code, message });
    }
    Ok((status, text))
}

async fn call<T: DeserializeOwned>(method: &str, path: &str, body: Option<String>) -> Result<T, ApiError> {
    let (_, text) = send(method, path, body).await?;
    serde_json::from_str(&text).map_err(|e| ApiError {
        status: 200,
        code: "bad_json".into(),
        message: e.to_string(),
    })
}

fn json<B: Serialize>(b: &B) -> Option<String> {
    serde_json::to_string(b).ok()
}

pub async fn login(email: &str, password: &str) -> Result<AgentInfo, ApiError> {
    let body = Login { email: email.into(), password: password.into() };
    let r: LoggedIn = call("POST", "/v1/agent/login", json(&body)).await?;
    browser::session_set(CSRF_KEY, &r.csrf_token);
    Ok(r.agent)
}

pub async fn logout() {
    let _ = send("POST", "/v1/agent/logout", None).await;
    browser::session_remove(CSRF_KEY);
}

/// Whether this tab signed in (the login's CSRF token is kept per tab). Without it the tab
/// cannot act even with a valid cookie, so the console shows the sign-in at once instead of
/// asking `/v1/agent/me` for a 401 (which the browser logs as an error on every first load).
pub fn signed_in_here() -> bool {
    browser::session_get(CSRF_KEY).is_some_and(|t| !t.is_empty())
}

pub async fn me() -> Result<AgentInfo, ApiError> {
    call("GET", "/v1/agent/me", None).await
}

pub async fn presence(p: Presence, capacity: Option<u32>) -> Result<AgentInfo, ApiError> {
    call("PUT", "/v1/agent/presence", json(&SetPresence { presence: p, capacity })).await
}

/// The agents this manager or supervisor administers (issue 20).
pub async fn team() -> Result<Vec<AgentInfo>, ApiError> {
    call("GET", "/v1/agent/admin/agents", None).await
}

pub async fn create_agent(
    a: &handoff_protocol::admin::NewAgent,
) -> Result<handoff_protocol::admin::AgentCreated, ApiError> {
    call("POST", "/v1/agent/admin/agents", json(a)).await
}

pub async fn update_agent(id: i64, u: &handoff_protocol::admin::AgentUpdate) -> Result<AgentInfo, ApiError> {
    call("PUT", &format!("/v1/agent/admin/agents/{id}"), json(u)).await
}

/// Deactivates (`false`) or reactivates (`true`) an agent.
pub async fn set_agent_active(id: i64, active: bool) -> Result<AgentInfo, ApiError> {
    let what = if active { "activate" } else { "deactivate" };
    call("POST", &format!("/v1/agent/admin/agents/{id}/{what}"), Some("{}".into())).await
}

pub async fn change_password(req: &handoff_protocol::admin::PasswordChange) -> Result<(), ApiError> {
    send("PUT", "/v1/agent/password", json(req)).await.map(|_| ())
}

pub async fn sessions() -> Result<Vec<handoff_protocol::admin::SessionInfo>, ApiError> {
    call("GET", "/v1/agent/sessions", None).await
}

pub async fn end_session(id: &str) -> Result<(), ApiError> {
    send("DELETE", &format!("/v1/agent/sessions/{id}"), None).await.map(|_| ())
}

/// The agent's own settings (`ticket_mail`: mail me tickets filed while nobody is online).
pub async fn preferences(ticket_mail: bool) -> Result<AgentInfo, ApiError> {
    call("PUT", "/v1/agent/preferences", json(&AgentPreferences { ticket_mail })).await
}

pub async fn queue() -> Result<Vec<ConversationSummary>, ApiError> {
    call("GET", "/v1/agent/queue", None).await
}

pub async fn mine() -> Result<Vec<ConversationSummary>, ApiError> {
    call("GET", "/v1/agent/conversations", None).await
}

pub async fn detail(id: &str) -> Result<ConversationDetail, ApiError> {
    call("GET", &format!("/v1/agent/conversations/{id}"), None).await
}

pub async fn history(id: &str) -> Result<Vec<ConversationSummary>, ApiError> {
    call("GET", &format!("/v1/agent/conversations/{id}/history"), None).await
}

pub async fn canned() -> Result<Vec<CannedResponse>, ApiError> {
    call("GET", "/v1/agent/canned", None).await
}

/// A move on a conversation (`claim`, `resolve`, `transfer`, ...) with its JSON body.
pub async fn act(id: &str, action: &str, body: serde_json::Value) -> Result<serde_json::Value, ApiError> {
    call("POST", &format!("/v1/agent/conversations/{id}/{action}"), Some(body.to_string())).await
}

pub async fn typing(id: &str, typing: bool) {
    let _ = send("POST", &format!("/v1/agent/conversations/{id}/typing"), json(&Typing { typing })).await;
}

pub async fn tickets() -> Result<Vec<Ticket>, ApiError> {
    call("GET", "/v1/agent/tickets", None).await
}

pub async fn answer_ticket(id: i64, text: &str) -> Result<Ticket, ApiError> {
    call(
        "POST",
        &format!("/v1/agent/tickets/{id}/answer"),
        json(&AgentText { text: text.into(), client_id: None }),
    )
    .await
}

pub async fn overview() -> Result<SupervisorOverview, ApiError> {
    call("GET", "/v1/agent/supervisor/overview", None).await
}

/// Mail to customers not delivered yet, or given up on (supervisors and managers).
pub async fn failing_mail() -> Result<Vec<FailedMail>, ApiError> {
    call("GET", "/v1/agent/supervisor/mail", None).await
}

pub async fn sites() -> Result<Vec<SiteSummary>, ApiError> {
    call("GET", "/v1/agent/sites", None).await
}

/// `GET /v1/agent/insights?{query}` (supervisors and managers): the computed figures.
pub async fn insights(query: &str) -> Result<crate::insights::Insights, ApiError> {
    call("GET", &format!("/v1/agent/insights?{query}"), None).await
}

/// The sessions of an agent this manager or supervisor administers.
pub async fn agent_sessions(id: i64) -> Result<Vec<handoff_protocol::admin::SessionInfo>, ApiError> {
    call("GET", &format!("/v1/agent/admin/agents/{id}/sessions"), None).await
}

/// Ends one session of an administered agent (their streams end at once).
pub async fn end_agent_session(id: i64, session: &str) -> Result<(), ApiError> {
    let session = crate::settings::segment(session);
    send("DELETE", &format!("/v1/agent/admin/agents/{id}/sessions/{session}"), None).await.map(|_| ())
}

/// Everything stored about one customer of a site (data protection, issue 20).
pub async fn privacy_export(
    r: &handoff_protocol::privacy::PrivacyRequest,
) -> Result<handoff_protocol::privacy::CustomerExport, ApiError> {
    call("POST", "/v1/agent/privacy/export", json(r)).await
}

/// Erases one customer of a site: texts and personal fields go, the figures stay.
pub async fn privacy_erase(
    r: &handoff_protocol::privacy::PrivacyRequest,
) -> Result<handoff_protocol::privacy::ErasureReport, ApiError> {
    call("POST", "/v1/agent/privacy/erase", json(r)).await
}

fn site_path(site: &str, rest: &str) -> String {
    format!("/v1/agent/admin/sites/{}/{rest}", crate::settings::segment(site))
}

/// A site's settings in force, where each section comes from and what the caller may change.
pub async fn site_settings(site: &str) -> Result<SiteSettings, ApiError> {
    call("GET", &site_path(site, "settings"), None).await
}

pub async fn save_hours(
    site: &str,
    u: &handoff_protocol::settings::HoursUpdate,
) -> Result<SiteSettings, ApiError> {
    call("PUT", &site_path(site, "hours"), json(u)).await
}

pub async fn save_sla(
    site: &str,
    u: &handoff_protocol::settings::SlaUpdate,
) -> Result<SiteSettings, ApiError> {
    call("PUT", &site_path(site, "sla"), json(u)).await
}

/// The retention period (`None`: keep until erased).
pub async fn save_retention(
    site: &str,
    u: &handoff_protocol::settings::RetentionUpdate,
) -> Result<SiteSettings, ApiError> {
    call("PUT", &site_path(site, "retention"), json(u)).await
}

fn canned_path(site: &str, department: &str, locale: &str, id: &str) -> String {
    use crate::settings::segment;
    site_path(site, &format!("canned/{}/{}/{}", segment(department), segment(locale), segment(id)))
}

/// Creates or replaces one canned response.
pub async fn save_canned(
    site: &str,
    department: &str,
    locale: &str,
    id: &str,
    body: &handoff_protocol::settings::CannedText,
) -> Result<SiteSettings, ApiError> {
    call("PUT", &canned_path(site, department, locale, id), json(body)).await
}

pub async fn delete_canned(
    site: &str,
    department: &str,
    locale: &str,
    id: &str,
) -> Result<SiteSettings, ApiError> {
    call("DELETE", &canned_path(site, department, locale, id), None).await
}

/// Back to the config file for one section.
pub async fn revert_settings(
    site: &str,
    section: handoff_protocol::settings::SettingsSection,
) -> Result<SiteSettings, ApiError> {
    call("DELETE", &site_path(site, &format!("settings/{}", section.as_str())), None).await
}
