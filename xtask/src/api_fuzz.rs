//! The API conformance step of `cargo xtask test` (issue 16): Schemathesis (PyPI, 4.x) against a
//! live desk, reading the OpenAPI document the desk serves (generated from its handlers and the
//! wire types), with every check on. It runs five times: unauthenticated; as the customer of
//! one conversation (its token, its id in every path); and signed in as an agent, a supervisor
//! and a manager of the demo. Any failure fails the step; Schemathesis prints how many
//! operations and cases it ran, and the command that replays a failure.

use crate::cmd::{self, run};
use crate::console::spawn_desk;
use anyhow::{bail, Context, Result};
use std::path::Path;

/// The desk it fuzzes: the demo with raised rate limits (the file says why).
const DESK_CONFIG: &str = "e2e/api/desk.toml";
/// Cases per operation and phase; with the coverage phase's own cases about 12,000 requests in
/// all, 3 to 4 minutes on two cores.
const MAX_EXAMPLES: &str = "25";
/// Fixed, so that a failure is reproduced by the same command.
const SEED: &str = "1";

/// Settings every run shares (see each line's reason).
const COMMON: &str = r#"
# A request the schema allows may still name something this deployment does not have: a site
# key, locale, department or tier it does not serve, an e-mail address an agent already uses, a
# text that is only spaces. The desk answers those with a documented 422 naming the value, which
# no schema can know in advance; every other refusal of schema-valid data still fails the run.
# (The rest is Schemathesis's default: 429 is the documented answer of rate limits and of the
# per-account login backoff, which the fuzzer's wrong passwords set off.)
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429"]

# The two event streams never end by themselves: read each for half a second (a stream with
# stored events sends them at once). Their only header parameter is `Last-Event-ID`; an HTTP
# request carries other headers too (a browser's always do), so an unknown header is not an
# error to expect there.
[[operations]]
include-path-regex = "/events$"
request-timeout = 0.5

[operations.generation]
allow-extra-parameters = false
"#;

struct Run {
    name: &'static str,
    /// Extra configuration: credentials and fixed parameters.
    config: String,
    args: Vec<String>,
}

/// The step of `cargo xtask test`: every run.
pub fn api_fuzz() -> Result<()> {
    api_fuzz_runs(&[])
}

/// `cargo xtask api-fuzz [RUN...]`: the named runs only (unauthenticated, customer, agent,
/// supervisor, manager), or all.
pub fn api_fuzz_runs(only: &[String]) -> Result<()> {
    let (desk, url) = spawn_desk("api-fuzz-desk", DESK_CONFIG, &[])?;
    let dir = cmd::target_dir().join("api-fuzz");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut runs = vec![Run { name: "unauthenticated", config: String::new(), args: vec![] }];
    runs.push(customer(&url)?);
    for (who, role) in [("ana", "agent"), ("sam", "supervisor"), ("max", "manager")] {
        runs.push(agent(&url, who, role)?);
    }
    let mut failed = Vec::new();
    for r in runs.iter().filter(|r| only.is_empty() || only.iter().any(|o| o == r.name)) {
        println!("\nxtask: Schemathesis, {}", r.name);
        let file = dir.join(format!("{}.toml", r.name.replace(' ', "-")));
        std::fs::write(&file, format!("{COMMON}\n{}", r.config))
            .with_context(|| format!("writing {}", file.display()))?;
        if schemathesis(&url, &file, &r.args).is_err() {
            failed.push(r.name);
        }
    }
    drop(desk);
    if !failed.is_empty() {
        bail!("Schemathesis found failures in the run(s): {} (see above)", failed.join(", "));
    }
    Ok(())
}

fn schemathesis(url: &str, config: &Path, args: &[String]) -> Result<()> {
    // Run in target/api-fuzz: Schemathesis keeps its example database in ./.schemathesis.
    let dir = config.parent().unwrap_or(Path::new("."));
    run(
        "Schemathesis",
        cmd::command("python3")
            .current_dir(dir)
            .args(["-c", crate::tools::SCHEMATHESIS_CLI, "--no-color"])
            .arg("--config-file")
            .arg(config)
            .args(["run", &format!("{url}/v1/openapi.json"), "--checks", "all"])
            // One worker: with two, Hypothesis (under CPython 3.11) now and then fails inside its
            // own AST cache ("AST constructor recursion depth mismatch"), a runtime error of the
            // fuzzer that says nothing about the desk.
            .args(["--phases", "examples,coverage,fuzzing", "--workers", "1"])
            .args(["--max-examples", MAX_EXAMPLES, "--seed", SEED])
            .args(args),
    )
}

/// A conversation on the demo site: the customer routes run with its token and its id.
fn customer(url: &str) -> Result<Run> {
    let started: serde_json::Value = ureq::post(format!("{url}/v1/conversations"))
        .send_json(serde_json::json!({ "site_key": "demo", "locale": "en" }))
        .context("starting a conversation")?
        .body_mut()
        .read_json()
        .context("reading the started conversation")?;
    let (Some(id), Some(token)) = (started["conversation_id"].as_str(), started["token"].as_str()) else {
        bail!("the desk started no conversation: {started}");
    };
    Ok(Run {
        name: "customer",
        config: format!(
            "[auth.openapi.customerToken]\nbearer = \"{token}\"\n\n\
             [auth.openapi.customerTokenQuery]\napi_key = \"{token}\"\n\n[parameters]\n\"path.id\" = \"{id}\"\n"
        ),
        args: vec!["--include-tag".into(), "customer".into()],
    })
}

/// Signed in as a demo agent. Signing out and ending sessions are left out: the run would end
/// its own session halfway (the unauthenticated run covers both); so are the customer routes,
/// which only the customer run can open.
fn agent(url: &str, who: &str, role: &'static str) -> Result<Run> {
    let mut res = ureq::post(format!("{url}/v1/agent/login"))
        .send_json(
            serde_json::json!({ "email": format!("{who}@fernhill.example"), "password": "fernhill-demo" }),
        )
        .with_context(|| format!("signing in as {who}"))?;
    let session = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("handoff_session=").and_then(|c| c.split(';').next()))
        .map(str::to_string)
        .context("the login set no handoff_session cookie")?;
    let body: serde_json::Value = res.body_mut().read_json().context("reading the login")?;
    let csrf = body["csrf_token"].as_str().context("the login returned no csrf_token")?;
    Ok(Run {
        name: role,
        config: format!(
            "[auth.openapi.agentSession]\napi_key = \"{session}\"\n\n[auth.openapi.csrf]\napi_key = \"{csrf}\"\n"
        ),
        args: [
            "--exclude-path",
            "/v1/agent/logout",
            "--exclude-path",
            "/v1/agent/sessions/{id}",
            "--exclude-tag",
            "customer",
        ]
            .map(String::from)
            .to_vec(),
    })
}
