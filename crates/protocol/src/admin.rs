//! Administering the team (issue 20): managers (and supervisors, within their own departments
//! and below their own tier) create, edit, deactivate and reactivate agents. Every change is
//! recorded and listed as [`AdminChange`]s.

use crate::v1::AgentInfo;
use serde::{Deserialize, Serialize};

/// `POST /v1/agent/admin/agents`: a new colleague.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAgent {
    /// Their sign-in address, unique on the desk.
    #[cfg_attr(feature = "openapi", schema(max_length = 320))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    /// A tier of the site above the bot (`agent`, `supervisor`, ...).
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub tier: String,
    /// At least one department of the site.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 50))]
    pub departments: Vec<String>,
    /// Chats at once; 3 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100))]
    pub capacity: Option<u32>,
    /// The first password (it must be strong enough); absent: the desk makes one up and answers
    /// it once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 1024))]
    pub password: Option<String>,
}

/// The answer to [`NewAgent`] (201).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentCreated {
    pub agent: AgentInfo,
    /// The password the desk made up, shown this once (never stored in the clear, never sent
    /// again); absent when the manager chose one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// `PUT /v1/agent/admin/agents/{id}`: what changes; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AgentUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub tier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 50))]
    pub departments: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100))]
    pub capacity: Option<u32>,
}

/// `GET /v1/agent/admin/audit`: one administrative change, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminChange {
    /// RFC 3339.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub at: String,
    /// Who made it (their e-mail).
    pub by: String,
    /// `agent_created`, `agent_updated`, `agent_deactivated`, `agent_activated`.
    pub action: String,
    /// What it changed, e.g. `agent:ana@fernhill.example`.
    pub target: String,
    /// The value before and after, as JSON text (absent where there was none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
}

/// `PUT /v1/agent/password`: an agent changes their own password.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    #[cfg_attr(feature = "openapi", schema(max_length = 1024))]
    pub current: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 1024))]
    pub new: String,
}

/// One signed-in session of an agent (`GET /v1/agent/sessions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    /// Names the session for revoking it; it signs nobody in.
    pub id: String,
    /// RFC 3339.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub created_at: String,
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub expires_at: String,
    /// The session this request came with.
    pub current: bool,
}
