//! Live fan-out to open streams. Persisted customer events are not carried here, only a wake-up
//! with their sequence number: each stream reads the events themselves from the database, so a
//! slow or lagging stream can never lose or duplicate one. Ephemeral events (typing) and agent
//! notices travel in full.

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

#[derive(Debug, Default)]
pub struct Hub {
    conversations: Mutex<HashMap<String, broadcast::Sender<Slot>>>,
    agents: Mutex<HashMap<i64, broadcast::Sender<AgentEvent>>>,
}

/// Slots per conversation channel. Every open customer stream holds one channel (10,000 streams,
/// 10,000 channels), so its size counts: with 64 slots as big as a typing event the channels
/// were a quarter of a stream's memory in the desk (hyper's 8 KiB read and write buffers are
/// most of the rest). Few are needed: a wake-up that finds the channel full (`Lagged`) still
/// makes the stream read the database, so only ephemeral typing notices can be dropped, and
/// only for a stream that is 16 notices behind.
const CONVERSATION_SLOTS: usize = 16;
/// Agent notices travel in full; a lagging console is told to reload (`resync`).
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

    pub fn subscribe_agent(&self, id: i64) -> broadcast::Receiver<AgentEvent> {
        channel(&self.agents, &id, AGENT_SLOTS)
    }

    pub fn notify_agent(&self, id: i64, event: AgentEvent) {
        send(&self.agents, &id, event);
    }
}
