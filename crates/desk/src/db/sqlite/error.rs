//! SQLite's errors (through sqlx and rusqlite) mapped onto the backend-neutral [`DbError`].
//!
//! Only here does the desk know SQLite's result codes. Unique violations become
//! [`DbError::Internal`] like any other constraint: the statements that expect one (start keys,
//! agent emails) check for it where they run and return [`DbError::Duplicate`] themselves.

use super::super::DbError;

/// SQLite's primary result codes that say the database, not the statement, is the problem
/// (<https://www.sqlite.org/rescode.html>): BUSY, LOCKED, NOMEM, READONLY, IOERR, FULL,
/// CANTOPEN, PROTOCOL.
const UNAVAILABLE: [i32; 8] = [5, 6, 7, 8, 10, 13, 14, 15];
/// CORRUPT and NOTADB: the file itself is damaged.
const CORRUPT: [i32; 2] = [11, 26];

/// Maps an (extended) SQLite result code and its message.
fn from_code(code: i32, message: String) -> DbError {
    let primary = code & 0xff;
    if UNAVAILABLE.contains(&primary) {
        DbError::Unavailable(message)
    } else if CORRUPT.contains(&primary) {
        DbError::Corrupt(message)
    } else {
        DbError::Internal(message)
    }
}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        use sqlx::Error as E;
        let message = e.to_string();
        match e {
            E::Database(d) => match d.code().and_then(|c| c.parse::<i32>().ok()) {
                Some(code) => from_code(code, message),
                None => DbError::Internal(message),
            },
            E::Io(_) | E::PoolTimedOut | E::PoolClosed | E::WorkerCrashed => DbError::Unavailable(message),
            E::ColumnDecode { .. }
            | E::Decode(_)
            | E::ColumnNotFound(_)
            | E::ColumnIndexOutOfBounds { .. } => DbError::Corrupt(message),
            E::Migrate(m) => DbError::Migration(m.to_string()),
            _ => DbError::Internal(message),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for DbError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        DbError::Migration(e.to_string())
    }
}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::Error as E;
        let message = format!("read: {e}");
        match e {
            E::SqliteFailure(f, _) => from_code(f.extended_code, message),
            E::FromSqlConversionFailure(..)
            | E::IntegralValueOutOfRange(..)
            | E::Utf8Error(_)
            | E::InvalidColumnType(..)
            | E::InvalidColumnIndex(_)
            | E::InvalidColumnName(_) => DbError::Corrupt(message),
            _ => DbError::Internal(message),
        }
    }
}

/// The desk's own I/O next to the engine (the group commit's fsync of the WAL file).
pub(super) fn io(what: &str, e: impl std::fmt::Display) -> DbError {
    DbError::Unavailable(format!("{what}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_codes_map_to_what_the_desk_can_act_on() {
        // SQLITE_BUSY_SNAPSHOT (517) is BUSY (5); SQLITE_IOERR_FSYNC (1034) is IOERR (10).
        assert!(matches!(from_code(517, String::new()), DbError::Unavailable(_)));
        assert!(matches!(from_code(1034, String::new()), DbError::Unavailable(_)));
        assert!(matches!(from_code(11, String::new()), DbError::Corrupt(_)));
        // SQLITE_CONSTRAINT_UNIQUE (2067): the caller decides whether that is a duplicate.
        assert!(matches!(from_code(2067, String::new()), DbError::Internal(_)));
        assert!(matches!(DbError::from(sqlx::Error::PoolClosed), DbError::Unavailable(_)));
    }
}
