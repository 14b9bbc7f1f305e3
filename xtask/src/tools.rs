//! `cargo xtask setup`: install the tools Handoff needs, only when missing or at the wrong version.

use crate::cmd::{self, output_of, run, which};
use anyhow::{bail, Result};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const WASM_BINDGEN_VERSION: &str = "0.2.130";
pub const TRUNK_VERSION: &str = "0.21.14";
pub const WASM_OPT_VERSION: &str = "108";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Chromium as root on this machine (also in webdriver.json). Without the background-networking
/// flags it hammers the closed network.
pub const CHROMIUM_FLAGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
];

static DONE: AtomicBool = AtomicBool::new(false);

/// Idempotent; runs its checks once per xtask process.
pub fn setup() -> Result<()> {
    if DONE.load(Ordering::Relaxed) {
        return Ok(());
    }
    println!("xtask: setup");
    wasm_target()?;
    system_packages()?;
    wasm_bindgen_cli()?;
    trunk()?;
    aiosmtpd()?;
    schemathesis()?;
    crate::postgres::ensure_for_tests()?;
    DONE.store(true, Ordering::Relaxed);
    println!("xtask: setup complete");
    Ok(())
}

fn ok(what: &str, detail: &str) {
    println!("  ok       {what} ({detail})");
}

/// The "ok" line of setup, for the checks that live in other modules.
pub fn ok_line(what: &str, detail: &str) {
    ok(what, detail);
}

fn installing(what: &str, why: &str) {
    println!("  install  {what}: {why}");
}

/// The SMTP server the desk's mail tests deliver to (crates/desk/tests/common/smtp.rs), from
/// PyPI by its package name; nothing happens when `python3` already imports it.
pub const AIOSMTPD: &str = "aiosmtpd";

/// The API fuzzer of `cargo xtask test` (api_fuzz.rs), from PyPI: the version its
/// configuration was written for.
pub const SCHEMATHESIS: &str = "schemathesis==4.32.5";

/// Runs Schemathesis's command line (`st`) through python3, wherever pip put the script.
pub const SCHEMATHESIS_CLI: &str =
    "import sys; from schemathesis.cli import schemathesis; sys.argv[0] = 'st'; sys.exit(schemathesis())";

fn schemathesis() -> Result<()> {
    let version =
        || output_of("python3", &["-c", "import importlib.metadata as m; print(m.version('schemathesis'))"]);
    if let Some(v) = version().filter(|v| SCHEMATHESIS.ends_with(v.trim())) {
        ok("schemathesis", v.trim());
        return Ok(());
    }
    installing(SCHEMATHESIS, "the API conformance step's fuzzer is missing");
    pip_install(SCHEMATHESIS)?;
    match version() {
        Some(v) => ok("schemathesis", v.trim()),
        None => bail!("step setup failed: pip installed {SCHEMATHESIS} but python3 cannot import it"),
    }
    Ok(())
}

/// `pip install` for the user's python3; a Debian python3 refuses pip outside a virtual
/// environment (PEP 668) unless told.
fn pip_install(package: &str) -> Result<()> {
    let pip = || {
        let mut c = cmd::command("python3");
        c.args(["-m", "pip", "install", "--quiet", package]);
        c
    };
    if run("setup", &mut pip()).is_err() {
        run("setup", pip().arg("--break-system-packages"))?;
    }
    Ok(())
}

fn aiosmtpd() -> Result<()> {
    let version = || output_of("python3", &["-c", "import aiosmtpd; print(aiosmtpd.__version__)"]);
    if let Some(v) = version() {
        ok("aiosmtpd", &format!("python3 module {v}"));
        return Ok(());
    }
    if which("python3").is_none() {
        bail!("step setup failed: python3 missing (the mail tests run aiosmtpd); install python3 and pip");
    }
    installing(AIOSMTPD, "the mail tests' SMTP server is missing");
    pip_install(AIOSMTPD)?;
    match version() {
        Some(v) => ok("aiosmtpd", &format!("python3 module {v}")),
        None => bail!("step setup failed: pip installed {AIOSMTPD} but python3 cannot import it"),
    }
    Ok(())
}

fn wasm_target() -> Result<()> {
    let libdir = output_of("rustc", &["--print", "target-libdir", "--target", WASM_TARGET]);
    let installed = libdir.as_deref().is_some_and(|dir| {
        std::fs::read_dir(dir)
            .map(|entries| entries.flatten().any(|e| e.file_name().to_string_lossy().starts_with("libcore-")))
            .unwrap_or(false)
    });
    if installed {
        ok(WASM_TARGET, "rust target installed");
        return Ok(());
    }
    installing(WASM_TARGET, "rust target missing");
    if which("rustup").is_none() {
        bail!("step setup failed: the {WASM_TARGET} target is missing and rustup is not on PATH; install it with your Rust distribution");
    }
    run("setup", cmd::command("rustup").args(["target", "add", WASM_TARGET]))
}

/// The version word of `<tool> --version` ("wasm-bindgen 0.2.130" -> "0.2.130").
fn version_of(program: &str) -> Option<String> {
    output_of(program, &["--version"])
        .and_then(|out| out.split_whitespace().nth(1).map(|v| v.trim_start_matches('v').to_string()))
}

