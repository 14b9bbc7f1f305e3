//! PostgreSQL for the desk's tests and the demo (issue 15): which server, and a private cluster
//! under target/ when there is none.
//!
//! The server is, in this order: the one `HANDOFF_TEST_DATABASE_URL` names (it must answer), the
//! one on 127.0.0.1:5432 when user postgres gets in, else a cluster of our own in
//! target/pg-test (trust auth, port 55432, its socket inside target/), started with `pg_ctl` and
//! left running so the next run finds it at once. `HANDOFF_TEST_PG=private` skips the first two
//! (to test this path on a machine that has a server).

use crate::cmd::{self, output_of, run};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The admin URL the tests get, set for every later step.
pub const TEST_URL_VAR: &str = "HANDOFF_TEST_DATABASE_URL";
/// `private` forces the cluster under target/.
const FORCE_VAR: &str = "HANDOFF_TEST_PG";
const LOCAL_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
const PRIVATE_PORT: u16 = 55432;
/// The OS user the private cluster runs as when xtask runs as root (postgres refuses root).
const SERVICE_USER: &str = "postgres";
/// The database `cargo xtask run --postgres` keeps the demo in.
pub const DEMO_DATABASE: &str = "handoff_demo";

#[derive(Debug, PartialEq, Eq)]
pub enum Server {
    /// HANDOFF_TEST_DATABASE_URL.
    Named(String),
    /// 127.0.0.1:5432 as user postgres.
    Local,
    /// target/pg-test.
    Private,
}

/// Which server to use, from what is known about the machine (pure, so it is unit-tested).
pub fn choose(named: Option<&str>, forced_private: bool, local_answers: impl FnOnce() -> bool) -> Server {
    if forced_private {
        return Server::Private;
    }
    match named.map(str::trim).filter(|u| !u.is_empty()) {
        Some(url) => Server::Named(url.to_string()),
        None if local_answers() => Server::Local,
        None => Server::Private,
    }
}

/// The admin URL of the test server, found (or started) once per xtask process.
pub fn admin_url() -> Result<String> {
    static URL: OnceLock<String> = OnceLock::new();
    if let Some(url) = URL.get() {
        return Ok(url.clone());
    }
    let named = std::env::var(TEST_URL_VAR).ok();
    let forced = std::env::var(FORCE_VAR).is_ok_and(|v| v == "private");
    let url = match choose(named.as_deref(), forced, || answers(LOCAL_URL)) {
        Server::Named(url) => {
            if !answers(&url) {
                bail!("step setup failed: {TEST_URL_VAR} is set but PostgreSQL at {} does not answer `select 1`", redacted(&url));
            }
            url
        }
        Server::Local => LOCAL_URL.to_string(),
        Server::Private => private_cluster()?,
    };
    Ok(URL.get_or_init(|| url).clone())
}

/// Setup's part: find or start the server and hand it to every later step through the
/// environment (children inherit it).
pub fn ensure_for_tests() -> Result<()> {
    let url = admin_url()?;
    crate::tools::ok_line("postgresql", &redacted(&url));
    std::env::set_var(TEST_URL_VAR, &url);
    Ok(())
}

/// `cargo xtask postgres`: the server's admin URL as the last line of stdout, for running the
/// PostgreSQL suite by hand (`HANDOFF_TEST_DATABASE_URL=$(cargo xtask postgres | tail -1)
/// HANDOFF_TEST_ENGINE=postgres cargo test -p handoff-desk --tests`); drops what earlier runs
/// by hand left behind.
pub fn print_admin_url() -> Result<()> {
    let url = admin_url()?;
    drop_stale_test_databases(&url)?;
    println!("{url}");
    Ok(())
}

/// Whether `select 1` succeeds at `url` (psql, from Debian's postgresql-client).
fn answers(url: &str) -> bool {
    psql(url, "select 1").is_some_and(|out| out == "1")
}

