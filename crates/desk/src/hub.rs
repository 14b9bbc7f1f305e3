//! Live fan-out to open streams. Persisted customer events and agent notices are not carried
//! here, only a wake-up: each stream reads the events themselves from the database, so a slow or
//! lagging stream can never lose or duplicate one. Ephemeral events (typing) travel in full.
//! Nothing here is needed for correctness beyond a wake-up, so other desk instances' changes
//! reach it as database notifications (LISTEN/NOTIFY, `db/postgres/listen.rs`) carrying the
//! same signals.

use handoff_protocol::v1::{AgentEvent, CustomerEvent};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

#[derive(Debug, Clone)]
pub enum Live {
    /// Events up to this sequence number are committed.
    Committed(i64),
    /// Not persisted, no id.
    Ephemeral(CustomerEvent),
}

/// What a conversation channel stores: [`Live`] with the (rare, large) typing event behind a
/// pointer, so that a slot is 16 bytes instead of the size of a whole event.
#[derive(Debug, Clone)]
enum Slot {
    Committed(i64),
    Ephemeral(Arc<CustomerEvent>),
}

/// A customer stream's subscription to its conversation.
#[derive(Debug)]
pub struct ConversationReceiver(broadcast::Receiver<Slot>);

impl ConversationReceiver {
    pub async fn recv(&mut self) -> Result<Live, RecvError> {
        self.0.recv().await.map(|s| match s {
            Slot::Committed(seq) => Live::Committed(seq),
            Slot::Ephemeral(e) => Live::Ephemeral((*e).clone()),
        })
    }
}

/// What an agent stream hears.
#[derive(Debug, Clone)]
pub enum AgentLive {
    /// New notices for this agent are committed: read them from the notice log.
    Committed,
    /// Not persisted, no id (typing).
    Ephemeral(AgentEvent),
    /// The session with this token hash ended (logout): its streams close now rather than at
    /// their next session check.
    SessionEnded(Arc<str>),
}

#[derive(Debug, Default)]
pub struct Hub {
    conversations: Mutex<HashMap<String, broadcast::Sender<Slot>>>,
    agents: Mutex<HashMap<i64, broadcast::Sender<AgentLive>>>,
}

/// Slots per conversation channel. Every open customer stream holds one channel (10,000 streams,
/// 10,000 channels), so its size counts: with 64 slots as big as a typing event the channels
/// were a quarter of a stream's memory in the desk (hyper's 8 KiB read and write buffers are
/// most of the rest). Few are needed: a wake-up that finds the channel full (`Lagged`) still
/// makes the stream read the database, so only ephemeral typing notices can be dropped, and
/// only for a stream that is 16 notices behind.
const CONVERSATION_SLOTS: usize = 16;
/// A lagging agent stream still reads the notice log; only typing can be dropped.
const AGENT_SLOTS: usize = 64;

fn channel<K: std::hash::Hash + Eq + Clone, T: Clone>(
    map: &Mutex<HashMap<K, broadcast::Sender<T>>>,
    key: &K,
    slots: usize,
) -> broadcast::Receiver<T> {
    let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
    // Drop channels nobody listens to any more, so the map does not grow with history.
    map.retain(|_, tx| tx.receiver_count() > 0);
    map.entry(key.clone()).or_insert_with(|| broadcast::channel(slots).0).subscribe()
}

fn send<K: std::hash::Hash + Eq, T>(map: &Mutex<HashMap<K, broadcast::Sender<T>>>, key: &K, value: T) {
    let map = map.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(tx) = map.get(key) {
        // No receivers is fine: nobody is watching right now.
        let _ = tx.send(value);
    }
}

impl Hub {
    pub fn subscribe_conversation(&self, id: &str) -> ConversationReceiver {
        ConversationReceiver(channel(&self.conversations, &id.to_string(), CONVERSATION_SLOTS))
    }

    pub fn publish_conversation(&self, id: &str, live: Live) {
        let slot = match live {
            Live::Committed(seq) => Slot::Committed(seq),
            Live::Ephemeral(e) => Slot::Ephemeral(Arc::new(e)),
        };
        send(&self.conversations, &id.to_string(), slot);
    }

    pub fn subscribe_agent(&self, id: i64) -> broadcast::Receiver<AgentLive> {
        channel(&self.agents, &id, AGENT_SLOTS)
    }

    pub fn notify_agent(&self, id: i64, live: AgentLive) {
        send(&self.agents, &id, live);
    }

    /// The session with this token hash ended: every agent stream hears it and the session's
    /// own ones close (another instance's logout names the session, not the agent).
    pub fn end_session(&self, token_hash: &str) {
        let hash: Arc<str> = token_hash.into();
        let map = self.agents.lock().unwrap_or_else(|e| e.into_inner());
        for tx in map.values() {
            let _ = tx.send(AgentLive::SessionEnded(hash.clone()));
        }
    }

    /// Wakes every stream of this instance: each re-reads its stored log. For when wake-ups
    /// may have been lost (another instance's notifications while the listener reconnected).
    pub fn wake_all(&self) {
        {
            let map = self.conversations.lock().unwrap_or_else(|e| e.into_inner());
            for tx in map.values() {
                // The sequence number is only a hint; a woken stream reads from its own position.
                let _ = tx.send(Slot::Committed(0));
            }
        }
        let map = self.agents.lock().unwrap_or_else(|e| e.into_inner());
        for tx in map.values() {
            let _ = tx.send(AgentLive::Committed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn wake_all_reaches_every_stream_and_end_session_every_agent() {
        let hub = Hub::default();
        let mut c1 = hub.subscribe_conversation("a");
        let mut c2 = hub.subscribe_conversation("b");
        let mut a1 = hub.subscribe_agent(1);
        let mut a2 = hub.subscribe_agent(2);
        hub.wake_all();
        assert!(matches!(c1.recv().await, Ok(Live::Committed(_))));
        assert!(matches!(c2.recv().await, Ok(Live::Committed(_))));
        assert!(matches!(a1.recv().await, Ok(AgentLive::Committed)));
        assert!(matches!(a2.recv().await, Ok(AgentLive::Committed)));
        hub.end_session("h");
        assert!(matches!(a1.recv().await, Ok(AgentLive::SessionEnded(h)) if &*h == "h"));
        assert!(matches!(a2.recv().await, Ok(AgentLive::SessionEnded(h)) if &*h == "h"));
    }
}
