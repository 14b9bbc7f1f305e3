//! The other instances' wake-ups, heard through LISTEN on [`wake::CHANNEL`] and relayed to this
//! instance's hub, so a stream here learns of a change committed anywhere.
//!
//! Notifications carry ids and sequence numbers only; a woken stream reads the stored log. A
//! notification sent while the listening connection is down is lost (PostgreSQL keeps none for
//! a session that is gone), so after every (re)connection the listener wakes every local
//! stream once: each re-reads its log from its own position and so catches up with whatever
//! was committed in the gap, then follows the notifications again. Nothing is missed, at the
//! price of one extra read per stream per reconnection.
//!
//! The connection is named [`APPLICATION_NAME`] in `pg_stat_activity`.

use super::wake::{self, Wake};
use crate::hub::{AgentLive, Hub, Live};
use handoff_protocol::v1::{AgentEvent, CustomerEvent};
use sqlx::postgres::{PgConnectOptions, PgListener, PgPool, PgPoolOptions};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub const APPLICATION_NAME: &str = "handoff-desk-listen";

/// Waits between failed connection attempts: doubling from the first to the last.
const RETRY_FIRST: Duration = Duration::from_millis(100);
const RETRY_MAX: Duration = Duration::from_secs(5);

/// Starts the listener: it runs until `stop` turns true (or its sender is gone).
pub fn spawn(
    options: PgConnectOptions,
    instance: String,
    hub: Arc<Hub>,
    stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(run(options, instance, hub, stop))
}

/// Resolves once the desk shuts down.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    // An error means the sender is gone: the desk is gone too.
    let _ = stop.wait_for(|s| *s).await;
}

async fn listen(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut l = PgListener::connect_with(pool).await?;
    l.listen(wake::CHANNEL).await?;
    Ok(l)
}

async fn run(options: PgConnectOptions, instance: String, hub: Arc<Hub>, mut stop: watch::Receiver<bool>) {
    // A pool of its own: one listening connection (a second while a dead one is put away),
    // never shared with queries.
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .min_connections(0)
        .acquire_timeout(RETRY_MAX)
        .connect_lazy_with(options.application_name(APPLICATION_NAME));
    let mut retry = RETRY_FIRST;
    'connect: loop {
        let mut listener = tokio::select! {
            r = listen(&pool) => match r {
                Ok(l) => l,
                Err(e) => {
                    tracing::warn!(error = %e, retry_ms = retry.as_millis() as u64, "cannot listen for other instances' changes");
                    tokio::select! {
                        _ = tokio::time::sleep(retry) => {}
                        _ = stopped(&mut stop) => break,
                    }
                    retry = (retry * 2).min(RETRY_MAX);
                    continue;
                }
            },
            _ = stopped(&mut stop) => break,
        };
        retry = RETRY_FIRST;
        // Whatever was committed before the LISTEN took effect woke nobody here.
        hub.wake_all();
        loop {
            let next = tokio::select! {
                r = listener.try_recv() => r,
                _ = stopped(&mut stop) => {
                    // Its connection must be back before the pool can close.
                    drop(listener);
                    break 'connect;
                }
            };
            match next {
                Ok(Some(n)) => relay(&hub, &instance, n.payload()),
                // The connection was lost and sqlx listens again on a new one: catch up.
                Ok(None) => {
                    tracing::info!("listening again for other instances' changes after a lost connection");
                    hub.wake_all();
                }
                Err(e) => {
                    // Start over on a fresh connection (then catch up as above).
                    tracing::warn!(error = %e, "listener failed; reconnecting");
                    break;
                }
            }
        }
    }
    pool.close().await;
}

/// Turns one notification into wake-ups of this instance's streams; this instance's own were
/// delivered locally when it sent them.
pub fn relay(hub: &Hub, own: &str, payload: &str) {
    let Some((from, w)) = wake::decode(payload) else {
        tracing::warn!(payload, "ignoring a notification that is not a wake-up");
        return;
    };
    if from == own {
        return;
    }
    match w {
        Wake::Conversation { id, seq } => hub.publish_conversation(&id, Live::Committed(seq)),
        Wake::Agents(ids) => {
            for id in ids {
                hub.notify_agent(id, AgentLive::Committed);
            }
        }
        Wake::CustomerTyping { conversation, event_json } => {
            match serde_json::from_str::<CustomerEvent>(&event_json) {
                Ok(e) => hub.publish_conversation(&conversation, Live::Ephemeral(e)),
                Err(e) => tracing::warn!(error = %e, "ignoring an unreadable typing notice"),
            }
        }
        Wake::AgentTyping { agent, event_json } => match serde_json::from_str::<AgentEvent>(&event_json) {
            Ok(e) => hub.notify_agent(agent, AgentLive::Ephemeral(e)),
            Err(e) => tracing::warn!(error = %e, "ignoring an unreadable typing notice"),
        },
        Wake::SessionEnded { token_hash } => hub.end_session(&token_hash),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn other_instances_wake_ups_reach_the_hub_and_our_own_are_skipped() {
        let hub = Hub::default();
        let mut conv = hub.subscribe_conversation("c1");
        let mut agent = hub.subscribe_agent(7);
        let payload = |i: &str, w: &Wake| wake::encode(i, w).remove(0);
        relay(&hub, "me", &payload("me", &Wake::Conversation { id: "c1".into(), seq: 3 }));
        relay(&hub, "me", &payload("other", &Wake::Conversation { id: "c1".into(), seq: 4 }));
        assert!(matches!(conv.recv().await, Ok(Live::Committed(4))), "own skipped, other's relayed");
        relay(&hub, "me", &payload("other", &Wake::Agents(vec![5, 7])));
        assert!(matches!(agent.recv().await, Ok(AgentLive::Committed)));
        let typing = AgentEvent::Typing { conversation_id: "c1".into(), typing: true };
        let json = serde_json::to_string(&typing).expect("json");
        relay(&hub, "me", &payload("other", &Wake::AgentTyping { agent: 7, event_json: json }));
        assert!(matches!(agent.recv().await, Ok(AgentLive::Ephemeral(e)) if e == typing));
        relay(&hub, "me", &payload("other", &Wake::SessionEnded { token_hash: "h".into() }));
        assert!(matches!(agent.recv().await, Ok(AgentLive::SessionEnded(h)) if &*h == "h"));
        relay(&hub, "me", "garbage");
    }
}
