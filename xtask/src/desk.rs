//! `cargo xtask run`: the desk with the demo site, serving the widget bundle from pkg/ and the
//! agent console from pkg/console/ at /console/.
//!
//! One process serves everything on one origin: the portal page, the widget bundle, the demo
//! site bundle and the handoff protocol (/v1/...). The demo agents are seeded so the console
//! can be tried at once; their password is printed by the desk and written in
//! crates/desk/demo.toml.
//!
//! `--postgres`: the same demo on PostgreSQL, in the `handoff_demo` database of the server setup
//! found or started for the tests (HANDOFF_DATABASE_URL overrides the demo config's SQLite file).

use crate::cmd::{self, run};
use crate::{demo_mail, dist, postgres, serve};
use anyhow::{bail, Result};
use std::process::Command;

/// The demo host page (embed/demo-host/) runs on its own origin; crates/desk/demo.toml allows it.
const DEMO_HOST_PORT: u16 = 8081;

/// Builds the desk (debug: it is quick to build and plenty fast for a demo) and runs it in the
/// foreground until Ctrl-C; the desk shuts down gracefully on SIGINT/SIGTERM.
pub fn run_desk(args: &[String]) -> Result<()> {
    let database = demo_database(args)?;
    let port = serve::port()?;
    let pkg = dist::pkg_dir();
    let listen = format!("127.0.0.1:{port}");
    println!("\nxtask: starting the desk on http://{listen}/ (portal and widget), Ctrl-C stops");
    println!("xtask: agent console on http://{listen}/console/");
    println!("xtask: full-page help portal on http://{listen}/help/demo");
    let host = cmd::root().join("embed/demo-host");
    match serve::spawn(&host, DEMO_HOST_PORT) {
        Ok(()) => println!(
            "xtask: demo host page embedding the widget by script tag on http://127.0.0.1:{DEMO_HOST_PORT}/{}",
            if port == 8080 { String::new() } else { format!("?desk={port}") }
        ),
        Err(e) => println!("xtask: no demo host page: {e:#}"),
    }
    // The demo's mail (receipts, answers, copies of chats) lands in a local mailbox.
    let smtp = demo_mail::start()?;
    println!("xtask: the demo's mail: {} (`cargo xtask mail` lists it)", demo_mail::mailbox().display());
    // First run: months of history for the Insights page (the desk skips it when present).
    seed(false, database.as_deref())?;
    println!("xtask:   agents:     ana@fernhill.example, ben@fernhill.example");
    println!("xtask:   supervisor: sam@fernhill.example   manager: max@fernhill.example");
    println!("xtask:   password:   fernhill-demo (all of them; set presence Online to get chats)");
    let mut desk = cmd::cargo();
    desk.args(["run", "-q", "-p", "handoff-desk", "--", "serve", "--config", "crates/desk/demo.toml"])
        .args(["--static", &pkg.to_string_lossy(), "--listen", &listen, "--seed-demo"]);
    let ran = run("run: desk", on_database(&mut desk, database.as_deref()));
    if let Some(mut smtp) = smtp {
        let _ = smtp.kill();
        let _ = smtp.wait();
    }
    ran
}

/// `run [--postgres]`: None for the demo's SQLite file, else the URL of the demo database.
fn demo_database(args: &[String]) -> Result<Option<String>> {
    match args.first().map(String::as_str) {
        None => Ok(None),
        Some("--postgres") if args.len() == 1 => {
            let url = postgres::demo_database()?;
            println!("xtask: the demo desk runs on PostgreSQL: {}", postgres::DEMO_DATABASE);
            Ok(Some(url))
        }
        Some(_) => bail!("usage: cargo xtask run [--postgres]"),
    }
}

/// The desk command on `database` (HANDOFF_DATABASE_URL), or on its config's SQLite file.
fn on_database<'a>(desk: &'a mut Command, database: Option<&str>) -> &'a mut Command {
    match database {
        Some(url) => desk.env("HANDOFF_DATABASE_URL", url),
        None => desk.env_remove("HANDOFF_DATABASE_URL"),
    }
}

/// `cargo xtask seed-demo [--force]`: the demo history generator of the desk
/// (`handoff-desk seed-history`, crates/desk/src/desk/seed.rs) on the demo desk's data dir:
/// 120 days of conversations in the demo site's six languages, written through the desk's own
/// code. Does nothing when the data already has the seeded history, unless `--force`.
pub fn seed_demo(args: &[String]) -> Result<()> {
    let force = args.iter().any(|a| a == "--force");
    // As the desk itself: HANDOFF_DATABASE_URL, when set, names the database to seed.
    let database = std::env::var("HANDOFF_DATABASE_URL").ok().filter(|u| !u.trim().is_empty());
    seed(force, database.as_deref())
}

fn seed(force: bool, database: Option<&str>) -> Result<()> {
    let mut c = cmd::cargo();
    c.args(["run", "-q", "-p", "handoff-desk", "--", "seed-history", "--config", "crates/desk/demo.toml"]);
    if force {
        c.arg("--force");
    }
    run("seed-demo", on_database(&mut c, database))
}
