//! Read-only connections for the big insights reads (period rows, handoff texts), outside sqlx.
//!
//! sqlx's SQLite driver hands every row from its worker thread to the caller through a channel
//! and decodes each column through its type machinery: for 100,000 conversations and 150,000
//! audit rows that cost several times what SQLite needs to produce them (measured on the bench
//! database: SQLite 0.2 s of CPU for the rows, 1.1 s through sqlx with JSON packing to cut the
//! row count). rusqlite steps the same statements in the calling thread and reads columns as
//! borrowed values. It links the same `libsqlite3-sys` (and so the same SQLite) as sqlx.
//!
//! The connections open the database file read-only, so nothing here can write; in WAL mode
//! they see every transaction committed before the read starts, as a pooled sqlx reader would.
//! They run on tokio's blocking threads, not on the async workers.

use super::super::{DbError, DbResult};
use rusqlite::{Connection, OpenFlags};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A few idle read-only connections to one database file, opened on first use.
#[derive(Clone)]
pub(crate) struct Readers {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

/// At most this many idle connections are kept (a page runs three reads at once).
const KEEP: usize = 4;

impl Readers {
    pub fn new(path: PathBuf) -> Self {
        Readers { inner: Arc::new(Inner { path, idle: Mutex::new(Vec::new()) }) }
    }

    fn open(&self) -> DbResult<Connection> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.inner.path, flags)?;
        // A writer checkpointing the WAL can hold a lock for a moment: wait, as the pool does.
        conn.busy_timeout(Duration::from_secs(5))?;
        Ok(conn)
    }

    /// Runs `read` on an idle connection (or a new one) on a blocking thread.
    pub async fn run<T, F>(&self, read: F) -> DbResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> DbResult<T> + Send + 'static,
    {
        let me = self.clone();
        tokio::task::spawn_blocking(move || {
            let idle = me.inner.idle.lock().map(|mut v| v.pop()).unwrap_or(None);
            let conn = match idle {
                Some(c) => c,
                None => me.open()?,
            };
            let out = read(&conn);
            if let Ok(mut v) = me.inner.idle.lock() {
                if v.len() < KEEP {
                    v.push(conn);
                }
            }
            out
        })
        .await
        .map_err(|e| DbError::Internal(format!("the read task failed: {e}")))?
    }
}
