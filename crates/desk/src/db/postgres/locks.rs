//! The desk's write locks across instances ([`crate::coordination::Locks`]) as PostgreSQL
//! session advisory locks, held on connections of a small pool of their own:
//!
//! - the desk lock is `pg_advisory_lock(DESK)`;
//! - a conversation's lock is `pg_advisory_lock_shared(DESK)` then
//!   `pg_advisory_lock(CONVERSATION, hashtext(id))`: conversation changes share the desk key,
//!   so they run in parallel with each other but never during a routing change, and the second
//!   key orders changes to one conversation (two ids with the same hash merely wait for each
//!   other). Nothing ever waits for a lock while holding one it could be waited on for, so no
//!   deadlock is possible: the desk lock holder takes no other, a conversation change takes the
//!   shared key before the conversation key and nothing after;
//! - a scheduled job first tries `pg_try_advisory_lock(job key)` and skips its tick when
//!   another instance holds it, then takes the desk lock on the same connection;
//! - a singleton job (the IMAP fetcher) only tries its job key: it holds it for a round on
//!   the network, and its changes take the desk's locks as any request does.
//!
//! A guard holds its pooled connection. Dropping it cannot await an unlock, so the pool's
//! `after_release` hook runs `pg_advisory_unlock_all()` before the connection can be handed out
//! again, and closes a connection on which that fails (the server then ends the session, which
//! releases its locks): a pooled connection never holds a lock. A request cancelled while it
//! waits (the client hung up) returns its connection with the lock request still in flight:
//! the unlock runs once that wait ends, so the lock is released right after being granted (or
//! at the timeout), a short hold rather than a leak. Waits are bounded
//! (`lock_timeout`, the pool's acquire timeout) and end as [`DbError::Unavailable`] (503).

use crate::coordination::{LockGuard, Locks};
use crate::db::{DbError, DbResult};
use async_trait::async_trait;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Executor, Postgres};
use std::time::Duration;

/// The desk lock's key (one bigint key: "HNDF" and 1).
pub const DESK_KEY: i64 = 0x484E_4446_0000_0001;
/// First half of a conversation lock's two-int key; the second is `hashtext(id)`.
pub const CONVERSATION_KEY: i32 = 0x484E_4443;

/// A scheduled job's key: the desk key's namespace, then a hash of its name.
fn job_key(job: &str) -> i64 {
    // FNV-1a: stable across builds and instances (std's hasher is randomised per process).
    let mut h: u32 = 0x811c_9dc5;
    for b in job.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    0x484E_444A_0000_0000 | i64::from(h)
}

/// Connections in the lock pool: one per lock held at once by this instance (the desk lock,
/// or conversation changes in parallel). Requests beyond it wait for a free one. Small: each
/// holds a lock only for the few milliseconds of one change, and every instance's connections
/// count against the server's `max_connections` (100 by default).
pub const LOCK_CONNECTIONS: u32 = 4;
/// The longest wait for a lock or for a connection to hold it on.
pub const LOCK_WAIT: Duration = Duration::from_secs(30);

pub struct PgLocks {
    pool: PgPool,
}

fn unavailable(what: &str, e: sqlx::Error) -> DbError {
    DbError::Unavailable(format!("{what}: {e}"))
}

impl PgLocks {
    /// A lock pool on the database `options` connects to (the desk's own connect options;
    /// the connections are named `handoff-desk-locks` in `pg_stat_activity`).
    pub fn new(options: PgConnectOptions) -> PgLocks {
        let options = options.application_name("handoff-desk-locks");
        let pool = PgPoolOptions::new()
            .max_connections(LOCK_CONNECTIONS)
            .min_connections(0)
            .acquire_timeout(LOCK_WAIT)
            // A burst of parallel conversation changes opens several; they need not stay.
            .idle_timeout(Duration::from_secs(60))
            .after_connect(|conn, _| {
                Box::pin(async move {
                    // A lock wait ends with an error instead of hanging a request forever.
                    conn.execute(format!("SET lock_timeout = '{}ms'", LOCK_WAIT.as_millis()).as_str())
                        .await?;
                    Ok(())
                })
            })
            .after_release(|conn, _| {
                Box::pin(async move {
                    // Ok(false) closes the connection: it may still hold a lock.
                    Ok(conn.execute("SELECT pg_advisory_unlock_all()").await.is_ok())
                })
            })
            .connect_lazy_with(options);
        PgLocks { pool }
    }

    async fn connection(&self) -> DbResult<PoolConnection<Postgres>> {
        self.pool.acquire().await.map_err(|e| unavailable("lock connection", e))
    }
}

#[async_trait]
impl Locks for PgLocks {
    async fn exclusive(&self) -> DbResult<LockGuard> {
        let mut conn = self.connection().await?;
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(DESK_KEY)
            .execute(&mut *conn)
            .await
            .map_err(|e| unavailable("desk lock", e))?;
        Ok(LockGuard::new(conn))
    }

    async fn conversation(&self, id: &str) -> DbResult<LockGuard> {
        let mut conn = self.connection().await?;
        // One round trip; the shared desk key is taken first (see the module comment). If the
        // second wait fails, the connection goes back with the first held and after_release
        // drops it.
        sqlx::query("SELECT pg_advisory_lock_shared($1), pg_advisory_lock($2, hashtext($3))")
            .bind(DESK_KEY)
            .bind(CONVERSATION_KEY)
            .bind(id)
            .execute(&mut *conn)
            .await
            .map_err(|e| unavailable("conversation lock", e))?;
        Ok(LockGuard::new(conn))
    }

    async fn scheduled(&self, job: &str) -> DbResult<Option<LockGuard>> {
        let mut conn = self.connection().await?;
        let mine: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(job_key(job))
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| unavailable("job lock", e))?;
        if !mine {
            return Ok(None);
        }
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(DESK_KEY)
            .execute(&mut *conn)
            .await
            .map_err(|e| unavailable("desk lock", e))?;
        Ok(Some(LockGuard::new(conn)))
    }

    async fn singleton(&self, job: &str) -> DbResult<Option<LockGuard>> {
        let mut conn = self.connection().await?;
        let mine: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(job_key(job))
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| unavailable("job lock", e))?;
        Ok(mine.then(|| LockGuard::new(conn)))
    }

    async fn close(&self) {
        // Every lock is released with its session.
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_keys_are_stable_and_apart_from_the_desk_key() {
        assert_eq!(job_key("sla_sweeper"), job_key("sla_sweeper"));
        assert_ne!(job_key("sla_sweeper"), job_key("other"));
        assert_ne!(job_key("sla_sweeper"), DESK_KEY);
    }
}
