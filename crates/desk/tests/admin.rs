//! The team's administration (issue 20): a manager creates, edits, deactivates and reactivates
//! agents; who may do what; what a deactivation does at once; every change audited. On SQLite,
//! and on PostgreSQL with HANDOFF_TEST_ENGINE=postgres.

mod common;

use common::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

async fn body(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The events of `s` until the stream ends; fails if it has not ended within `within`.
async fn until_the_end(s: &mut Sse, within: Duration) -> Vec<SseEvent> {
    let deadline = Instant::now() + within;
    let mut seen = Vec::new();
    while let Some(e) = s.next(deadline.saturating_duration_since(Instant::now())).await {
        seen.push(e);
    }
    assert!(Instant::now() < deadline, "the stream was still open after {within:?}: {seen:#?}");
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_creates_an_agent_who_signs_in_and_gets_a_chat() {
    let t = spawn("", "").await;
    let max = t.online_agent("max@t", "Max", "manager", &["orders", "billing"], 0).await;
    let new = json!({"email": " Bea@Example.test ", "name": "Bea Novak", "tier": "agent",
                     "departments": ["orders"], "capacity": 2});
    let (s, created) = body(max.post("/v1/agent/admin/agents", new.clone()).await).await;
    assert_eq!(s, 201, "{created}");
    let agent = &created["agent"];
    assert_eq!((agent["email"].as_str(), agent["tier"].as_str()), (Some("bea@example.test"), Some("agent")));
    assert_eq!((agent["capacity"].as_u64(), agent["presence"].as_str()), (Some(2), Some("offline")));
    let password = created["password"].as_str().expect("the made-up password, shown once").to_string();
    assert!(password.len() >= 16, "{password}");

    // She signs in with it and gets the next chat of her department.
    let bea = Agent::login(&t.client, &t.base, "bea@example.test", &password).await;
    assert_eq!(bea.put("/v1/agent/presence", json!({"presence": "online"})).await.status(), 200);
    let c = t.customer().await;
    let state = c.handoff("orders", "normal").await;
    assert_eq!(
        (state["status"].as_str(), state["agent_name"].as_str()),
        (Some("assigned"), Some("Bea Novak"))
    );

    // The same address again, and bad input: nothing is created.
    let (s, e) = body(max.post("/v1/agent/admin/agents", new).await).await;
    assert_eq!((s, e["error"].as_str()), (409, Some("agent_exists")));
    for (bad, code) in [
        (
            json!({"email": "cy@t.test", "name": "Cy", "tier": "agent", "departments": ["orders"], "password": "short"}),
            "weak_password",
        ),
        (
            json!({"email": "cy@t.test", "name": "Cy", "tier": "agent", "departments": ["orders"], "password": "Password2026"}),
            "weak_password",
        ),
        (
            json!({"email": "cy@t.test", "name": "Cy", "tier": "chief", "departments": ["orders"]}),
            "unknown_tier",
        ),
        (
            json!({"email": "cy@t.test", "name": "Cy", "tier": "bot", "departments": ["orders"]}),
            "unknown_tier",
        ),
        (
            json!({"email": "cy@t.test", "name": "Cy", "tier": "agent", "departments": ["kitchen"]}),
            "unknown_department",
        ),
        (json!({"email": "cy@t.test", "name": "Cy", "tier": "agent", "departments": []}), "missing_field"),
        (
            json!({"email": "cy@t.test", "name": "  ", "tier": "agent", "departments": ["orders"]}),
            "missing_field",
        ),
        (
            json!({"email": "not-an-address", "name": "Cy", "tier": "agent", "departments": ["orders"]}),
            "invalid_email",
        ),
        (
            json!({"email": "cy@t.test", "name": "Cy", "tier": "agent", "departments": ["orders"], "capacity": 1000}),
            "invalid_capacity",
        ),
        (
            json!({"email": "cy@t.test", "name": "Cy", "tier": "agent", "departments": ["orders"], "admin": true}),
            "invalid_body",
        ),
        (json!(["cy@t.test", "Cy"]), "invalid_body"),
    ] {
        let (s, e) = body(max.post("/v1/agent/admin/agents", bad.clone()).await).await;
        assert_eq!((s, e["error"].as_str()), (422, Some(code)), "{bad}: {e}");
    }
    let list: Value = max.get("/v1/agent/admin/agents").await.json().await.expect("json");
    let emails: Vec<&str> =
        list.as_array().expect("list").iter().filter_map(|a| a["email"].as_str()).collect();
    assert_eq!(emails, ["bea@example.test", "max@t"], "by name; nothing of the refused ones");

    // A password the manager chooses works too, and is not answered back.
    let (s, made) = body(
        max.post(
            "/v1/agent/admin/agents",
            json!({"email": "cy@t.test", "name": "Cy", "tier": "supervisor", "departments": ["billing"],
                   "password": "a long enough secret"}),
        )
        .await,
    )
    .await;
    assert_eq!(s, 201, "{made}");
    assert!(made.get("password").is_none(), "{made}");
    Agent::login(&t.client, &t.base, "cy@t.test", "a long enough secret").await;
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn who_may_administer_whom() {
    let t = spawn("", "").await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 3).await;
    let sam = t.online_agent("sam@t", "Sam", "supervisor", &["orders"], 3).await;
    let bob = t.add_agent("bob@t", "Bob", "agent", &["billing"], 3).await;
    let zoe = t.add_agent("zoe@t", "Zoe", "supervisor", &["orders"], 3).await;
    let max_id = t.add_agent("max@t", "Max", "manager", &["orders", "billing"], 3).await;
    let newbie = |dept: &str, tier: &str| json!({"email": format!("n-{dept}-{tier}@t.test"), "name": "N", "tier": tier, "departments": [dept]});

    // An agent administers nobody.
    for r in [
        ana.get("/v1/agent/admin/agents").await,
        ana.post("/v1/agent/admin/agents", newbie("orders", "agent")).await,
        ana.put(&format!("/v1/agent/admin/agents/{bob}"), json!({"capacity": 1})).await,
        ana.post(&format!("/v1/agent/admin/agents/{bob}/deactivate"), json!({})).await,
        ana.get("/v1/agent/admin/audit").await,
    ] {
        assert_eq!(body(r).await.1["error"], "not_supervisor");
    }
    // A supervisor: agents below them in their own departments, nobody else.
    assert_eq!(sam.post("/v1/agent/admin/agents", newbie("orders", "agent")).await.status(), 201);
    for (req, why) in [
        (newbie("billing", "agent"), "another department"),
        (newbie("orders", "supervisor"), "their own tier"),
        (newbie("orders", "manager"), "above them"),
    ] {
        let (s, e) = body(sam.post("/v1/agent/admin/agents", req).await).await;
        assert_eq!((s, e["error"].as_str()), (403, Some("not_your_team")), "{why}");
    }
    assert_eq!(
        sam.put(&format!("/v1/agent/admin/agents/{}", ana.id), json!({"capacity": 2})).await.status(),
        200
    );
    for id in [bob, zoe, max_id] {
        let (s, e) =
            body(sam.put(&format!("/v1/agent/admin/agents/{id}"), json!({"capacity": 2})).await).await;
        assert_eq!((s, e["error"].as_str()), (403, Some("not_your_team")), "agent {id}");
        let (s, _) =
            body(sam.post(&format!("/v1/agent/admin/agents/{id}/deactivate"), json!({})).await).await;
        assert_eq!(s, 403, "agent {id}");
    }
    // Nor may a supervisor move their agent out of their departments.
    let (s, e) = body(
        sam.put(&format!("/v1/agent/admin/agents/{}", ana.id), json!({"departments": ["billing"]})).await,
    )
    .await;
    assert_eq!((s, e["error"].as_str()), (403, Some("not_your_team")));
    let list: Value = sam.get("/v1/agent/admin/agents").await.json().await.expect("json");
    let mut emails: Vec<&str> =
        list.as_array().expect("list").iter().filter_map(|a| a["email"].as_str()).collect();
    emails.sort_unstable();
    assert_eq!(emails, ["ana@t", "n-orders-agent@t.test", "sam@t"]);

    // Unknown ids, no session, no CSRF token.
    assert_eq!(body(sam.put("/v1/agent/admin/agents/999999", json!({"capacity": 1})).await).await.0, 404);
    assert_eq!(body(sam.put("/v1/agent/admin/agents/abc", json!({"capacity": 1})).await).await.0, 404);
    let r = t.client.get(t.url("/v1/agent/admin/agents")).send().await.expect("get");
    assert_eq!(r.status(), 401);
    let r = t
        .client
        .post(t.url("/v1/agent/admin/agents"))
        .header("cookie", &sam.cookie)
        .json(&newbie("orders", "agent"))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403, "no CSRF token");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deactivating_ends_sessions_and_streams_at_once_and_requeues_chats() {
    let t = spawn("", "").await;
    let max = t.online_agent("max@t", "Max", "manager", &["orders"], 0).await;
    let bea = t.online_agent("bea@t", "Bea", "agent", &["orders"], 3).await;
    let mut stream = bea.stream().await;
    let c = t.customer().await;
    assert_eq!(c.handoff("orders", "normal").await["agent_name"], "Bea");
    stream.until(WAIT, |e| e.event == "assigned").await;

    let started = Instant::now();
    let (s, info) =
        body(max.post(&format!("/v1/agent/admin/agents/{}/deactivate", bea.id), json!({})).await).await;
    assert_eq!(
        (s, &info["deactivated"], &info["presence"]),
        (200, &json!(true), &json!("offline")),
        "{info}"
    );
    // Her console's stream ends at once (it is signed out, so nothing more reaches it).
    until_the_end(&mut stream, Duration::from_secs(3)).await;
    assert!(started.elapsed() < Duration::from_secs(3));
    // Her cookie opens nothing; her password is refused with the reason.
    assert_eq!(body(bea.get("/v1/agent/me").await).await.0, 401);
    let r = t
        .client
        .post(t.url("/v1/agent/login"))
        .json(&json!({"email": "bea@t", "password": PASSWORD}))
        .send()
        .await
        .expect("login");
    assert_eq!(
        body(r).await,
        (
            403,
            json!({"error": "account_deactivated", "message": "this account was deactivated by a manager"})
        )
    );
    // Her chat is waiting for someone else, with the reason in its history.
    let d: Value = max.get(&format!("/v1/agent/conversations/{}", c.id)).await.json().await.expect("json");
    assert_eq!(d["summary"]["status"], "queued", "{d}");
    let audit = d["audit"].as_array().cloned().unwrap_or_default();
    assert!(
        audit.iter().any(|a| a["kind"] == "assignment_lost" && a["reason"] == "deactivated"),
        "{audit:?}"
    );
    // The next handoff does not reach her, and nothing changes on a second request.
    let later = t.customer().await;
    assert_ne!(later.handoff("orders", "normal").await["agent_name"], "Bea");
    assert_eq!(
        max.post(&format!("/v1/agent/admin/agents/{}/deactivate", bea.id), json!({})).await.status(),
        200
    );
    let (s, e) =
        body(max.post(&format!("/v1/agent/admin/agents/{}/deactivate", max.id), json!({})).await).await;
    assert_eq!((s, e["error"].as_str()), (409, Some("own_account")));

    // Reactivated, she signs in again (offline until she says otherwise).
    let (s, info) =
        body(max.post(&format!("/v1/agent/admin/agents/{}/activate", bea.id), json!({})).await).await;
    assert_eq!(
        (s, &info["deactivated"], &info["presence"]),
        (200, &json!(false), &json!("offline")),
        "{info}"
    );
    Agent::login(&t.client, &t.base, "bea@t", PASSWORD).await;
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_take_effect_at_once_and_are_audited() {
    let t = spawn("", "").await;
    let max = t.online_agent("max@t", "Max", "manager", &["orders", "billing"], 0).await;
    let bea = t.online_agent("bea@t", "Bea", "agent", &["orders"], 0).await;
    let c = t.customer().await;
    assert_eq!(c.handoff("billing", "normal").await["status"], "queued");

    // Billing and room for one chat: the waiting billing chat is hers at once.
    let (s, info) = body(
        max.put(
            &format!("/v1/agent/admin/agents/{}", bea.id),
            json!({"departments": ["orders", "billing"], "capacity": 1}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, &info["capacity"], &info["departments"]),
        (200, &json!(1), &json!(["orders", "billing"])),
        "{info}"
    );
    let d: Value = bea.get(&format!("/v1/agent/conversations/{}", c.id)).await.json().await.expect("json");
    assert_eq!(
        (&d["summary"]["status"], d["summary"]["agent_id"].as_i64()),
        (&json!("assigned"), Some(bea.id)),
        "{d}"
    );
    // Nobody changes their own tier; the same values again record nothing.
    let (s, e) =
        body(max.put(&format!("/v1/agent/admin/agents/{}", max.id), json!({"tier": "agent"})).await).await;
    assert_eq!((s, e["error"].as_str()), (409, Some("own_tier")));
    assert_eq!(
        max.put(&format!("/v1/agent/admin/agents/{}", bea.id), json!({"capacity": 1})).await.status(),
        200
    );
    max.post(&format!("/v1/agent/admin/agents/{}/deactivate", bea.id), json!({})).await;

    let log: Value = max.get("/v1/agent/admin/audit").await.json().await.expect("json");
    let log = log.as_array().expect("list");
    let actions: Vec<&str> = log.iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(
        actions,
        ["agent_deactivated", "agent_updated"],
        "newest first, no entry for no change: {log:?}"
    );
    let updated = &log[1];
    assert_eq!((updated["by"].as_str(), updated["target"].as_str()), (Some("max@t"), Some("agent:bea@t")));
    let old: Value = serde_json::from_str(updated["old"].as_str().expect("old")).expect("json");
    let new: Value = serde_json::from_str(updated["new"].as_str().expect("new")).expect("json");
    assert_eq!((&old["capacity"], &new["capacity"]), (&json!(0), &json!(1)));
    assert_eq!(new["departments"], json!(["orders", "billing"]));
    assert!(log.iter().all(|e| !e.to_string().contains("argon2")), "no password hash in the audit");
    assert!(updated["at"].as_str().is_some_and(|a| a.ends_with('Z')), "{updated}");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_changes_their_password_and_ends_sessions_one_by_one() {
    let t = spawn("", "").await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 3).await;
    let other = t.agent("ana@t").await;
    let list: Value = ana.get("/v1/agent/sessions").await.json().await.expect("json");
    let list = list.as_array().expect("list").clone();
    assert_eq!(list.len(), 2, "{list:?}");
    assert_eq!(list.iter().filter(|s| s["current"] == true).count(), 1);

    let change = |current: &str, new: &str| json!({"current": current, "new": new});
    for (req, status, code) in [
        (change("not my password", "a much better passphrase"), 403, "wrong_password"),
        (change(PASSWORD, "short"), 422, "weak_password"),
        (change(PASSWORD, "aaaa1111aaaa"), 422, "weak_password"),
        (change(PASSWORD, PASSWORD), 422, "same_password"),
        (json!({"current": PASSWORD}), 422, "invalid_body"),
    ] {
        let (s, e) = body(ana.put("/v1/agent/password", req.clone()).await).await;
        assert_eq!((s, e["error"].as_str()), (status, Some(code)), "{req}: {e}");
    }
    assert_eq!(
        ana.put("/v1/agent/password", change(PASSWORD, "a much better passphrase")).await.status(),
        204
    );
    // The other session is gone; this one stays; the old password no longer signs in.
    assert_eq!(other.get("/v1/agent/me").await.status(), 401);
    assert_eq!(ana.get("/v1/agent/me").await.status(), 200);
    let r = t
        .client
        .post(t.url("/v1/agent/login"))
        .json(&json!({"email": "ana@t", "password": PASSWORD}))
        .send()
        .await;
    assert_eq!(r.expect("login").status(), 401);
    let third = Agent::login(&t.client, &t.base, "ana@t", "a much better passphrase").await;

    // Ending one session by its id, from the list.
    let list: Value = ana.get("/v1/agent/sessions").await.json().await.expect("json");
    let theirs = list.as_array().expect("list").iter().find(|s| s["current"] == false).expect("the third")
        ["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_eq!(ana.delete(&format!("/v1/agent/sessions/{theirs}")).await.status(), 204);
    assert_eq!(third.get("/v1/agent/me").await.status(), 401);
    assert_eq!(ana.delete("/v1/agent/sessions/0123456789abcdef").await.status(), 404);

    // A manager sees and ends them too; a supervisor of another department does not.
    let max = t.online_agent("max@t", "Max", "manager", &["orders"], 0).await;
    let bo = t.online_agent("bo@t", "Bo", "supervisor", &["billing"], 0).await;
    let seen: Value =
        max.get(&format!("/v1/agent/admin/agents/{}/sessions", ana.id)).await.json().await.expect("json");
    let id = seen[0]["id"].as_str().expect("id").to_string();
    assert_eq!(seen[0]["current"], false, "not the manager's own");
    assert_eq!(body(bo.get(&format!("/v1/agent/admin/agents/{}/sessions", ana.id)).await).await.0, 403);
    assert_eq!(bo.delete(&format!("/v1/agent/admin/agents/{}/sessions/{id}", ana.id)).await.status(), 403);
    assert_eq!(max.delete(&format!("/v1/agent/admin/agents/{}/sessions/{id}", ana.id)).await.status(), 204);
    assert_eq!(ana.get("/v1/agent/me").await.status(), 401);
    let log: Value = max.get("/v1/agent/admin/audit").await.json().await.expect("json");
    assert!(
        log.as_array().expect("list").iter().any(|e| e["action"] == "password_changed" && e["by"] == "ana@t"),
        "{log}"
    );
    t.stop().await;
}
