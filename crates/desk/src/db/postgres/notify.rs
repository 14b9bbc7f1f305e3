//! [`Fanout`] over PostgreSQL: ephemeral events go out as NOTIFY on [`wake::CHANNEL`] (stored
//! changes are announced by the backend's commit, in its transaction), and the other
//! instances' notifications come in through the listener (`listen.rs`).

use super::{listen, wake};
use crate::coordination::{Ephemeral, Fanout};
use crate::hub::Hub;
use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPool};
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub struct PgFanout {
    pool: PgPool,
    /// This instance's id in every notification it sends (the backend's, so that the
    /// listener skips the commits and the ephemeral events of this instance alike).
    instance: String,
    listen_options: PgConnectOptions,
}

impl PgFanout {
    /// Sends through `pool`; listens on a connection of its own made with `listen_options`.
    pub fn new(pool: PgPool, instance: String, listen_options: PgConnectOptions) -> PgFanout {
        PgFanout { pool, instance, listen_options }
    }
}

/// The wake-up an ephemeral event travels as (`None` when it cannot be written as JSON).
fn wake_of(e: &Ephemeral) -> Option<wake::Wake> {
    Some(match e {
        Ephemeral::CustomerTyping { conversation, event } => wake::Wake::CustomerTyping {
            conversation: conversation.clone(),
            event_json: serde_json::to_string(event).ok()?,
        },
        Ephemeral::AgentTyping { agent, event } => {
            wake::Wake::AgentTyping { agent: *agent, event_json: serde_json::to_string(event).ok()? }
        }
        Ephemeral::SessionEnded { token_hash, .. } => {
            wake::Wake::SessionEnded { token_hash: token_hash.clone() }
        }
    })
}

#[async_trait]
impl Fanout for PgFanout {
    async fn send(&self, e: &Ephemeral) {
        let Some(w) = wake_of(e) else { return };
        for payload in wake::encode(&self.instance, &w) {
            let q = sqlx::query("SELECT pg_notify($1, $2)").bind(wake::CHANNEL).bind(payload);
            if let Err(err) = q.execute(&self.pool).await {
                tracing::warn!(error = %err, "telling other instances failed (ephemeral: nothing is lost)");
            }
        }
    }

    fn follow(&self, hub: Arc<Hub>, stop: watch::Receiver<bool>) -> Option<JoinHandle<()>> {
        Some(listen::spawn(self.listen_options.clone(), self.instance.clone(), hub, stop))
    }
}
