//! Issue 14, "exactly once, everywhere": agent messages and conversation starts are safe to
//! retry, the agent event stream resumes from its last id without losing or repeating a
//! notice, and a session that ends (logout, expiry, removal) ends its streams.

mod common;

use common::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Reads until the stream ends; panics if it is still open after `limit`. Returns what it read.
async fn read_to_end(s: &mut Sse, limit: Duration) -> Vec<SseEvent> {
    let deadline = Instant::now() + limit;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match s.next(left + Duration::from_millis(500)).await {
            Some(e) => seen.push(e),
            None => break,
        }
    }
    assert!(Instant::now() < deadline, "the stream was still open after {limit:?}; read {seen:#?}");
    seen
}

async fn presence(t: &TestDesk, agent: i64) -> String {
    t.desk.db.agent(agent).await.expect("db").expect("agent").presence
}

/// The agent stream as it opens: the first event carries the current position.
async fn agent_stream_at(a: &Agent, after: Option<i64>, header: bool) -> Sse {
    let mut path = "/v1/agent/events".to_string();
    let mut req = a.client.get(format!("{}{path}", a.base)).header("cookie", &a.cookie);
    if let Some(n) = after {
        if header {
            req = req.header("last-event-id", n.to_string());
        } else {
            path = format!("/v1/agent/events?after={n}");
            req = a.client.get(format!("{}{path}", a.base)).header("cookie", &a.cookie);
        }
    }
    let r = req.send().await.expect("stream");
    assert_eq!(r.status(), 200, "agent stream opens");
    Sse::new(r)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_ends_the_agent_stream_and_sets_presence_offline() {
    let t = spawn("", "").await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 3).await;
    assert_eq!(presence(&t, ana.id).await, "online");
    let mut s = ana.stream().await;
    let c = t.customer().await;
    assert_eq!(c.handoff("orders", "normal").await["status"], "assigned");
    s.until(WAIT, |e| e.event == "assigned").await;

    assert_eq!(ana.post("/v1/agent/logout", json!({})).await.status(), 204);
    // A new handoff right after the logout must not reach the old stream.
    let d = t.customer().await;
    let after = d.handoff("orders", "normal").await;
    let rest = read_to_end(&mut s, Duration::from_secs(3)).await;
    assert!(
        !rest.iter().any(|e| e.event == "assigned" || e.event == "queue.new"),
        "notice delivered after logout: {rest:#?} (handoff {after})"
    );
    assert_eq!(presence(&t, ana.id).await, "offline");
    assert_ne!(after["status"], "assigned", "nobody is online to take it: {after}");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_that_disappears_ends_its_stream() {
    // Expiry and deactivation both remove the stored session (the sweeper deletes expired ones):
    // the stream notices from the stored state, not from the request that removed it.
    let t = spawn("", "").await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 3).await;
    let mut s = ana.stream().await;
    let token = ana.cookie.split_once('=').expect("cookie pair").1;
    t.desk.db.delete_session(&handoff_desk::secret::hash_token(token)).await.expect("delete");
    read_to_end(&mut s, Duration::from_secs(5)).await;
    assert_eq!(presence(&t, ana.id).await, "offline");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_agent_message_returns_the_stored_one() {
    let t = spawn("", "").await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 3).await;
    let c = t.customer().await;
    assert_eq!(c.handoff("orders", "normal").await["status"], "assigned");

    for kind in ["messages", "notes"] {
        let body = json!({"client_id": format!("{kind}-1"), "text": "Your parcel left today."});
        let r1 = ana.on(&c.id, kind, body.clone()).await;
        assert_eq!(r1.status(), 201, "{kind}");
        let m1: Value = r1.json().await.expect("json");
        assert_eq!(m1["client_id"], format!("{kind}-1"));
        let r2 = ana.on(&c.id, kind, body).await;
        assert_eq!(r2.status(), 200, "{kind}: a retry is not a new message");
        assert_eq!(r2.json::<Value>().await.expect("json"), m1);

        let r3 = ana.on(&c.id, kind, json!({"client_id": format!("{kind}-1"), "text": "other"})).await;
        assert_eq!(r3.status(), 409, "{kind}");
        assert_eq!(r3.json::<Value>().await.expect("json")["error"], "client_id_reused");

        // Concurrent retries of one id: one message.
        let body = json!({"client_id": format!("{kind}-race"), "text": "same text"});
        let futs: Vec<_> = (0..8).map(|_| ana.on(&c.id, kind, body.clone())).collect();
        let statuses: Vec<u16> =
            futures_util::future::join_all(futs).await.iter().map(|r| r.status().as_u16()).collect();
        assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{kind}: {statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 7, "{kind}: {statuses:?}");
    }
    // Without a client id a reply still works (older consoles), each one a new message.
    assert_eq!(ana.on(&c.id, "messages", json!({"text": "plain"})).await.status(), 201);

    let detail: Value =
        ana.get(&format!("/v1/agent/conversations/{}", c.id)).await.json().await.expect("json");
    let texts: Vec<(&str, bool)> = detail["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter(|m| m["author"] == "agent")
        .map(|m| (m["text"].as_str().unwrap_or(""), m["internal"].as_bool().unwrap_or(false)))
        .collect();
    assert_eq!(
        texts,
        [
            ("Your parcel left today.", false),
            ("same text", false),
            ("Your parcel left today.", true),
            ("same text", true),
            ("plain", false)
        ]
    );
    // The customer saw each public reply once.
    let mut s = c.stream(None).await;
    let seen = s.until(WAIT, |e| e.event == "message" && e.data["message"]["text"] == "plain").await;
    let replies: Vec<&str> = seen
        .iter()
        .filter(|e| e.event == "message" && e.data["message"]["author"] == "agent")
        .filter_map(|e| e.data["message"]["text"].as_str())
        .collect();
    assert_eq!(replies, ["Your parcel left today.", "same text", "plain"]);
    t.stop().await;
}

async fn start_with_key(t: &TestDesk, key: &str) -> reqwest::Response {
    t.client
        .post(t.url("/v1/conversations"))
        .header("origin", ORIGIN)
        .json(&json!({"site_key": "demo", "locale": "en", "client_key": key}))
        .send()
        .await
        .expect("start")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_start_returns_the_same_conversation() {
    let t = spawn("", "").await;
    let key = "0f4c9a7e-5d1b-4e7a-9a61-0c2f3b8d9e10";
    let r1 = start_with_key(&t, key).await;
    assert_eq!(r1.status(), 201);
    let a: Value = r1.json().await.expect("json");
    let r2 = start_with_key(&t, key).await;
    assert_eq!(r2.status(), 200, "a retry is not a new conversation");
    let b: Value = r2.json().await.expect("json");
    assert_eq!(a, b, "same id and same token");

    // The token of the retry opens the conversation.
    let c = Customer {
        client: t.client.clone(),
        base: t.base.clone(),
        id: b["conversation_id"].as_str().expect("id").into(),
        token: b["token"].as_str().expect("token").into(),
    };
    assert_eq!(c.say("1", "hello").await.status(), 201);

    // Concurrent starts with one new key: one conversation.
    let other = "7d3e1f20-aa55-4c1b-8e9f-112233445566";
    let futs: Vec<_> = (0..8).map(|_| start_with_key(&t, other)).collect();
    let mut ids = Vec::new();
    for r in futures_util::future::join_all(futs).await {
        assert!(r.status() == 201 || r.status() == 200, "{}", r.status());
        let v: Value = r.json().await.expect("json");
        ids.push((v["conversation_id"].clone(), v["token"].clone()));
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_ne!(ids[0].0, a["conversation_id"]);

    // A key too short to be secret is refused (it is what lets a retry see the token again).
    let r = start_with_key(&t, "short").await;
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.expect("json")["error"], "invalid_client_key");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agent_stream_resumes_from_its_last_event_id() {
    let t = spawn("", "").await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 5).await;
    let mut s = agent_stream_at(&ana, None, false).await;
    let a = t.customer().await;
    assert_eq!(a.handoff("orders", "normal").await["status"], "assigned");
    let seen = s.until(WAIT, |e| e.event == "assigned").await;
    let last = seen.last().and_then(|e| e.id).expect("the notice has an id");
    drop(s);

    // While the console is away: an assignment, two customer messages, a transfer away.
    let b = t.customer().await;
    assert_eq!(b.handoff("orders", "normal").await["status"], "assigned");
    assert_eq!(a.say("a1", "first while away").await.status(), 201);
    assert_eq!(a.say("a2", "second while away").await.status(), 201);
    assert_eq!(ana.on(&b.id, "transfer", json!({"department": "returns"})).await.status(), 200);

    let expected = [
        ("assigned", b.id.as_str()),
        ("message", a.id.as_str()),
        ("message", a.id.as_str()),
        ("assignment.lost", b.id.as_str()),
    ];
    for header in [true, false] {
        let mut s = agent_stream_at(&ana, Some(last), header).await;
        let mut got = Vec::new();
        while let Some(e) = s.next(Duration::from_millis(700)).await {
            got.push(e);
        }
        let notices: Vec<(&str, &str)> = got
            .iter()
            .filter(|e| e.event != "ready")
            .map(|e| (e.event.as_str(), e.data["conversation_id"].as_str().unwrap_or("")))
            .collect();
        assert_eq!(notices, expected, "header {header}: {got:#?}");
        let texts: Vec<&str> = got.iter().filter_map(|e| e.data["message"]["text"].as_str()).collect();
        assert_eq!(texts, ["first while away", "second while away"]);
        let ids: Vec<i64> = got.iter().filter(|e| e.event != "ready").map(|e| e.id.expect("id")).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]) && ids[0] > last, "{ids:?} after {last}");
    }

    // A fresh stream (no id) starts at the current position and says so, so that its first
    // reconnect can resume even if no notice came in between.
    let mut s = agent_stream_at(&ana, None, false).await;
    let ready = s.next(WAIT).await.expect("ready");
    assert_eq!(ready.event, "ready");
    let at = ready.id.expect("ready has an id");
    assert_eq!(a.say("a3", "third").await.status(), 201);
    drop(s);
    let mut s = agent_stream_at(&ana, Some(at), true).await;
    let e = s.next(WAIT).await.expect("the missed message");
    assert_eq!((e.event.as_str(), e.data["message"]["text"].as_str()), ("message", Some("third")));

    // A bad id is a 400, not a silent fresh start.
    let r = ana.get("/v1/agent/events?after=abc").await;
    assert_eq!(r.status(), 400);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_ticket_answer_returns_the_ticket() {
    let t = spawn("", "").await;
    t.add_agent("ana@t", "Ana", "agent", &["orders"], 3).await;
    t.add_agent("ben@t", "Ben", "agent", &["orders"], 3).await;
    let (ana, ben) = (t.agent("ana@t").await, t.agent("ben@t").await);
    let c = t.customer().await;
    assert_eq!(c.handoff("orders", "normal").await["status"], "offline", "nobody online");
    let body = json!({"name": "Kim", "email": "kim@example.com", "message": "call me", "transcript": []});
    let r = c.post("/ticket", body).await;
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
    let path = format!("/v1/agent/tickets/{id}/answer");
    let first = ana.post(&path, json!({"text": "We will call."})).await;
    assert_eq!(first.status(), 200);
    let first: Value = first.json().await.expect("json");
    let again = ana.post(&path, json!({"text": "We will call."})).await;
    assert_eq!(again.status(), 200, "a retry of the same answer");
    assert_eq!(again.json::<Value>().await.expect("json"), first);
    assert_eq!(ana.post(&path, json!({"text": "Something else"})).await.status(), 409);
    assert_eq!(ben.post(&path, json!({"text": "We will call."})).await.status(), 409, "not Ben's answer");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resume_the_log_cannot_serve_asks_for_a_reload() {
    let t = spawn("", "").await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 5).await;
    let mut s = agent_stream_at(&ana, None, false).await;
    let start = s.next(WAIT).await.expect("ready").id.expect("id");
    for _ in 0..3 {
        let c = t.customer().await;
        assert_eq!(c.handoff("orders", "normal").await["status"], "assigned");
    }
    let seen = s.until(WAIT, |e| e.event == "assigned" && e.id > Some(start + 2)).await;
    drop(s);
    let newest = seen.last().and_then(|e| e.id).expect("id");

    // Retention dropped everything but the newest notice: a resume from before it cannot be
    // served in full, so the console is told to reload, then the stream goes on from now.
    let pruned = t.desk.db.prune_notices(i64::MAX, 0).await.expect("prune");
    assert!(pruned >= 2, "{pruned}");
    let mut s = agent_stream_at(&ana, Some(start), true).await;
    let e = s.next(WAIT).await.expect("resync");
    assert_eq!((e.event.as_str(), e.id), ("resync", Some(newest)));
    assert!(s.next(Duration::from_millis(300)).await.is_none(), "nothing replayed after a resync");

    // An id the log never had (another database) gets the same.
    let mut s = agent_stream_at(&ana, Some(newest + 1000), false).await;
    let e = s.next(WAIT).await.expect("resync");
    assert_eq!((e.event.as_str(), e.id), ("resync", Some(newest)));
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sweeper_sets_agents_without_a_session_offline() {
    // An expired session is deleted by the sweeper; with it the agent goes offline even when
    // no stream was open to notice.
    let t = spawn("", "").await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 3).await;
    let token = ana.cookie.split_once('=').expect("cookie pair").1;
    t.desk.db.delete_session(&handoff_desk::secret::hash_token(token)).await.expect("delete");
    eventually(WAIT, || async { (presence(&t, ana.id).await == "offline").then_some(()) }).await;
    let c = t.customer().await;
    assert_eq!(c.handoff("orders", "normal").await["status"], "offline", "no work for an absent agent");
    t.stop().await;
}
