//! Site settings in the console (issue 20): business hours and holidays, SLA targets and canned
//! responses saved by managers (canned also by supervisors of the department), in force at once
//! without a restart, audited, and what wins over the config file. On SQLite, and on PostgreSQL
//! with HANDOFF_TEST_ENGINE=postgres.

mod common;

use common::*;
use serde_json::{json, Value};

const SETTINGS: &str = "/v1/agent/admin/sites/demo/settings";

async fn body(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Today's date in `tz` (what a manager adding "today" as a holiday types).
fn today_in(tz: &str) -> String {
    let tz: chrono_tz::Tz = tz.parse().expect("zone");
    chrono::Utc::now().with_timezone(&tz).format("%Y-%m-%d").to_string()
}

fn always_open(holidays: &[String]) -> Value {
    let days: serde_json::Map<String, Value> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .map(|d| (d.to_string(), json!(["00:00-24:00"])))
        .collect();
    json!({"hours": {"time_zone": "Europe/Prague", "days": days, "holidays": holidays}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_holiday_added_today_sends_the_next_handoff_to_a_ticket_without_a_restart() {
    let t = spawn("", "").await;
    let max = t.online_agent("max@t", "Max", "manager", &["orders"], 3).await;
    let _ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 3).await;

    let (s, v) = body(max.get(SETTINGS).await).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["hours"], Value::Null, "the test config has no hours: open around the clock");
    assert_eq!(v["sources"], json!({"hours": "file", "sla": "file", "canned": "file", "retention": "file"}));
    assert_eq!(v["retention_days"], Value::Null, "kept until erased");
    assert_eq!(v["may"]["hours_and_sla"], true);
    assert_eq!(t.customer().await.handoff("orders", "normal").await["status"], "assigned");

    let (s, v) =
        body(max.put("/v1/agent/admin/sites/demo/hours", always_open(&[today_in("Europe/Prague")])).await)
            .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["sources"]["hours"], "console");
    let state = t.customer().await.handoff("orders", "normal").await;
    assert_eq!(
        (state["status"].as_str(), state["offline_reason"].as_str()),
        (Some("offline"), Some("outside_hours"))
    );

    // The holiday removed: chats come in again. The audit has both changes, old and new.
    let (s, _) = body(max.put("/v1/agent/admin/sites/demo/hours", always_open(&[])).await).await;
    assert_eq!(s, 200);
    assert_eq!(t.customer().await.handoff("orders", "normal").await["status"], "assigned");
    let (_, audit) = body(max.get("/v1/agent/admin/audit").await).await;
    let hours: Vec<&Value> =
        audit.as_array().expect("list").iter().filter(|a| a["action"] == "hours_changed").collect();
    assert_eq!(hours.len(), 2, "{audit}");
    assert_eq!((hours[0]["by"].as_str(), hours[0]["target"].as_str()), (Some("max@t"), Some("site:demo")));
    assert!(hours[0]["old"].as_str().unwrap_or("").contains(&today_in("Europe/Prague")), "{}", hours[0]);
    assert_eq!(hours[1]["old"].as_str(), Some("null"), "before: the file's (none)");

    // Reverted to the file: around the clock again, from the file.
    let (s, v) = body(max.delete("/v1/agent/admin/sites/demo/settings/hours").await).await;
    assert_eq!((s, &v["sources"]["hours"], &v["hours"]), (200, &json!("file"), &Value::Null), "{v}");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_section_wins_over_the_file_also_after_a_restart() {
    let site = r#"
[site.hours]
time_zone = "UTC"
mon = ["00:00-24:00"]
tue = ["00:00-24:00"]
wed = ["00:00-24:00"]
thu = ["00:00-24:00"]
fri = ["00:00-24:00"]
sat = ["00:00-24:00"]
sun = ["00:00-12:00", "12:00-24:00"]
[site.sla.urgent]
first_response_secs = 60
resolution_secs = 3600
[[site.canned]]
id = "hello"
department = "orders"
locale = "en"
title = "Greeting"
text = "Hello from the file"
"#;
    let mut t = spawn("", site).await;
    let max = t.online_agent("max@t", "Max", "manager", &["orders"], 3).await;
    let (_, v) = body(max.get(SETTINGS).await).await;
    assert_eq!(v["hours"]["days"]["mon"], json!(["00:00-24:00"]));
    let urgent = v["sla"].as_array().expect("sla").iter().find(|s| s["priority"] == "urgent").cloned();
    assert_eq!(urgent.map(|u| u["first_response_secs"].clone()), Some(json!(60.0)));
    assert_eq!(v["sla"].as_array().map(Vec::len), Some(4), "every priority, defaults included");

    let (s, v) = body(
        max.put(
            "/v1/agent/admin/sites/demo/sla",
            json!({"targets": [{"priority": "high", "first_response_secs": 120, "resolution_secs": 7200},
                               {"priority": "urgent", "first_response_secs": 120, "resolution_secs": 7200}]}),
        )
        .await,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let (s, _) = body(
        max.put(
            "/v1/agent/admin/sites/demo/canned/orders/en/hello",
            json!({"title": "Greeting", "text": "Hello from the console"}),
        )
        .await,
    )
    .await;
    assert_eq!(s, 200);
    // The conversation handed off now gets the new target.
    let c = t.customer().await;
    let before = handoff_desk::desk::now_ms();
    let state = c.handoff("orders", "urgent").await;
    let after = handoff_desk::desk::now_ms();
    assert_eq!(state["status"], "assigned", "{state}");
    // The site's rules may lower what the customer asks for; both are set to two minutes.
    assert!(["high", "urgent"].contains(&state["priority"].as_str().unwrap_or("")), "{state}");
    let row = t.desk.db.conversation(&c.id).await.expect("db").expect("row");
    let due = row.first_response_due.expect("due");
    assert!(
        (before + 120_000..=after + 120_000).contains(&due),
        "first response due at {due}, handoff {before}..{after}"
    );

    // Restarted with the same file: the console's sections win, the file's hours still apply.
    t.restart("", site).await;
    let max = Agent::login(&t.client, &t.base, "max@t", PASSWORD).await;
    let (_, v) = body(max.get(SETTINGS).await).await;
    assert_eq!(
        v["sources"],
        json!({"hours": "file", "sla": "console", "canned": "console", "retention": "file"})
    );
    assert_eq!(v["canned"][0]["text"], "Hello from the console");
    assert_eq!(v["hours"]["days"]["mon"], json!(["00:00-24:00"]));
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_canned_response_reaches_the_agents_at_once() {
    let t = spawn("", "").await;
    let max = t.online_agent("max@t", "Max", "manager", &["orders", "billing"], 3).await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 3).await;
    let put = |dept: &str, text: &str| {
        (
            format!("/v1/agent/admin/sites/demo/canned/{dept}/de/versand"),
            json!({"title": "Versand", "text": text}),
        )
    };
    let (path, req) = put("orders", "Wir versenden innerhalb von 24 Stunden.");
    assert_eq!(max.put(&path, req).await.status(), 200);
    let (_, list) = body(ana.get("/v1/agent/canned?locale=de").await).await;
    assert_eq!(list[0]["text"], "Wir versenden innerhalb von 24 Stunden.", "{list}");
    let (path, req) = put("orders", "Wir versenden am selben Tag.");
    assert_eq!(max.put(&path, req).await.status(), 200);
    let (_, list) = body(ana.get("/v1/agent/canned?locale=de").await).await;
    assert_eq!(
        (list.as_array().map(Vec::len), &list[0]["text"]),
        (Some(1), &json!("Wir versenden am selben Tag."))
    );

    // Billing's responses are not Ana's; deleting takes it from her list at once.
    let (path, req) = put("billing", "Rechnungen kommen per Mail.");
    assert_eq!(max.put(&path, req).await.status(), 200);
    let (_, list) = body(ana.get("/v1/agent/canned?locale=de").await).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(max.delete("/v1/agent/admin/sites/demo/canned/orders/de/versand").await.status(), 200);
    let (_, list) = body(ana.get("/v1/agent/canned?locale=de").await).await;
    assert_eq!(list, json!([]));
    let (s, e) = body(max.delete("/v1/agent/admin/sites/demo/canned/orders/de/versand").await).await;
    assert_eq!((s, e["error"].as_str()), (404, Some("not_found")));
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn who_may_change_what() {
    let t = spawn("", "").await;
    let max = t.online_agent("max@t", "Max", "manager", &["orders"], 3).await;
    let sue = t.online_agent("sue@t", "Sue", "supervisor", &["billing"], 3).await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 3).await;
    let hours = always_open(&[]);
    let sla = json!({"targets": [{"priority": "low", "first_response_secs": 600, "resolution_secs": 86400}]});
    let canned = json!({"title": "Hi", "text": "Hello"});

    // An agent sees nothing and changes nothing.
    for r in [
        ana.get(SETTINGS).await,
        ana.put("/v1/agent/admin/sites/demo/hours", hours.clone()).await,
        ana.put("/v1/agent/admin/sites/demo/canned/orders/en/hi", canned.clone()).await,
    ] {
        let (s, e) = body(r).await;
        assert_eq!((s, e["error"].as_str()), (403, Some("not_supervisor")), "{e}");
    }
    // A supervisor sees the settings, changes canned responses of her department only.
    let (s, v) = body(sue.get(SETTINGS).await).await;
    assert_eq!((s, &v["may"]), (200, &json!({"hours_and_sla": false, "canned_departments": ["billing"]})));
    for (r, code) in [
        (sue.put("/v1/agent/admin/sites/demo/hours", hours.clone()).await, "not_manager"),
        (sue.put("/v1/agent/admin/sites/demo/sla", sla.clone()).await, "not_manager"),
        (sue.delete("/v1/agent/admin/sites/demo/settings/canned").await, "not_manager"),
        (sue.put("/v1/agent/admin/sites/demo/retention", json!({"retention_days": 30})).await, "not_manager"),
        (
            sue.put("/v1/agent/admin/sites/demo/canned/orders/en/hi", canned.clone()).await,
            "not_your_department",
        ),
        (sue.delete("/v1/agent/admin/sites/demo/canned/orders/en/hi").await, "not_your_department"),
    ] {
        let (s, e) = body(r).await;
        assert_eq!((s, e["error"].as_str()), (403, Some(code)), "{e}");
    }
    assert_eq!(
        sue.put("/v1/agent/admin/sites/demo/canned/billing/en/hi", canned.clone()).await.status(),
        200
    );
    // The manager changes everything.
    assert_eq!(max.put("/v1/agent/admin/sites/demo/hours", hours).await.status(), 200);
    assert_eq!(max.put("/v1/agent/admin/sites/demo/sla", sla).await.status(), 200);
    assert_eq!(max.put("/v1/agent/admin/sites/demo/canned/orders/en/hi", canned).await.status(), 200);
    let (_, v) = body(max.get(SETTINGS).await).await;
    assert_eq!(v["canned"].as_array().map(Vec::len), Some(2), "{v}");
    // Unknown sites and sections are JSON 404s.
    for r in [
        max.get("/v1/agent/admin/sites/nope/settings").await,
        max.delete("/v1/agent/admin/sites/demo/settings/agents").await,
    ] {
        let (s, e) = body(r).await;
        assert_eq!((s, e["error"].as_str()), (404, Some("not_found")), "{e}");
    }
    // Without a session: 401.
    let r = t.client.get(format!("{}{SETTINGS}", t.base)).send().await.expect("get");
    assert_eq!(r.status(), 401);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_settings_are_refused_with_the_field_named_and_nothing_changes() {
    let t = spawn("", "").await;
    let max = t.online_agent("max@t", "Max", "manager", &["orders"], 3).await;
    let (_, before) = body(max.get(SETTINGS).await).await;
    let hours = |h: Value| json!({"hours": h});
    for (path, req, code, names) in [
        ("hours", hours(json!({"time_zone": "Mars/Olympus"})), "invalid_hours", "time zone"),
        (
            "hours",
            hours(json!({"time_zone": "UTC", "days": {"funday": ["09:00-10:00"]}})),
            "invalid_hours",
            "funday",
        ),
        ("hours", hours(json!({"time_zone": "UTC", "days": {"mon": ["9-5"]}})), "invalid_hours", "hours.mon"),
        (
            "hours",
            hours(json!({"time_zone": "UTC", "holidays": ["24.12.2026"]})),
            "invalid_hours",
            "24.12.2026",
        ),
        ("hours", json!({}), "invalid_body", "hours"),
        ("hours", json!({"hours": null, "open": true}), "invalid_body", "open"),
        (
            "sla",
            json!({"targets": [{"priority": "asap", "first_response_secs": 1, "resolution_secs": 2}]}),
            "invalid_sla",
            "asap",
        ),
        (
            "sla",
            json!({"targets": [{"priority": "low", "first_response_secs": -5, "resolution_secs": 2}]}),
            "invalid_sla",
            "first_response_secs",
        ),
        (
            "sla",
            json!({"targets": [{"priority": "low", "first_response_secs": 1e12, "resolution_secs": 2}]}),
            "invalid_sla",
            "first_response_secs",
        ),
        (
            "sla",
            json!({"targets": [{"priority": "low", "first_response_secs": 1, "resolution_secs": 2},
                               {"priority": "low", "first_response_secs": 3, "resolution_secs": 4}]}),
            "invalid_sla",
            "twice",
        ),
        ("retention", json!({"retention_days": 0}), "invalid_retention", "retention_days"),
        ("retention", json!({"retention_days": 3651}), "invalid_retention", "retention_days"),
        ("retention", json!({"retention_days": -1}), "invalid_body", "retention_days"),
        ("retention", json!({}), "invalid_body", "retention_days"),
        ("canned/kitchen/en/hi", json!({"title": "t", "text": "x"}), "invalid_canned", "kitchen"),
        ("canned/orders/fr/hi", json!({"title": "t", "text": "x"}), "invalid_canned", "fr"),
        ("canned/orders/en/Hi%20there", json!({"title": "t", "text": "x"}), "invalid_canned", "id"),
        ("canned/orders/en/hi", json!({"title": " ", "text": "x"}), "invalid_canned", "empty"),
        ("canned/orders/en/hi", json!({"title": "t", "text": "x".repeat(4001)}), "too_long", "text"),
        ("canned/orders/en/hi", json!(["t", "x"]), "invalid_body", ""),
    ] {
        let (s, e) = body(max.put(&format!("/v1/agent/admin/sites/demo/{path}"), req.clone()).await).await;
        assert!(s == 422 || s == 400, "{path} {req}: {s} {e}");
        assert_eq!(e["error"].as_str(), Some(code), "{path} {req}: {e}");
        assert!(e["message"].as_str().unwrap_or("").contains(names), "{path} {req}: {e}");
    }
    let (_, after) = body(max.get(SETTINGS).await).await;
    assert_eq!(before, after, "nothing changed");
    let (_, audit) = body(max.get("/v1/agent/admin/audit").await).await;
    assert_eq!(audit, json!([]));
    t.stop().await;
}

/// A retention period set in the console purges on the desk's own clock, like the file's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retention_period_set_in_the_console_purges_on_the_desks_clock() {
    let clock = std::sync::Arc::new(handoff_desk::clock::SetClock::now());
    let t = spawn_with_clock("", "", clock.clone()).await;
    let max = t.online_agent("max@t", "Max", "manager", &["orders"], 3).await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 3).await;
    let (s, v) =
        body(max.put("/v1/agent/admin/sites/demo/retention", json!({"retention_days": 30})).await).await;
    assert_eq!(
        (s, &v["retention_days"], &v["sources"]["retention"]),
        (200, &json!(30), &json!("console")),
        "{v}"
    );
    let c = t.customer().await;
    assert_eq!(c.handoff("orders", "normal").await["status"], "assigned");
    assert_eq!(ana.on(&c.id, "resolve", json!({})).await.status(), 200);
    let exists = || {
        let db = t.desk.db.clone();
        let id = c.id.clone();
        async move { db.conversation(&id).await.expect("read").is_some() }
    };
    clock.advance(std::time::Duration::from_secs(31 * 24 * 3600));
    eventually(WAIT, || async { (!exists().await).then_some(()) }).await;
    // Back to the file (no retention): kept for ever again, and the audit has both changes.
    // (A month on the desk's clock: Max's session expired meanwhile.)
    assert_eq!(max.get(SETTINGS).await.status(), 401);
    let max = t.agent("max@t").await;
    let (s, v) = body(max.delete("/v1/agent/admin/sites/demo/settings/retention").await).await;
    assert_eq!((s, &v["retention_days"]), (200, &Value::Null));
    let (_, audit) = body(max.get("/v1/agent/admin/audit").await).await;
    let actions: Vec<&str> =
        audit.as_array().expect("audit").iter().filter_map(|a| a["action"].as_str()).collect();
    assert_eq!(actions, ["settings_reverted", "retention_changed"], "{audit}");
    t.stop().await;
}
