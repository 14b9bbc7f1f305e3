//! The desk's behaviour, independent of HTTP: conversations, handoffs, routing, escalation.
//!
//! Every change goes through a write lock: read the conversation, compute its next state in a
//! [`Change`], commit it atomically, then wake the streams. The lock makes read-modify-write
//! sequences (queue positions, agent loads) exact without depending on a particular database's
//! isolation. It comes from the backend ([`crate::coordination::Locks`]): one in-process mutex
//! for a single desk on SQLite, advisory locks shared by every instance on PostgreSQL. Routing
//! takes the exclusive desk lock ([`Desk::write`]); a change to one conversation's own messages
//! takes only that conversation's lock ([`Desk::write_conversation`]).

mod account;
mod admin;
mod agent_ops;
mod breach;
mod change;
mod customer;
mod customer_mail;
mod dispatch;
pub mod error;
#[cfg(test)]
mod group_tests;
mod mail_reply;
pub mod privacy;
pub mod seed;
mod settings;
mod supervisor;
mod sweeper;

pub use change::Change;
pub use customer::{missing_token, Caller};
pub use mail_reply::{reply_client_id, ReplyOutcome};
pub use sweeper::spawn_sweeper;

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::coordination::{Coordination, Ephemeral, Fanout, LockGuard, Locks};
use crate::db::{AgentRow, AuditRow, Commit, ConversationRow, Database, MessageRow};
use crate::desk::error::{DeskError, DeskResult};
use crate::hub::Hub;
use crate::login_backoff::LoginAttempts;
use crate::metrics::Metrics;
use crate::ratelimit::Limiter;
use crate::routing::{self, Candidate};
use crate::sites::{LoadedSite, Sites};
use chrono::{DateTime, SecondsFormat, Utc};
use handoff_protocol::v1::{Author, ConversationStatus, ConversationSummary, HandoffState, Message};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::watch;

pub struct Desk {
    pub db: Arc<dyn Database>,
    pub sites: Sites,
    pub hub: Arc<Hub>,
    pub metrics: Metrics,
    /// The mail sender's wake-up and counters (`crate::mail`).
    pub mail: crate::mail::MailState,
    pub config: Config,
    pub ip_limiter: Box<dyn Limiter>,
    pub conversation_limiter: Box<dyn Limiter>,
    /// Per-account login backoff (in memory alone, in the database with several instances).
    pub login_attempts: Box<dyn LoginAttempts>,
    locks: Arc<dyn Locks>,
    /// Tells other instances what the hub tells this one's streams without storing it.
    fanout: Arc<dyn Fanout>,
    shutdown: watch::Sender<bool>,
    /// When the sweeper last pruned the agent notice log (ms).
    notices_pruned_at: std::sync::atomic::AtomicI64,
    /// When this instance last looked for expired rows (ms, see `privacy.rs`).
    retention_checked_at: std::sync::atomic::AtomicI64,
    /// When the last such look finished (ms).
    retention_done_at: std::sync::atomic::AtomicI64,
    /// What every operation stamps and every deadline is compared with.
    clock: Arc<dyn Clock>,
    /// When this instance last read the saved site settings (ms, see `settings.rs`).
    settings_checked_at: std::sync::atomic::AtomicI64,
}

/// A change committed by [`Desk::apply_unsynced`], not yet durable nor announced.
#[must_use = "call Desk::publish: the change is neither durable nor announced yet"]
pub(crate) struct Unsynced {
    /// `None` once announced.
    commit: Option<Commit>,
    db: Arc<dyn Database>,
    hub: Arc<Hub>,
}

impl Drop for Unsynced {
    /// The request was dropped between commit and announcement (the client hung up while it
    /// waited for the fsync): the change is committed, so finish the job in the background and
    /// still tell the streams and agents once it is durable.
    fn drop(&mut self) {
        let Some(commit) = self.commit.take() else { return };
        let (db, hub) = (self.db.clone(), self.hub.clone());
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                match db.sync().await {
                    Ok(()) => {
                        announce(&hub, &commit);
                    }
                    Err(e) => tracing::error!(error = %e, "sync after a dropped request failed"),
                }
            });
        }
    }
}

/// Wakes the conversation's streams and the streams of the agents it stored notices for, once
/// the change is durable.
fn announce(hub: &Hub, commit: &Commit) {
    if !commit.events.is_empty() {
        hub.publish_conversation(
            &commit.conversation.id,
            crate::hub::Live::Committed(commit.conversation.last_seq),
        );
    }
    let mut agents: Vec<i64> = commit.notices.iter().map(|n| n.agent_id).collect();
    agents.sort_unstable();
    agents.dedup();
    for agent in agents {
        hub.notify_agent(agent, crate::hub::AgentLive::Committed);
    }
}

pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