/// One statement through psql, its unaligned output, or None when it fails.
fn psql(url: &str, sql: &str) -> Option<String> {
    output_of("psql", &["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
}

/// `url` with its password hidden, for printing.
fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if url[s + 3..at].contains(':') => {
            let user_end = s + 3 + url[s + 3..at].find(':').unwrap_or(0);
            format!("{}:***{}", &url[..user_end], &url[at..])
        }
        _ => url.to_string(),
    }
}

/// `url` with its database replaced by `db` (the path after the authority).
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let authority_end = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{db}", &base[..authority_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// The directory of the private cluster: data/, socket/ and server.log.
fn private_dir() -> PathBuf {
    cmd::target_dir().join("pg-test")
}

/// Starts (initialising on first use) the cluster under target/pg-test; its admin URL.
fn private_cluster() -> Result<String> {
    let url = format!("postgres://postgres@127.0.0.1:{PRIVATE_PORT}/postgres");
    if answers(&url) {
        return Ok(url);
    }
    let bin = server_bin_dir()?;
    let dir = private_dir();
    let data = dir.join("data");
    std::fs::create_dir_all(dir.join("socket")).with_context(|| format!("creating {}", dir.display()))?;
    hand_to_service_user(&dir)?;
    if !data.join("PG_VERSION").exists() {
        println!("  init     private PostgreSQL cluster in {}", data.display());
        run(
            "setup",
            as_service_user(&bin.join("initdb"))
                .args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "-D"])
                .arg(&data)
                .stdout(Stdio::null()),
        )?;
        write_settings(&dir)?;
        hand_to_service_user(&dir)?;
    }
    println!("  start    private PostgreSQL on 127.0.0.1:{PRIVATE_PORT} ({})", data.display());
    run(
        "setup",
        as_service_user(&bin.join("pg_ctl"))
            .args(["start", "-w", "-t", "60", "-D"])
            .arg(&data)
            .arg("-l")
            .arg(dir.join("server.log")),
    )?;
    if !answers(&url) {
        bail!(
            "step setup failed: started PostgreSQL in {} but {url} does not answer; see {}",
            data.display(),
            dir.join("server.log").display()
        );
    }
    Ok(url)
}

/// The cluster's own settings: its port, its socket inside target/, and durability off, since a
/// test cluster is thrown away rather than recovered (fsync makes the suite several times slower).
fn write_settings(dir: &Path) -> Result<()> {
    let conf = dir.join("data/postgresql.conf");
    let mut text = std::fs::read_to_string(&conf).with_context(|| format!("reading {}", conf.display()))?;
    text.push_str(&format!(
        "\n# cargo xtask: private test cluster\nport = {PRIVATE_PORT}\nlisten_addresses = '127.0.0.1'\n\
         unix_socket_directories = '{}'\nmax_connections = 300\nfsync = off\nsynchronous_commit = off\n\
         full_page_writes = off\n",
        dir.join("socket").display()
    ));
    std::fs::write(&conf, text).with_context(|| format!("writing {}", conf.display()))
}

/// The newest /usr/lib/postgresql/<version>/bin that has initdb (Debian keeps it off PATH).
fn server_bin_dir() -> Result<PathBuf> {
    newest_server_bin(Path::new("/usr/lib/postgresql")).with_context(|| {
        "step setup failed: no initdb under /usr/lib/postgresql/*/bin; `cargo xtask setup` installs Debian's postgresql package as root"
    })
}

fn newest_server_bin(root: &Path) -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir(root)
        .ok()?
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().split('.').next()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

/// Whether initdb is installed (setup installs the package when not).
pub fn server_installed() -> bool {
    newest_server_bin(Path::new("/usr/lib/postgresql")).is_some()
}

/// `program` run as the postgres user when we are root (initdb and postgres refuse root).
fn as_service_user(program: &Path) -> Command {
    if cmd::is_root() {
        let mut c = cmd::command("runuser");
        c.args(["-u", SERVICE_USER, "--"]).arg(program);
        c
    } else {
        cmd::command(&program.to_string_lossy())
    }
}

/// As root, the cluster's directory belongs to the postgres user, who runs it.
fn hand_to_service_user(dir: &Path) -> Result<()> {
    if !cmd::is_root() {
        return Ok(());
    }
    run("setup", cmd::command("chown").args(["-R", &format!("{SERVICE_USER}:{SERVICE_USER}")]).arg(dir))
}

