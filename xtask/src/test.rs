//! `cargo xtask test`: the whole suite, in order, failing fast. `.ci/run` calls exactly this.

use crate::cmd::{self, run};
use crate::{dist, postgres, tools};
use anyhow::{bail, Context, Result};
use std::process::ExitCode;

type Step = (&'static str, fn() -> Result<()>);

const STEPS: &[Step] = &[
    ("format (cargo fmt --all --check)", format),
    ("lint (cargo clippy, warnings are errors; native, then the wasm crates for wasm32)", lint),
    ("native tests (cargo test --workspace --exclude handoff-widget)", native),
    ("desk on PostgreSQL (cargo test -p handoff-desk --tests, HANDOFF_TEST_ENGINE=postgres)", desk_postgres),
    (
        "API conformance: Schemathesis against a live desk, every check (unauthenticated, customer, agent, supervisor, manager)",
        crate::api_fuzz::api_fuzz,
    ),
    ("content check (handoff-bot check content/demo)", check),
    ("dialog tests (handoff-bot test content/demo)", dialogs),
    ("widget tests in headless Chromium (wasm-bindgen-test)", widget),
    ("dist and size budget", bundle),
    (
        "browser end-to-end: console and embedding (Playwright in Chromium against a desk)",
        crate::console::e2e,
    ),
    (
        "browser end-to-end: the handoff journey through nginx, two desks on PostgreSQL (issue 15)",
        crate::cluster::e2e,
    ),
];

pub fn test() -> ExitCode {
    if let Err(e) = tools::setup() {
        eprintln!("xtask: error: {e:#}");
        println!("xtask: 0 passed, 1 failed");
        return ExitCode::FAILURE;
    }
    let mut passed = 0;
    for (i, (name, step)) in STEPS.iter().enumerate() {
        println!("\nxtask: [{}/{}] {name}", i + 1, STEPS.len());
        if let Err(e) = step() {
            eprintln!("\nxtask: step {}/{} ({name}) failed: {e:#}", i + 1, STEPS.len());
            println!("xtask: {passed} passed, 1 failed");
            return ExitCode::FAILURE;
        }
        passed += 1;
    }
    println!("\nxtask: {passed} passed, 0 failed");
    ExitCode::SUCCESS
}

/// First and cheapest: code as `cargo fmt` leaves it (issue 16), so reviews see changes, not
/// formatting. The fix is one command.
fn format() -> Result<()> {
    run("format (run `cargo fmt --all` to fix)", cmd::cargo().args(["fmt", "--all", "--check"]))
}

/// Clippy with warnings as errors (issue 16): natively for everything but the widget, whose
/// code is wasm-only, then the widget and the console for their real target, where their
/// browser code compiles.
fn lint() -> Result<()> {
    let deny = ["--", "-D", "warnings"];
    run(
        "lint, native (run `cargo clippy --workspace --exclude handoff-widget --all-targets` to see)",
        cmd::cargo()
            .args(["clippy", "--workspace", "--exclude", "handoff-widget", "--all-targets"])
            .args(deny),
    )?;
    run(
        "lint, wasm32",
        cmd::cargo()
            .args([
                "clippy",
                "-p",
                "handoff-widget",
                "-p",
                "handoff-console",
                "--target",
                tools::WASM_TARGET,
                "--all-targets",
            ])
            .args(deny),
    )
}

/// The desk's integration tests run on SQLite here, whatever the caller's environment says.
fn native() -> Result<()> {
    run(
        "native tests",
        cmd::cargo()
            .args(["test", "--workspace", "--exclude", "handoff-widget"])
            .env("HANDOFF_TEST_ENGINE", "sqlite"),
    )
}

/// The desk's integration suite again, every desk on a PostgreSQL database of its own on the
/// server setup chose (HANDOFF_TEST_DATABASE_URL).
///
/// Selected as the desk's `--test` targets within the same package set as `native()`, not with
/// `-p handoff-desk`: cargo resolves dependency features per selected package set, so `-p` built
/// a second copy of every dependency and every test binary, which doubled the disk a clean run
/// needs (a CI run ran out of space here).
fn desk_postgres() -> Result<()> {
    let admin = postgres::admin_url()?;
    // Before: what interrupted runs left; after: what failing tests left. The latter only
    // warns, so that it cannot hide the tests' own result.
    postgres::drop_stale_test_databases(&admin)?;
    let tests = run(
        "desk on PostgreSQL",
        cmd::cargo()
            .args(["test", "--workspace", "--exclude", "handoff-widget"])
            .args(desk_test_targets()?)
            .env("HANDOFF_TEST_ENGINE", "postgres")
            .env(postgres::TEST_URL_VAR, &admin),
    );
    if let Err(e) = postgres::drop_stale_test_databases(&admin) {
        println!("xtask: warning: {e:#}");
    }
    tests
}

/// `--test <name>` for every integration test file of the desk (crates/desk/tests/*.rs).
fn desk_test_targets() -> Result<Vec<String>> {
    let dir = cmd::root().join("crates/desk/tests");
    let mut stems = Vec::new();
    for entry in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "rs") {
            if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
                stems.push(stem.to_string());
            }
        }
    }
    if stems.is_empty() {
        bail!("no integration tests found in {}", dir.display());
    }
    stems.sort();
    Ok(stems.into_iter().flat_map(|s| ["--test".to_string(), s]).collect())
}

fn check() -> Result<()> {
    run("content check", cmd::cargo().args(["run", "-q", "-p", "handoff-bot", "--", "check", "content/demo"]))
}

fn dialogs() -> Result<()> {
    run("dialog tests", cmd::cargo().args(["run", "-q", "-p", "handoff-bot", "--", "test", "content/demo"]))
}

/// `--lib --tests`: the wasm-bindgen tests in src/ and tests/. Doctests are left out: cargo
/// cross-compiles them for --target since 1.89, and the test runner cannot run a doctest binary.
fn widget() -> Result<()> {
    run(
        "widget tests",
        cmd::cargo()
            .args(["test", "-p", "handoff-widget", "--target", tools::WASM_TARGET, "--lib", "--tests"])
            .env("CHROMEDRIVER", tools::CHROMEDRIVER)
            .env("WASM_BINDGEN_TEST_TIMEOUT", "120"),
    )
}

fn bundle() -> Result<()> {
    dist::dist().map(|_| ())
}
