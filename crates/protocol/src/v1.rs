//! Protocol v1: the bodies the widget, the desk and the agent console exchange under `/v1/...`.
//!
//! Plain serde data, no other dependency: the widget compiles this module to wasm. Request
//! bodies reject unknown fields so that a typo in a client is an error, not silently ignored
//! data. `docs/protocol.md` is the prose reference; the desk serves the OpenAPI document.

pub use crate::kinds::{AuditKind, LostReason, TicketStatus};
use crate::{Handoff, HandoffReason, IntentHit, TranscriptEntry};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Every error the desk returns: a stable machine code and a human explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: String,
    pub message: String,
}

// ---------------------------------------------------------------- customer side

/// `POST /v1/conversations`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StartConversation {
    pub site_key: String,
    pub locale: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 2048))]
    pub page_url: Option<String>,
    /// Optional opaque id of the customer's browser or account (the site chooses; at most 200
    /// characters): agents see the earlier conversations with the same id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub visitor_id: Option<String>,
    /// Who the customer is, as the host page said with `Handoff('identify', ...)`; checked again
    /// by the desk exactly as [`Identify`] is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<Identify>,
    /// Optional, fresh and random for each conversation the client means to start (16 to 200
    /// characters): a retry with the same key (same site and visitor) answers the conversation
    /// the first request started, with the same token, instead of starting another. Keep it as
    /// secret as the token: it yields the token again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 16, max_length = 200))]
    pub client_key: Option<String>,
}

/// `POST /v1/sites/{key}/identify` (and [`StartConversation::customer`]): the signed-in user of
/// the host site. When the site has an identity secret, `user_id` and `signature` are required
/// and the signature must be the lowercase hex HMAC-SHA256 of `user_id` with that secret, made
/// by the site's server; otherwise the identity is accepted but marked not verified.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Identify {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 320))]
    pub email: Option<String>,
    /// The site's own facts about the customer (plan, order count, ...): at most 30.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, Attribute>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

/// A custom attribute's value: text, a number or yes/no.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Attribute {
    Flag(bool),
    Number(f64),
    Text(String),
}

/// The answer to [`Identify`], and the customer an agent sees in [`ConversationDetail`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Customer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, Attribute>,
    /// The site's server signed `user_id` with the site's identity secret.
    pub verified: bool,
}

/// Answer to [`StartConversation`]. The token is shown once; the desk keeps only its hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversationStarted {
    pub conversation_id: String,
    pub token: String,
    pub status: ConversationStatus,
}

/// Where a conversation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConversationStatus {
    /// Only the bot so far (or handed back to it).
    Bot,
    /// Waiting for a person.
    Queued,
    /// A person has it.
    Assigned,
    /// Nobody could take it (outside hours, wait too long, nobody online): leave a ticket.
    Offline,
    Resolved,
}

impl ConversationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConversationStatus::Bot => "bot",
            ConversationStatus::Queued => "queued",
            ConversationStatus::Assigned => "assigned",
            ConversationStatus::Offline => "offline",
            ConversationStatus::Resolved => "resolved",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Bot, Self::Queued, Self::Assigned, Self::Offline, Self::Resolved]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// `POST /v1/conversations/{id}/messages`. `client_id` makes retries safe: the same id returns
/// the stored message instead of a duplicate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PostMessage {
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub client_id: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub text: String,
}

/// Who wrote a stored message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Author {
    Customer,
    Agent,
    Bot,
    System,
}

/// A stored message as clients see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    pub id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    pub author: Author,
    /// Display name of the agent for agent messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    /// Plain text; clients must render it as text, never as HTML.
    pub text: String,
    /// Internal notes are only ever shown to agents.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub internal: bool,
    /// RFC 3339, UTC.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub created_at: String,
}

/// `POST /v1/conversations/{id}/handoff`: the bot's [`Handoff`] as the widget sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HandoffRequest {
    pub reason: HandoffReason,
    #[serde(default)]
    pub detail: String,
    pub department: String,
    pub tier: String,
    pub priority: String,
    pub locale: String,
    #[serde(default)]
    pub transcript: Vec<TranscriptEntry>,
    #[serde(default)]
    pub intents: Vec<IntentHit>,
    #[serde(default)]
    pub slots: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_url: Option<String>,
}

impl From<Handoff> for HandoffRequest {
    fn from(h: Handoff) -> Self {
        HandoffRequest {
            reason: h.reason,
            detail: h.detail,
            department: h.department,
            tier: h.tier,
            priority: h.priority,
            locale: h.locale,
            transcript: h.transcript,
            intents: h.intents,
            slots: h.slots,
            article: h.article,
            page_url: h.page_url,
        }
    }
}

