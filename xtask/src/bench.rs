//! `cargo xtask bench`: criterion benchmarks of the bot, the last measured bundle sizes, then the
//! insights over 100,000 conversations and the bounded loopback load test of the desk.
//! `cargo xtask bench desk` / `insights` / `embed` run only that one.

use crate::cmd::{self, run};
use crate::dist::sizes_file;
use anyhow::Result;

pub fn bench(extra: &[String]) -> Result<()> {
    match extra.first().map(String::as_str) {
        Some("desk") => return desk_load(),
        Some("insights") => return insights(),
        Some("embed") => return crate::embed_bench::embed(),
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
        insights()?;
        desk_load()?;
    }
    println!("Record the figures in docs/benchmarks.md (criterion reports: target/criterion/).");
    Ok(())
}

/// The desk under load (crates/desk/benches/load.rs): the release desk on 127.0.0.1 port 0,
/// 10,000 customer streams held, then 1,000 customer messages/s to agents' streams. Sizes and
/// durations come from LOAD_* environment variables (see the bench's header).
fn desk_load() -> Result<()> {
    println!("\nDesk under load (loopback, release build):");
    run("desk load", cmd::cargo().args(["bench", "-p", "handoff-desk", "--bench", "load"]))
}

/// Escalation insights over 100,000 generated conversations (crates/desk/benches/insights.rs);
/// `INSIGHTS_N` changes the number.
fn insights() -> Result<()> {
    println!("\nInsights over 100,000 conversations (release build):");
    run("insights", cmd::cargo().args(["bench", "-p", "handoff-desk", "--bench", "insights"]))
}
