//! Live events that are not stored (typing, a session that ended) reach the streams of this
//! instance through its [`crate::hub::Hub`]; with several instances they must also reach the
//! streams of the others. Stored changes need nothing here: the backend's commit announces
//! them itself (PostgreSQL: a NOTIFY in the commit's transaction).
//!
//! [`Fanout`] is that bridge in both directions: [`Fanout::send`] tells the other instances,
//! [`Fanout::follow`] starts the task that turns what they tell into wake-ups of this
//! instance's hub. A single process has nobody to tell ([`NoFanout`]).

use crate::hub::Hub;
use async_trait::async_trait;
use handoff_protocol::v1::{AgentEvent, CustomerEvent};
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// A live event nobody stores.
#[derive(Debug, Clone, PartialEq)]
pub enum Ephemeral {
    /// For the customer's stream of this conversation (the agent is typing).
    CustomerTyping { conversation: String, event: CustomerEvent },
    /// For this agent's streams (the customer is typing).
    AgentTyping { agent: i64, event: AgentEvent },
    /// The agent's session with this token hash ended (logout): its streams close now.
    SessionEnded { agent: i64, token_hash: String },
}

impl Ephemeral {
    /// Delivers the event to this instance's streams.
    pub fn deliver(self, hub: &Hub) {
        match self {
            Ephemeral::CustomerTyping { conversation, event } => {
                hub.publish_conversation(&conversation, crate::hub::Live::Ephemeral(event));
            }
            Ephemeral::AgentTyping { agent, event } => {
                hub.notify_agent(agent, crate::hub::AgentLive::Ephemeral(event));
            }
            Ephemeral::SessionEnded { agent, token_hash } => {
                hub.notify_agent(agent, crate::hub::AgentLive::SessionEnded(token_hash.into()));
            }
        }
    }
}

#[async_trait]
pub trait Fanout: Send + Sync {
    /// Tells the other instances (best effort: a lost typing notice costs nothing, and a
    /// session's streams also end at their next session check).
    async fn send(&self, e: &Ephemeral);

    /// Starts relaying the other instances' wake-ups into `hub` until `stop` turns true;
    /// `None` when there is nobody to hear from.
    fn follow(&self, hub: Arc<Hub>, stop: watch::Receiver<bool>) -> Option<JoinHandle<()>>;
}

/// One process: nobody else to tell or hear from.
#[derive(Debug, Default)]
pub struct NoFanout;

#[async_trait]
impl Fanout for NoFanout {
    async fn send(&self, _e: &Ephemeral) {}

    fn follow(&self, _hub: Arc<Hub>, _stop: watch::Receiver<bool>) -> Option<JoinHandle<()>> {
        None
    }
}
