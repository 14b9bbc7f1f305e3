//! Retries are safe: the same message id never makes a duplicate, a second handoff returns the
//! current state.

mod common;

use common::*;
use serde_json::json;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_message_returns_the_stored_one() {
    let t = spawn("", "").await;
    let c = t.customer().await;
    let r1 = c.say("abc-1", "Hallo, wo ist mein Paket?").await;
    assert_eq!(r1.status(), 201);
    let m1: serde_json::Value = r1.json().await.expect("json");
    let r2 = c.say("abc-1", "Hallo, wo ist mein Paket?").await;
    assert_eq!(r2.status(), 200, "a retry is not a new message");
    let m2: serde_json::Value = r2.json().await.expect("json");
    assert_eq!(m1, m2);

    let r3 = c.say("abc-1", "something else").await;
    assert_eq!(r3.status(), 409);
    assert_eq!(r3.json::<serde_json::Value>().await.expect("json")["error"], "client_id_reused");

    // Exactly one message event on the stream.
    let mut s = c.stream(None).await;
    let first = s.next(WAIT).await.expect("event");
    assert_eq!(first.data["message"]["client_id"], "abc-1");
    assert!(s.next(Duration::from_millis(300)).await.is_none(), "duplicate event");

    // Concurrent retries of the same id still store one message.
    let futs: Vec<_> = (0..8).map(|_| c.say("race", "same text")).collect();
    let statuses: Vec<u16> =
        futures_util::future::join_all(futs).await.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 7, "{statuses:?}");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_handoff_returns_the_current_state() {
    let t = spawn("", "").await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 1).await;
    let c = t.customer().await;
    let a = c.handoff("orders", "normal").await;
    let b = c.handoff("orders", "high").await; // even with different fields: it is the same handoff
    assert_eq!(a, b);
    assert_eq!(b["status"], "assigned");
    assert_eq!(b["priority"], "normal");
    let mine: serde_json::Value = ana.get("/v1/agent/conversations").await.json().await.expect("json");
    assert_eq!(mine.as_array().map(Vec::len), Some(1));

    let q = t.customer().await;
    let s1 = q.handoff("orders", "normal").await;
    let s2 = q.handoff("orders", "normal").await;
    assert_eq!(s1["status"], "queued");
    assert_eq!(s1, s2);
    let detail: serde_json::Value =
        ana.get(&format!("/v1/agent/conversations/{}", q.id)).await.json().await.expect("json");
    let handoffs =
        detail["audit"].as_array().expect("audit").iter().filter(|a| a["kind"] == "handoff").count();
    assert_eq!(handoffs, 1, "one handoff recorded");

    // After resolution the conversation is closed.
    assert_eq!(ana.on(&c.id, "resolve", json!({})).await.status(), 200);
    assert_eq!(c.post("/handoff", handoff_body("orders", "normal")).await.status(), 409);
    assert_eq!(c.say("late", "hello?").await.status(), 409);
    t.stop().await;
}
