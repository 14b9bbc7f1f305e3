//! The SLA clock. Deadlines live in the database, so this loop only has to look at which ones
//! have passed: a restarted desk picks up exactly where the old one stopped.

use super::{Change, Desk};
use crate::desk::error::DeskResult;
use crate::metrics::Metrics;
use crate::sla;
use handoff_protocol::v1::ConversationStatus;
use std::sync::Arc;
use std::time::Duration;

/// How long the agent notice log keeps a notice, and at most how many it keeps.
pub const NOTICE_RETENTION_MS: i64 = 24 * 3600 * 1000;
pub const NOTICE_KEEP: i64 = 100_000;
const PRUNE_EVERY_MS: i64 = 60_000;

/// Runs [`Desk::sweep`] every `interval` until shutdown.
pub fn spawn_sweeper(desk: Arc<Desk>, interval: Duration) -> tokio::task::JoinHandle<()> {
    let mut stop = desk.shutdown_signal();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    if let Err(e) = desk.sweep().await {
                        tracing::warn!(error = %e, "SLA sweep failed; retrying on the next tick");
                    }
                    // After the sweep, which holds the desk lock until it returns.
                    if let Err(e) = desk.retention_tick().await {
                        tracing::warn!(error = %e, "retention purge failed; retrying later");
                    }
                    if let Err(e) = desk.settings_tick().await {
                        tracing::warn!(error = %e, "reading saved site settings failed; retrying later");
                    }
                }
                _ = stop.changed() => break,
            }
        }
    })
}

impl Desk {
    /// Handles every missed deadline, then re-dispatches the queue.
    ///
    /// Once per deadline across instances: the sweep holds the desk lock and reads the
    /// deadlines under it, so a second instance sweeping after the first sees them moved (or
    /// cleared) and does not act again; and only one instance sweeps at a time, the others skip
    /// their tick without waiting ([`crate::coordination::Locks::scheduled`]).
    pub async fn sweep(&self) -> DeskResult<()> {
        let Some(_w) = self.write_scheduled("sla_sweeper").await? else { return Ok(()) };
        let now = self.now_ms();
        for conv in self.db.due_conversations(now).await? {
            let b = sla::breaches(now, conv.first_response_due, conv.first_reply_at, conv.resolution_due);
            let Some(site) = self.sites.get(&conv.site_key) else { continue };
            let agent = match conv.agent_id {
                Some(id) if conv.status == ConversationStatus::Assigned => self.db.agent(id).await?,
                _ => None,
            };
            let mut ch = Change::new(site, conv, now);
            let done = ch.sla_breached(b, agent.as_ref());
            for _ in 0..done.breaches {
                Metrics::inc(&self.metrics.sla_breaches);
            }
            if done.escalated {
                Metrics::inc(&self.metrics.escalations);
            }
            self.apply(ch).await?;
        }
        // Housekeeping rides along: expired sessions are useless, drop them, and an agent left
        // without a session is not there to answer (their streams end by themselves).
        self.db.delete_expired_sessions(now).await?;
        self.db.offline_without_session(now).await?;
        self.prune_notices(now).await?;
        self.dispatch().await
    }

    /// Bounds the agent notice log (at most once a minute): a console that was away longer than
    /// the retention reloads its lists (`resync`) instead of replaying.
    async fn prune_notices(&self, now: i64) -> DeskResult<()> {
        let last = self.notices_pruned_at.load(std::sync::atomic::Ordering::Relaxed);
        if now - last < PRUNE_EVERY_MS {
            return Ok(());
        }
        self.notices_pruned_at.store(now, std::sync::atomic::Ordering::Relaxed);
        self.db.prune_notices(now - NOTICE_RETENTION_MS, NOTICE_KEEP).await?;
        Ok(())
    }
}
