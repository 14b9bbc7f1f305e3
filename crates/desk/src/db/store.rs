//! The storage traits, split by concern. A backend implements each of them; [`Database`] is
//! every one together, what the desk holds (`Arc<dyn Database>`), implemented for any type that
//! implements them all. Callers of `dyn Database` need no other import; code calling a
//! backend's concrete type imports the traits it uses.

use super::*;
use async_trait::async_trait;
use handoff_protocol::v1::ConversationStatus;
use std::collections::HashMap;

/// The whole storage the desk needs.
pub trait Database:
    Lifecycle
    + ConversationStore
    + AgentStore
    + AdminStore
    + TicketStore
    + MailStore
    + InsightsStore
    + PrivacyStore
    + SettingsStore
    + 'static
{
}

impl<T> Database for T where
    T: Lifecycle
        + ConversationStore
        + AgentStore
        + AdminStore
        + TicketStore
        + MailStore
        + InsightsStore
        + PrivacyStore
        + SettingsStore
        + 'static
{
}

/// The store as a whole: reachable, and closed at shutdown.
#[async_trait]
pub trait Lifecycle: Send + Sync {
    async fn ping(&self) -> DbResult<()>;

    /// Flush and close; called once at shutdown.
    async fn close(&self);
}

/// Conversations with their messages, events and audit trail, written by [`Commit`]s.
#[async_trait]
pub trait ConversationStore: Send + Sync {
    async fn insert_conversation(&self, c: &ConversationRow) -> DbResult<()>;

    /// Inserts a conversation together with its start key (`DbError::Duplicate` if the key is
    /// taken: a concurrent retry won).
    async fn insert_conversation_keyed(&self, c: &ConversationRow, key_hash: &str) -> DbResult<()>;

    async fn conversation(&self, id: &str) -> DbResult<Option<ConversationRow>>;

    async fn conversation_by_key(&self, key_hash: &str) -> DbResult<Option<ConversationRow>>;

    async fn commit(&self, c: &Commit) -> DbResult<()>;

    /// Like [`ConversationStore::commit`] (atomic, visible to readers), but it may return
    /// before the change is durable: call [`ConversationStore::sync`] before acknowledging or
    /// announcing it. Lets the desk release its write lock before the disk flush, so concurrent
    /// changes share one.
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

    /// The site's conversations of this visitor, newest first (at most `limit`): those whose
    /// customer was verified when `verified`, else only those whose customer was not.
    async fn conversations_of_visitor(
        &self,
        site_key: &str,
        visitor_id: &str,
        verified: bool,
        limit: i64,
    ) -> DbResult<Vec<ConversationRow>>;

    async fn message_by_client_id(&self, conversation: &str, client_id: &str)
        -> DbResult<Option<MessageRow>>;

    /// The conversation and its message with this client id, if any: what a customer message
    /// reads before it writes, in one round trip where the engine can.
    async fn conversation_and_client_message(
        &self,
        id: &str,
        client_id: &str,
    ) -> DbResult<Option<(ConversationRow, Option<MessageRow>)>> {
        let Some(c) = self.conversation(id).await? else { return Ok(None) };
        let m = self.message_by_client_id(id, client_id).await?;
        Ok(Some((c, m)))
    }

    async fn messages(&self, conversation: &str) -> DbResult<Vec<MessageRow>>;

    async fn events_after(&self, conversation: &str, after: i64, limit: i64) -> DbResult<Vec<EventRow>>;

    async fn audit(&self, conversation: &str) -> DbResult<Vec<AuditRow>>;

    /// The newest audit rows of these kinds, newest first.
    async fn recent_audit(&self, kinds: &[&str], limit: i64) -> DbResult<Vec<AuditRow>>;

    /// Deletes the conversations whose id starts with `prefix`, with their messages, events,
    /// audit rows and tickets (the demo history generator's `--force`); returns how many.
    async fn delete_conversations_with_prefix(&self, prefix: &str) -> DbResult<u64>;
}

/// Agents, their sessions and presence, and the log of notices their stream resumes from.
#[async_trait]
pub trait AgentStore: Send + Sync {
    async fn insert_agent(&self, a: &AgentRow) -> DbResult<i64>;

