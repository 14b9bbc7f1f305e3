//! The customer gives up waiting (`POST /v1/conversations/{id}/cancel`) and tickets promise when
//! to expect an answer (`Ticket.answer_expected_by`).

mod common;

use chrono::{DateTime, Datelike, Duration as ChronoDuration, Utc};
use common::*;
use serde_json::{json, Value};

/// A cancel with an empty body and no `Content-Type` (what a `fetch` without body sends).
async fn cancel_empty(c: &Customer) -> reqwest::Response {
    c.client.post(c.path("/cancel")).bearer_auth(&c.token).send().await.expect("cancel")
}

async fn queue_ids(agent: &Agent) -> Vec<String> {
    let q: Value = agent.get("/v1/agent/queue").await.json().await.expect("json");
    q.as_array()
        .expect("queue")
        .iter()
        .map(|s| s["conversation_id"].as_str().expect("id").to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_from_the_queue_returns_to_the_bot_and_a_new_handoff_queues_again() {
    let t = spawn("", "").await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 1).await;
    let first = t.customer().await;
    assert_eq!(first.handoff("orders", "normal").await["status"], "assigned");
    let c = t.customer().await;
    let queued = c.handoff("orders", "normal").await;
    assert_eq!((queued["status"].as_str(), queued["position"].as_i64()), (Some("queued"), Some(1)));
    let behind = t.customer().await;
    assert_eq!(behind.handoff("orders", "normal").await["position"], 2);
    assert_eq!(queue_ids(&ana).await, [c.id.clone(), behind.id.clone()]);
    let mut behind_stream = behind.stream(None).await;
    behind_stream.until(WAIT, |e| e.event == "handoff.status" && e.data["position"] == 2).await;

    let r = cancel_empty(&c).await;
    assert_eq!(r.status(), 200);
    let state: Value = r.json().await.expect("json");
    assert_eq!(state["status"], "bot", "{state}");
    assert!(state.get("position").is_none() && state.get("estimated_wait_secs").is_none(), "{state}");

    // The customer's stream says so (persisted, with an id).
    let mut s = c.stream(None).await;
    let seen = s.until(WAIT, |e| e.event == "handoff.status" && e.data["status"] == "returned_to_bot").await;
    let ev = seen.last().expect("event");
    assert_eq!(
        ev.data,
        json!({"type": "handoff.status", "status": "returned_to_bot", "reason": "cancelled"})
    );
    assert_eq!(ev.id, state["last_event_id"].as_i64());

    // Agents' queue no longer lists it; the one behind moved up and was told.
    assert_eq!(queue_ids(&ana).await, std::slice::from_ref(&behind.id));
    let moved = behind_stream.until(WAIT, |e| e.event == "handoff.status").await;
    assert_eq!(moved.last().expect("event").data["position"], 1);
    let detail: Value =
        ana.get(&format!("/v1/agent/conversations/{}", c.id)).await.json().await.expect("json");
    assert_eq!(detail["summary"]["status"], "bot", "{detail}");
    assert!(detail["summary"].get("first_response_due").is_none(), "SLA clocks stop: {detail}");
    let audit = detail["audit"].as_array().expect("audit");
    let last = audit.last().expect("row");
    assert_eq!(
        (last["kind"].as_str(), last["reason"].as_str()),
        (Some("hand_back"), Some("customer_cancelled"))
    );
    assert!(last.get("agent_id").is_none_or(Value::is_null), "{last}");

    // A retry (here with `{}`) changes nothing.
    let again = c.post("/cancel", json!({})).await;
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.expect("json");
    assert_eq!(again, state);

    // The customer can ask for a person again: back in the queue, behind the one who stayed.
    let back = c.handoff("orders", "normal").await;
    assert_eq!((back["status"].as_str(), back["position"].as_i64()), (Some("queued"), Some(2)), "{back}");
    assert_eq!(queue_ids(&ana).await, [behind.id.clone(), c.id.clone()]);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_after_an_offline_answer_returns_to_the_bot() {
    let t = spawn("", "").await;
    let c = t.customer().await;
    let state = c.handoff("orders", "normal").await;
    assert_eq!(
        (state["status"].as_str(), state["offline_reason"].as_str()),
        (Some("offline"), Some("no_agent_online"))
    );

    let r = cancel_empty(&c).await;
    assert_eq!(r.status(), 200);
    let state: Value = r.json().await.expect("json");
    assert_eq!(state["status"], "bot", "{state}");
    assert!(state.get("offline_reason").is_none(), "{state}");
    let mut s = c.stream(None).await;
    let seen = s.until(WAIT, |e| e.data["status"] == "returned_to_bot").await;
    let kinds: Vec<_> = seen.iter().filter_map(|e| e.data["status"].as_str()).collect();
    assert_eq!(kinds, ["failed", "returned_to_bot"]);
    // No longer offline: no ticket.
    let r = c.post("/ticket", json!({"name": "a", "email": "a@b.cz", "message": "m"})).await;
    assert_eq!(r.status(), 409);

    // Someone comes online: a new handoff goes through.
    t.online_agent("ana@t", "Ana", "agent", &["orders"], 2).await;
    assert_eq!(c.handoff("orders", "normal").await["status"], "assigned");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_is_refused_once_a_person_has_it_or_it_is_resolved() {
    let t = spawn("", "").await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 2).await;
    let c = t.customer().await;
    assert_eq!(c.handoff("orders", "normal").await["status"], "assigned");
    let r = cancel_empty(&c).await;
    assert_eq!(r.status(), 409);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["error"], "already_assigned", "{body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    let state: Value =
        c.client.get(c.path("")).bearer_auth(&c.token).send().await.expect("get").json().await.expect("json");
    assert_eq!((state["status"].as_str(), state["agent_name"].as_str()), (Some("assigned"), Some("Ana")));

    assert_eq!(ana.on(&c.id, "resolve", json!({})).await.status(), 200);
    let r = cancel_empty(&c).await;
    assert_eq!(r.status(), 409);
    assert_eq!(r.json::<Value>().await.expect("json")["error"], "conversation_closed");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_checks_token_origin_and_body() {
    let t = spawn("", "").await;
    let c = t.customer().await;
    let other = t.customer().await;
    let path = c.path("/cancel");
    let r = t.client.post(&path).bearer_auth(&other.token).send().await.expect("post");
    assert_eq!(r.status(), 403);
    assert_eq!(r.json::<Value>().await.expect("json")["error"], "bad_token");
    let r = t.client.post(&path).send().await.expect("post");
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<Value>().await.expect("json")["error"], "missing_token");
    let r = t
        .client
        .post(&path)
        .bearer_auth(&c.token)
        .header("origin", "http://evil.test")
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403);
    assert_eq!(r.json::<Value>().await.expect("json")["error"], "origin_not_allowed");
    let r = c.post("/cancel", json!({"why": "bored"})).await;
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.expect("json")["error"], "invalid_body");
    let r = t
        .client
        .post(t.url("/v1/conversations/nope/cancel"))
        .bearer_auth(&c.token)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 404);
    // With the bot already: a harmless 200.
    let r = t.client.post(&path).bearer_auth(&c.token).header("origin", ORIGIN).send().await.expect("post");
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.expect("json")["status"], "bot");
    t.stop().await;
}