/// The current state of a conversation's handoff (answer to initiate and `GET` conversation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandoffState {
    pub conversation_id: String,
    pub status: ConversationStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// 1-based place in the queue while queued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub position: Option<u32>,
    /// Estimated wait in seconds while queued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_wait_secs: Option<u64>,
    /// Display name of the assigned agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<String>,
    /// Why the status is `offline`: `outside_hours`, `over_max_wait` or `no_agent_online`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offline_reason: Option<String>,
    /// Sequence number of the last persisted event (resume point for the stream).
    pub last_event_id: i64,
}

/// `POST /v1/conversations/{id}/typing` and `POST /v1/agent/conversations/{id}/typing`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Typing {
    pub typing: bool,
}

/// `POST /v1/conversations/{id}/rating`, only after resolution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Rating {
    /// 1 (bad) to 5 (great).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub score: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub comment: Option<String>,
}

/// `POST /v1/conversations/{id}/transcript`: mail the customer a copy of the conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TranscriptRequest {
    /// Where to send it. Absent: the e-mail of the customer's verified identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 320))]
    pub email: Option<String>,
}

/// The answer to a transcript request (202): queued for this address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TranscriptQueued {
    pub email: String,
}

/// `POST /v1/conversations/{id}/ticket`, when the handoff answered `offline`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TicketRequest {
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub message: String,
    #[serde(default)]
    pub transcript: Vec<TranscriptEntry>,
}

/// `POST /v1/conversations/{id}/cancel`: the waiting customer gives up and goes back to the bot.
/// The body may be empty or `{}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CancelHandoff {}

/// A stored offline ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ticket {
    pub id: i64,
    pub site_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<String>,
    pub name: String,
    pub email: String,
    pub message: String,
    pub transcript: Vec<TranscriptEntry>,
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub created_at: String,
    #[serde(default)]
    pub status: TicketStatus,
    /// The agent's stored answer (sending it by email is outside the desk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub answered_at: Option<String>,
    /// When the customer can expect an answer: the start of the site's next open business
    /// period after the ticket was left (or then, if it was open) plus the site's
    /// `ticket_answer_secs`. Fixed when the ticket is stored; absent on tickets stored before
    /// the desk knew it (and when the site has no opening within 14 days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub answer_expected_by: Option<String>,
    /// The department and language of the ticket's conversation, when it has one (the agent's
    /// list shows them; the customer's answer to filing it does not carry them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

// ---------------------------------------------------------------- events

/// The `data:` of a customer stream event; the SSE `event:` field carries [`CustomerEvent::kind`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type")]
pub enum CustomerEvent {
    #[serde(rename = "message")]
    Message { message: Message },
    #[serde(rename = "handoff.status")]
    HandoffStatus {
        /// `queued`, `accepted`, `failed`, `completed` or `returned_to_bot`.
        status: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        position: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        estimated_wait_secs: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    #[serde(rename = "agent.joined")]
    AgentJoined { agent_name: String },
    #[serde(rename = "agent.left")]
    AgentLeft { agent_name: String },
    #[serde(rename = "escalated")]
    Escalated { from_tier: String, to_tier: String, reason: String },
    #[serde(rename = "transferred")]
    Transferred { from_department: String, to_department: String },
    /// Ephemeral: never persisted, sent without an `id:`.
    #[serde(rename = "typing")]
    Typing { author: Author, typing: bool },
    #[serde(rename = "resolved")]
    Resolved {},
}

impl CustomerEvent {
    /// The SSE `event:` name (the same as the `type` field).
    pub fn kind(&self) -> &'static str {
        match self {
            CustomerEvent::Message { .. } => "message",
            CustomerEvent::HandoffStatus { .. } => "handoff.status",
            CustomerEvent::AgentJoined { .. } => "agent.joined",
            CustomerEvent::AgentLeft { .. } => "agent.left",
            CustomerEvent::Escalated { .. } => "escalated",
            CustomerEvent::Transferred { .. } => "transferred",
            CustomerEvent::Typing { .. } => "typing",
            CustomerEvent::Resolved {} => "resolved",
        }
    }
}