fn wasm_bindgen_cli() -> Result<()> {
    let bindgen = version_of("wasm-bindgen");
    let runner = version_of("wasm-bindgen-test-runner");
    if bindgen.as_deref() == Some(WASM_BINDGEN_VERSION) && runner.as_deref() == Some(WASM_BINDGEN_VERSION) {
        ok("wasm-bindgen-cli", WASM_BINDGEN_VERSION);
        return Ok(());
    }
    installing(
        "wasm-bindgen-cli",
        &format!(
            "need {WASM_BINDGEN_VERSION}, found wasm-bindgen {} / wasm-bindgen-test-runner {} (takes ~5 min)",
            bindgen.as_deref().unwrap_or("none"),
            runner.as_deref().unwrap_or("none")
        ),
    );
    // Not --locked: the index lacks one of its locked dependencies.
    run(
        "setup",
        cmd::cargo().args(["install", "wasm-bindgen-cli", "--version", WASM_BINDGEN_VERSION, "--force"]),
    )?;
    match version_of("wasm-bindgen") {
        Some(v) if v == WASM_BINDGEN_VERSION => Ok(()),
        other => bail!(
            "step setup failed: installed wasm-bindgen-cli but `wasm-bindgen --version` reports {:?}; is ~/.cargo/bin first on PATH?",
            other
        ),
    }
}

fn trunk() -> Result<()> {
    let found = version_of("trunk");
    if found.as_deref() == Some(TRUNK_VERSION) {
        ok("trunk", TRUNK_VERSION);
        return Ok(());
    }
    installing(
        "trunk",
        &format!("need {TRUNK_VERSION}, found {} (takes ~15 min)", found.as_deref().unwrap_or("none")),
    );
    let locked = run(
        "setup",
        cmd::cargo().args(["install", "trunk", "--version", TRUNK_VERSION, "--locked", "--force"]),
    );
    if let Err(e) = locked {
        println!("xtask: {e:#}; retrying without --locked");
        run("setup", cmd::cargo().args(["install", "trunk", "--version", TRUNK_VERSION, "--force"]))?;
    }
    match version_of("trunk") {
        Some(v) if v == TRUNK_VERSION => Ok(()),
        other => bail!(
            "step setup failed: installed trunk but `trunk --version` reports {:?}; is ~/.cargo/bin first on PATH?",
            other
        ),
    }
}

/// nginx from Debian, for the multi-instance tests (they start their own from a config in
/// target/; the package's service need not run). /usr/sbin is often off a user's PATH.
const NGINX: &str = "/usr/sbin/nginx";

/// Dovecot from Debian, the IMAP server of the desk's inbound mail tests (they run a private
/// instance from a config in a temp dir; the package's own service need not run).
const DOVECOT: &str = "/usr/sbin/dovecot";

/// chromium, chromium-driver, binaryen, npm (with nodejs), postgresql, nginx and dovecot-imapd
/// from apt.
fn system_packages() -> Result<()> {
    let mut missing = Vec::new();
    if Path::new(CHROMIUM).exists() {
        ok("chromium", CHROMIUM);
    } else {
        missing.push(("chromium", CHROMIUM.to_string()));
    }
    if Path::new(CHROMEDRIVER).exists() {
        ok("chromedriver", CHROMEDRIVER);
    } else {
        missing.push(("chromium-driver", CHROMEDRIVER.to_string()));
    }
    match which("wasm-opt") {
        Some(path) => {
            let version = output_of("wasm-opt", &["--version"]).unwrap_or_default();
            ok("wasm-opt", &format!("{}, {version}", path.display()));
            if version.split_whitespace().nth(2) != Some(WASM_OPT_VERSION) {
                println!(
                    "  warning  Trunk.toml pins wasm_opt = \"version_{WASM_OPT_VERSION}\"; `trunk build --offline` fails with another version"
                );
            }
        }
        None => missing.push(("binaryen", "wasm-opt".to_string())),
    }
    // Node and npm run the agent console's Playwright tests (e2e/).
    match which("npm") {
        Some(path) => ok("npm", &path.display().to_string()),
        None => missing.push(("npm", "npm".to_string())),
    }
    // PostgreSQL for the desk's tests (issue 15): psql to reach a server, initdb for a private
    // cluster when there is none (see postgres.rs).
    if crate::postgres::server_installed() && which("psql").is_some() {
        ok("postgresql", "initdb and psql");
    } else {
        missing.push(("postgresql", "psql".to_string()));
    }
    if Path::new(NGINX).exists() || which("nginx").is_some() {
        ok("nginx", NGINX);
    } else {
        missing.push(("nginx", NGINX.to_string()));
    }
    if Path::new(DOVECOT).exists() {
        ok("dovecot", DOVECOT);
    } else {
        missing.push(("dovecot-imapd", DOVECOT.to_string()));
    }
    if missing.is_empty() {
        return Ok(());
    }
    let packages: Vec<&str> = missing.iter().map(|(p, _)| *p).collect();
    let what = missing.iter().map(|(_, w)| w.as_str()).collect::<Vec<_>>().join(", ");
    if !cmd::is_root() {
        bail!(
            "step setup failed: {what} missing; install them as root: apt-get update && apt-get install -y {}",
            packages.join(" ")
        );
    }
    // Install what is missing together: it is one apt transaction either way.
    installing(&packages.join(" "), &format!("{what} missing"));
    run("setup", cmd::command("apt-get").arg("update"))?;
    run(
        "setup",
        cmd::command("apt-get")
            .args(["install", "-y"])
            .args(&packages)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    for (package, path) in &missing {
        let present = if path.starts_with('/') { Path::new(path).exists() } else { which(path).is_some() };
        if !present {
            bail!("step setup failed: apt-get installed {package} but {path} is still missing");
        }
    }
    Ok(())
}
