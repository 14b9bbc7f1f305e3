//! `cargo xtask test`: the whole suite, in order, failing fast. `.ci/run` calls exactly this.

use crate::cmd::{self, run};
use crate::{dist, postgres, tools};
use anyhow::Result;
use std::process::ExitCode;

type Step = (&'static str, fn() -> Result<()>);

const STEPS: &[Step] = &[
    ("native tests (cargo test --workspace --exclude handoff-widget)", native),
    ("desk on PostgreSQL (cargo test -p handoff-desk --tests, HANDOFF_TEST_ENGINE=postgres)", desk_postgres),
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
/// server setup chose (HANDOFF_TEST_DATABASE_URL). `--tests` also reruns the lib's unit tests,
/// which take under a second.
fn desk_postgres() -> Result<()> {
    let admin = postgres::admin_url()?;
    // Before: what interrupted runs left; after: what failing tests left. The latter only
    // warns, so that it cannot hide the tests' own result.
    postgres::drop_stale_test_databases(&admin)?;
    let tests = run(
        "desk on PostgreSQL",
        cmd::cargo()
            .args(["test", "-p", "handoff-desk", "--tests"])
            .env("HANDOFF_TEST_ENGINE", "postgres")
            .env(postgres::TEST_URL_VAR, &admin),
    );
    if let Err(e) = postgres::drop_stale_test_databases(&admin) {
        println!("xtask: warning: {e:#}");
    }
    tests
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
