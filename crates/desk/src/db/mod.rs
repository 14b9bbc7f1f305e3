//! Storage behind one set of traits, so that a PostgreSQL implementation can follow without
//! touching handlers or the desk logic (the layout follows atuin: the traits in `store.rs`, split
//! by concern and joined in [`Database`], the rows here, the backend-neutral error in `error.rs`,
//! rules every backend shares in plain Rust (`gaps.rs`), one module per engine with everything
//! engine-specific under it, and `migrations/<engine>/*.sql`).
//!
//! The desk serialises its writes (see `desk::Desk::write`), computes the next state of a
//! conversation in memory and hands it over as one [`Commit`]: the backend applies it in a
//! single transaction, so an event, its message and its audit rows are stored together or not
//! at all. Times are milliseconds since the Unix epoch.

mod error;
pub mod gaps;
pub mod migrate_to;
pub mod postgres;
pub mod privacy;
pub mod sqlite;
mod store;

pub use error::{DbError, DbResult};
pub use privacy::PrivacyStore;
pub use store::{
    AdminStore, AgentStore, ConversationStore, Database, InsightsStore, Lifecycle, MailStore, SettingsStore,
    TicketStore,
};

use handoff_protocol::v1::ConversationStatus;
use std::collections::HashMap;

/// The whole stored state of one conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationRow {
    pub id: String,
    pub site_key: String,
    pub locale: String,
    pub page_url: Option<String>,
    /// The site's opaque customer id, when the widget sent one.
    pub visitor_id: Option<String>,
    pub token_hash: String,
    pub status: ConversationStatus,
    pub department: Option<String>,
    pub tier: Option<String>,
    pub priority: Option<String>,
    pub reason: Option<String>,
    pub handoff_json: Option<String>,
    pub agent_id: Option<i64>,
    pub queued_at: Option<i64>,
    pub queue_position: Option<i64>,
    pub first_response_due: Option<i64>,
    pub resolution_due: Option<i64>,
    pub first_reply_at: Option<i64>,
    pub offline_reason: Option<String>,
    pub rating: Option<i64>,
    pub rating_comment: Option<String>,
    pub last_seq: i64,
    pub last_message_id: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// The identified customer (JSON of `v1::Customer`), set when the conversation starts.
    pub customer_json: Option<String>,
}

