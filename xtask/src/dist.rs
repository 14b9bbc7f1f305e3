//! `cargo xtask dist`: the release widget bundle in pkg/ plus the exported demo site (one bundle
//! per locale in pkg/sites/demo/), and what a visitor downloads after the click measured against
//! the 140 KiB brotli budget (sizes.rs), which it enforces.

use crate::cmd::{self, run};
use crate::{sizes, tools};
use anyhow::{bail, Context, Result};
use std::path::PathBuf;

/// rustc flags for the release widget only, each measured in docs/benchmarks.md:
/// `-Zlocation-detail=none` drops the file/line strings of panic locations (the customer never
/// sees them) and `-Zfmt-debug=none` compiles `{:?}` to nothing (only panic and log text uses
/// it). Together about 8 KiB brotli. They are unstable flags on the pinned stable 1.95
/// toolchain, so the build sets RUSTC_BOOTSTRAP=1, and uses its own target dir
/// (target/dist) because RUSTC_BOOTSTRAP changes how proc-macro2 and friends configure
/// themselves: sharing target/ would rebuild them on every switch between test and dist.
const SIZE_FLAGS: &str = "-Zlocation-detail=none -Zfmt-debug=none";

pub fn pkg_dir() -> PathBuf {
    cmd::root().join("pkg")
}

pub fn sizes_file() -> PathBuf {
    cmd::target_dir().join("dist-sizes.txt")
}

pub fn dist() -> Result<sizes::Report> {
    tools::setup()?;
    let root = cmd::root();

    run("dist: content check", &mut bot(&["check", "content/demo"]))?;

    let index = root.join("index.html");
    if !index.exists() {
        bail!("step dist: trunk build failed: {} does not exist", index.display());
    }
    // No wasm-opt (index.html sets data-wasm-opt="0"): measured on this bundle, -Oz makes the
    // raw wasm 15% smaller but the brotli-compressed wasm 6% larger (161 -> 172 KB with both
    // binaryen 108 and 132), and Debian's binaryen 108 also mis-rewrites wasm-bindgen's externref
    // table. Customers download brotli bytes. See docs/benchmarks.md.
    run(
        "dist: trunk build",
        cmd::command("trunk")
            .args(["build", "--release", "--offline", "--dist", "pkg"])
            .env("CARGO_TARGET_DIR", cmd::target_dir().join("dist"))
            .env("RUSTC_BOOTSTRAP", "1")
            .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", SIZE_FLAGS),
    )?;
    let pkg = pkg_dir();
    crate::imports::shorten_in(&pkg).context("step dist: shortening the widget's import names")?;
    crate::glue::compact_in(&pkg).context("step dist: compacting the wasm-bindgen glue")?;

    // After trunk: trunk replaces the dist directory.
    std::fs::create_dir_all(pkg.join("sites")).context("creating pkg/sites")?;
    run("dist: content export", &mut bot(&["export", "content/demo", "--out", "pkg/sites/demo"]))?;

    let (locales, default) = crate::frame_page::site_locales(&root.join("content/demo"))?;
    let report =
        sizes::measure(&pkg, &root, "demo", &locales, &default).context("step dist: measuring pkg/")?;
    let (loader, loader_line) = sizes::loader().context("step dist: measuring the loader")?;
    let table = format!("{}{loader_line}", report.table());
    println!("\n{table}");
    let out = sizes_file();
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).ok();
    }
    std::fs::write(&out, &table).with_context(|| format!("writing {}", out.display()))?;
    println!("(written to {})", out.strip_prefix(&root).unwrap_or(&out).display());
    if report.over_budget() {
        bail!(
            "step dist: size budget failed: a visitor downloads {} brotli bytes after the click, over the {} byte budget",
            report.total_brotli(),
            sizes::BUDGET
        );
    }
    if loader.brotli > sizes::LOADER_LIMIT {
        bail!(
            "step dist: loader size failed: embed/loader.js is {} brotli bytes, over {}",
            loader.brotli,
            sizes::LOADER_LIMIT
        );
    }
    // The agent console last: the widget's trunk build above replaces pkg/ as a whole.
    crate::console::build()?;
    // Then the .br/.gz copies the desk serves (see precompress.rs), of everything.
    let n = crate::precompress::precompress(&pkg).context("step dist: precompressing pkg/")?;
    println!("dist: wrote brotli and gzip copies of {n} files in pkg/");
    Ok(report)
}

/// `cargo run -q -p handoff-bot -- <args>`
fn bot(args: &[&str]) -> std::process::Command {
    let mut c = cmd::cargo();
    c.args(["run", "-q", "-p", "handoff-bot", "--"]).args(args);
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embed_loader_is_within_two_kilobytes_brotli() {
        let (row, line) = sizes::loader().unwrap();
        println!("{line}");
        assert!(row.brotli <= sizes::LOADER_LIMIT, "{line}");
    }

    #[test]
    fn brotli_shrinks_repetitive_input() {
        let data = vec![b'a'; 10_000];
        let n = sizes::brotli_len(&data).unwrap();
        assert!(n > 0 && n < 100, "{n}");
    }
}
