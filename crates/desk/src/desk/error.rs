//! What the desk's operations refuse, in the desk's own terms. Nothing below the routes knows
//! HTTP: `crate::error::ApiError` maps each kind to a status at the edge, and the sweeper, the
//! mail sender and the seeder log these without one.

use crate::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    /// What was named does not exist (or is not the caller's to know of).
    #[error("{0} not found")]
    Unknown(String),
    /// The caller may not do this.
    #[error("{code}: {message}")]
    Refused { code: &'static str, message: String },
    /// Nobody, or nobody any more, is signed in.
    #[error("{code}: {message}")]
    Unauthenticated { code: &'static str, message: String },
    /// The state does not allow it now (done already, taken, changed meanwhile).
    #[error("{code}: {message}")]
    Conflict { code: &'static str, message: String },
    /// A value the rules do not accept; the message names the field.
    #[error("{code}: {message}")]
    Invalid { code: &'static str, message: String },
    /// Not readable as a request at all.
    #[error("{code}: {message}")]
    Malformed { code: &'static str, message: String },
    /// Too many attempts: the next is allowed after `retry_after` seconds.
    #[error("{code}: {message}")]
    Limited { code: &'static str, message: String, retry_after: u64 },
    #[error(transparent)]
    Storage(#[from] DbError),
    /// A fault of ours; the message is for the log, clients get a generic one.
    #[error("internal: {0}")]
    Internal(String),
}

impl DeskError {
    pub fn unknown(what: &str) -> Self {
        DeskError::Unknown(what.to_string())
    }
    pub fn refused(code: &'static str, message: impl Into<String>) -> Self {
        DeskError::Refused { code, message: message.into() }
    }
    pub fn unauthenticated(code: &'static str, message: impl Into<String>) -> Self {
        DeskError::Unauthenticated { code, message: message.into() }
    }
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        DeskError::Conflict { code, message: message.into() }
    }
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        DeskError::Invalid { code, message: message.into() }
    }
    pub fn malformed(code: &'static str, message: impl Into<String>) -> Self {
        DeskError::Malformed { code, message: message.into() }
    }
    pub fn limited(code: &'static str, message: impl Into<String>, retry_after: u64) -> Self {
        DeskError::Limited { code, message: message.into(), retry_after }
    }
    pub fn internal(message: impl Into<String>) -> Self {
        DeskError::Internal(message.into())
    }

    /// The machine-readable code clients get (`not_found`, `storage` and `internal` for the
    /// kinds without one of their own).
    pub fn code(&self) -> &'static str {
        match self {
            DeskError::Unknown(_) => "not_found",
            DeskError::Refused { code, .. }
            | DeskError::Unauthenticated { code, .. }
            | DeskError::Conflict { code, .. }
            | DeskError::Invalid { code, .. }
            | DeskError::Malformed { code, .. }
            | DeskError::Limited { code, .. } => code,
            DeskError::Storage(_) => "storage",
            DeskError::Internal(_) => "internal",
        }
    }
}

pub type DeskResult<T> = Result<T, DeskError>;
