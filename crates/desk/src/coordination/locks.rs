//! The desk's write locks. Routing reads and changes state shared by every conversation (queue
//! positions, agent loads, presence), so those changes run one at a time across every instance
//! ([`Locks::exclusive`]). A change that touches only one conversation's own messages and
//! events, and reads nothing another conversation's change writes, only has to exclude routing
//! and other changes to the same conversation ([`Locks::conversation`]).
//!
//! In one process both are the same mutex ([`LocalLocks`]), exactly the single write lock the
//! desk always had (SQLite has one writer anyway). PostgreSQL implements them with advisory
//! locks (`db/postgres/locks.rs`), so instances sharing one database exclude each other.

use crate::db::DbResult;
use async_trait::async_trait;
use std::sync::Arc;
use tokio::sync::Mutex;

/// Held while a change runs; dropping it releases the lock.
#[must_use = "the lock is released when the guard is dropped"]
pub struct LockGuard {
    _held: Box<dyn Send>,
}

impl LockGuard {
    /// A guard that keeps `held` (an engine's lock handle) until it is dropped.
    pub fn new(held: impl Send + 'static) -> LockGuard {
        LockGuard { _held: Box::new(held) }
    }
}

#[async_trait]
pub trait Locks: Send + Sync {
    /// The desk lock: routing and everything that reads or changes queue positions, agent loads
    /// or presence. Excludes every other change, in every instance.
    async fn exclusive(&self) -> DbResult<LockGuard>;

    /// A change to this conversation's own messages and events only: runs in parallel with
    /// changes to other conversations, never during a routing change or another change to the
    /// same conversation.
    async fn conversation(&self, id: &str) -> DbResult<LockGuard>;

    /// The desk lock for a scheduled job that one instance runs per tick: `None` when another
    /// instance runs `job` right now (this one skips its tick).
    async fn scheduled(&self, job: &str) -> DbResult<Option<LockGuard>>;

    /// Only the job's own lock, not the desk lock: for a job that runs long on the network
    /// (the IMAP fetcher) and takes the desk's locks itself for each change it makes. `None`
    /// when another instance runs `job` right now. One process is alone: nothing to exclude
    /// (its job is a single task that never overlaps itself).
    async fn singleton(&self, _job: &str) -> DbResult<Option<LockGuard>> {
        Ok(Some(LockGuard::new(())))
    }

    /// Lets go of whatever the locks keep open (at shutdown, after the last change).
    async fn close(&self) {}
}

/// One process: both locks are one in-process mutex.
#[derive(Debug, Default)]
pub struct LocalLocks {
    write: Arc<Mutex<()>>,
}

#[async_trait]
impl Locks for LocalLocks {
    async fn exclusive(&self) -> DbResult<LockGuard> {
        Ok(LockGuard::new(self.write.clone().lock_owned().await))
    }

    async fn conversation(&self, _id: &str) -> DbResult<LockGuard> {
        // SQLite has a single writer: a finer lock would only move the wait into the database.
        self.exclusive().await
    }

    async fn scheduled(&self, _job: &str) -> DbResult<Option<LockGuard>> {
        // Nobody else runs it: this process's own job never overlaps itself (one sweeper task).
        self.exclusive().await.map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn the_local_locks_are_one_mutex() {
        let l = LocalLocks::default();
        let g = l.conversation("a").await.expect("lock");
        let other = tokio::time::timeout(Duration::from_millis(50), l.conversation("b")).await;
        assert!(other.is_err(), "a second conversation waits: one mutex");
        let ex = tokio::time::timeout(Duration::from_millis(50), l.exclusive()).await;
        assert!(ex.is_err(), "the desk lock waits too");
        drop(g);
        let _g =
            tokio::time::timeout(Duration::from_secs(1), l.exclusive()).await.expect("free").expect("lock");
    }
}
