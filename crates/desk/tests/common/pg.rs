//! PostgreSQL for the tests: every test that runs on PostgreSQL gets a database of its own.
//!
//! The server is the one `HANDOFF_TEST_DATABASE_URL` names (an admin URL: its user may create
//! databases), else the one on 127.0.0.1:5432 as user postgres. `cargo xtask test` sets the
//! variable, starting a private cluster under target/ when no server is running. A test that
//! asks for PostgreSQL and finds none fails: it is never skipped.

use sqlx::{Connection, PgConnection};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

/// The databases handed out by [`database_for`], by the desk's data directory.
static BY_DATA_DIR: Mutex<BTreeMap<PathBuf, String>> = Mutex::new(BTreeMap::new());

/// The database of the desk whose data directory is `data_dir`: made on the first ask, the same
/// URL on every later one, so a desk restarted on "the same data" finds its rows again, as the
/// SQLite file in the data directory does. Synchronous because config text is built in sync
/// code too (files for spawned desks); works inside and outside a tokio runtime.
pub fn database_for(data_dir: &Path) -> String {
    let mut map = BY_DATA_DIR.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(url) = map.get(data_dir) {
        return url.clone();
    }
    let url = on_own_runtime(fresh_database());
    map.insert(data_dir.to_path_buf(), url.clone());
    url
}

/// Forgets the database of `data_dir` and drops it (the desk on it has stopped).
pub async fn release(data_dir: &Path) {
    let url = BY_DATA_DIR.lock().unwrap_or_else(|e| e.into_inner()).remove(data_dir);
    if let Some(url) = url {
        drop_database(&url).await;
    }
}

/// Runs a future to completion on a runtime of its own thread: a test's runtime may not be
/// blocked on from within, and sync callers have none.
fn on_own_runtime<T: Send + 'static>(f: impl std::future::Future<Output = T> + Send + 'static) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime").block_on(f)
    })
    .join()
    .unwrap_or_else(|e| std::panic::resume_unwind(e))
}

/// Which engine the desk integration suite runs on: `HANDOFF_TEST_ENGINE=postgres` selects
/// PostgreSQL, anything else (or nothing) the embedded SQLite.
pub fn engine_is_postgres() -> bool {
    std::env::var("HANDOFF_TEST_ENGINE").is_ok_and(|v| v.eq_ignore_ascii_case("postgres"))
}

/// The admin URL of the test server.
pub fn admin_url() -> String {
    std::env::var("HANDOFF_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// `url` with its database name replaced by `db`.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    // postgres://user@host:port/name: the path after the authority is the database.
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let authority_end = base[scheme_end..].find('/').map(|i| scheme_end + i).unwrap_or(base.len());
    let mut out = format!("{}/{db}", &base[..authority_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Creates an empty database and returns its URL. Panics (the test fails) when the server
/// cannot be reached.
pub async fn fresh_database() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let admin = admin_url();
    let name = format!(
        "handoff_t_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        rand_suffix()
    );
    let mut conn = admin_connection(&admin).await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL for the tests is not reachable at {admin}: {e}. Run `cargo xtask setup`, or set \
             HANDOFF_TEST_DATABASE_URL to a server whose user may create databases"
        )
    });
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let _ = conn.close().await;
    with_database(&admin, &name)
}

/// A connection to the admin database. A server shared with other suites can be full for a
/// moment ("too many clients", SQLSTATE 53300): wait for a slot rather than fail the test.
async fn admin_connection(admin: &str) -> Result<PgConnection, sqlx::Error> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        match PgConnection::connect(admin).await {
            Err(sqlx::Error::Database(e))
                if e.code().as_deref() == Some("53300") && std::time::Instant::now() < deadline =>
            {
                tokio::time::sleep(std::time::Duration::from_millis(250)).await;
            }
            other => return other,
        }
    }
}

/// Drops a database made by [`fresh_database`] (connections still open are ended).
pub async fn drop_database(url: &str) {
    let Some(name) = url.rsplit('/').next().map(|n| n.split('?').next().unwrap_or(n).to_string()) else {
        return;
    };
    if !name.starts_with("handoff_t_") {
        return;
    }
    if let Ok(mut conn) = admin_connection(&admin_url()).await {
        let _ =
            sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&mut conn).await;
        let _ = conn.close().await;
    }
}

fn rand_suffix() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    u64::from(nanos) ^ (u64::from(std::process::id()) << 32)
}