/// Drops the per-test databases (`handoff_t_<pid>_...`, see crates/desk/tests/common/pg.rs)
/// whose test process is gone: tests that fail or never stop their desk leave theirs behind.
/// Databases of running test processes (another checkout's suite on the same server) stay.
pub fn drop_stale_test_databases(admin: &str) -> Result<()> {
    let list = psql(admin, "select datname from pg_database where datname like 'handoff\\_t\\_%'")
        .with_context(|| format!("listing test databases at {}", redacted(admin)))?;
    let stale: Vec<&str> = list.lines().filter(|name| owner_is_gone(name)).collect();
    for name in &stale {
        if psql(admin, &format!("drop database if exists \"{name}\" with (force)")).is_none() {
            println!("xtask: could not drop stale test database {name}");
        }
    }
    if !stale.is_empty() {
        println!("xtask: dropped {} stale test databases", stale.len());
    }
    Ok(())
}

/// Whether the process that made test database `name` has exited (its pid is the third word).
fn owner_is_gone(name: &str) -> bool {
    match name.split('_').nth(2).and_then(|pid| pid.parse::<u32>().ok()) {
        Some(pid) => !Path::new(&format!("/proc/{pid}")).exists(),
        None => false,
    }
}

/// A fresh database `name` on the test server (dropped first if an earlier run left it); its URL.
pub fn fresh_database(admin: &str, name: &str) -> Result<String> {
    drop_database(admin, name)?;
    psql(admin, &format!("create database \"{name}\""))
        .with_context(|| format!("creating database {name} at {}", redacted(admin)))?;
    Ok(with_database(admin, name))
}

/// Drops database `name` on the test server, closing what is still connected to it.
pub fn drop_database(admin: &str, name: &str) -> Result<()> {
    psql(admin, &format!("drop database if exists \"{name}\" with (force)"))
        .map(|_| ())
        .with_context(|| format!("dropping database {name} at {}", redacted(admin)))
}

/// The demo's database on the test server (created when missing); its URL.
pub fn demo_database() -> Result<String> {
    let admin = admin_url()?;
    let exists = psql(&admin, &format!("select 1 from pg_database where datname = '{DEMO_DATABASE}'"))
        .with_context(|| format!("PostgreSQL at {} does not answer", redacted(&admin)))?;
    if exists != "1" {
        psql(&admin, &format!("create database {DEMO_DATABASE}"))
            .with_context(|| format!("creating database {DEMO_DATABASE} at {}", redacted(&admin)))?;
    }
    Ok(with_database(&admin, DEMO_DATABASE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_named_server_wins_then_the_local_one_then_our_own() {
        let url = "postgres://u:p@db:5432/postgres";
        assert_eq!(choose(Some(url), false, || panic!("not probed")), Server::Named(url.into()));
        assert_eq!(choose(Some("  "), false, || true), Server::Local);
        assert_eq!(choose(None, false, || true), Server::Local);
        assert_eq!(choose(None, false, || false), Server::Private);
        assert_eq!(choose(Some(url), true, || true), Server::Private);
    }

    #[test]
    fn urls() {
        assert_eq!(with_database("postgres://a@h:1/postgres", "x"), "postgres://a@h:1/x");
        assert_eq!(
            with_database("postgres://a@h:1/postgres?sslmode=disable", "x"),
            "postgres://a@h:1/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://a@h:1", "x"), "postgres://a@h:1/x");
        assert_eq!(redacted("postgres://a:secret@h/db"), "postgres://a:***@h/db");
        assert_eq!(redacted("postgres://a@h/db"), "postgres://a@h/db");
    }

    #[test]
    fn stale_means_the_creating_process_is_gone() {
        assert!(!owner_is_gone(&format!("handoff_t_{}_0_123", std::process::id())));
        assert!(owner_is_gone("handoff_t_4000000000_0_1"));
        assert!(!owner_is_gone("handoff_demo"));
    }
}
