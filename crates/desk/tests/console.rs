//! The routes the agent console needs beyond the agent moves, over real HTTP: canned
//! responses, a visitor's earlier conversations, answering offline tickets, and the supervisor's
//! overview, take-over and reassignment.

mod common;

use common::*;
use serde_json::{json, Value};

const CANNED: &str = r#"
[[site.canned]]
id = "greet"
department = "orders"
locale = "en"
title = "Greeting"
text = "Hi, I'm looking into your order now."

[[site.canned]]
id = "greet"
department = "orders"
locale = "de"
title = "Begrüßung"
text = "Hallo, ich sehe mir Ihre Bestellung gleich an."

[[site.canned]]
id = "refund"
department = "billing"
locale = "en"
title = "Refund"
text = "Your refund is on its way."
"#;

async fn start_as(t: &TestDesk, visitor: Option<&str>) -> Customer {
    let mut body = json!({"site_key": "demo", "locale": "en"});
    if let Some(v) = visitor {
        body["visitor_id"] = json!(v);
    }
    let r = t.client.post(t.url("/v1/conversations")).json(&body).send().await.expect("start");
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.expect("json");
    Customer {
        client: t.client.clone(),
        base: t.base.clone(),
        id: v["conversation_id"].as_str().expect("id").into(),
        token: v["token"].as_str().expect("token").into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn canned_responses_follow_the_agents_departments_and_locale() {
    let t = spawn("", CANNED).await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 3).await;
    let all: Value = ana.get("/v1/agent/canned").await.json().await.expect("json");
    let ids: Vec<(&str, &str)> = all
        .as_array()
        .expect("list")
        .iter()
        .map(|c| (c["id"].as_str().unwrap_or(""), c["locale"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(ids, vec![("greet", "en"), ("greet", "de")], "billing's refund is not Ana's");
    let de: Value = ana.get("/v1/agent/canned?locale=de").await.json().await.expect("json");
    assert_eq!(de[0]["text"], "Hallo, ich sehe mir Ihre Bestellung gleich an.");
    // The sites' departments and tiers, for transfer targets and their names.
    let sites: Value = ana.get("/v1/agent/sites").await.json().await.expect("json");
    assert_eq!(sites[0]["key"], "demo");
    let deps: Vec<&str> =
        sites[0]["departments"].as_array().expect("deps").iter().filter_map(|d| d["id"].as_str()).collect();
    assert_eq!(deps, ["orders", "returns", "billing", "account", "technical"]);
    assert_eq!(sites[0]["departments"][2]["name"]["de"], "Zahlungen & Rechnungen");
    assert_eq!(sites[0]["tiers"][3]["id"], "manager");
    // The site's embed snippet names the desk as the browser reached it.
    let host = t.base.trim_start_matches("http://");
    assert_eq!(
        sites[0]["embed"],
        json!({
            "snippet": format!("<script async src=\"http://{host}/embed.js\" data-site=\"demo\"></script>"),
            "portal_url": format!("http://{host}/help/demo"),
            "allowed_origins": [ORIGIN],
            "identity_verification": false,
        })
    );
    assert_eq!(t.client.get(t.url("/v1/agent/sites")).send().await.expect("get").status(), 401);
    // Without a session: 401.
    let r = t.client.get(t.url("/v1/agent/canned")).send().await.expect("get");
    assert_eq!(r.status(), 401);
    t.stop().await;
}

#[test]
fn canned_responses_with_unknown_departments_or_locales_are_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let bad =
        "[[site.canned]]\nid = \"x\"\ndepartment = \"nope\"\nlocale = \"xx\"\ntitle = \"t\"\ntext = \"t\"\n";
    let text = config_text(&dir.path().join("data"), "", bad);
    let config = handoff_desk::config::Config::parse(&text, dir.path()).expect("parses");
    let Err(problems) = handoff_desk::sites::Sites::load(&config.sites) else { panic!("accepted") };
    let all = problems.join("\n");
    assert!(all.contains("unknown department \"nope\"") && all.contains("locale \"xx\""), "{all}");
    let typo =
        "[[site.canned]]\nid = \"x\"\ndepartment = \"orders\"\nlocale = \"en\"\ntitle = \"t\"\ntxt = \"t\"\n";
    let text = config_text(&dir.path().join("data"), "", typo);
    assert!(handoff_desk::config::Config::parse(&text, dir.path()).is_err(), "unknown key");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn earlier_conversations_of_the_same_visitor() {
    let t = spawn("", "").await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 3).await;
    let first = start_as(&t, Some("visitor-42")).await;
    first.handoff("orders", "normal").await;
    assert_eq!(ana.on(&first.id, "resolve", json!({})).await.status(), 200);
    let _other = start_as(&t, Some("visitor-7")).await;
    let anonymous = start_as(&t, None).await;
    let now = start_as(&t, Some("visitor-42")).await;
    now.handoff("orders", "normal").await;

    let h: Value =
        ana.get(&format!("/v1/agent/conversations/{}/history", now.id)).await.json().await.expect("json");
    let ids: Vec<&str> =
        h.as_array().expect("list").iter().filter_map(|c| c["conversation_id"].as_str()).collect();
    assert_eq!(ids, vec![first.id.as_str()]);
    assert_eq!(h[0]["status"], "resolved");
    // No visitor id: no history (never everyone else's conversations).
    anonymous.handoff("orders", "normal").await;
    let h: Value = ana
        .get(&format!("/v1/agent/conversations/{}/history", anonymous.id))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(h, json!([]));
    // Someone outside the department cannot look.
    let ben = t.online_agent("ben@t", "Ben", "agent", &["billing"], 3).await;
    assert_eq!(ben.get(&format!("/v1/agent/conversations/{}/history", now.id)).await.status(), 403);
    // Too long a visitor id is refused.
    let r = t
        .client
        .post(t.url("/v1/conversations"))
        .json(&json!({"site_key": "demo", "locale": "en", "visitor_id": "v".repeat(201)}))
        .send()
        .await
        .expect("start");
    assert_eq!(r.status(), 422);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offline_ticket_is_answered_once() {
    let t = spawn("", "[site.hours]\ntime_zone = \"Pacific/Auckland\"\n").await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 3).await;
    let c = t.customer().await;
    assert_eq!(c.handoff("orders", "normal").await["status"], "offline");
    let r = c
        .post("/ticket", json!({"name": "Jana", "email": "jana@example.cz", "message": "<b>call me</b>"}))
        .await;
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
    let list: Value = ana.get("/v1/agent/tickets").await.json().await.expect("json");
    assert_eq!(
        (list[0]["status"].as_str(), list[0]["message"].as_str()),
        (Some("open"), Some("<b>call me</b>"))
    );

    let path = format!("/v1/agent/tickets/{id}/answer");
    let answer = |text: &str| ana.post(&path, json!({"text": text}));
    assert_eq!(answer("  ").await.status(), 422);
    let r = answer("We will call you tomorrow.").await;
    assert_eq!(r.status(), 200);
    let t1: Value = r.json().await.expect("json");
    assert_eq!((t1["status"].as_str(), t1["answered_by"].as_str()), (Some("answered"), Some("Ana")));
    assert_eq!(answer("again").await.status(), 409);
    assert_eq!(ana.post("/v1/agent/tickets/999/answer", json!({"text": "x"})).await.status(), 404);
    assert_eq!(ana.post("/v1/agent/tickets/abc/answer", json!({"text": "x"})).await.status(), 404);
    assert_eq!(ana.post(&format!("/v1/agent/tickets/{id}/answer"), json!({"txt": "x"})).await.status(), 422);
    let list: Value = ana.get("/v1/agent/tickets").await.json().await.expect("json");
    assert_eq!(list[0]["answer"], "We will call you tomorrow.");
    t.stop().await;
}

const SLA: &str = r#"
[site.sla.urgent]
first_response_secs = 300
resolution_secs = 3600
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn supervisor_overview_take_over_and_reassign() {
    // The desk's clock is moved past the deadline instead of waiting for it.
    let clock = std::sync::Arc::new(handoff_desk::clock::SetClock::now());
    let t = spawn_with_clock("", SLA, clock.clone()).await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 3).await;
    let sam = t.online_agent("sam@t", "Sam", "manager", &["orders", "billing"], 0).await;
    let bea = t.online_agent("bea@t", "Bea", "agent", &["orders"], 3).await;
    let mut ana_events = ana.stream().await;

    // Agents cannot see the overview or reassign.
    assert_eq!(ana.get("/v1/agent/supervisor/overview").await.status(), 403);

    // An urgent chat goes to Ana, who does not answer within 5 min: escalated up the ladder, where
    // only Sam (a manager with capacity 0) could take it: it waits, for Sam to see why.
    let c = t.customer().await;
    // Urgent as the bot gives it: an upset customer one level above orders' `high` (policy.rs).
    let mut body = handoff_body("orders", "urgent");
    body["reason"] = json!("frustration");
    let r = c.post("/handoff", body).await;
    assert_eq!(r.json::<Value>().await.expect("json")["status"], "assigned");
    clock.advance(std::time::Duration::from_secs(301));
    ana_events.until(WAIT, |e| e.event == "assignment.lost").await;
    let o: Value = sam.get("/v1/agent/supervisor/overview").await.json().await.expect("json");
    let esc = o["escalations"].as_array().expect("escalations");
    assert!(
        esc.iter().any(|e| e["conversation_id"] == c.id.as_str() && e["reason"] == "sla_first_response"),
        "{o}"
    );
    assert_eq!(o["queued"][0]["conversation_id"], c.id.as_str());
    assert_ne!(o["queued"][0]["tier"], "agent");
    assert!(o["agents"]
        .as_array()
        .expect("agents")
        .iter()
        .any(|a| a["name"] == "Ana" && a["presence"] == "online"));

    // Sam takes it over (beyond his own capacity of 0), then gives it to... Ana cannot take a
    // supervisor-tier chat.
    let r = sam.on(&c.id, "reassign", json!({"agent_id": sam.id, "note": "I'll handle this"})).await;
    assert_eq!(r.status(), 200);
    let s: Value = r.json().await.expect("json");
    assert_eq!((s["status"].as_str(), s["agent_id"].as_i64()), (Some("assigned"), Some(sam.id)));
    // A fresh first-response clock for the one who took it over.
    assert!(s["first_response_due"].is_string(), "{s}");
    // Sam's own list says since when he has it: the takeover, not Ana's assignment before it.
    let mine: Value = sam.get("/v1/agent/conversations").await.json().await.expect("json");
    let item = mine.as_array().expect("list").iter().find(|m| m["conversation_id"] == c.id.as_str()).cloned();
    let detail: Value =
        sam.get(&format!("/v1/agent/conversations/{}", c.id)).await.json().await.expect("json");
    let audit = detail["audit"].as_array().cloned().unwrap_or_default();
    let last = audit.iter().rev().find(|a| a["kind"] == "assignment").cloned().expect("an assignment");
    assert_eq!(last["reason"], "takeover", "{detail}");
    assert_eq!(item.expect("listed")["assigned_at"], last["at"]);
    assert_eq!(sam.on(&c.id, "reassign", json!({"agent_id": ana.id})).await.status(), 403);
    assert_eq!(sam.on(&c.id, "reassign", json!({"agent_id": sam.id})).await.status(), 409);
    assert_eq!(sam.on(&c.id, "reassign", json!({"agent_id": 999})).await.status(), 422);
    assert_eq!(sam.on(&c.id, "reassign", json!({"agent": 1})).await.status(), 422);
    assert_eq!(ana.on(&c.id, "reassign", json!({"agent_id": ana.id})).await.status(), 403);

    // A normal chat assigned to Ana is moved to Bea; Ana hears she lost it.
    let d = t.customer().await;
    let state = d.handoff("orders", "normal").await;
    let to_bea = if state["agent_name"] == "Ana" { bea.id } else { ana.id };
    let r = sam.on(&d.id, "reassign", json!({"agent_id": to_bea})).await;
    assert_eq!(r.status(), 200);
    let mut s = d.stream(None).await;
    let seen =
        s.until(WAIT, |e| e.event == "agent.joined" && e.data["agent_name"] != state["agent_name"]).await;
    assert!(seen.iter().any(|e| e.event == "agent.left"));
    let detail: Value =
        sam.get(&format!("/v1/agent/conversations/{}", d.id)).await.json().await.expect("json");
    assert!(detail["audit"].as_array().expect("audit").iter().any(|a| a["reason"] == "reassign"));
    assert_eq!(
        t.client
            .post(t.url(&format!("/v1/agent/conversations/{}/reassign", d.id)))
            .send()
            .await
            .expect("post")
            .status(),
        401
    );
    t.stop().await;
}
