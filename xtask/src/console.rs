//! The agent console: its release bundle in pkg/console/ (served by the desk at /console/) and
//! its end-to-end tests (Playwright in the system Chromium against a real desk).

use crate::cmd::{self, run};
use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

pub fn out_dir() -> PathBuf {
    crate::dist::pkg_dir().join("console")
}

/// `trunk build --release` of crates/console into pkg/console/ with public URL /console/.
/// Called after the widget's trunk build, which replaces pkg/ as a whole. Its own target dir
/// (target/console): the widget's dist build uses RUSTC_BOOTSTRAP and size flags that would
/// otherwise force rebuilds back and forth. The console is for agents on a desk, not a
/// size-budgeted embed: no LTO and parallel codegen keep its build quick on 2 cores.
pub fn build() -> Result<()> {
    let root = cmd::root();
    let out = out_dir();
    run(
        "console: trunk build",
        cmd::command("trunk")
            .current_dir(root.join("crates/console"))
            .args(["build", "--release", "--offline", "--public-url", "/console/", "--dist"])
            .arg(&out)
            .env("CARGO_TARGET_DIR", cmd::target_dir().join("console"))
            .env("CARGO_PROFILE_RELEASE_LTO", "false")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "s"),
    )?;
    if !out.join("index.html").is_file() {
        bail!("step console build failed: {} has no index.html", out.display());
    }
    Ok(())
}

/// Stops the desk (SIGTERM, then kill) however the step ends.
pub struct Desk(Child);

impl Drop for Desk {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.0.id().to_string()]).status();
        for _ in 0..50 {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The e2e step: npm packages when missing, a desk on a free port with a fresh data dir and
/// e2e/desk.toml (short SLAs, open around the clock), then `npx playwright test`.
pub fn e2e() -> Result<()> {
    let e2e = cmd::root().join("e2e");
    prepare()?;
    let (desk, url) = e2e_desk()?;
    let result = run(
        "e2e: playwright",
        cmd::command("npx")
            .current_dir(&e2e)
            .args(["playwright", "test"])
            .env("DESK_URL", &url)
            // console-mail.spec.js starts a desk of its own on real mail servers.
            .env("HANDOFF_DESK_BIN", cmd::target_dir().join("debug/handoff-desk")),
    );
    drop(desk);
    result
}

/// What every e2e run needs: the widget's demo page in pkg/ (from `cargo xtask dist`), the
/// console's bundle (built when missing) and the npm packages (installed when missing).
pub fn prepare() -> Result<()> {
    let e2e = cmd::root().join("e2e");
    if !crate::dist::pkg_dir().join("index.html").is_file() {
        bail!(
            "step e2e failed: {} has no index.html (the widget's demo page): run `cargo xtask dist` first",
            crate::dist::pkg_dir().display()
        );
    }
    if !out_dir().join("index.html").is_file() {
        build()?;
    }
    if !e2e.join("node_modules/@playwright/test").is_dir() {
        run("e2e: npm ci", cmd::command("npm").current_dir(&e2e).args(["ci", "--no-audit", "--no-fund"]))?;
    }
    Ok(())
}

/// A desk for browser tests and benches: built, then started on a free port with a fresh data
/// dir, e2e/desk.toml (short SLAs, open around the clock) and pkg/ as its static files. Returns
/// its guard (dropping it stops the desk) and its URL.
pub fn e2e_desk() -> Result<(Desk, String)> {
    let mut static_files = vec!["--static".into()];
    static_files.push(crate::dist::pkg_dir().into_os_string());
    spawn_desk("e2e-desk", "e2e/desk.toml", &static_files)
}

/// Builds the desk and starts it with `config` (relative to the repository), the demo seeded, a
/// fresh data dir target/<name> and `extra` arguments; waits until it listens.
pub fn spawn_desk(name: &str, config: &str, extra: &[std::ffi::OsString]) -> Result<(Desk, String)> {
    let root = cmd::root();
    run("build the desk", cmd::cargo().args(["build", "-q", "-p", "handoff-desk"]))?;
    let data = cmd::target_dir().join(name);
    let _ = std::fs::remove_dir_all(&data);
    let bin = cmd::target_dir().join("debug/handoff-desk");
    let log_path = cmd::target_dir().join(format!("{name}.log"));
    let log = std::fs::File::create(&log_path).with_context(|| format!("creating {}", log_path.display()))?;
    let mut child = Command::new(&bin)
        .current_dir(&root)
        .args(["serve", "--config", config, "--listen", "127.0.0.1:0", "--seed-demo"])
        .arg("--data-dir")
        .arg(&data)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))?;
    let stdout = child.stdout.take().context("desk stdout")?;
    let desk = Desk(child);
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        match lines.next() {
            Some(Ok(line)) => {
                if let Some(url) = line.strip_prefix("listening on ") {
                    break url.trim().to_string();
                }
            }
            _ => bail!("the desk exited before listening (log: {})", log_path.display()),
        }
    };
    // Keep draining the desk's stdout so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines.by_ref() {});
    println!("xtask: desk on {url} (data in {}, log in {})", data.display(), log_path.display());
    Ok((desk, url))
}
