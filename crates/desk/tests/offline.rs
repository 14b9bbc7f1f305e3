//! When nobody can take the chat: outside business hours, a wait over the site's maximum, or no
//! capable agent online. The customer gets `offline` and can leave a ticket agents can see.

mod common;

use common::*;
use serde_json::json;

async fn leave_ticket(c: &Customer) -> serde_json::Value {
    let r = c
        .post(
            "/ticket",
            json!({"name": "Jana Nováková", "email": "jana@example.cz", "message": "Prosím zavolejte mi.",
                   "transcript": [{"role": "customer", "text": "kde je moje objednávka?"}]}),
        )
        .await;
    assert_eq!(r.status(), 201);
    r.json().await.expect("json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outside_business_hours_answers_offline_and_takes_a_ticket() {
    // A schedule with no opening at all: always outside hours.
    let t = spawn("", "[site.hours]\ntime_zone = \"Pacific/Auckland\"\n").await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 3).await;
    let c = t.customer().await;
    // No ticket before the handoff said offline.
    assert_eq!(
        c.post("/ticket", json!({"name": "a", "email": "a@b.cz", "message": "m"})).await.status(),
        409
    );

    let state = c.handoff("orders", "normal").await;
    assert_eq!(state["status"], "offline", "{state}");
    assert_eq!(state["offline_reason"], "outside_hours");
    let mut s = c.stream(None).await;
    let ev = s.until(WAIT, |e| e.event == "handoff.status").await;
    assert_eq!(
        ev.last().map(|e| (e.data["status"].clone(), e.data["reason"].clone())),
        Some((json!("failed"), json!("outside_hours")))
    );

    let ticket = leave_ticket(&c).await;
    assert_eq!(ticket["name"], "Jana Nováková");
    let tickets: serde_json::Value = ana.get("/v1/agent/tickets").await.json().await.expect("json");
    let list = tickets.as_array().expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["conversation_id"], c.id.as_str());
    assert_eq!(list[0]["transcript"][0]["text"], "kde je moje objednávka?");
    assert_eq!(ana.get("/v1/agent/queue").await.json::<serde_json::Value>().await.expect("json"), json!([]));
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wait_over_the_maximum_answers_offline() {
    // 60 s average handle time, at most 90 s wait, one agent with room for one chat.
    let t = spawn("", "max_wait_secs = 90\n").await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 1).await;
    assert_eq!(t.customer().await.handoff("orders", "normal").await["status"], "assigned");
    let second = t.customer().await.handoff("orders", "normal").await;
    assert_eq!(
        (second["status"].as_str(), second["estimated_wait_secs"].as_i64()),
        (Some("queued"), Some(60))
    );
    // Position 2 would wait 120 s > 90 s.
    let c = t.customer().await;
    let state = c.handoff("orders", "normal").await;
    assert_eq!(state["status"], "offline", "{state}");
    assert_eq!(state["offline_reason"], "over_max_wait");
    leave_ticket(&c).await;
    let tickets: serde_json::Value = ana.get("/v1/agent/tickets").await.json().await.expect("json");
    assert_eq!(tickets.as_array().map(Vec::len), Some(1));

    // Offline is not final: once there is room, a new handoff attempt queues normally.
    let more = t.online_agent("ben@t", "Ben", "agent", &["orders"], 1).await;
    let again = c.handoff("orders", "normal").await;
    assert_eq!(again["status"], "queued", "{again}");
    drop(more);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_online_answers_offline() {
    let t = spawn("", "").await;
    t.add_agent("ana@t", "Ana", "agent", &["orders"], 3).await; // exists but offline
    let c = t.customer().await;
    let state = c.handoff("orders", "normal").await;
    assert_eq!(
        (state["status"].as_str(), state["offline_reason"].as_str()),
        (Some("offline"), Some("no_agent_online"))
    );
    // An online agent of another department does not count.
    t.online_agent("ben@t", "Ben", "agent", &["billing"], 3).await;
    assert_eq!(t.customer().await.handoff("orders", "normal").await["status"], "offline");
    let m = t.client.get(t.url("/metrics")).send().await.expect("metrics").text().await.expect("text");
    assert!(m.contains("handoff_offline_total 2"), "{m}");
    t.stop().await;
}
