//! Outbound mail (issue 21): the receipt when a ticket is filed and the agent's answer, in the
//! customer's language, through a durable outbox.
//!
//! - [`config`]: `[smtp]` and the per-site From / reply domain.
//! - [`render`]: what the mails say (plain text and HTML, six languages).
//! - [`outbox`]: an event's outbox row (addresses, Message-ID, Reply-To), stored with its cause.
//! - [`sender`]: the task that claims, sends, retries and gives up.
//! - [`inbound`]: what a fetched reply is (its ticket's token and text, or why it is refused).
//! - [`fetch`]: the task that reads the support mailbox by IMAP and hands replies to the desk.

pub mod config;
pub mod fetch;
pub mod inbound;
pub mod outbox;
pub mod render;
pub mod sender;
pub mod ticket_notice;
pub mod transcript;

use crate::db::DbError;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::Notify;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("the {0} address {1:?} cannot be used: {2}")]
    Address(&'static str, String, String),
    #[error("the message cannot be built: {0}")]
    Build(#[from] lettre::error::Error),
    #[error("IMAP: {0}")]
    Imap(#[from] async_imap::error::Error),
    #[error("IMAP connection: {0}")]
    Io(#[from] std::io::Error),
    #[error("IMAP: {0}")]
    Protocol(String),
    #[error("IMAP: no answer within {0:?}")]
    Timeout(std::time::Duration),
    #[error(transparent)]
    Desk(#[from] crate::desk::error::DeskError),
}

/// What became of a fetched mail: the `outcome` label of `handoff_mail_inbound_total`. The
/// first two are replies stored (once); the rest create nothing.
pub const INBOUND_OUTCOMES: [&str; 10] = [
    "stored",
    "duplicate",
    "unknown_token",
    "no_token",
    "auto_reply",
    "bounce",
    "loop",
    "malformed",
    "too_large",
    "empty",
];

/// What the desk shares with its sender and fetcher: the wake-up for a mail just queued, and
/// the process-local counters behind /metrics.
#[derive(Debug, Default)]
pub struct MailState {
    wake: Notify,
    pub sent: AtomicU64,
    pub failures: AtomicU64,
    /// Per [`INBOUND_OUTCOMES`], same order.
    pub inbound: [AtomicU64; INBOUND_OUTCOMES.len()],
    /// Failed rounds of the fetcher (the mailbox unreachable, a login refused, ...).
    pub fetch_errors: AtomicU64,
}

impl MailState {
    /// A mail was queued (committed): the sender need not wait for its next poll.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub async fn queued(&self) {
        self.wake.notified().await;
    }

    pub fn count_sent(&self) {
        self.sent.fetch_add(1, Ordering::Relaxed);
    }

    pub fn count_failure(&self) {
        self.failures.fetch_add(1, Ordering::Relaxed);
    }

    /// One fetched mail's outcome (a label of [`INBOUND_OUTCOMES`]; another is a bug, logged).
    pub fn count_inbound(&self, outcome: &str) {
        match INBOUND_OUTCOMES.iter().position(|o| *o == outcome) {
            Some(i) => {
                self.inbound[i].fetch_add(1, Ordering::Relaxed);
            }
            None => tracing::error!(outcome, "mail: an inbound outcome without a counter"),
        }
    }

    pub fn count_fetch_error(&self) {
        self.fetch_errors.fetch_add(1, Ordering::Relaxed);
    }

    /// `(outcome, count)` for /metrics.
    pub fn inbound_counts(&self) -> Vec<(&'static str, u64)> {
        INBOUND_OUTCOMES.iter().zip(&self.inbound).map(|(o, n)| (*o, n.load(Ordering::Relaxed))).collect()
    }
}
