//! Storage behind one trait, so that a PostgreSQL implementation can follow without touching
//! handlers or the desk logic (the layout follows atuin: the trait here, the backend-neutral
//! error in `error.rs`, one module per engine with everything engine-specific under it, and
//! `migrations/<engine>/*.sql`).
//!
//! The desk serialises its writes (see `desk::Desk::write`), computes the next state of a
//! conversation in memory and hands it over as one [`Commit`]: the backend applies it in a
//! single transaction, so an event, its message and its audit rows are stored together or not
//! at all. Times are milliseconds since the Unix epoch.

mod error;
pub mod gaps;
pub mod sqlite;

pub use error::{DbError, DbResult};

use async_trait::async_trait;
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

/// What a [`Database::period_rows_narrow`] load must carry besides the headline's needs: the
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

#[async_trait]
pub trait Database: Send + Sync + 'static {
    async fn ping(&self) -> DbResult<()>;
    /// Flush and close; called once at shutdown.
    async fn close(&self);

    async fn insert_conversation(&self, c: &ConversationRow) -> DbResult<()>;
    async fn conversation(&self, id: &str) -> DbResult<Option<ConversationRow>>;
    async fn commit(&self, c: &Commit) -> DbResult<()>;
    /// Like [`Database::commit`] (atomic, visible to readers), but it may return before the
    /// change is durable: call [`Database::sync`] before acknowledging or announcing it. Lets the
    /// desk release its write lock before the disk flush, so concurrent changes share one.
    async fn commit_unsynced(&self, c: &Commit) -> DbResult<()> {
        self.commit(c).await
    }
    /// Returns when every change committed before the call is durable.
    async fn sync(&self) -> DbResult<()> {
        Ok(())
    }
    async fn conversations_with_status(&self, status: ConversationStatus) -> DbResult<Vec<ConversationRow>>;
    async fn conversations_of_agent(&self, agent_id: i64) -> DbResult<Vec<ConversationRow>>;
    /// Open conversations with a deadline at or before `now`.
    async fn due_conversations(&self, now: i64) -> DbResult<Vec<ConversationRow>>;

    async fn message_by_client_id(&self, conversation: &str, client_id: &str)
        -> DbResult<Option<MessageRow>>;
    async fn messages(&self, conversation: &str) -> DbResult<Vec<MessageRow>>;
    async fn events_after(&self, conversation: &str, after: i64, limit: i64) -> DbResult<Vec<EventRow>>;
    async fn audit(&self, conversation: &str) -> DbResult<Vec<AuditRow>>;

    async fn insert_agent(&self, a: &AgentRow) -> DbResult<i64>;
    async fn agent(&self, id: i64) -> DbResult<Option<AgentRow>>;
    async fn agent_by_email(&self, email: &str) -> DbResult<Option<AgentRow>>;
    async fn agents(&self) -> DbResult<Vec<AgentRow>>;
    async fn set_presence(&self, id: i64, presence: &str, capacity: u32) -> DbResult<()>;
    /// Sets the sites the agent with this email serves; `false` if there is no such agent.
    async fn set_agent_sites(&self, email: &str, sites: &[String]) -> DbResult<bool>;
    /// Number of assigned conversations per agent.
    async fn active_counts(&self) -> DbResult<HashMap<i64, u32>>;

    async fn insert_session(&self, s: &SessionRow) -> DbResult<()>;
    async fn session(&self, token_hash: &str) -> DbResult<Option<SessionRow>>;
    async fn delete_session(&self, token_hash: &str) -> DbResult<()>;
    /// Removes sessions that expired at or before `now`; returns how many.
    async fn delete_expired_sessions(&self, now: i64) -> DbResult<u64>;

    /// Stores the ticket and its audit row together.
    /// The site's conversations of this visitor, newest first (at most `limit`): those whose
    /// customer was verified when `verified`, else only those whose customer was not.
    async fn conversations_of_visitor(
        &self,
        site_key: &str,
        visitor_id: &str,
        verified: bool,
        limit: i64,
    ) -> DbResult<Vec<ConversationRow>>;
    /// The newest audit rows of these kinds, newest first.
    async fn recent_audit(&self, kinds: &[&str], limit: i64) -> DbResult<Vec<AuditRow>>;

    /// The conversations of `site_key` started in `[from, to)` with their audit rows and first
    /// agent replies (see [`PeriodRows`]).
    async fn period_rows(&self, site_key: &str, from: i64, to: i64) -> DbResult<PeriodRows>;

    /// [`Database::period_rows`] with only what the headline figures (`insights::Headline`)
    /// and a filter need, for the previous period the page compares with: no priority, rating
    /// comment, unhelpful article or audit agent; audit reasons only of `handoff` and
    /// `sla_breach` rows (empty otherwise); audit departments and tiers only when `fields` asks.
    /// A backend may return more (the default returns everything).
    async fn period_rows_narrow(
        &self,
        site_key: &str,
        from: i64,
        to: i64,
        fields: NarrowFields,
    ) -> DbResult<PeriodRows> {
        let _ = fields;
        self.period_rows(site_key, from, to).await
    }

    /// The stored handoffs of the conversations of `site_key` started in `[from, to)`, in start
    /// order (see [`HandoffText`]).
    async fn handoff_texts(&self, site_key: &str, from: i64, to: i64) -> DbResult<Vec<HandoffText>>;

    /// Deletes the conversations whose id starts with `prefix`, with their messages, events,
    /// audit rows and tickets (the demo history generator's `--force`); returns how many.
    async fn delete_conversations_with_prefix(&self, prefix: &str) -> DbResult<u64>;

    /// The stored totals behind the per-site metrics (see [`StoredCounts`]).
    async fn stored_counts(&self) -> DbResult<StoredCounts>;

    async fn ticket(&self, id: i64) -> DbResult<Option<TicketRow>>;
    /// Stores the answer if the ticket has none yet; `false` if it was already answered.
    async fn answer_ticket(
        &self,
        id: i64,
        answer: &str,
        by: &str,
        at: i64,
        audit: &AuditRow,
    ) -> DbResult<bool>;

    async fn insert_ticket(&self, t: &TicketRow, audit: &AuditRow) -> DbResult<i64>;

    /// Inserts a conversation together with its start key (`DbError::Duplicate` if the key is
    /// taken: a concurrent retry won).
    async fn insert_conversation_keyed(&self, c: &ConversationRow, key_hash: &str) -> DbResult<()>;
    async fn conversation_by_key(&self, key_hash: &str) -> DbResult<Option<ConversationRow>>;
    /// An agent's stored notices with an id above `after`, oldest first.
    async fn notices_after(&self, agent_id: i64, after: i64, limit: i64) -> DbResult<Vec<NoticeRow>>;
    /// `(oldest, newest)` stored notice id over all agents, `(0, 0)` when none.
    async fn notice_bounds(&self) -> DbResult<(i64, i64)>;
    /// Drops notices older than `before` (ms) or beyond the newest `keep`, never the newest one.
    async fn prune_notices(&self, before: i64, keep: i64) -> DbResult<u64>;
    /// Sets every agent without an unexpired session offline (logout, expiry, a removed
    /// session): nobody is there to answer. Returns how many changed.
    async fn offline_without_session(&self, now: i64) -> DbResult<u64>;
    async fn tickets(&self) -> DbResult<Vec<TicketRow>>;
    /// The (first) ticket left on a conversation: there is at most one.
    async fn ticket_of_conversation(&self, conversation_id: &str) -> DbResult<Option<TicketRow>>;
}
