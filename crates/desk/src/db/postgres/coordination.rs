//! The [`Coordination`] of desk instances sharing one PostgreSQL database: advisory locks,
//! LISTEN/NOTIFY fan-out, and login backoff and rate limits in tables.

use super::{attempts::PgAttempts, limits::PgLimiter, locks::PgLocks, notify::PgFanout};
use crate::config::Config;
use crate::coordination::Coordination;
use crate::login_backoff::BackoffPolicy;
use sqlx::postgres::PgPool;
use std::sync::Arc;

/// Everything built on the desk's pool and its connect options; `instance` is the id the
/// backend's commits notify with.
pub fn coordination(pool: &PgPool, instance: &str, config: &Config) -> Coordination {
    let options = (*pool.connect_options()).clone();
    let l = &config.limits;
    Coordination {
        locks: Arc::new(PgLocks::new(options.clone())),
        fanout: Arc::new(PgFanout::new(pool.clone(), instance.to_string(), options)),
        ip_limiter: Box::new(PgLimiter::new(pool.clone(), "ip", l.ip_burst, l.ip_per_minute)),
        conversation_limiter: Box::new(PgLimiter::new(
            pool.clone(),
            "conversation",
            l.conversation_burst,
            l.conversation_per_minute,
        )),
        login_attempts: Box::new(PgAttempts::new(pool.clone(), BackoffPolicy::default())),
    }
}
