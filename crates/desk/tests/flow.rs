//! The whole escalation path over real HTTP: handoff -> assignment -> agent reply on the
//! customer stream -> escalation by SLA -> transfer -> resolve -> rating.

mod common;

use common::*;
use serde_json::json;
use std::time::Duration;

const SLA: &str = r#"
[site.sla.urgent]
first_response_secs = 30
resolution_secs = 3
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handoff_assignment_reply_sla_escalation_transfer_resolve_rating() {
    let t = spawn("", SLA).await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 3).await;
    let sam = t.online_agent("sam@t", "Sam", "supervisor", &["orders"], 3).await;
    let bea = t.online_agent("bea@t", "Bea", "supervisor", &["billing"], 3).await;
    let mut ana_events = ana.stream().await;

    let c = t.customer().await;
    assert_eq!(c.say("m1", "hello, my parcel is late").await.status(), 201);
    let mut stream = c.stream(None).await;

    // Rating is only for resolved conversations.
    assert_eq!(c.post("/rating", json!({"score": 5})).await.status(), 409);

    // Urgent as the bot gives it: an upset customer one level above orders' `high` (policy.rs).
    let mut body = handoff_body("orders", "urgent");
    body["reason"] = json!("frustration");
    let state: serde_json::Value = c.post("/handoff", body).await.json().await.expect("json");
    assert_eq!(state["status"], "assigned", "{state}");
    assert_eq!(state["agent_name"], "Ana");

    let seen = stream.until(WAIT, |e| e.event == "agent.joined").await;
    assert_eq!(seen[0].event, "message");
    assert!(seen.iter().any(|e| e.event == "handoff.status" && e.data["status"] == "accepted"));
    assert_eq!(seen.last().map(|e| e.data["agent_name"].clone()), Some(json!("Ana")));

    // Ana's console hears about the assignment.
    let assigned = ana_events.until(WAIT, |e| e.event == "assigned").await;
    assert_eq!(assigned.last().map(|e| e.data["conversation_id"].clone()), Some(json!(c.id)));

    // An internal note never reaches the customer; a reply does.
    assert_eq!(ana.on(&c.id, "notes", json!({"text": "VIP customer, be quick"})).await.status(), 201);
    assert_eq!(
        ana.on(&c.id, "messages", json!({"text": "Hi, I'm Ana <b>from</b> Fernhill"})).await.status(),
        201
    );
    let seen = stream.until(WAIT, |e| e.event == "message").await;
    let reply = &seen.last().expect("reply").data["message"];
    assert_eq!(reply["text"], "Hi, I'm Ana <b>from</b> Fernhill", "text is passed as text, not HTML-escaped");
    assert_eq!(reply["author"], "agent");
    assert!(seen.iter().all(|e| !e.data.to_string().contains("VIP")), "internal note leaked: {seen:?}");

    // The customer writes; Ana's stream gets it.
    assert_eq!(c.say("m2", "thanks!").await.status(), 201);
    let got = ana_events.until(WAIT, |e| e.event == "message").await;
    assert_eq!(got.last().map(|e| e.data["message"]["text"].clone()), Some(json!("thanks!")));

    // The resolution SLA (3 s) runs out: up one tier, Ana loses it, Sam gets it.
    let seen = stream.until(Duration::from_secs(15), |e| e.event == "agent.joined").await;
    let esc = seen.iter().find(|e| e.event == "escalated").expect("escalated event");
    assert_eq!(esc.data["from_tier"], "agent");
    assert_eq!(esc.data["to_tier"], "supervisor");
    assert_eq!(esc.data["reason"], "sla_resolution");
    assert!(seen.iter().any(|e| e.event == "agent.left" && e.data["agent_name"] == "Ana"));
    assert_eq!(seen.last().map(|e| e.data["agent_name"].clone()), Some(json!("Sam")));
    let lost = ana_events.until(WAIT, |e| e.event == "assignment.lost").await;
    assert_eq!(lost.last().map(|e| e.data["reason"].clone()), Some(json!("escalated")));
    // Ana can no longer reply.
    assert_eq!(ana.on(&c.id, "messages", json!({"text": "still here"})).await.status(), 409);

    // Sam transfers to billing (functional escalation); Bea, a billing supervisor, gets it.
    let r = sam.on(&c.id, "transfer", json!({"department": "billing", "note": "refund question"})).await;
    assert_eq!(r.status(), 200);
    let seen = stream.until(WAIT, |e| e.event == "agent.joined").await;
    let tr = seen.iter().find(|e| e.event == "transferred").expect("transferred");
    assert_eq!(
        (tr.data["from_department"].as_str(), tr.data["to_department"].as_str()),
        (Some("orders"), Some("billing"))
    );
    assert_eq!(seen.last().map(|e| e.data["agent_name"].clone()), Some(json!("Bea")));

    assert_eq!(bea.on(&c.id, "messages", json!({"text": "Refund is on its way."})).await.status(), 201);
    assert_eq!(bea.on(&c.id, "resolve", json!({})).await.status(), 200);
    let seen = stream.until(WAIT, |e| e.event == "resolved").await;
    assert!(seen.iter().any(|e| e.event == "handoff.status" && e.data["status"] == "completed"));

    // Rating after resolution; a different second rating conflicts, the same one is a retry.
    assert_eq!(c.post("/rating", json!({"score": 6})).await.status(), 422);
    assert_eq!(c.post("/rating", json!({"score": 4, "comment": "quick"})).await.status(), 204);
    assert_eq!(c.post("/rating", json!({"score": 4, "comment": "quick"})).await.status(), 204);
    assert_eq!(c.post("/rating", json!({"score": 1})).await.status(), 409);

    // The audit trail holds every step with its reason.
    let detail: serde_json::Value =
        bea.get(&format!("/v1/agent/conversations/{}", c.id)).await.json().await.expect("json");
    let kinds: Vec<&str> =
        detail["audit"].as_array().expect("audit").iter().filter_map(|a| a["kind"].as_str()).collect();
    for k in [
        "handoff",
        "queued",
        "assignment",
        "sla_breach",
        "assignment_lost",
        "escalation",
        "transfer",
        "resolution",
        "rating",
    ] {
        assert!(kinds.contains(&k), "audit lacks {k}: {kinds:?}");
    }
    let esc = detail["audit"]
        .as_array()
        .expect("audit")
        .iter()
        .find(|a| a["kind"] == "escalation")
        .expect("escalation row");
    assert_eq!(esc["reason"], "sla_resolution");
    assert_eq!(
        detail["handoff"]["slots"]["order_number"], "12345",
        "the transcript and context travel along"
    );
    assert!(detail["messages"].as_array().expect("messages").iter().any(|m| m["internal"] == true));

    // Sequence numbers on the customer stream are 1, 2, 3, ... without gaps.
    let mut replay = c.stream(None).await;
    let all = replay.until(WAIT, |e| e.event == "resolved").await;
    let ids: Vec<i64> = all.iter().filter_map(|e| e.id).collect();
    assert_eq!(ids, (1..=ids.len() as i64).collect::<Vec<_>>());

    let metrics = t.client.get(t.url("/metrics")).send().await.expect("metrics").text().await.expect("text");
    assert!(metrics.contains("handoff_escalations_total 1"), "{metrics}");
    assert!(metrics.contains("handoff_sla_breaches_total 1"), "{metrics}");
    assert!(metrics.contains("handoff_transfers_total 1"), "{metrics}");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_with_last_event_id_loses_and_repeats_nothing() {
    let t = spawn("", "").await;
    let c = t.customer().await;
    for i in 0..3 {
        assert_eq!(c.say(&format!("a{i}"), &format!("first {i}")).await.status(), 201);
    }
    let mut s = c.stream(None).await;
    let first = s.until(WAIT, |e| e.id == Some(2)).await;
    assert_eq!(first.len(), 2);
    drop(s); // disconnect after event 2

    // Messages written while disconnected.
    for i in 0..3 {
        assert_eq!(c.say(&format!("b{i}"), &format!("while away {i}")).await.status(), 201);
    }
    let mut s = c.stream(Some(2)).await;
    let rest = s.until(WAIT, |e| e.id == Some(6)).await;
    let ids: Vec<i64> = rest.iter().filter_map(|e| e.id).collect();
    assert_eq!(ids, vec![3, 4, 5, 6]);
    let texts: Vec<String> =
        rest.iter().map(|e| e.data["message"]["text"].as_str().unwrap_or("").to_string()).collect();
    assert_eq!(texts, ["first 2", "while away 0", "while away 1", "while away 2"]);

    // Live events keep coming on the resumed stream.
    assert_eq!(c.say("c0", "live").await.status(), 201);
    let metrics = t.client.get(t.url("/metrics")).send().await.expect("metrics").text().await.expect("text");
    let open: i64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("handoff_open_streams "))
        .and_then(|v| v.parse().ok())
        .expect("gauge");
    assert!(open >= 1, "an open stream is counted: {metrics}");
    let live = s.next(WAIT).await.expect("live event");
    assert_eq!(live.id, Some(7));
    assert!(s.next(Duration::from_millis(300)).await.is_none(), "no duplicates");

    // `?after=` works like Last-Event-ID (EventSource can't set headers, so the token can be a query too).
    let r = t
        .client
        .get(format!("{}?after=6&token={}", c.path("/events"), c.token))
        .send()
        .await
        .expect("stream");
    assert_eq!(r.status(), 200);
    let mut s = Sse::new(r);
    assert_eq!(s.next(WAIT).await.and_then(|e| e.id), Some(7));
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queue_position_then_assignment_when_capacity_frees_or_agent_comes_online() {
    let t = spawn("", "").await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 1).await;
    let first = t.customer().await;
    assert_eq!(first.handoff("orders", "normal").await["status"], "assigned");

    let second = t.customer().await;
    let state = second.handoff("orders", "normal").await;
    assert_eq!(state["status"], "queued", "{state}");
    assert_eq!(state["position"], 1);
    assert_eq!(state["estimated_wait_secs"], 60, "1 x 60 s average / 1 online agent");
    let third = t.customer().await;
    let state = third.handoff("orders", "normal").await;
    assert_eq!((state["position"].as_i64(), state["estimated_wait_secs"].as_i64()), (Some(2), Some(120)));

    // The queue is visible to a capable agent, in order.
    let q: serde_json::Value = ana.get("/v1/agent/queue").await.json().await.expect("json");
    let ids: Vec<&str> =
        q.as_array().expect("list").iter().filter_map(|c| c["conversation_id"].as_str()).collect();
    assert_eq!(ids, [second.id.as_str(), third.id.as_str()]);
    let none: serde_json::Value =
        ana.get("/v1/agent/queue?department=billing").await.json().await.expect("json");
    assert_eq!(none, json!([]));
    let same: serde_json::Value =
        ana.get("/v1/agent/queue?department=orders&tier=agent").await.json().await.expect("json");
    assert_eq!(same.as_array().map(Vec::len), Some(2));

    // Ana resolves the first: the second is assigned to her, the third moves up.
    let mut s3 = third.stream(None).await;
    assert_eq!(ana.on(&first.id, "resolve", json!({})).await.status(), 200);
    let st: serde_json::Value = t
        .client
        .get(second.path(""))
        .bearer_auth(&second.token)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(st["status"], "assigned");
    let moved = s3.until(WAIT, |e| e.event == "handoff.status" && e.data["position"] == 1).await;
    assert!(!moved.is_empty());

    // A new agent coming online takes the third.
    let _ben = t.online_agent("ben@t", "Ben", "agent", &["orders"], 2).await;
    let joined = s3.until(WAIT, |e| e.event == "agent.joined").await;
    assert_eq!(joined.last().map(|e| e.data["agent_name"].clone()), Some(json!("Ben")));

    // Claiming, escalating by hand and handing back to the bot.
    assert_eq!(
        ana.on(&second.id, "escalate", json!({"note": "needs a refund above my limit"})).await.status(),
        200
    );
    let st: serde_json::Value = t
        .client
        .get(second.path(""))
        .bearer_auth(&second.token)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!((st["status"].as_str(), st["tier"].as_str()), (Some("queued"), Some("supervisor")));
    let sam = t.online_agent("sam@t", "Sam", "supervisor", &["orders"], 0).await;
    assert_eq!(sam.on(&second.id, "claim", json!({})).await.status(), 409, "capacity 0");
    assert_eq!(
        ana.on(&second.id, "claim", json!({})).await.status(),
        403,
        "agent tier cannot take supervisor work"
    );
    sam.put("/v1/agent/presence", json!({"presence": "away", "capacity": 2})).await;
    assert_eq!(sam.on(&second.id, "claim", json!({})).await.status(), 200);
    assert_eq!(sam.on(&second.id, "handback", json!({"note": "self-service will do"})).await.status(), 200);
    let st: serde_json::Value = t
        .client
        .get(second.path(""))
        .bearer_auth(&second.token)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(st["status"], "bot");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_who_does_not_reply_in_time_loses_the_conversation() {
    // The desk's clock stands still until the test moves it past the deadline: no waiting.
    let clock = std::sync::Arc::new(handoff_desk::clock::SetClock::now());
    let sla = "[site.sla.high]\nfirst_response_secs = 120\nresolution_secs = 3600\n";
    let t = spawn_with_clock("", sla, clock.clone()).await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 2).await;
    let mut ana_events = ana.stream().await;
    let c = t.customer().await;
    let mut s = c.stream(None).await;
    // A handoff to the `bot` tier goes to the site's first human tier.
    let mut body = handoff_body("orders", "high");
    body["tier"] = json!("bot");
    let r = c.post("/handoff", body).await;
    let state: serde_json::Value = r.json().await.expect("json");
    assert_eq!((state["status"].as_str(), state["tier"].as_str()), (Some("assigned"), Some("agent")));

    // Typing travels both ways without an id.
    assert_eq!(c.post("/typing", json!({"typing": true})).await.status(), 204);
    let typing = ana_events.until(WAIT, |e| e.event == "typing").await;
    assert_eq!(typing.last().map(|e| e.data["typing"].clone()), Some(json!(true)));
    assert_eq!(ana.on(&c.id, "typing", json!({"typing": true})).await.status(), 204);
    let seen = s.until(WAIT, |e| e.event == "typing").await;
    let ev = seen.last().expect("typing");
    assert_eq!((ev.id, ev.data["author"].as_str()), (None, Some("agent")));

    // Ana never replies: two minutes on the desk's clock, she loses it, and it goes up to the
    // supervisor queue.
    clock.advance(Duration::from_secs(121));
    let lost = ana_events.until(WAIT, |e| e.event == "assignment.lost").await;
    assert_eq!(lost.last().map(|e| e.data["reason"].clone()), Some(json!("first_response_timeout")));
    let seen = s.until(WAIT, |e| e.event == "escalated").await;
    assert_eq!(seen.last().map(|e| e.data["reason"].clone()), Some(json!("sla_first_response")));
    assert!(seen.iter().any(|e| e.event == "agent.left"));
    let st: serde_json::Value =
        t.client.get(c.path("")).bearer_auth(&c.token).send().await.expect("get").json().await.expect("json");
    assert_eq!((st["status"].as_str(), st["tier"].as_str()), (Some("queued"), Some("supervisor")));
    assert_eq!(ana.on(&c.id, "messages", json!({"text": "sorry, here now"})).await.status(), 409);

    let r = ana.get(&format!("/v1/agent/conversations/{}", c.id)).await;
    assert_eq!(r.status(), 403, "an agent-tier agent cannot open supervisor work");
    let audit = t.desk.db.audit(&c.id).await.expect("audit");
    let lost = audit.iter().find(|a| a.kind == "assignment_lost").expect("assignment_lost row");
    assert_eq!((lost.reason.as_str(), lost.agent_id), ("first_response_timeout", Some(ana.id)));
    let breach = audit.iter().find(|a| a.kind == "sla_breach").expect("sla_breach row");
    assert_eq!(breach.reason, "first_response");
    t.stop().await;
}
