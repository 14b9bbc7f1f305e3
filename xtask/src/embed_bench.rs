//! `cargo xtask bench embed`: the embed loader's size and what a click on the launcher costs, in
//! real Chromium on loopback against a real desk (e2e/bench/click-to-interactive.js): bytes on
//! the wire before and after the click, and the time until the widget in its frame is usable.

use crate::cmd::{self, run};
use anyhow::Result;

pub fn embed() -> Result<()> {
    let root = cmd::root();
    let (_, line) = crate::sizes::loader()?;
    println!("\nEmbedding (issue 6):\n{line}");
    if !crate::dist::pkg_dir().join("index.html").is_file()
        || !crate::console::out_dir().join("index.html").is_file()
    {
        crate::dist::dist()?;
    }
    let e2e = root.join("e2e");
    if !e2e.join("node_modules/playwright-core").is_dir() {
        run(
            "bench embed: npm ci",
            cmd::command("npm").current_dir(&e2e).args(["ci", "--no-audit", "--no-fund"]),
        )?;
    }
    let (desk, url) = crate::console::e2e_desk()?;
    let result = run(
        "bench embed: click to interactive",
        cmd::command("node").current_dir(&e2e).arg("bench/click-to-interactive.js").env("DESK_URL", &url),
    );
    drop(desk);
    result
}