    async fn agent(&self, id: i64) -> DbResult<Option<AgentRow>>;

    async fn agent_by_email(&self, email: &str) -> DbResult<Option<AgentRow>>;

    async fn agents(&self) -> DbResult<Vec<AgentRow>>;

    async fn set_presence(&self, id: i64, presence: &str, capacity: u32) -> DbResult<()>;

    /// The agent's choice to be mailed new tickets while nobody is online.
    async fn set_ticket_mail(&self, id: i64, on: bool) -> DbResult<()>;

    /// Sets the sites the agent with this email serves; `false` if there is no such agent.
    async fn set_agent_sites(&self, email: &str, sites: &[String]) -> DbResult<bool>;

    /// Number of assigned conversations per agent.
    async fn active_counts(&self) -> DbResult<HashMap<i64, u32>>;

    /// Sets every agent without an unexpired session offline (logout, expiry, a removed
    /// session): nobody is there to answer. Returns how many changed.
    async fn offline_without_session(&self, now: i64) -> DbResult<u64>;

    async fn insert_session(&self, s: &SessionRow) -> DbResult<()>;

    async fn session(&self, token_hash: &str) -> DbResult<Option<SessionRow>>;

    async fn delete_session(&self, token_hash: &str) -> DbResult<()>;

    /// Removes sessions that expired at or before `now`; returns how many.
    async fn delete_expired_sessions(&self, now: i64) -> DbResult<u64>;

    /// An agent's stored notices with an id above `after`, oldest first.
    async fn notices_after(&self, agent_id: i64, after: i64, limit: i64) -> DbResult<Vec<NoticeRow>>;

    /// `(oldest, newest)`: the oldest stored notice id over all agents (older ones were
    /// pruned), and an id that every notice for `agent_id` committed from now on exceeds (the
    /// newest stored one of this agent, or of all agents where ids follow commit order
    /// globally); 0 for none. A new agent stream starts after `newest`.
    async fn notice_bounds(&self, agent_id: i64) -> DbResult<(i64, i64)>;

    /// Drops notices older than `before` (ms) or beyond the newest `keep`, never the newest one.
    async fn prune_notices(&self, before: i64, keep: i64) -> DbResult<u64>;
}

/// Tickets left when no agent could answer, and their answers.
#[async_trait]
pub trait TicketStore: Send + Sync {
    /// Stores the ticket, its audit row and the mails it causes (their `ticket_id` set to the
    /// new ticket's) together.
    async fn insert_ticket(&self, t: &TicketRow, audit: &AuditRow, mail: &[OutboxRow]) -> DbResult<i64>;

    async fn ticket(&self, id: i64) -> DbResult<Option<TicketRow>>;

    async fn tickets(&self) -> DbResult<Vec<TicketRow>>;

    /// The ticket whose mails carry this reply token (`reply+<token>@...`), for a customer's
    /// reply coming back; `None` for an unknown (or forged) token.
    async fn ticket_by_reply_token(&self, token: &str) -> DbResult<Option<TicketRow>>;

    /// The (first) ticket left on a conversation: there is at most one.
    async fn ticket_of_conversation(&self, conversation_id: &str) -> DbResult<Option<TicketRow>>;

    /// Stores the answer if the ticket has none yet, with its audit row and mails, and gives
    /// the ticket `reply_token` if it had none; `false` (nothing stored) if it was already
    /// answered.
    #[allow(clippy::too_many_arguments)]
    async fn answer_ticket(
        &self,
        id: i64,
        answer: &str,
        by: &str,
        at: i64,
        audit: &AuditRow,
        reply_token: &str,
        mail: &[OutboxRow],
    ) -> DbResult<bool>;
}

/// What managers change about their team (issue 20), each change stored with its audit row in
/// one transaction.
#[async_trait]
pub trait AdminStore: Send + Sync {
    /// Inserts the agent (`a.id` is ignored) with the audit row; the new id.
    /// [`DbError::Duplicate`] when the e-mail is taken.
    async fn create_agent(&self, a: &AgentRow, audit: &AdminAuditRow) -> DbResult<i64>;

