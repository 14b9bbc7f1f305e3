//! Live fan-out to open streams. Persisted customer events are not carried here, only a wake-up
//! with their sequence number: each stream reads the events themselves from the database, so a
//! slow or lagging stream can never lose or duplicate one. Ephemeral events (typing) and agent
//! notices travel in full.

use handoff_protocol::v1::{AgentEvent, CustomerEvent};
use std::collections::HashMap;
use std::sync::Mutex;
use tokio::sync::broadcast;

#[derive(Debug, Clone)]
pub enum Live {
    /// Events up to this sequence number are committed.
    Committed(i64),
    /// Not persisted, no id.
    Ephemeral(CustomerEvent),
}

#[derive(Debug, Default)]
pub struct Hub {
    conversations: Mutex<HashMap<String, broadcast::Sender<Live>>>,
    agents: Mutex<HashMap<i64, broadcast::Sender<AgentEvent>>>,
}

fn channel<K: std::hash::Hash + Eq + Clone, T: Clone>(
    map: &Mutex<HashMap<K, broadcast::Sender<T>>>,
    key: &K,
) -> broadcast::Receiver<T> {
    let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
    // Drop channels nobody listens to any more, so the map does not grow with history.
    map.retain(|_, tx| tx.receiver_count() > 0);
    map.entry(key.clone()).or_insert_with(|| broadcast::channel(64).0).subscribe()
}

fn send<K: std::hash::Hash + Eq, T>(map: &Mutex<HashMap<K, broadcast::Sender<T>>>, key: &K, value: T) {
    let map = map.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(tx) = map.get(key) {
        // No receivers is fine: nobody is watching right now.
        let _ = tx.send(value);
    }
}

impl Hub {
    pub fn subscribe_conversation(&self, id: &str) -> broadcast::Receiver<Live> {
        channel(&self.conversations, &id.to_string())
    }

    pub fn publish_conversation(&self, id: &str, live: Live) {
        send(&self.conversations, &id.to_string(), live);
    }

    pub fn subscribe_agent(&self, id: i64) -> broadcast::Receiver<AgentEvent> {
        channel(&self.agents, &id)
    }

    pub fn notify_agent(&self, id: i64, event: AgentEvent) {
        send(&self.agents, &id, event);
    }
}