/// Events on an agent's own stream. All but `typing` are stored notices with an SSE id, replayed
/// after `Last-Event-ID` / `?after=` on a reconnect (docs/protocol.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type")]
pub enum AgentEvent {
    /// New work waiting in a queue this agent can take.
    #[serde(rename = "queue.new")]
    QueueNew { conversation_id: String, department: String, tier: String, priority: String },
    /// A conversation was assigned to this agent.
    #[serde(rename = "assigned")]
    Assigned { conversation_id: String },
    /// A customer wrote in one of this agent's conversations.
    #[serde(rename = "message")]
    Message { conversation_id: String, message: Message },
    /// This agent lost a conversation.
    #[serde(rename = "assignment.lost")]
    AssignmentLost { conversation_id: String, reason: LostReason },
    #[serde(rename = "typing")]
    Typing { conversation_id: String, typing: bool },
}

impl AgentEvent {
    pub fn kind(&self) -> &'static str {
        match self {
            AgentEvent::QueueNew { .. } => "queue.new",
            AgentEvent::Assigned { .. } => "assigned",
            AgentEvent::Message { .. } => "message",
            AgentEvent::AssignmentLost { .. } => "assignment.lost",
            AgentEvent::Typing { .. } => "typing",
        }
    }
}

// ---------------------------------------------------------------- agent side

/// `POST /v1/agent/login`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Login {
    pub email: String,
    pub password: String,
}

/// Answer to [`Login`]; the session itself travels in an HttpOnly cookie.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoggedIn {
    pub agent: AgentInfo,
    /// Send back in `X-CSRF-Token` on every mutating agent request.
    pub csrf_token: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    Online,
    Away,
    Offline,
}

impl Presence {
    pub fn as_str(self) -> &'static str {
        match self {
            Presence::Online => "online",
            Presence::Away => "away",
            Presence::Offline => "offline",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Online, Self::Away, Self::Offline].into_iter().find(|v| v.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentInfo {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub tier: String,
    pub departments: Vec<String>,
    pub presence: Presence,
    pub capacity: u32,
    /// Conversations currently assigned.
    pub active: u32,
    /// Keys of the sites the agent serves (sees and gets work of).
    #[serde(default)]
    pub sites: Vec<String>,
    /// Mailed a ticket filed while nobody of the agent's departments is online (opt-in).
    #[serde(default)]
    pub ticket_mail: bool,
    /// A manager deactivated the agent: no sign-in, no work (issue 20).
    #[serde(default)]
    pub deactivated: bool,
}

/// `PUT /v1/agent/preferences`: the agent's own settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AgentPreferences {
    pub ticket_mail: bool,
}

/// `PUT /v1/agent/presence`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetPresence {
    pub presence: Presence,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100))]
    pub capacity: Option<u32>,
}

/// One conversation in an agent's lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversationSummary {
    pub conversation_id: String,
    pub site_key: String,
    pub status: ConversationStatus,
    pub department: Option<String>,
    pub tier: Option<String>,
    pub priority: Option<String>,
    pub reason: Option<String>,
    pub locale: String,
    pub agent_id: Option<i64>,
    pub queued_at: Option<String>,
    /// The running SLA deadlines (RFC 3339), when a clock runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub first_response_due: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub resolution_due: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_url: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub created_at: String,
    /// When the agent who has it got it (RFC 3339, the latest assignment); only in the agent's
    /// own list (`GET /v1/agent/conversations`), where the console shows "with you for".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub assigned_at: Option<String>,
}

/// `GET /v1/agent/conversations/{id}`: everything needed to take over.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversationDetail {
    pub summary: ConversationSummary,
    pub handoff: Option<HandoffRequest>,
    /// Customer, agent and bot messages plus internal notes, oldest first.
    pub messages: Vec<Message>,
    pub audit: Vec<AuditEntry>,
    /// Who the customer is, when the host site identified them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<Customer>,
}

/// One row of the escalation audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub kind: AuditKind,
    pub reason: String,
    pub from_department: Option<String>,
    pub to_department: Option<String>,
    pub from_tier: Option<String>,
    pub to_tier: Option<String>,
    pub agent_id: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub at: String,
}

/// `POST /v1/agent/conversations/{id}/messages` (reply) and `/notes` (internal note).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AgentText {
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub text: String,
    /// Optional, chosen by the console once per composed message (at most 200 characters): a
    /// retry with the same id and text returns the stored message instead of a second one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub client_id: Option<String>,
}

/// `POST /v1/agent/conversations/{id}/transfer`: functional escalation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    pub department: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `POST /v1/agent/conversations/{id}/escalate` (hierarchical) and `/handback`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Note {
    #[serde(default)]
    pub note: String,
}

