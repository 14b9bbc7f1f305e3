//! PostgreSQL's errors mapped onto the backend-neutral [`DbError`].
//!
//! `From<sqlx::Error> for DbError` belongs to the SQLite backend (its result codes are numbers),
//! so the statements here map their errors explicitly with [`Pg::pg`]. Decoding a column
//! (`Row::try_get`) raises no database error and may keep using `?`: that part of the mapping
//! is the same for both engines.
//!
//! SQLSTATE classes (<https://www.postgresql.org/docs/current/errcodes-appendix.html>).

use super::super::DbError;

/// `unique_violation`: a row that must be unique is already stored.
const UNIQUE_VIOLATION: &str = "23505";
/// `serialization_failure`, `deadlock_detected`, and `HD409` of `handoff_commit` (migration
/// 0004: the conversation changed since it was read): another transaction won; a retry may pass.
const CONFLICT: [&str; 3] = ["40001", "40P01", "HD409"];
/// Classes that say the server, not the statement, is the problem: connection exceptions (08),
/// insufficient resources (53: disk full, out of memory, too many connections), operator
/// intervention (57: shutdown, cancelled, admin terminated), system errors (58).
const UNAVAILABLE_CLASSES: [&str; 4] = ["08", "53", "57", "58"];
/// `lock_not_available` (55P03) and `cannot_connect_now` (57P03, in class 57) also mean "later".
const LOCK_NOT_AVAILABLE: &str = "55P03";
/// Data corrupted (XX001, XX002).
const CORRUPT: [&str; 2] = ["XX001", "XX002"];

/// Maps one error of a PostgreSQL statement, connection or pool.
pub fn map(e: sqlx::Error) -> DbError {
    use sqlx::Error as E;
    let message = e.to_string();
    match e {
        E::Database(d) => {
            let code = d.code().map(|c| c.into_owned()).unwrap_or_default();
            from_sqlstate(&code, message)
        }
        E::Io(_) | E::Tls(_) | E::PoolTimedOut | E::PoolClosed | E::WorkerCrashed => {
            DbError::Unavailable(message)
        }
        E::Protocol(_) => DbError::Unavailable(message),
        E::ColumnDecode { .. } | E::Decode(_) | E::ColumnNotFound(_) | E::ColumnIndexOutOfBounds { .. } => {
            DbError::Corrupt(message)
        }
        E::Migrate(m) => DbError::Migration(m.to_string()),
        _ => DbError::Internal(message),
    }
}

/// Maps a SQLSTATE and the error's message.
fn from_sqlstate(code: &str, message: String) -> DbError {
    if code == UNIQUE_VIOLATION {
        DbError::Duplicate(message)
    } else if CONFLICT.contains(&code) {
        DbError::Conflict(message)
    } else if code == LOCK_NOT_AVAILABLE || UNAVAILABLE_CLASSES.iter().any(|c| code.starts_with(c)) {
        DbError::Unavailable(message)
    } else if CORRUPT.contains(&code) {
        DbError::Corrupt(message)
    } else {
        DbError::Internal(message)
    }
}

/// `.pg()` on a sqlx result: its error mapped for PostgreSQL.
pub trait Pg<T> {
    fn pg(self) -> Result<T, DbError>;
}

impl<T> Pg<T> for Result<T, sqlx::Error> {
    fn pg(self) -> Result<T, DbError> {
        self.map_err(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlstates_map_to_what_the_desk_acts_on() {
        let m = || "m".to_string();
        assert!(matches!(from_sqlstate("23505", m()), DbError::Duplicate(_)));
        assert!(matches!(from_sqlstate("40001", m()), DbError::Conflict(_)));
        assert!(matches!(from_sqlstate("40P01", m()), DbError::Conflict(_)));
        assert!(matches!(from_sqlstate("HD409", m()), DbError::Conflict(_)));
        for code in ["08006", "08001", "53100", "53300", "57P01", "57P03", "58030", "55P03"] {
            assert!(matches!(from_sqlstate(code, m()), DbError::Unavailable(_)), "{code}");
        }
        assert!(matches!(from_sqlstate("XX001", m()), DbError::Corrupt(_)));
        for code in ["23503", "23502", "42601", "22P02", ""] {
            assert!(matches!(from_sqlstate(code, m()), DbError::Internal(_)), "{code}");
        }
        assert!(matches!(map(sqlx::Error::PoolTimedOut), DbError::Unavailable(_)));
        assert!(matches!(map(sqlx::Error::PoolClosed), DbError::Unavailable(_)));
    }
}