    /// Stores name, tier, departments, capacity, sites and `active` of agent `a.id` with the
    /// audit row; `false` if there is no such agent. Deactivating also sets the agent offline
    /// and deletes their sessions: the token hashes of those deleted are returned in `ended`.
    async fn update_agent(
        &self,
        a: &AgentRow,
        audit: &AdminAuditRow,
        ended: &mut Vec<String>,
    ) -> DbResult<bool>;

    /// The latest administrative changes, newest first.
    async fn admin_audit(&self, limit: i64) -> DbResult<Vec<AdminAuditRow>>;

    /// Stores the agent's new password hash with the audit row and deletes every session of
    /// theirs but `keep` (the one that changed it); the deleted sessions' hashes go to `ended`.
    async fn set_password(
        &self,
        agent_id: i64,
        password_hash: &str,
        keep: &str,
        audit: &AdminAuditRow,
        ended: &mut Vec<String>,
    ) -> DbResult<()>;

    /// The agent's sessions, newest first.
    async fn sessions_of(&self, agent_id: i64) -> DbResult<Vec<SessionRow>>;
}

/// The site settings managers save in the console (issue 20): one JSON body per site and
/// section, written by compare-and-swap so that two managers saving at once never lose one
/// change to the other without knowing.
#[async_trait]
pub trait SettingsStore: Send + Sync {
    /// Every saved section of every site.
    async fn site_settings(&self) -> DbResult<Vec<SettingRow>>;

    /// Replaces section `section` of `site_key` with `new` (or deletes it when `None`) together
    /// with the audit row, provided its stored body is still `expected` (`None`: no row).
    /// `false` when another change came first: nothing is written, read again and retry.
    async fn swap_setting(
        &self,
        site_key: &str,
        section: &str,
        expected: Option<&str>,
        new: Option<&SettingRow>,
        audit: &AdminAuditRow,
    ) -> DbResult<bool>;
}

/// The mail outbox (`crate::mail`): rows are inserted with what causes them (see
/// [`TicketStore`]); the sender claims, sends and marks them.
#[async_trait]
pub trait MailStore: Send + Sync {
    /// Claims up to `limit` pending mails due at `now` that nobody holds (no claim, or one
    /// whose lease ran out), oldest first: each gets `claimed_until = lease_until` and one more
    /// attempt. Safe with several senders: a row is handed to one of them per lease.
    async fn claim_mail(&self, now: i64, lease_until: i64, limit: i64) -> DbResult<Vec<OutboxRow>>;

    /// The server accepted the mail: `sent`, never claimed again.
    async fn mail_sent(&self, id: i64, at: i64) -> DbResult<()>;

    /// The attempt failed: the error is kept, the claim released, and the mail is due again at
    /// `retry_at`, or `failed` for good without one.
    async fn mail_failed(&self, id: i64, failure: &MailFailure) -> DbResult<()>;

    /// Every mail of a ticket, oldest first.
    async fn mail_of_ticket(&self, ticket_id: i64) -> DbResult<Vec<OutboxRow>>;

    /// Queues a mail that nothing else stored causes (the transcript a customer asks for).
    /// `false` when a mail with its Message-ID is already queued: a retry is stored once.
    async fn queue_mail(&self, mail: &OutboxRow) -> DbResult<bool>;

    /// The mails of one kind for a conversation, oldest first.
    async fn mail_of_conversation(&self, conversation_id: &str, kind: &str) -> DbResult<Vec<OutboxRow>>;

    /// Mails given up on or still failing (pending with an error), newest first.
    async fn failing_mail(&self, limit: i64) -> DbResult<Vec<OutboxRow>>;

    async fn mail_counts(&self) -> DbResult<MailCounts>;
}

/// The big read-only loads behind the insights page and the metrics.
#[async_trait]
pub trait InsightsStore: Send + Sync {
    /// The conversations of `site_key` started in `[from, to)` with their audit rows and first
    /// agent replies (see [`PeriodRows`]).
    async fn period_rows(&self, site_key: &str, from: i64, to: i64) -> DbResult<PeriodRows>;

    /// [`InsightsStore::period_rows`] with only what the headline figures (`insights::Headline`)
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

    /// The stored totals behind the per-site metrics (see [`StoredCounts`]).
    async fn stored_counts(&self) -> DbResult<StoredCounts>;
}
