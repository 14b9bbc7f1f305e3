//! Group commit for the hot path (customer messages): many commits, one fsync.
//!
//! The pool's connections run `synchronous = FULL`: SQLite fsyncs the WAL inside every commit,
//! and the desk holds its write lock meanwhile, so the desk could never commit faster than one
//! fsync per change (about 4 ms on the development VM: 250 messages/s). This one extra
//! connection runs `synchronous = NORMAL` (SQLite writes the WAL frames but does not fsync them at
//! commit) and [`GroupCommit::sync`] fsyncs the WAL file itself: one fsync makes every commit
//! written before it started durable, so messages that arrive while an fsync is running share
//! the next one. The desk commits under its write lock, releases the lock, then waits in `sync`
//! before it acknowledges or announces anything: an accepted message is still durable before it
//! is acknowledged, but the lock is no longer held across the disk flush.
//!
//! Checkpoints are unchanged: with NORMAL, SQLite still syncs the WAL before a checkpoint and the
//! database file after it, so frames are never recycled before they are durable in the main file.

use super::super::{Commit, DbError, DbResult};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqlitePool, SqliteSynchronous};
use sqlx::Connection;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::Mutex;

pub struct GroupCommit {
    conn: Mutex<Option<SqliteConnection>>,
    wal: PathBuf,
    /// Commits made on `conn` so far.
    committed: AtomicU64,
    /// How many of them an fsync has covered; held while an fsync runs, so there is one at a time.
    synced: Mutex<u64>,
    fsyncs: AtomicU64,
    /// For checkpoints off the write path.
    pool: SqlitePool,
    checkpointing: Arc<AtomicBool>,
    checkpointed_at: AtomicU64,
}

/// Commits between two checkpoints of the WAL (a customer message writes a few pages; SQLite's
/// own automatic checkpoint comes every 1,000 pages).
const CHECKPOINT_EVERY: u64 = 256;

impl GroupCommit {
    pub async fn open(options: &SqliteConnectOptions, db_file: &Path, pool: SqlitePool) -> DbResult<Self> {
        // No automatic checkpoint on this connection: SQLite would run it inside the commit that
        // crosses the threshold, copying the WAL into the database and fsyncing it while the desk
        // holds its write lock (a stall of tens of milliseconds for every queued message).
        // `sync` starts a PASSIVE checkpoint on a pool connection instead, which runs alongside
        // the writers.
        let options =
            options.clone().synchronous(SqliteSynchronous::Normal).pragma("wal_autocheckpoint", "0");
        let conn = SqliteConnection::connect_with(&options).await?;
        let mut wal = db_file.as_os_str().to_owned();
        wal.push("-wal");
        Ok(GroupCommit {
            conn: Mutex::new(Some(conn)),
            wal: wal.into(),
            committed: AtomicU64::new(0),
            synced: Mutex::new(0),
            fsyncs: AtomicU64::new(0),
            pool,
            checkpointing: Arc::new(AtomicBool::new(false)),
            checkpointed_at: AtomicU64::new(0),
        })
    }

    /// Commits atomically (visible to every reader at once) without waiting for the disk; call
    /// [`GroupCommit::sync`] before acknowledging it.
    pub async fn commit(&self, c: &Commit) -> DbResult<()> {
        let mut guard = self.conn.lock().await;
        let conn = guard
            .as_mut()
            .ok_or_else(|| DbError::Unavailable("the group-commit connection is closed".into()))?;
        let mut tx = conn.begin_with(super::BEGIN_WRITE).await?;
        super::write_commit(&mut tx, c).await?;
        tx.commit().await?;
        self.committed.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    /// The commit connection itself, between two commits. The mail sender's frequent small
    /// writes go through here, so they queue behind this process's commits in order instead of
    /// contending with them for SQLite's write lock.
    /// `synchronous = NORMAL` applies: such a write survives a killed process, and only a power
    /// cut right after it can lose it (for the outbox: a mail sent again).
    pub async fn between_commits(&self) -> DbResult<tokio::sync::MappedMutexGuard<'_, SqliteConnection>> {
        let guard = self.conn.lock().await;
        tokio::sync::MutexGuard::try_map(guard, |c| c.as_mut())
            .map_err(|_| DbError::Unavailable("the group-commit connection is closed".into()))
    }

    /// Returns when every commit made before the call is on disk.
    pub async fn sync(&self) -> DbResult<()> {
        let wanted = self.committed.load(Ordering::SeqCst);
        let mut synced = self.synced.lock().await;
        if *synced >= wanted {
            // Nothing new, or an fsync that started after our commit already covered it.
            return Ok(());
        }
        // Everything committed up to now is in the WAL file (written, maybe not flushed).
        let target = self.committed.load(Ordering::SeqCst);
        let wal = self.wal.clone();
        tokio::task::spawn_blocking(move || fsync(&wal))
            .await
            .map_err(|e| super::error::io("the WAL fsync task failed", e))?
            .map_err(|e| super::error::io("fsync of the WAL", e))?;
        *synced = target;
        self.fsyncs.fetch_add(1, Ordering::Relaxed);
        drop(synced);
        self.maybe_checkpoint(target);
        Ok(())
    }

    /// Every [`CHECKPOINT_EVERY`] commits, one PASSIVE checkpoint in the background (never two at
    /// once). It does not block writers; frames are only recycled once they are in the database.
    fn maybe_checkpoint(&self, committed: u64) {
        if committed < self.checkpointed_at.load(Ordering::Relaxed) + CHECKPOINT_EVERY
            || self.checkpointing.swap(true, Ordering::AcqRel)
        {
            return;
        }
        self.checkpointed_at.store(committed, Ordering::Relaxed);
        let (pool, running) = (self.pool.clone(), self.checkpointing.clone());
        tokio::spawn(async move {
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
                tracing::warn!(error = %e, "WAL checkpoint failed");
            }
            running.store(false, Ordering::Release);
        });
    }

    /// How many fsyncs [`GroupCommit::sync`] has made (the tests check that one covers many).
    #[cfg(test)]
    pub fn fsyncs(&self) -> u64 {
        self.fsyncs.load(Ordering::Relaxed)
    }

    pub async fn close(&self) {
        if let Some(conn) = self.conn.lock().await.take() {
            let _ = conn.close().await;
        }
    }
}

fn fsync(wal: &Path) -> std::io::Result<()> {
    match std::fs::File::open(wal) {
        Ok(f) => f.sync_data(),
        // No WAL file: the last connection closed and checkpointed it into the (synced) database.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}