pub fn rfc3339(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn wire_message(m: &MessageRow) -> Message {
    let author = match m.author.as_str() {
        "agent" => Author::Agent,
        "bot" => Author::Bot,
        "system" => Author::System,
        _ => Author::Customer,
    };
    Message {
        id: m.id,
        client_id: m.client_id.clone(),
        author,
        author_name: m.author_name.clone(),
        text: m.text.clone(),
        internal: m.internal,
        created_at: rfc3339(m.created_at),
    }
}

/// An audit row as agents see it; `None` (logged) for a kind this desk does not know, which
/// only a newer desk on the same database writes.
pub fn wire_audit(a: AuditRow) -> Option<handoff_protocol::v1::AuditEntry> {
    let Some(kind) = handoff_protocol::v1::AuditKind::parse(&a.kind) else {
        tracing::warn!(kind = %a.kind, conversation = %a.conversation_id, "audit row of an unknown kind left out");
        return None;
    };
    Some(handoff_protocol::v1::AuditEntry {
        kind,
        reason: a.reason,
        from_department: a.from_department,
        to_department: a.to_department,
        from_tier: a.from_tier,
        to_tier: a.to_tier,
        agent_id: a.agent_id,
        at: rfc3339(a.at),
    })
}

pub fn summary(c: &ConversationRow) -> ConversationSummary {
    ConversationSummary {
        conversation_id: c.id.clone(),
        site_key: c.site_key.clone(),
        status: c.status,
        department: c.department.clone(),
        tier: c.tier.clone(),
        priority: c.priority.clone(),
        reason: c.reason.clone(),
        locale: c.locale.clone(),
        agent_id: c.agent_id,
        queued_at: c.queued_at.map(rfc3339),
        first_response_due: c.first_response_due.map(rfc3339),
        resolution_due: c.resolution_due.map(rfc3339),
        page_url: c.page_url.clone(),
        created_at: rfc3339(c.created_at),
        assigned_at: None,
    }
}

/// Agents as routing sees them for one site (tier levels are per site ladder). An agent who
/// does not serve the site is off its ladder: never picked, counted or told of its work.
pub fn candidates<'a>(
    agents: &'a [AgentRow],
    loads: &HashMap<i64, u32>,
    site: &LoadedSite,
) -> Vec<Candidate<'a>> {
    agents
        .iter()
        .map(|a| Candidate {
            id: a.id,
            // A deactivated agent is offline anyway; this keeps it so whatever raced it.
            online: a.active && a.presence == "online",
            departments: &a.departments,
            level: if site.served_by(a) { site.tier_level(&a.tier) } else { None },
            active: loads.get(&a.id).copied().unwrap_or(0),
            capacity: a.capacity,
        })
        .collect()
}

impl Desk {
    /// A desk that owns its database alone (the embedded SQLite default): locks, limits and
    /// login backoff in this process's memory.
    pub fn new(db: Arc<dyn Database>, sites: Sites, config: Config) -> Desk {
        let coordination = Coordination::local(&config);
        Desk::with_coordination(db, sites, config, coordination)
    }

    /// A desk that shares its database with other instances through `coordination`.
    pub fn with_coordination(db: Arc<dyn Database>, sites: Sites, config: Config, c: Coordination) -> Desk {
        Desk {
            ip_limiter: c.ip_limiter,
            conversation_limiter: c.conversation_limiter,
            login_attempts: c.login_attempts,
            locks: c.locks,
            fanout: c.fanout,
            db,
            sites,
            hub: Arc::default(),
            metrics: Metrics::default(),
            mail: crate::mail::MailState::default(),
            config,
            shutdown: watch::channel(false).0,
            notices_pruned_at: std::sync::atomic::AtomicI64::new(0),
            retention_checked_at: std::sync::atomic::AtomicI64::new(0),
            retention_done_at: std::sync::atomic::AtomicI64::new(0),
            settings_checked_at: std::sync::atomic::AtomicI64::new(0),
            clock: Arc::new(SystemClock),
        }
    }