fn parse_time(v: &Value) -> DateTime<Utc> {
    let s = v.as_str().unwrap_or_else(|| panic!("a time, got {v}"));
    assert!(s.ends_with('Z') && s.len() == "2026-11-29T16:00:00.000Z".len(), "RFC 3339 UTC with ms: {s}");
    DateTime::parse_from_rfc3339(s).expect("RFC 3339").with_timezone(&Utc)
}

async fn offline_ticket(t: &TestDesk) -> (Customer, Value) {
    let c = t.customer().await;
    assert_eq!(c.handoff("orders", "normal").await["status"], "offline");
    let r =
        c.post("/ticket", json!({"name": "Jana", "email": "jana@example.cz", "message": "call me"})).await;
    assert_eq!(r.status(), 201);
    let ticket = r.json().await.expect("json");
    (c, ticket)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_on_an_open_site_expects_an_answer_ticket_answer_secs_from_now() {
    // Open around the clock; nobody online, so the handoff answers offline.
    let t = spawn("", "ticket_answer_secs = 7200\n").await;
    let before = Utc::now();
    let (_, ticket) = offline_ticket(&t).await;
    let after = Utc::now();
    let expected = parse_time(&ticket["answer_expected_by"]);
    let created = parse_time(&ticket["created_at"]);
    assert_eq!(expected - created, ChronoDuration::seconds(7200), "{ticket}");
    assert!(expected >= before + ChronoDuration::seconds(7200) - ChronoDuration::milliseconds(1));
    assert!(expected <= after + ChronoDuration::seconds(7200));
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_outside_hours_expects_an_answer_after_the_next_opening() {
    // One overnight shift, three days from today (UTC): closed now, opening at a known instant.
    let today = Utc::now().date_naive();
    let day = today + ChronoDuration::days(3);
    let name =
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][day.weekday().num_days_from_monday() as usize];
    let extra =
        format!("ticket_answer_secs = 3600\n[site.hours]\ntime_zone = \"UTC\"\n{name} = [\"22:00-02:00\"]\n");
    let clock = std::sync::Arc::new(handoff_desk::clock::SetClock::now());
    let t = spawn_with_clock("", &extra, clock.clone()).await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 3).await;
    let (_, ticket) = offline_ticket(&t).await;
    let expected = parse_time(&ticket["answer_expected_by"]);
    // Across midnight while the test runs, "three days from today" moves by one day.
    let opening = |d: chrono::NaiveDate| d.and_hms_opt(22, 0, 0).expect("time").and_utc();
    let candidates = [opening(day), opening(Utc::now().date_naive() + ChronoDuration::days(3))];
    assert!(
        candidates.iter().any(|o| expected == *o + ChronoDuration::seconds(3600)),
        "expected {expected}, opening {candidates:?}"
    );
    assert!(expected >= Utc::now() + ChronoDuration::seconds(3600));

    // Agents see the same promise, and reading it ten minutes later does not move it.
    let list: Value = ana.get("/v1/agent/tickets").await.json().await.expect("json");
    assert_eq!(list[0]["answer_expected_by"], ticket["answer_expected_by"]);
    clock.advance(std::time::Duration::from_secs(600));
    let list: Value = ana.get("/v1/agent/tickets").await.json().await.expect("json");
    assert_eq!(list[0]["answer_expected_by"], ticket["answer_expected_by"]);
    let answered: Value = ana
        .post(&format!("/v1/agent/tickets/{}/answer", ticket["id"]), json!({"text": "done"}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(answered["answer_expected_by"], ticket["answer_expected_by"]);
    t.stop().await;
}
