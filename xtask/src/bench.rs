//! `cargo xtask bench`: criterion benchmarks of the bot, then the last measured bundle sizes.

use crate::cmd::{self, run};
use crate::dist::sizes_file;
use anyhow::Result;

pub fn bench(extra: &[String]) -> Result<()> {
    run("bench", cmd::cargo().args(["bench", "-p", "handoff-bot"]).args(extra))?;
    let file = sizes_file();
    match std::fs::read_to_string(&file) {
        Ok(table) => {
            println!("\nWidget bundle (from the last `cargo xtask dist`, {}):\n{table}", file.display())
        }
        Err(_) => println!("\nNo bundle sizes yet: `cargo xtask dist` measures pkg/ (raw and brotli)."),
    }
    println!("Record the figures in docs/benchmarks.md (criterion reports: target/criterion/).");
    Ok(())
}
