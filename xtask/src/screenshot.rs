//! `cargo xtask screenshot <url> <out.png> [--width W] [--height H]`: headless Chromium.

use crate::cmd::{self, run};
use crate::tools;
use anyhow::{bail, Context, Result};
use std::path::PathBuf;

pub fn screenshot(args: &[String]) -> Result<()> {
    let usage = "usage: cargo xtask screenshot <url> <out.png> [--width W] [--height H]";
    let (mut width, mut height) = (1280u32, 800u32);
    let mut positional = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        match flag {
            "--width" | "--height" => {
                let value = inline
                    .or_else(|| it.next().cloned())
                    .with_context(|| format!("{flag} needs a value; {usage}"))?;
                let n: u32 = value.parse().with_context(|| format!("{flag} {value:?} is not a number"))?;
                if flag == "--width" {
                    width = n
                } else {
                    height = n
                }
            }
            f if f.starts_with("--") => bail!("unknown option {f}; {usage}"),
            _ => positional.push(arg.clone()),
        }
    }
    let [url, out] = positional.as_slice() else { bail!("{usage}") };
    let mut out = PathBuf::from(out);
    if out.is_relative() {
        out = std::env::current_dir()?.join(out);
    }
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    if !std::path::Path::new(tools::CHROMIUM).exists() {
        bail!("{} is missing; run `cargo xtask setup`", tools::CHROMIUM);
    }
    let mut c = cmd::command(tools::CHROMIUM);
    c.args(tools::CHROMIUM_FLAGS)
        .arg(format!("--screenshot={}", out.display()))
        .arg(format!("--window-size={width},{height}"))
        .arg("--hide-scrollbars")
        .arg("--virtual-time-budget=5000")
        .arg(url);
    run("screenshot", &mut c)?;
    if !out.is_file() {
        bail!("step screenshot failed: chromium exited but wrote no {}", out.display());
    }
    println!("xtask: wrote {}", out.display());
    Ok(())
}