/// `GET /v1/agent/canned`: a prepared answer of a department, in one locale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CannedResponse {
    pub id: String,
    pub department: String,
    pub locale: String,
    pub title: String,
    pub text: String,
}

/// A department or tier of a site with its names per locale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NamedItem {
    pub id: String,
    pub name: BTreeMap<String, String>,
}

/// `GET /v1/agent/sites`: what a console needs to know about each site it serves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteSummary {
    pub key: String,
    pub name: String,
    pub locales: Vec<String>,
    /// Lowest first.
    pub priorities: Vec<String>,
    pub departments: Vec<NamedItem>,
    /// The escalation ladder, lowest first.
    pub tiers: Vec<NamedItem>,
    /// How to put the site's widget on a web page.
    #[serde(default)]
    pub embed: SiteEmbed,
}

/// The copy-paste snippet of a site and what governs it (docs/embedding.md).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteEmbed {
    /// `<script async src="https://desk/embed.js" data-site="key"></script>`
    pub snippet: String,
    /// The full-page portal (`/help/<key>`), for links from e-mails and menus.
    pub portal_url: String,
    /// The only origins whose pages may show the widget.
    pub allowed_origins: Vec<String>,
    /// `Handoff('identify')` must be signed with the site's identity secret.
    pub identity_verification: bool,
}

/// `POST /v1/agent/conversations/{id}/reassign`: a supervisor gives a conversation to an agent
/// (their own id: take it over).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Reassign {
    pub agent_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One escalation-path step in the supervisor's list: an audit row and its conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecentEscalation {
    pub conversation_id: String,
    pub site_key: String,
    pub department: Option<String>,
    #[serde(flatten)]
    pub entry: AuditEntry,
}

/// `GET /v1/agent/supervisor/mail`: one mail to a customer that could not be delivered yet
/// (`pending`, with the error of its last attempt) or was given up on (`failed`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FailedMail {
    pub id: i64,
    pub site_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_id: Option<i64>,
    /// `receipt`, `answer`, `transcript` (a copy the customer asked for) or `ticket_notice` (to an
    /// agent who asked for it).
    pub kind: String,
    pub to: String,
    pub subject: String,
    /// `pending` (will be retried at `next_attempt_at`) or `failed` (given up).
    pub status: String,
    pub attempts: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// RFC 3339.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub next_attempt_at: Option<String>,
}

/// `GET /v1/agent/supervisor/overview`: the supervisor's departments at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupervisorOverview {
    /// Agents sharing a department with the supervisor, with presence and load.
    pub agents: Vec<AgentInfo>,
    /// Waiting conversations of those departments (every tier), in service order.
    pub queued: Vec<ConversationSummary>,
    /// Conversations being worked now.
    pub assigned: Vec<ConversationSummary>,
    /// Open conversations whose SLA deadline has passed.
    pub breaches: Vec<ConversationSummary>,
    /// Escalations and SLA breaches, newest first (at most 50).
    pub escalations: Vec<RecentEscalation>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customer_events_carry_their_type() {
        let e = CustomerEvent::Escalated {
            from_tier: "agent".into(),
            to_tier: "supervisor".into(),
            reason: "sla".into(),
        };
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["type"], e.kind());
        let r = serde_json::to_value(CustomerEvent::Resolved {}).unwrap();
        assert_eq!(r["type"], "resolved");
    }

    #[test]
    fn requests_reject_unknown_fields() {
        let bad = serde_json::from_str::<PostMessage>(r#"{"client_id":"a","text":"b","x":1}"#);
        assert!(bad.unwrap_err().to_string().contains("unknown field"));
    }

    #[test]
    fn a_bot_handoff_converts_to_the_request() {
        let h = Handoff {
            reason: HandoffReason::Explicit,
            detail: String::new(),
            department: "orders".into(),
            tier: "agent".into(),
            priority: "normal".into(),
            locale: "en".into(),
            transcript: vec![],
            intents: vec![],
            slots: BTreeMap::new(),
            article: None,
            page_url: Some("https://shop.example/".into()),
        };
        let req = HandoffRequest::from(h.clone());
        let json = serde_json::to_string(&req).unwrap();
        let back: HandoffRequest = serde_json::from_str(&json).unwrap();
        assert_eq!(back.page_url, h.page_url);
        assert_eq!(ConversationStatus::parse("queued"), Some(ConversationStatus::Queued));
        assert_eq!(Presence::parse("away"), Some(Presence::Away));
    }
}
