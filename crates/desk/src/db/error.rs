//! The storage error every backend returns. It names what the desk's logic can act on, never an
//! engine's types: each backend maps its own errors onto these (the SQLite mapping is in
//! `sqlite/error.rs`), keeping the engine's message for the logs.

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The database cannot serve the request now: closed or exhausted pool, I/O failure, a lock
    /// held too long, a full disk. Nothing is wrong with the request; a retry later may succeed.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Another writer changed the conversation since it was read (optimistic check).
    #[error("conversation {0} was changed concurrently")]
    Conflict(String),
    /// A row that must be unique is already stored (a start key, an agent's email).
    #[error("{0} already exists")]
    Duplicate(String),
    /// Stored data the desk cannot read back: a value of the wrong type, unknown status, bad JSON.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The schema could not be brought up to date at startup.
    #[error("migration: {0}")]
    Migration(String),
    /// Anything else the engine reported (a statement it rejected, a violated constraint): a bug
    /// in the desk rather than a state to handle.
    #[error("database: {0}")]
    Internal(String),
}

pub type DbResult<T> = Result<T, DbError>;
