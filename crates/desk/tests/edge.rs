//! Issue 14, "Also": the agent console cannot be framed and runs only its own scripts (while the
//! widget frame stays embeddable by the site's origins), a desk reachable from other machines
//! refuses to start without `public_url`, `/metrics` can require a token, and every command
//! answers `--help`.

mod common;

use common::*;
use handoff_desk::config::Config;
use handoff_desk::startup::Application;
use std::path::Path;
use std::process::Command;

/// A static dir shaped like `cargo xtask dist`'s pkg/: the widget's Trunk index at the top, the
/// console's under console/ (both with Trunk's inline start script).
fn static_dir(root: &Path) -> std::path::PathBuf {
    let dir = root.join("pkg");
    std::fs::create_dir_all(dir.join("console")).expect("dirs");
    let index = |name: &str| {
        format!(
            "<!doctype html><html><head>\n<script type=\"module\">\nimport init from '/{name}-0123456789abcdef.js';\n\
             await init();\n</script>\n<link rel=\"stylesheet\" href=\"/{name}-0123456789abcdef.css\"/>\n\
             </head><body></body></html>\n"
        )
    };
    std::fs::write(dir.join("index.html"), index("widget")).expect("widget index");
    std::fs::write(dir.join("console/index.html"), index("console/console")).expect("console index");
    std::fs::write(dir.join("console/console-0123456789abcdef.js"), "export default function(){}")
        .expect("console js");
    dir
}

fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_has_a_strict_csp_and_cannot_be_framed_but_the_widget_frame_can() {
    let root = tempfile::tempdir().expect("tmp");
    let pkg = static_dir(root.path());
    let d = spawn(&format!("static_dir = \"{}\"", pkg.display()), "").await;

    let r = d.client.get(d.url("/console/")).send().await.expect("console");
    assert_eq!(r.status(), 200);
    let csp = header(&r, "content-security-policy");
    let html = r.text().await.expect("html");
    let start = handoff_desk::embed::TrunkAssets::from_index(&html).expect("start script");
    for part in [
        "default-src 'self'",
        &format!("script-src 'self' 'wasm-unsafe-eval' {}", start.script_hash()),
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(part), "{part:?} missing from {csp:?}");
    }
    let scripts = csp.split(';').map(str::trim).find(|d| d.starts_with("script-src")).unwrap_or("");
    assert!(!scripts.contains("unsafe-inline") && !scripts.contains("'unsafe-eval'"), "{csp}");
    let r = d.client.get(d.url("/console/")).send().await.expect("console");
    assert_eq!(header(&r, "x-frame-options"), "DENY");
    assert_eq!(header(&r, "x-content-type-options"), "nosniff");
    // The console's own files are not frameable either.
    let r = d.client.get(d.url("/console/console-0123456789abcdef.js")).send().await.expect("js");
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "x-frame-options"), "DENY");

    // The widget frame: framed by the site's allowed origin, and only by it.
    let r = d.client.get(d.url(&format!("/widget/demo?origin={ORIGIN}"))).send().await.expect("frame");
    assert_eq!(r.status(), 200);
    assert!(header(&r, "content-security-policy").ends_with(&format!("frame-ancestors {ORIGIN}")));
    assert_eq!(header(&r, "x-frame-options"), "", "X-Frame-Options would forbid the embedding");
    d.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_need_the_token_when_one_is_configured() {
    let token = "metrics-0123456789abcdef";
    let d = spawn(&format!("metrics_token = \"{token}\""), "").await;
    for auth in [None, Some("Bearer wrong-token-0123456789"), Some("Bearer "), Some(token)] {
        let mut req = d.client.get(d.url("/metrics"));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let r = req.send().await.expect("metrics");
        assert_eq!(r.status(), 401, "{auth:?}");
        let v: serde_json::Value = r.json().await.expect("json");
        assert_eq!(v["error"], "metrics_token", "{v}");
    }
    let r = d.client.get(d.url("/metrics")).bearer_auth(token).send().await.expect("metrics");
    assert_eq!(r.status(), 200);
    assert!(r.text().await.expect("text").contains("handoff_"));
    d.stop().await;

    // Without a token configured, open as before.
    let d = spawn("", "").await;
    assert_eq!(d.client.get(d.url("/metrics")).send().await.expect("metrics").status(), 200);
    d.stop().await;
}

#[tokio::test]
async fn a_desk_reachable_from_outside_needs_public_url() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = config_text(&dir.path().join("data"), "", "").replace("127.0.0.1:0", "0.0.0.0:0");
    let config = Config::parse(&text, dir.path()).expect("config");
    let err = Application::build(config).await.err().expect("refused");
    let msg = err.to_string();
    assert!(msg.contains("public_url") && msg.contains("0.0.0.0"), "{msg}");

    let text = config_text(&dir.path().join("data"), "public_url = \"https://help.example\"", "")
        .replace("127.0.0.1:0", "0.0.0.0:0");
    let config = Config::parse(&text, dir.path()).expect("config");
    assert!(Application::build(config).await.is_ok(), "with public_url it starts");
}

fn desk_bin(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_handoff-desk")).args(args).output().expect("run handoff-desk")
}

#[test]
fn every_command_answers_help() {
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["seed-history", "--help"],
        &["agent", "--help"],
        &["agent", "add", "--help"],
        &["help", "serve"],
    ] {
        let out = desk_bin(args);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{args:?}: {:?} {}", out.status, String::from_utf8_lossy(&out.stderr));
        assert!(text.contains("Usage"), "{args:?}: {text}");
    }
    let serve = String::from_utf8_lossy(&desk_bin(&["serve", "--help"]).stdout).into_owned();
    for flag in ["--config", "--data-dir", "--listen", "--static", "--seed-demo"] {
        assert!(serve.contains(flag), "{flag} in {serve}");
    }
    let add = String::from_utf8_lossy(&desk_bin(&["agent", "add", "--help"]).stdout).into_owned();
    for flag in
        ["--email", "--name", "--departments", "--tier", "--password-stdin", "--password", "--capacity"]
    {
        assert!(add.contains(flag), "{flag} in {add}");
    }
    // A usage error is still one (exit 2), and every documented flag is still accepted: these
    // fail only on the missing config file.
    assert_eq!(desk_bin(&["serve"]).status.code(), Some(2));
    assert_eq!(desk_bin(&["frobnicate"]).status.code(), Some(2));
    for args in [
        &[
            "serve",
            "--config",
            "/nonexistent.toml",
            "--data-dir",
            "d",
            "--listen",
            "127.0.0.1:0",
            "--static",
            "s",
            "--seed-demo",
        ][..],
        &[
            "seed-history",
            "--config",
            "/nonexistent.toml",
            "--site",
            "demo",
            "--days",
            "3",
            "--force",
            "--data-dir",
            "d",
        ],
        &[
            "agent",
            "add",
            "--config",
            "/nonexistent.toml",
            "--email",
            "e@x",
            "--name",
            "N",
            "--departments",
            "orders",
            "--tier",
            "agent",
            "--password",
            "long-enough-1",
            "--capacity",
            "2",
            "--data-dir",
            "d",
        ],
    ] {
        let out = desk_bin(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("/nonexistent.toml"), "{args:?}: {err}");
    }
}