impl ConversationRow {
    /// A conversation just started: with the bot, no handoff, nothing sent yet.
    pub fn new_with_bot(id: String, site_key: String, locale: String, token_hash: String, now: i64) -> Self {
        ConversationRow {
            id,
            site_key,
            locale,
            page_url: None,
            visitor_id: None,
            token_hash,
            status: ConversationStatus::Bot,
            department: None,
            tier: None,
            priority: None,
            reason: None,
            handoff_json: None,
            agent_id: None,
            queued_at: None,
            queue_position: None,
            first_response_due: None,
            resolution_due: None,
            first_reply_at: None,
            offline_reason: None,
            rating: None,
            rating_comment: None,
            last_seq: 0,
            last_message_id: 0,
            created_at: now,
            updated_at: now,
            customer_json: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MessageRow {
    pub conversation_id: String,
    pub id: i64,
    pub client_id: Option<String>,
    /// `customer`, `agent`, `bot` or `system`.
    pub author: String,
    pub agent_id: Option<i64>,
    pub author_name: Option<String>,
    pub text: String,
    pub internal: bool,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub seq: i64,
    pub kind: String,
    /// The JSON `data:` of the SSE event.
    pub payload: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuditRow {
    pub conversation_id: String,
    pub site_key: String,
    pub kind: String,
    pub reason: String,
    pub from_department: Option<String>,
    pub to_department: Option<String>,
    pub from_tier: Option<String>,
    pub to_tier: Option<String>,
    pub agent_id: Option<i64>,
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AgentRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub tier: String,
    pub departments: Vec<String>,
    pub presence: String,
    pub capacity: u32,
    /// Keys of the sites the agent serves. Empty: not limited, which serves every site only
    /// while the desk serves a single one (`LoadedSite::served_by`).
    pub sites: Vec<String>,
    /// Mail me a ticket filed while nobody of my departments is online (issue 21, opt-in).
    pub ticket_mail: bool,
    /// `false` once a manager deactivated the agent: no sign-in, no work (issue 20).
    pub active: bool,
}

/// One administrative change (issue 20): who made it, when, to what, and the value before
/// and after (JSON text; `None` where there was none, e.g. before a creation).
#[derive(Debug, Clone, PartialEq)]
pub struct AdminAuditRow {
    pub id: i64,
    pub at: i64,
    pub actor_id: i64,
    /// `agent_created`, `agent_updated`, `agent_deactivated`, `agent_activated`.
    pub action: String,
    /// What was changed, e.g. `agent:ana@fernhill.example`.
    pub target: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// One section of a site's settings as saved in the console (`handoff_protocol::settings`).
#[derive(Debug, Clone, PartialEq)]
pub struct SettingRow {
    pub site_key: String,
    /// `hours`, `sla` or `canned`.
    pub section: String,
    /// The section as JSON.
    pub body: String,
    pub updated_at: i64,
    pub updated_by: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SessionRow {
    pub token_hash: String,
    pub csrf_hash: String,
    pub agent_id: i64,
    pub created_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TicketRow {
    pub id: i64,
    pub site_key: String,
    pub conversation_id: Option<String>,
    pub name: String,
    pub email: String,
    pub message: String,
    pub transcript_json: String,
    pub created_at: i64,
    pub answer: Option<String>,
    /// Name of the agent who answered.
    pub answered_by: Option<String>,
    pub answered_at: Option<i64>,
    /// ms UTC: next opening + the site's `ticket_answer_secs`, fixed when stored.
    pub answer_expected_by: Option<i64>,
    /// The local part's secret in the Reply-To of the ticket's mails (`reply+<token>@...`):
    /// random, so it names this ticket and cannot be guessed. `None` for tickets filed before
    /// the desk sent mail, until they are answered.
    pub reply_token: Option<String>,
}

/// One mail in the outbox (`crate::mail`): rendered when queued, so every attempt sends the
/// same message under the same Message-ID.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxRow {
    /// Assigned on insert.
    pub id: i64,
    pub site_key: String,
    pub conversation_id: Option<String>,
    /// The ticket the mail belongs to; set by the store when the ticket is inserted with it.
    pub ticket_id: Option<i64>,
    /// `receipt` or `answer`.
    pub kind: String,
    /// With its angle brackets, unique over the outbox.
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub mail_from: String,
    pub reply_to: Option<String>,
    pub rcpt: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub created_at: i64,
    /// `pending`, `sent` or `failed` (given up).
    pub status: String,
    /// Attempts started (a claim counts one, so a crash mid-send is counted too).
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub claimed_until: Option<i64>,
    pub last_error: Option<String>,
    pub sent_at: Option<i64>,
}

impl OutboxRow {
    /// A mail due now, never tried.
    #[allow(clippy::too_many_arguments)]
    pub fn pending(
        site_key: &str,
        conversation_id: Option<String>,
        kind: &str,
        message_id: String,
        in_reply_to: Option<String>,
        mail_from: String,
        reply_to: Option<String>,
        rcpt: String,
        subject: String,
        text_body: String,
        html_body: String,
        now: i64,
    ) -> OutboxRow {
        OutboxRow {
            id: 0,
            site_key: site_key.to_string(),
            conversation_id,
            ticket_id: None,
            kind: kind.to_string(),
            message_id,
            in_reply_to,
            mail_from,
            reply_to,
            rcpt,
            subject,
            text_body,
            html_body,
            created_at: now,
            status: "pending".into(),
            attempts: 0,
            next_attempt_at: now,
            claimed_until: None,
            last_error: None,
            sent_at: None,
        }
    }
}

/// What a failed attempt leaves: the error, and when to try again (`None`: give up, the mail
/// is `failed`).
#[derive(Debug, Clone, PartialEq)]
pub struct MailFailure {
    pub error: String,
    pub retry_at: Option<i64>,
}

/// The outbox by status, for the metrics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailCounts {
    pub pending: u64,
    pub failed: u64,
    pub sent: u64,
}

/// Everything the insights (`crate::insights`) need about the conversations a site started in a
/// period: the conversations, all their audit rows (oldest first, whenever they happened) and
/// the time of each one's first agent message to the customer (internal notes excluded).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PeriodRows {
    pub conversations: Vec<PeriodConversation>,
    pub audit: Vec<AuditRow>,
    pub first_agent_reply: HashMap<String, i64>,
}

/// What insights need of a conversation. Not the whole row: that carries the handoff JSON with
/// its transcript (up to 256 KiB each), far too much to load for 100,000 conversations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PeriodConversation {
    pub id: String,
    pub locale: String,
    pub priority: Option<String>,
    pub rating: Option<i64>,
    pub rating_comment: Option<String>,
    /// Set when the latest stored handoff was `article_unhelpful`: its article ("" when it
    /// named none).
    pub unhelpful_article: Option<String>,
    pub created_at: i64,
    /// The row's last change, read only as the time of a rating stored without its audit row:
    /// a backend may give `created_at` for unrated conversations (SQLite does, so that its
    /// period load never reads the table row for them).
    pub updated_at: i64,
}

/// What a [`InsightsStore::period_rows_narrow`] load must carry besides the headline's needs: the
/// audit rows' departments and tiers, when a filter asks for them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NarrowFields {
    pub departments: bool,
    pub tiers: bool,
}

/// What the latest stored handoff of a conversation says for the content gaps: the article the
/// customer was shown (its `article`) and the customer lines of its transcript the bot did not
/// match (no `intent`), in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HandoffText {
    pub conversation_id: String,
    pub locale: String,
    pub article: Option<String>,
    pub unmatched: Vec<String>,
}

/// Totals over everything stored, for the Prometheus metrics (computed at scrape time, so they
/// survive restarts): audit rows counted by site, kind and two labels, plus per-site figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoredCounts {
    /// `(site, kind, a, b, count)` for the audit kinds `handoff` (a = reason), `sla_breach`
    /// (a = reason), `offline`, `escalation` (a, b = from and to tier) and `transfer` (a, b =
    /// from and to department); unused labels are empty.
    pub audit: Vec<(String, String, String, String, u64)>,
    /// `(site, conversations started)`.
    pub started: Vec<(String, u64)>,
    /// `(site, tickets)`.
    pub tickets: Vec<(String, u64)>,
    /// `(site, ratings, sum of scores)` over scores 1 to 5.
    pub ratings: Vec<(String, u64, u64)>,
    /// `(site, status, conversations)` for `queued` and `assigned`.
    pub open: Vec<(String, String, u64)>,
}

/// One atomic change to a conversation: its new state plus what happened.
#[derive(Debug, Clone)]
pub struct Commit {
    /// The new state; written only if the stored `last_seq` still equals `expected_last_seq`.
    pub conversation: ConversationRow,
    pub expected_last_seq: i64,
    pub messages: Vec<MessageRow>,
    pub events: Vec<EventRow>,
    pub audit: Vec<AuditRow>,
    /// Agent notices caused by the change, stored with it (the agent stream's log).
    pub notices: Vec<NoticeRow>,
    /// Mails the change causes (an agent's reply to a customer who writes by mail), queued in
    /// the outbox in the same transaction: stored together with the message or not at all.
    pub mail: Vec<OutboxRow>,
}

/// One stored agent notice: the `data:` of an agent stream event (`id` is assigned on insert).
#[derive(Debug, Clone, PartialEq)]
pub struct NoticeRow {
    pub id: i64,
    pub agent_id: i64,
    pub kind: String,
    pub payload: String,
    pub created_at: i64,
}
