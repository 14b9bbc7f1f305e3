//! `cargo xtask dist`: the release widget bundle in pkg/ plus the exported demo site, measured
//! against the 120 KiB brotli budget.

use crate::cmd::{self, run};
use crate::{sizes, tools};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

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
    let self_optimise = inspect_index(&index)?;
    run(
        "dist: trunk build",
        cmd::command("trunk").args(["build", "--release", "--offline", "--dist", "pkg"]),
    )
    .context("if wasm-opt failed to parse the module, see the note at the top of Trunk.toml")?;
    let pkg = pkg_dir();
    if self_optimise {
        optimise_wasm(&pkg)?;
    }

    // After trunk: trunk replaces the dist directory.
    std::fs::create_dir_all(pkg.join("sites")).context("creating pkg/sites")?;
    run(
        "dist: content export",
        &mut bot(&["export", "content/demo", "--out", "pkg/sites/demo.bundle"]),
    )?;

    let report = sizes::measure(&pkg, &root).context("step dist: measuring pkg/")?;
    let table = report.table();
    println!("\n{table}");
    let out = sizes_file();
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).ok();
    }
    std::fs::write(&out, &table).with_context(|| format!("writing {}", out.display()))?;
    println!("(written to {})", out.strip_prefix(&root).unwrap_or(&out).display());
    if report.rows.is_empty() {
        bail!("step dist failed: trunk produced no .wasm/.js/.css under pkg/");
    }
    if report.over_budget() {
        bail!(
            "step dist: size budget failed: wasm+js+css is {} brotli bytes, over the {} byte (120 KiB) budget",
            report.total_brotli(),
            sizes::BUDGET
        );
    }
    Ok(report)
}

/// `cargo run -q -p handoff-bot -- <args>`
fn bot(args: &[&str]) -> std::process::Command {
    let mut c = cmd::cargo();
    c.args(["run", "-q", "-p", "handoff-bot", "--"]).args(args);
    c
}

/// Looks at the `<link data-trunk rel="rust">` tag. Returns true when the page turns Trunk's
/// wasm-opt off (`data-wasm-opt="0"`), in which case xtask runs wasm-opt itself.
fn inspect_index(index: &Path) -> Result<bool> {
    let html = std::fs::read_to_string(index).with_context(|| format!("reading {}", index.display()))?;
    let Some(tag) = rust_link(&html) else {
        println!("xtask: warning: index.html has no <link data-trunk rel=\"rust\"> tag; trunk builds the default crate with default settings");
        return Ok(false);
    };
    if attr(tag, "data-wasm-opt").as_deref() == Some("0") {
        println!("xtask: index.html sets data-wasm-opt=\"0\"; xtask runs wasm-opt -Oz itself");
        return Ok(true);
    }
    let params = attr(tag, "data-wasm-opt-params").unwrap_or_default();
    let absent: Vec<&str> = tools::WASM_OPT_FEATURES
        .iter()
        .copied()
        .filter(|f| !params.split_whitespace().any(|p| p == *f))
        .collect();
    if !absent.is_empty() {
        println!(
            "xtask: warning: index.html's rust link lacks data-wasm-opt-params {}; wasm-opt 108 may reject rustc 1.95 output (see Trunk.toml)",
            absent.join(" ")
        );
    }
    if attr(tag, "data-wasm-opt").as_deref() != Some("z") {
        println!("xtask: note: data-wasm-opt=\"z\" on the rust link gives the smallest wasm");
    }
    Ok(false)
}

fn rust_link(html: &str) -> Option<&str> {
    let mut rest = html;
    while let Some(start) = rest.find("<link") {
        let tail = &rest[start..];
        let end = tail.find('>')?;
        let tag = &tail[..end];
        if tag.contains("data-trunk") && attr(tag, "rel").as_deref() == Some("rust") {
            return Some(tag);
        }
        rest = &tail[end..];
    }
    None
}

