//! kill -9 in the middle of a conversation: every acknowledged message and every SLA deadline
//! survives, and the deadline still fires after the restart.

mod common;

use common::process::{add_agent_by_cli, desk_bin, DeskProcess};
use common::*;
use serde_json::json;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The desk binary, as the tests below run it.
fn start(config: &Path) -> DeskProcess {
    DeskProcess::start(config, "warn")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_loses_no_acknowledged_message_and_no_deadline() {
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("handoff.toml");
    let sla = "[site.sla.high]\nfirst_response_secs = 4\nresolution_secs = 600\n";
    std::fs::write(&config, config_text(&dir.path().join("data"), "", sla)).expect("config");

    add_agent_by_cli(&config, "ana@t", "Ana", "orders,returns");

    let desk = start(&config);
    let client = client();
    let ana = Agent::login(&client, &desk.base, "ana@t", PASSWORD).await;
    // Online but with no free capacity: the handoff waits in the queue with its SLA clock running.
    assert_eq!(
        ana.put("/v1/agent/presence", json!({"presence": "online", "capacity": 0})).await.status(),
        200
    );
    let c = Customer::start(&client, &desk.base).await;
    let state = c.handoff("orders", "high").await;
    assert_eq!(state["status"], "queued", "{state}");
    let mut acked = Vec::new();
    for i in 0..25 {
        let text = format!("message {i} ✓ Ünïcödé");
        let r = c.say(&format!("k{i}"), &text).await;
        assert_eq!(r.status(), 201);
        acked.push(text);
    }
    // The deadline has not fired yet: whatever happens next happens in the new process.
    let st: serde_json::Value =
        client.get(c.path("")).bearer_auth(&c.token).send().await.expect("get").json().await.expect("json");
    assert_eq!(st["tier"], "agent", "killed too late: {st}");
    let mut desk = desk;
    desk.kill_9();
    drop(desk);

    let desk = start(&config);
    let c = Customer { base: desk.base.clone(), ..c };
    // Every acknowledged message is there, once, in order.
    let mut s = c.stream(None).await;
    let seen =
        s.until(WAIT, |e| e.event == "message" && e.data["message"]["text"] == acked[24].as_str()).await;
    let texts: Vec<&str> = seen
        .iter()
        .filter(|e| e.event == "message")
        .filter_map(|e| e.data["message"]["text"].as_str())
        .collect();
    assert_eq!(texts, acked.iter().map(String::as_str).collect::<Vec<_>>());
    let ids: Vec<i64> = seen.iter().filter_map(|e| e.id).collect();
    assert_eq!(ids, (1..=ids.len() as i64).collect::<Vec<_>>());

    // The first-response deadline (4 s after the handoff) fires in the new process.
    let esc = s.until(Duration::from_secs(20), |e| e.event == "escalated").await;
    let e = esc.last().expect("escalated");
    assert_eq!(
        (e.data["from_tier"].as_str(), e.data["to_tier"].as_str()),
        (Some("agent"), Some("supervisor"))
    );
    assert_eq!(e.data["reason"], "sla_first_response");

    // The session survived the restart too (it is stored, hashed).
    let ana = Agent { base: desk.base.clone(), ..ana };
    assert_eq!(ana.get("/v1/agent/me").await.status(), 200);
    drop(desk);
}

#[test]
fn refuses_to_start_on_invalid_content_and_names_file_and_line() {
    let dir = tempfile::tempdir().expect("dir");
    let content = dir.path().join("content");
    std::fs::create_dir_all(content.join("rules")).expect("mkdir");
    let site = std::fs::read_to_string(repo_root().join("content/demo/site.toml")).expect("site.toml");
    // Break the first tier line: first_tier names a tier that does not exist.
    std::fs::write(
        content.join("site.toml"),
        site.replace("first_tier = \"agent\"", "first_tier = \"wizard\""),
    )
    .expect("write");
    let config = dir.path().join("handoff.toml");
    std::fs::write(&config, format!("[[site]]\ncontent = \"{}\"\n", content.display())).expect("config");
    let out = desk_bin()
        .args(["serve", "--config"])
        .arg(&config)
        .args(["--listen", "127.0.0.1:0"])
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("site.toml:"), "names the file and line: {err}");
    assert!(err.contains("refusing to start"), "{err}");
}

#[test]
fn usage_and_agent_add_validation() {
    let out = desk_bin().output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("handoff.toml");
    std::fs::write(&config, config_text(&dir.path().join("data"), "", "")).expect("config");
    let out = desk_bin()
        .args(["agent", "add", "--config"])
        .arg(&config)
        .args([
            "--email",
            "x@t",
            "--name",
            "X",
            "--departments",
            "marketing",
            "--tier",
            "agent",
            "--password",
            "long-enough-pw",
        ])
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("marketing"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_shuts_down_gracefully_with_open_streams() {
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("handoff.toml");
    let www = dir.path().join("www");
    std::fs::create_dir_all(&www).expect("mkdir");
    std::fs::write(www.join("widget.js"), "console.log('widget')").expect("write");
    std::fs::write(&config, config_text(&dir.path().join("data"), "", "")).expect("config");
    let mut desk = DeskProcess::spawn(
        desk_bin()
            .args(["serve", "--config"])
            .arg(&config)
            .arg("--static")
            .arg(&www)
            .env("HANDOFF_LOG_FORMAT", "json")
            .env("RUST_LOG", "warn"),
    );
    let client = client();
    // The static directory is served for paths the API does not own.
    let js = client.get(format!("{}/widget.js", desk.base)).send().await.expect("get");
    assert_eq!(js.status(), 200);
    assert_eq!(js.text().await.expect("text"), "console.log('widget')");

    let c = Customer::start(&client, &desk.base).await;
    assert_eq!(c.say("1", "before shutdown").await.status(), 201);
    let mut s = c.stream(None).await;
    assert!(s.next(WAIT).await.is_some());
    let pid = desk.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
    // The stream ends and the process exits 0 promptly.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(st) = desk.child.try_wait().expect("wait") {
            break st;
        }
        assert!(std::time::Instant::now() < deadline, "desk did not exit after SIGTERM");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(status.success(), "{status:?}");
    assert!(s.next(Duration::from_secs(2)).await.is_none(), "stream ended");
    // The WAL was checkpointed: the main database file holds the message. (SQLite only: on
    // PostgreSQL the server owns its WAL and the desk has no file to leave behind.)
    if !common::pg::engine_is_postgres() {
        let wal = dir.path().join("data/handoff.db-wal");
        assert!(
            !wal.exists() || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) == 0,
            "WAL left behind"
        );
    }
}