    /// The same desk on `clock` (tests and tools that make time pass).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Desk {
        self.clock = clock;
        self
    }

    /// The desk's time now (ms since the epoch).
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// The exclusive desk lock, for anything that reads or changes queue positions, agent loads
    /// or presence (handoff, claim, moves, resolve, presence, the sweeper, dispatch).
    pub(crate) async fn write(&self) -> DeskResult<LockGuard> {
        Ok(self.locks.exclusive().await?)
    }

    /// The lock for a change to this conversation's own messages and events only, which reads
    /// nothing other conversations' changes write (see each caller for why it qualifies).
    pub(crate) async fn write_conversation(&self, id: &str) -> DeskResult<LockGuard> {
        Ok(self.locks.conversation(id).await?)
    }

    /// The desk lock for a scheduled job only one instance runs at a time; `None`: another
    /// instance runs it now.
    pub(crate) async fn write_scheduled(&self, job: &str) -> DeskResult<Option<LockGuard>> {
        Ok(self.locks.scheduled(job).await?)
    }

    /// The lock of a job only one instance runs at a time, without the desk lock
    /// ([`crate::coordination::Locks::singleton`]).
    pub(crate) async fn singleton(&self, job: &str) -> DeskResult<Option<LockGuard>> {
        Ok(self.locks.singleton(job).await?)
    }

    /// Closes what the locks keep open (at shutdown, once no change runs any more).
    pub async fn close_locks(&self) {
        self.locks.close().await;
    }

    /// Delivers an event nobody stores to this instance's streams and tells the others.
    pub(crate) async fn ephemeral(&self, e: Ephemeral) {
        self.fanout.send(&e).await;
        e.deliver(&self.hub);
    }

    /// Starts relaying other instances' wake-ups into this desk's hub (nothing alone).
    pub fn follow_other_instances(&self) -> Option<tokio::task::JoinHandle<()>> {
        self.fanout.follow(self.hub.clone(), self.shutdown_signal())
    }

    /// Ends every open stream so that graceful shutdown does not wait for them forever.
    pub fn begin_shutdown(&self) {
        self.shutdown.send_replace(true);
    }

    pub fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.shutdown.subscribe()
    }

    pub fn site(&self, key: &str) -> DeskResult<&LoadedSite> {
        self.sites.get(key).ok_or_else(|| DeskError::unknown("site"))
    }

    pub async fn check_ip(&self, ip: std::net::IpAddr) -> DeskResult<()> {
        self.ip_limiter
            .check(&ip.to_string())
            .await
            .map_err(|secs| DeskError::limited("rate_limited", "too many requests; retry later", secs))
    }

    /// Commits a change, then wakes the conversation's streams and notifies agents.
    pub(crate) async fn apply(&self, ch: Change<'_>) -> DeskResult<ConversationRow> {
        let commit = ch.finish();
        self.db.commit(&commit).await?;
        announce(&self.hub, &commit);
        Ok(commit.conversation)
    }

    /// Group commit: commits a change without waiting for the disk. The caller releases the write
    /// lock, then calls [`Desk::publish`], which waits until the change is durable before anything
    /// is acknowledged or announced; changes committed meanwhile share one fsync.
    pub(crate) async fn apply_unsynced(&self, ch: Change<'_>) -> DeskResult<Unsynced> {
        let commit = ch.finish();
        self.db.commit_unsynced(&commit).await?;
        Ok(Unsynced { commit: Some(commit), db: self.db.clone(), hub: self.hub.clone() })
    }

    /// Waits until the change is durable, then announces it. If the sync fails the request
    /// answers 500 and the dropped [`Unsynced`] retries the sync and the announcement.
    pub(crate) async fn publish(&self, mut u: Unsynced) -> DeskResult<ConversationRow> {
        self.db.sync().await?;
        let commit = u.commit.take().ok_or_else(|| DeskError::internal("change announced twice"))?;
        announce(&self.hub, &commit);
        Ok(commit.conversation)
    }

    /// The customer-facing state; queue position and wait estimate while queued.
    pub async fn state(&self, c: &ConversationRow) -> DeskResult<HandoffState> {
        let mut s = HandoffState {
            conversation_id: c.id.clone(),
            status: c.status,
            department: c.department.clone(),
            tier: c.tier.clone(),
            priority: c.priority.clone(),
            position: None,
            estimated_wait_secs: None,
            agent_name: None,
            offline_reason: c.offline_reason.clone(),
            last_event_id: c.last_seq,
        };
        match c.status {
            ConversationStatus::Queued => {
                if let (Some(p), Ok(site)) = (c.queue_position, self.site(&c.site_key)) {
                    let position = u32::try_from(p).unwrap_or(u32::MAX);
                    s.position = Some(position);
                    s.estimated_wait_secs = Some(self.estimate(site, c, position).await?);
                }
            }
            ConversationStatus::Assigned => {
                if let Some(id) = c.agent_id {
                    s.agent_name = self.db.agent(id).await?.map(|a| a.name);
                }
            }
            _ => {}
        }
        Ok(s)
    }

    pub(crate) async fn estimate(
        &self,
        site: &LoadedSite,
        c: &ConversationRow,
        position: u32,
    ) -> DeskResult<u64> {
        let agents = self.db.agents().await?;
        let loads = self.db.active_counts().await?;
        let cands = candidates(&agents, &loads, site);
        let level = c.tier.as_deref().and_then(|t| site.tier_level(t)).unwrap_or(usize::MAX);
        let online = routing::online_capable(&cands, c.department.as_deref().unwrap_or(""), level);
        Ok(routing::estimated_wait_secs(position, site.config.avg_handle.as_secs(), online))
    }
}