/// The value of `name="..."` (or '...') in a tag; an attribute without value gives "".
fn attr(tag: &str, name: &str) -> Option<String> {
    let mut search = 0;
    while let Some(pos) = tag[search..].find(name) {
        let at = search + pos;
        let before_ok = at == 0 || tag.as_bytes()[at - 1].is_ascii_whitespace();
        let after = &tag[at + name.len()..];
        let boundary = after.chars().next().is_none_or(|c| c == '=' || c.is_ascii_whitespace() || c == '/');
        if before_ok && boundary {
            let after = after.trim_start();
            let Some(value) = after.strip_prefix('=') else {
                return Some(String::new());
            };
            let value = value.trim_start();
            let quote = value.chars().next()?;
            if quote == '"' || quote == '\'' {
                let inner = &value[1..];
                return inner.find(quote).map(|e| inner[..e].to_string());
            }
            let end = value.find(|c: char| c.is_ascii_whitespace()).unwrap_or(value.len());
            return Some(value[..end].to_string());
        }
        search = at + name.len();
    }
    None
}

/// wasm-opt -Oz with the feature flags on every .wasm directly in pkg/, then drop the SRI
/// hashes trunk computed for the unoptimised files.
fn optimise_wasm(pkg: &Path) -> Result<()> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(pkg).context("reading pkg/")? {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) == Some("wasm") {
            let tmp = path.with_extension("opt.wasm");
            let mut c = cmd::command("wasm-opt");
            c.arg("-Oz").args(tools::WASM_OPT_FEATURES).arg(&path).arg("-o").arg(&tmp);
            run("dist: wasm-opt", &mut c)?;
            std::fs::rename(&tmp, &path).with_context(|| format!("replacing {}", path.display()))?;
            names.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    let index = pkg.join("index.html");
    if let Ok(html) = std::fs::read_to_string(&index) {
        let fixed = drop_integrity(&html, &names);
        if fixed != html {
            std::fs::write(&index, fixed).context("writing pkg/index.html")?;
        }
    }
    Ok(())
}

/// Remove ` integrity="..."` from tags that reference one of `files`.
fn drop_integrity(html: &str, files: &[String]) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail.find('>').map(|e| e + 1).unwrap_or(tail.len());
        let tag = &tail[..end];
        if files.iter().any(|f| tag.contains(f.as_str())) {
            if let Some(i) = tag.find(" integrity=\"") {
                let after = &tag[i + 12..];
                let close = after.find('"').map(|c| i + 12 + c + 1).unwrap_or(tag.len());
                out.push_str(&tag[..i]);
                out.push_str(&tag[close..]);
            } else {
                out.push_str(tag);
            }
        } else {
            out.push_str(tag);
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_rust_link_and_its_attributes() {
        let html = r#"<link rel="stylesheet" href="x.css"><link data-trunk rel="rust" data-wasm-opt="0" data-wasm-opt-params="--enable-bulk-memory --enable-sign-ext" />"#;
        let tag = rust_link(html).unwrap();
        assert_eq!(attr(tag, "data-wasm-opt").as_deref(), Some("0"));
        assert_eq!(attr(tag, "data-wasm-opt-params").as_deref(), Some("--enable-bulk-memory --enable-sign-ext"));
        assert_eq!(attr(tag, "data-trunk").as_deref(), Some(""));
        assert_eq!(attr(tag, "data-missing"), None);
    }

    #[test]
    fn drops_only_the_wasm_integrity() {
        let html = r#"<link rel="modulepreload" href="/a.js" integrity="sha384-A"><link rel="preload" href="/a_bg.wasm" integrity="sha384-B" as="fetch">"#;
        let out = drop_integrity(html, &["a_bg.wasm".to_string()]);
        assert_eq!(out, r#"<link rel="modulepreload" href="/a.js" integrity="sha384-A"><link rel="preload" href="/a_bg.wasm" as="fetch">"#);
    }

    #[test]
    fn brotli_shrinks_repetitive_input() {
        let data = vec![b'a'; 10_000];
        let n = sizes::brotli_len(&data).unwrap();
        assert!(n > 0 && n < 100, "{n}");
    }
}
