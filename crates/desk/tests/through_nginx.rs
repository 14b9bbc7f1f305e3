//! Three desk processes on one PostgreSQL behind a real nginx (docs/nginx-desk.conf), round
//! robin, no sticky sessions: every request may reach another instance, streams included.

mod common;

use common::nginx::Nginx;
use common::process::{add_agent_by_cli, DeskProcess};
use common::*;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Tells the test which instance answered (a test-only header: production must not expose it).
const UPSTREAM_HEADER: &str = "        add_header X-Handoff-Upstream $upstream_addr always;";

struct Cluster {
    _dir: tempfile::TempDir,
    desks: Vec<DeskProcess>,
    nginx: Nginx,
    db_url: String,
}

/// A config for desks that all use `db_url` and trust the local nginx.
fn write_config(dir: &Path, db_url: &str) -> PathBuf {
    let text = config_text(&dir.join("data"), "", "");
    // The PostgreSQL harness may already name a database: these desks share ours.
    let text: String =
        text.lines().filter(|l| !l.trim_start().starts_with("database_url")).collect::<Vec<_>>().join("\n");
    let top = format!("database_url = \"{db_url}\"\ntrusted_proxies = [\"127.0.0.1\"]\n");
    let path = dir.join("handoff.toml");
    std::fs::write(&path, format!("{top}{text}")).expect("config");
    path
}

async fn cluster(instances: usize) -> Cluster {
    let dir = tempfile::tempdir().expect("dir");
    let db_url = pg::fresh_database().await;
    let config = write_config(dir.path(), &db_url);
    add_agent_by_cli(&config, "ana@t", "Ana", "orders,returns");
    // The first start migrates; the others find the schema in place (and would wait on the
    // migrator's lock if they raced it).
    let desks: Vec<DeskProcess> = (0..instances).map(|_| DeskProcess::start(&config, "warn")).collect();
    let upstreams: Vec<String> = desks.iter().map(|d| d.base.clone()).collect();
    let nginx = Nginx::start(&upstreams, UPSTREAM_HEADER);
    Cluster { _dir: dir, desks, nginx, db_url }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.desks.clear();
        let url = self.db_url.clone();
        // Best effort: the database of a finished test is of no use.
        let _ = std::thread::spawn(move || {
            if let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                rt.block_on(pg::drop_database(&url));
            }
        })
        .join();
    }
}

fn texts(events: &[SseEvent]) -> Vec<String> {
    events
        .iter()
        .filter(|e| e.event == "message")
        .map(|e| e.data["message"]["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// A customer stream through nginx, with the instance that holds it.
async fn customer_stream(c: &Customer, after: Option<i64>) -> (Sse, String) {
    let mut req = c.client.get(c.path("/events")).bearer_auth(&c.token);
    if let Some(a) = after {
        req = req.header("last-event-id", a.to_string());
    }
    let r = req.send().await.expect("stream");
    assert_eq!(r.status(), 200, "stream opens through nginx");
    let upstream =
        r.headers().get("x-handoff-upstream").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    (Sse::new(r), upstream)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_cross_instances_once_and_in_order_through_nginx() {
    let cl = cluster(3).await;
    let client = client();
    let base = &cl.nginx.base;
    let ana = Agent::login(&client, base, "ana@t", PASSWORD).await;
    assert_eq!(
        ana.put("/v1/agent/presence", json!({"presence": "online", "capacity": 3})).await.status(),
        200
    );
    let mut agent_stream = ana.stream().await;
    let c = Customer::start(&client, base).await;
    let (mut s, _) = customer_stream(&c, None).await;
    assert_eq!(c.handoff("orders", "normal").await["status"], "assigned");
    agent_stream.until(WAIT, |e| e.event == "assigned").await;

    // Round robin: consecutive requests land on different instances, so every message is
    // written by one instance and must reach streams held by others.
    let mut expected = Vec::new();
    let mut from_customer = Vec::new();
    for i in 0..15 {
        let t = format!("customer {i}");
        assert_eq!(c.say(&format!("k{i}"), &t).await.status(), 201);
        expected.push(t.clone());
        from_customer.push(t);
        let t = format!("agent {i}");
        assert_eq!(ana.on(&c.id, "messages", json!({"text": t})).await.status(), 201);
        expected.push(t);
    }
    let last = expected.last().cloned().unwrap_or_default();
    let seen =
        texts(&s.until(WAIT, |e| e.event == "message" && e.data["message"]["text"] == last.as_str()).await);
    assert_eq!(seen, expected, "the customer sees every message once, in order");

    let last_customer = from_customer.last().cloned().unwrap_or_default();
    let notices = agent_stream
        .until(WAIT, |e| e.event == "message" && e.data["message"]["text"] == last_customer.as_str())
        .await;
    assert_eq!(texts(&notices), from_customer, "the agent sees every customer message once, in order");
    let ids: Vec<i64> = notices.iter().filter_map(|e| e.id).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "agent notice ids increase: {ids:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_of_the_streaming_instance_loses_and_duplicates_nothing() {
    let mut cl = cluster(3).await;
    let client = client();
    let base = cl.nginx.base.clone();
    let ana = Agent::login(&client, &base, "ana@t", PASSWORD).await;
    assert_eq!(
        ana.put("/v1/agent/presence", json!({"presence": "online", "capacity": 3})).await.status(),
        200
    );
    let c = Customer::start(&client, &base).await;
    assert_eq!(c.handoff("orders", "normal").await["status"], "assigned");
    let (mut s, holder) = customer_stream(&c, None).await;
    assert!(!holder.is_empty(), "nginx names the instance holding the stream");

    for i in 0..5 {
        assert_eq!(ana.on(&c.id, "messages", json!({"text": format!("before {i}")})).await.status(), 201);
    }
    let before = s.until(WAIT, |e| e.event == "message" && e.data["message"]["text"] == "before 4").await;
    let last_id = before.iter().filter_map(|e| e.id).max().expect("ids");

    // kill -9 the instance that holds the customer's stream, mid-conversation.
    let victim = cl.desks.iter().position(|d| d.base.ends_with(&holder)).expect("holder is one of ours");
    cl.desks[victim].kill_9();
    assert!(s.next(Duration::from_secs(5)).await.is_none(), "the killed instance's stream ends");

    // The conversation goes on through the surviving instances meanwhile.
    for i in 0..5 {
        let r = ana.on(&c.id, "messages", json!({"text": format!("after {i}")})).await;
        assert_eq!(r.status(), 201, "nginx skips the dead instance");
    }
    // The browser reconnects through nginx with Last-Event-ID and lands on another instance.
    let (mut s, holder2) = customer_stream(&c, Some(last_id)).await;
    assert_ne!(holder2, holder, "reconnected to a live instance");
    let after = s.until(WAIT, |e| e.event == "message" && e.data["message"]["text"] == "after 4").await;
    assert_eq!(
        texts(&after),
        (0..5).map(|i| format!("after {i}")).collect::<Vec<_>>(),
        "nothing lost, nothing repeated"
    );
    assert!(after.iter().filter_map(|e| e.id).all(|id| id > last_id), "only events after Last-Event-ID");
}
