//! `handoff-desk migrate-to`: an SQLite desk with conversations, agents and notices moves to
//! PostgreSQL and carries on there: the customer's token, the agent's password, the event log
//! (resumed with Last-Event-ID) and every numbering continue as if nothing happened.

mod common;

use common::process::desk_bin;
use common::*;
use handoff_desk::config::Config;
use serde_json::json;
use std::path::Path;

/// The test config on SQLite or on `db_url`, whatever engine the harness runs.
fn config_on(dir: &Path, db_url: Option<&str>) -> String {
    let text = config_text(&dir.join("data"), "", "");
    let text: String =
        text.lines().filter(|l| !l.trim_start().starts_with("database_url")).collect::<Vec<_>>().join("\n");
    match db_url {
        Some(u) => format!("database_url = \"{u}\"\n{text}"),
        None => text,
    }
}

async fn start(
    dir: &Path,
    db_url: Option<&str>,
) -> (String, std::sync::Arc<handoff_desk::desk::Desk>, TestStop) {
    let config = Config::parse(&config_on(dir, db_url), dir).expect("config");
    let (base, desk, tx, task) = start_app(config).await;
    (base, desk, TestStop(tx, task))
}

struct TestStop(tokio::sync::oneshot::Sender<()>, tokio::task::JoinHandle<std::io::Result<()>>);

impl TestStop {
    async fn stop(self) {
        let _ = self.0.send(());
        let _ = self.1.await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sqlite_desk_moves_to_postgres_and_carries_on() {
    let dir = tempfile::tempdir().expect("dir");
    let (base, desk, stop) = start(dir.path(), None).await;
    let ana = online_agent(&desk, &base, "ana@t", "Ana", "agent", &["orders"], 3).await;
    let c = Customer::start(&client(), &base).await;
    assert_eq!(c.say("k1", "hello ✓ Ünïcödé").await.status(), 201);
    assert_eq!(c.handoff("orders", "normal").await["status"], "assigned");
    assert_eq!(ana.on(&c.id, "messages", json!({"text": "Hi, Ana here"})).await.status(), 201);
    assert_eq!(ana.on(&c.id, "notes", json!({"text": "internal: VIP"})).await.status(), 201);
    let mut s = c.stream(None).await;
    let before = s.until(WAIT, |e| e.event == "message" && e.data["message"]["text"] == "Hi, Ana here").await;
    let last_id = before.iter().filter_map(|e| e.id).max().expect("ids");
    let messages_before = desk.db.messages(&c.id).await.expect("messages");
    let audit_before = desk.db.audit(&c.id).await.expect("audit");
    drop(s);
    stop.stop().await;

    let url = pg::fresh_database().await;
    let out = desk_bin()
        .args(["migrate-to", "--config"])
        .arg({
            let p = dir.path().join("handoff.toml");
            std::fs::write(&p, config_on(dir.path(), None)).expect("config file");
            p
        })
        .arg(&url)
        .output()
        .expect("migrate-to runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "migrate-to failed: {}\n{stdout}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("conversations: 1 rows"), "{stdout}");

    // A second run refuses: the target is no longer empty, nothing is doubled.
    let again = desk_bin()
        .args(["migrate-to", "--config"])
        .arg(dir.path().join("handoff.toml"))
        .arg(&url)
        .output()
        .expect("migrate-to runs");
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("not empty"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );

    let (base, desk, stop) = start(dir.path(), Some(&url)).await;
    assert_eq!(desk.db.messages(&c.id).await.expect("messages"), messages_before, "messages identical");
    assert_eq!(desk.db.audit(&c.id).await.expect("audit"), audit_before, "escalation path identical");

    // The customer's token and the agent's password still work; the log resumes where it was.
    let c = Customer { base: base.clone(), ..c };
    let ana = Agent::login(&client(), &base, "ana@t", PASSWORD).await;
    let mut s = c.stream(Some(last_id)).await;
    assert_eq!(c.say("k2", "still there?").await.status(), 201);
    assert_eq!(ana.on(&c.id, "messages", json!({"text": "yes, on PostgreSQL now"})).await.status(), 201);
    let after = s
        .until(WAIT, |e| e.event == "message" && e.data["message"]["text"] == "yes, on PostgreSQL now")
        .await;
    let texts: Vec<&str> = after
        .iter()
        .filter(|e| e.event == "message")
        .filter_map(|e| e.data["message"]["text"].as_str())
        .collect();
    assert_eq!(texts, ["still there?", "yes, on PostgreSQL now"], "nothing replayed, nothing lost");
    assert!(after.iter().filter_map(|e| e.id).all(|id| id > last_id));
    // Numbering continues: the new message ids follow the copied ones.
    let all = desk.db.messages(&c.id).await.expect("messages");
    let ids: Vec<i64> = all.iter().map(|m| m.id).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    // A new agent gets an id after the copied one (the sequence moved past it).
    let bo = add_agent(&desk, "bo@t", "Bo", "agent", &["orders"], 1).await;
    assert!(bo > ana.id, "agent ids continue: {bo} after {}", ana.id);
    stop.stop().await;
    pg::drop_database(&url).await;
}
