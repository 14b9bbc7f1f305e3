//! `cargo xtask bench`: criterion benchmarks of the bot, the last measured bundle sizes, then the
//! insights over 100,000 conversations and the bounded loopback load test of the desk.
//! `cargo xtask bench desk` / `insights` / `embed` / `swaps` run only that one (`swaps`: the
//! desk's crate swaps against the hand-written code they replaced, issue 16).
//! `cargo xtask bench desk --postgres [--instances N]` and `bench insights --postgres` run the
//! same measurements on PostgreSQL (issue 15): a fresh database on the server the tests use
//! (crate::postgres), dropped afterwards.

use crate::cmd::{self, output_of, run};
use crate::dist::sizes_file;
use crate::postgres;
use anyhow::{bail, Context, Result};

/// Which engine and how many desk processes (`--postgres`, `--instances N`).
#[derive(Debug, PartialEq, Eq)]
struct Engine {
    postgres: bool,
    instances: u32,
}

/// The flags after `bench desk` / `bench insights`; `instances` is allowed only for the desk.
fn engine_flags(args: &[String], allow_instances: bool) -> Result<Engine> {
    let mut engine = Engine { postgres: false, instances: 1 };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--postgres" => engine.postgres = true,
            "--instances" if allow_instances => {
                let value = it.next().context("--instances needs a number")?;
                engine.instances = match value.parse() {
                    Ok(n) if n >= 1 => n,
                    _ => bail!("--instances {value:?}: a whole number of at least 1 is needed"),
                };
            }
            other => bail!("bench: unknown argument `{other}`"),
        }
    }
    if engine.instances > 1 && !engine.postgres {
        bail!(
            "--instances {} needs --postgres: several desks cannot share one SQLite file",
            engine.instances
        );
    }
    Ok(engine)
}

pub fn bench(extra: &[String]) -> Result<()> {
    let rest = extra.get(1..).unwrap_or(&[]);
    match extra.first().map(String::as_str) {
        Some("desk") => return desk_load(&engine_flags(rest, true)?),
        Some("insights") => return insights(&engine_flags(rest, false)?),
        Some("embed") => return crate::embed_bench::embed(),
        Some("swaps") => return swaps(),
        _ => {}
    }
    run("bench", cmd::cargo().args(["bench", "-p", "handoff-bot"]).args(extra))?;
    let file = sizes_file();
    match std::fs::read_to_string(&file) {
        Ok(table) => {
            println!("\nWidget bundle (from the last `cargo xtask dist`, {}):\n{table}", file.display())
        }
        Err(_) => println!("\nNo bundle sizes yet: `cargo xtask dist` measures pkg/ (raw and brotli)."),
    }
    // The desk load test takes about a minute; skip it when criterion was asked for a filter.
    if extra.is_empty() {
        crate::embed_bench::embed()?;
        let sqlite = Engine { postgres: false, instances: 1 };
        insights(&sqlite)?;
        desk_load(&sqlite)?;
        swaps()?;
    }
    println!("Record the figures in docs/benchmarks.md (criterion reports: target/criterion/).");
    Ok(())
}

/// The desk under load (crates/desk/benches/load.rs): the release desk on 127.0.0.1 port 0,
/// 10,000 customer streams held, then 1,000 customer messages/s to agents' streams. Sizes and
/// durations come from LOAD_* environment variables (see the bench's header); on PostgreSQL
/// LOAD_DATABASE_URL and LOAD_INSTANCES say where and how many.
fn desk_load(engine: &Engine) -> Result<()> {
    let mut cmd = cmd::cargo();
    cmd.args(["bench", "-p", "handoff-desk", "--bench", "load"]);
    if !engine.postgres {
        println!("\nDesk under load (loopback, release build):");
        return run("desk load", &mut cmd);
    }
    println!("\nDesk under load on PostgreSQL, {} instance(s) (loopback, release build):", engine.instances);
    with_scratch_database(|url| {
        run(
            "desk load",
            cmd.env("LOAD_DATABASE_URL", url).env("LOAD_INSTANCES", engine.instances.to_string()),
        )
    })
}

/// The rate limiter and the session cookie on the desk's request path, each next to the
/// hand-written code it replaced (crates/desk/benches/swaps.rs).
fn swaps() -> Result<()> {
    println!("\nRate limiter and session cookie, crate against the hand-written code (release build):");
    run("swaps", cmd::cargo().args(["bench", "-p", "handoff-desk", "--bench", "swaps"]))
}

/// Escalation insights over 100,000 generated conversations (crates/desk/benches/insights.rs);
/// `INSIGHTS_N` changes the number, INSIGHTS_DATABASE_URL puts them on PostgreSQL.
fn insights(engine: &Engine) -> Result<()> {
    let mut cmd = cmd::cargo();
    cmd.args(["bench", "-p", "handoff-desk", "--bench", "insights"]);
    if !engine.postgres {
        println!("\nInsights over 100,000 conversations (release build):");
        return run("insights", &mut cmd);
    }
    println!("\nInsights over 100,000 conversations on PostgreSQL (release build):");
    with_scratch_database(|url| run("insights", cmd.env("INSIGHTS_DATABASE_URL", url)))
}

/// Runs `f` with the URL of a new, empty database `bench_<random>` on the test server, and
/// drops the database afterwards whatever `f` returned (WITH (FORCE): a desk that did not stop
/// must not keep it alive).
fn with_scratch_database(f: impl FnOnce(&str) -> Result<()>) -> Result<()> {
    let admin = postgres::admin_url()?;
    let name = scratch_name();
    psql(&admin, &format!("CREATE DATABASE {name}"))
        .with_context(|| format!("step bench failed: creating database {name}"))?;
    println!("xtask: database {name} (dropped afterwards)");
    let result = f(&postgres::with_database(&admin, &name));
    if psql(&admin, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).is_none() {
        println!("xtask: could not drop database {name}; drop it by hand");
    }
    result
}

/// `bench_` and 16 hex digits from the clock and the process id: unique enough for databases
/// that live as long as one run (two runs at once get different ones).
fn scratch_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    format!("bench_{:016x}", nanos ^ (u64::from(std::process::id()) << 40))
}

/// One statement through psql at `url`; None when it fails.
fn psql(url: &str, sql: &str) -> Option<String> {
    output_of("psql", &["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags() {
        assert_eq!(engine_flags(&[], true).ok(), Some(Engine { postgres: false, instances: 1 }));
        assert_eq!(
            engine_flags(&args(&["--postgres", "--instances", "3"]), true).ok(),
            Some(Engine { postgres: true, instances: 3 })
        );
        assert!(engine_flags(&args(&["--instances", "3"]), true).is_err());
        assert!(engine_flags(&args(&["--postgres", "--instances"]), true).is_err());
        assert!(engine_flags(&args(&["--postgres", "--instances", "0"]), true).is_err());
        assert!(engine_flags(&args(&["--postgres", "--instances", "3"]), false).is_err());
        assert!(engine_flags(&args(&["--sqlite"]), true).is_err());
        assert!(scratch_name().starts_with("bench_"));
    }
}
