//! What several desk instances on one database must share beyond the stored rows, behind
//! engine-neutral seams: the write locks ([`locks`]), the fan-out of live wake-ups to the other
//! instances ([`fanout`]), rate limits ([`crate::ratelimit::Limiter`]) and login backoff
//! ([`crate::login_backoff::LoginAttempts`]).
//!
//! [`Coordination::local`] is the single-process set (in-process mutex, no fan-out, memory
//! limits), what the embedded SQLite desk always used. The PostgreSQL set is built in
//! `startup.rs` from the modules under `db/postgres/`.

pub mod fanout;
pub mod locks;

pub use fanout::{Ephemeral, Fanout, NoFanout};
pub use locks::{LocalLocks, LockGuard, Locks};

use crate::config::Config;
use crate::login_backoff::{BackoffPolicy, LoginAttempts, MemoryAttempts};
use crate::ratelimit::{Limiter, RateLimiter};
use std::sync::Arc;

/// Everything a [`crate::desk::Desk`] shares with other instances (or, alone, keeps to itself).
pub struct Coordination {
    pub locks: Arc<dyn Locks>,
    pub fanout: Arc<dyn Fanout>,
    pub ip_limiter: Box<dyn Limiter>,
    pub conversation_limiter: Box<dyn Limiter>,
    pub login_attempts: Box<dyn LoginAttempts>,
}

impl Coordination {
    /// One process owns the database: everything in memory.
    pub fn local(config: &Config) -> Coordination {
        let l = &config.limits;
        Coordination {
            locks: Arc::new(LocalLocks::default()),
            fanout: Arc::new(NoFanout),
            ip_limiter: Box::new(RateLimiter::new(l.ip_burst, l.ip_per_minute)),
            conversation_limiter: Box::new(RateLimiter::new(l.conversation_burst, l.conversation_per_minute)),
            login_attempts: Box::new(MemoryAttempts::new(BackoffPolicy::default())),
        }
    }
}
