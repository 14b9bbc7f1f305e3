//! Data protection per site (issue 20) over HTTP on a real desk: export of one customer (theirs
//! alone), erasure (nothing personal left, insights figures unchanged, an audit line), who may
//! ask, bad input, and the retention purge with a set clock.

mod common;

use common::smtp::{free_port, smtp_section};
use common::*;
use handoff_desk::desk::now_ms;
use handoff_desk::identity::sign;
use serde_json::{json, Value};

const SECRET: &str = "privacy-identity-secret-0123456";
const DAY_MS: i64 = 24 * 3600 * 1000;

/// What the customer Ana wrote or is: none of it may be left after her erasure.
const ANA_TRACES: &[&str] = &[
    "Ana Kovac",
    "ana.kovac@example.com",
    "u-ana",
    "1 Elm Street",
    "gold-plan",
    "lovely help",
    "call me back",
];

fn verified(user: &str, name: &str, email: &str, plan: &str) -> Value {
    json!({"user_id": user, "name": name, "email": email, "attributes": {"plan": plan},
           "signature": sign(SECRET, user)})
}

async fn start_as(t: &TestDesk, customer: Value) -> Customer {
    let r = t
        .client
        .post(t.url("/v1/conversations"))
        .header("origin", ORIGIN)
        .json(&json!({"site_key": "demo", "locale": "en", "customer": customer}))
        .send()
        .await
        .expect("start");
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.expect("json");
    Customer {
        client: t.client.clone(),
        base: t.base.clone(),
        id: v["conversation_id"].as_str().expect("id").into(),
        token: v["token"].as_str().expect("token").into(),
    }
}

async fn json_of(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn export(a: &Agent, body: Value) -> (u16, Value) {
    json_of(a.post("/v1/agent/privacy/export", body).await).await
}

async fn erase(a: &Agent, body: Value) -> (u16, Value) {
    json_of(a.post("/v1/agent/privacy/erase", body).await).await
}

/// A conversation handed to orders, answered by `agent` and resolved, rated with a comment.
async fn served(t: &TestDesk, who: Value, agent: &Agent, said: &str, comment: &str) -> Customer {
    let c = start_as(t, who).await;
    assert_eq!(c.say("m1", said).await.status(), 201);
    let st = c.handoff("orders", "normal").await;
    assert_eq!(st["status"], "assigned", "{st}");
    assert_eq!(agent.on(&c.id, "messages", json!({"text": "Happy to help"})).await.status(), 201);
    assert_eq!(agent.on(&c.id, "resolve", json!({})).await.status(), 200);
    assert_eq!(c.post("/rating", json!({"score": 4, "comment": comment})).await.status(), 204);
    c
}

/// A conversation nobody of billing could take, with a ticket (and its receipt mail queued).
async fn ticket(t: &TestDesk, who: Value, name: &str, email: &str, message: &str) -> (Customer, i64) {
    let c = start_as(t, who).await;
    let st = c.handoff("billing", "normal").await;
    assert_eq!(st["status"], "offline", "{st}");
    let r = c.post("/ticket", json!({"name": name, "email": email, "message": message})).await;
    let (status, body) = json_of(r).await;
    assert_eq!(status, 201, "{body}");
    (c, body["id"].as_i64().expect("ticket id"))
}

/// The insights figures an erasure must not change (the rating comments it removes aside).
async fn figures(manager: &Agent, period: &str) -> Value {
    let r = manager.get(&format!("/v1/agent/insights?site=demo&{period}")).await;
    let (status, mut v) = json_of(r).await;
    assert_eq!(status, 200, "{v}");
    if let Some(q) = v["quality"].as_object_mut() {
        q.remove("comments");
    }
    json!({"containment": v["containment"], "flow": v["flow"], "speed": v["speed"],
           "quality": v["quality"], "trends": v["trends"], "articles": v["articles_before_handoff"]})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_is_the_customers_alone_and_erasure_leaves_only_the_audit_line() {
    let t = spawn(&smtp_section(free_port()), &format!("identity_secret = \"{SECRET}\"")).await;
    t.add_agent("max@t", "Max", "manager", &["orders", "billing"], 5).await;
    let max = t.agent("max@t").await;
    let ana_agent = t.online_agent("agent@t", "Agnes", "agent", &["orders"], 10).await;

    let ana = || verified("u-ana", "Ana Kovac", "ana.kovac@example.com", "gold-plan");
    let bob = || verified("u-bob", "Bob Brown", "bob@example.com", "free-plan");
    let chat = served(&t, ana(), &ana_agent, "I live at 1 Elm Street", "lovely help").await;
    let (offline, ticket_id) = ticket(&t, ana(), "Ana Kovac", "ana.kovac@example.com", "call me back").await;
    let bobs = served(&t, bob(), &ana_agent, "Bob's own words", "bob was here").await;
    // Handed back to the bot with a note naming her: the note is in the audit trail too.
    let handed = start_as(&t, ana()).await;
    assert_eq!(handed.handoff("orders", "normal").await["status"], "assigned");
    let r = ana_agent.on(&handed.id, "handback", json!({"note": "Ana Kovac is fine now"})).await;
    assert_eq!(r.status(), 200);
    // A ticket left anonymously but with Ana's e-mail: hers when asked by e-mail.
    let (_, anon_ticket) = ticket(&t, Value::Null, "A. K.", "ANA.KOVAC@example.com", "again").await;

    let (status, by_user) = export(&max, json!({"site_key": "demo", "user_id": "u-ana"})).await;
    assert_eq!(status, 200, "{by_user}");
    let ids: Vec<&str> = by_user["conversations"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|c| c["conversation_id"].as_str())
        .collect();
    assert_eq!(ids.len(), 3, "{by_user}");
    assert!(ids.contains(&chat.id.as_str()) && ids.contains(&offline.id.as_str()), "{by_user}");
    let text = by_user.to_string();
    for trace in ["1 Elm Street", "lovely help", "gold-plan", "call me back", "Happy to help"] {
        assert!(text.contains(trace), "the export lacks {trace:?}: {text}");
    }
    assert!(!text.contains("Bob") && !text.contains("bob@"), "another customer's data: {text}");
    assert_eq!(by_user["tickets"][0]["id"], ticket_id, "{by_user}");
    let mail = by_user["mail"].as_array().expect("mail");
    assert!(!mail.is_empty() && mail.iter().all(|m| m["rcpt"] == "ana.kovac@example.com"), "{by_user}");

    // By e-mail: the same and the anonymous ticket with her address in other case.
    let (status, by_email) =
        export(&max, json!({"site_key": "demo", "email": "ana.kovac@example.com"})).await;
    assert_eq!(status, 200, "{by_email}");
    let tickets: Vec<i64> =
        by_email["tickets"].as_array().expect("list").iter().filter_map(|t| t["id"].as_i64()).collect();
    assert!(tickets.contains(&ticket_id) && tickets.contains(&anon_ticket), "{by_email}");
    assert!(!by_email.to_string().contains("Bob"), "{by_email}");
    // An unsigned visitor id never reaches a verified customer's data.
    let (_, by_visitor) = export(&max, json!({"site_key": "demo", "visitor_id": "u-ana"})).await;
    assert_eq!(by_visitor["conversations"], json!([]), "{by_visitor}");

    let rfc = handoff_desk::desk::rfc3339;
    let period = format!("from={}&to={}", rfc(now_ms() - DAY_MS), rfc(now_ms() + DAY_MS));
    let before = figures(&max, &period).await;
    let (status, report) = erase(&max, json!({"site_key": "demo", "email": "ana.kovac@example.com"})).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        (report["conversations"].as_u64(), report["tickets"].as_u64()),
        (Some(4), Some(2)),
        "{report}"
    );
    assert_eq!(report["erased_by"], max.id);
    assert_eq!(figures(&max, &period).await, before, "the insights figures changed");

    // Nothing of her is found any more, by any selector.
    for selector in [json!({"user_id": "u-ana"}), json!({"email": "ana.kovac@example.com"})] {
        let mut body = selector.clone();
        body["site_key"] = json!("demo");
        let (status, v) = export(&max, body).await;
        assert_eq!(status, 200);
        assert_eq!(
            (&v["conversations"], &v["tickets"], &v["mail"]),
            (&json!([]), &json!([]), &json!([])),
            "{v}"
        );
    }
    // Her conversations are still there for the figures, without a trace of her, and their trail
    // says they were erased, by whom.
    for id in [&chat.id, &offline.id, &handed.id] {
        let (status, detail) = json_of(max.get(&format!("/v1/agent/conversations/{id}")).await).await;
        assert_eq!(status, 200, "{detail}");
        let text = detail.to_string();
        for trace in ANA_TRACES {
            assert!(!text.contains(trace), "{trace:?} left in {text}");
        }
        let erased: Vec<&Value> =
            detail["audit"].as_array().expect("audit").iter().filter(|a| a["kind"] == "erasure").collect();
        assert_eq!(erased.len(), 1, "{detail}");
        assert_eq!(erased[0]["agent_id"], max.id, "{detail}");
        assert!(detail["customer"].is_null(), "{detail}");
    }
    let tickets: Value = max.get("/v1/agent/tickets").await.json().await.expect("tickets");
    for trace in ANA_TRACES {
        assert!(!tickets.to_string().contains(trace), "{trace:?} left in the tickets: {tickets}");
    }
    // The managers' audit says a customer of the site was erased, by whom and how much; never who.
    let (_, audit) = json_of(max.get("/v1/agent/admin/audit").await).await;
    let lines: Vec<&Value> =
        audit.as_array().expect("audit").iter().filter(|a| a["action"] == "customer_erased").collect();
    assert_eq!(lines.len(), 1, "{audit}");
    assert_eq!((lines[0]["by"].as_str(), lines[0]["target"].as_str()), (Some("max@t"), Some("site:demo")));
    for trace in ANA_TRACES {
        assert!(!audit.to_string().contains(trace), "{trace:?} in the admin audit: {audit}");
    }
    // Bob is untouched.
    let (_, bob_export) = export(&max, json!({"site_key": "demo", "user_id": "u-bob"})).await;
    assert!(bob_export.to_string().contains("Bob's own words"), "{bob_export}");
    let (status, detail) = json_of(max.get(&format!("/v1/agent/conversations/{}", bobs.id)).await).await;
    assert_eq!(status, 200);
    assert!(detail.to_string().contains("Bob's own words"), "{detail}");

    // Again: nothing more to erase, still fine.
    let (status, again) = erase(&max, json!({"site_key": "demo", "email": "ana.kovac@example.com"})).await;
    assert_eq!((status, again["conversations"].as_u64()), (200, Some(0)), "{again}");
    assert_eq!(figures(&max, &period).await, before);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_managers_and_supervisors_of_the_customers_departments_may_ask() {
    let t = spawn("", &format!("identity_secret = \"{SECRET}\"")).await;
    t.add_agent("max@t", "Max", "manager", &["orders"], 5).await;
    t.add_agent("sue@t", "Sue", "supervisor", &["orders"], 5).await;
    t.add_agent("ben@t", "Ben", "supervisor", &["billing"], 5).await;
    t.add_agent("ann@t", "Ann", "agent", &["orders", "billing"], 5).await;
    // A supervisor of another site: this desk serves only demo.
    t.desk
        .db
        .insert_agent(&handoff_desk::db::AgentRow {
            id: 0,
            email: "otto@t".into(),
            name: "Otto".into(),
            password_hash: handoff_desk::secret::hash_password(PASSWORD).expect("hash"),
            tier: "manager".into(),
            departments: vec!["billing".into()],
            presence: "offline".into(),
            capacity: 1,
            sites: vec!["elsewhere".into()],
            ticket_mail: false,
            active: true,
        })
        .await
        .expect("otto");
    // The customer's only conversation is in billing (offline, with a ticket).
    ticket(&t, verified("u-1", "Cleo", "cleo@example.com", "p"), "Cleo", "cleo@example.com", "hi").await;
    let body = json!({"site_key": "demo", "user_id": "u-1"});

    for (email, code) in
        [("ann@t", "not_supervisor"), ("otto@t", "not_supervisor"), ("sue@t", "outside_departments")]
    {
        let a = t.agent(email).await;
        for (status, v) in [export(&a, body.clone()).await, erase(&a, body.clone()).await] {
            assert_eq!((status, v["error"].as_str()), (403, Some(code)), "{email}: {v}");
        }
    }
    let ben = t.agent("ben@t").await;
    let (status, v) = export(&ben, body.clone()).await;
    assert_eq!((status, v["tickets"].as_array().map(Vec::len)), (200, Some(1)), "{v}");
    let max = t.agent("max@t").await;
    let (status, v) = export(&max, body.clone()).await;
    assert_eq!((status, v["conversations"].as_array().map(Vec::len)), (200, Some(1)), "{v}");
    // The refused erasures erased nothing.
    assert!(v.to_string().contains("cleo@example.com"), "{v}");
    let (status, v) = erase(&max, body.clone()).await;
    assert_eq!(status, 200, "{v}");

    // No session, and a session without its CSRF token.
    let r = t.client.post(t.url("/v1/agent/privacy/export")).json(&body).send().await.expect("post");
    let (status, v) = json_of(r).await;
    assert_eq!((status, v["error"].as_str()), (401, Some("no_session")), "{v}");
    let r = t
        .client
        .post(t.url("/v1/agent/privacy/erase"))
        .header("cookie", &max.cookie)
        .json(&body)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_a_json_error_and_erases_nothing() {
    let t = spawn("", "").await;
    t.add_agent("max@t", "Max", "manager", &["orders"], 5).await;
    let max = t.agent("max@t").await;
    let cases = [
        (json!({"site_key": "demo"}), 422, "missing_selector"),
        (json!({"site_key": "demo", "email": "  "}), 422, "missing_selector"),
        (json!({"site_key": "demo", "email": "a@b.c", "user_id": "u"}), 422, "ambiguous_selector"),
        (json!({"site_key": "nope", "email": "a@b.c"}), 422, "unknown_site"),
        (json!({"site_key": "demo", "email": "x".repeat(400)}), 422, "too_long"),
        (json!({"email": "a@b.c"}), 422, "invalid_body"),
        (json!(["demo", "a@b.c"]), 422, "invalid_body"),
    ];
    for path in ["/v1/agent/privacy/export", "/v1/agent/privacy/erase"] {
        for (body, want, code) in &cases {
            let (status, v) = json_of(max.post(path, body.clone()).await).await;
            assert_eq!(status, *want, "{path} {body}: {v}");
            assert!(v["error"].is_string(), "{path} {body}: not a JSON error: {v}");
            if !code.is_empty() {
                assert_eq!(v["error"], *code, "{path} {body}: {v}");
            }
        }
        let huge = json!({"site_key": "demo", "email": "a".repeat(200_000)});
        let (status, v) = json_of(max.post(path, huge).await).await;
        assert_eq!((status, v["error"].as_str()), (413, Some("payload_too_large")), "{v}");
        let r = t
            .client
            .post(t.url(path))
            .header("cookie", &max.cookie)
            .header("x-csrf-token", &max.csrf)
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .expect("post");
        let (status, v) = json_of(r).await;
        assert_eq!(status, 400, "{v}");
        assert!(v["error"].is_string(), "{v}");
    }
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_purges_what_is_closed_and_old_and_keeps_the_rest() {
    let t = spawn("", "retention_days = 30").await;
    let agent = t.online_agent("agent@t", "Agnes", "agent", &["orders"], 10).await;
    let resolved = served(&t, Value::Null, &agent, "resolved soon", "ok").await;
    let open = t.customer().await;
    assert_eq!(open.handoff("orders", "normal").await["status"], "assigned");
    let bot_only = t.customer().await;
    assert_eq!(bot_only.say("b1", "hello bot").await.status(), 201);
    let (waiting, waiting_ticket) = ticket(&t, Value::Null, "W", "w@example.com", "unanswered").await;
    let (answered, answered_ticket) = ticket(&t, Value::Null, "A", "a@example.com", "answered").await;
    t.add_agent("bill@t", "Bill", "agent", &["billing"], 5).await;
    let bill = t.agent("bill@t").await;
    let r = bill.post(&format!("/v1/agent/tickets/{answered_ticket}/answer"), json!({"text": "done"})).await;
    assert_eq!(r.status(), 200);

    let exists = |id: String| {
        let db = t.desk.db.clone();
        async move { db.conversation(&id).await.expect("read").is_some() }
    };
    let now = now_ms();
    // 29 days on: everything is younger than the period.
    let purged = t.desk.purge_expired(now + 29 * DAY_MS).await.expect("purge");
    assert_eq!((purged.conversations, purged.tickets), (0, 0));
    assert!(exists(resolved.id.clone()).await);

    // 31 days on: the resolved conversation, the one left with the bot and the answered ticket
    // (with its offline conversation) go; the open one and the one whose ticket waits stay.
    let purged = t.desk.purge_expired(now + 31 * DAY_MS).await.expect("purge");
    assert_eq!((purged.conversations, purged.tickets), (3, 1), "{purged:?}");
    assert!(!exists(resolved.id.clone()).await, "resolved conversation kept");
    assert!(!exists(bot_only.id.clone()).await, "abandoned bot conversation kept");
    assert!(!exists(answered.id.clone()).await, "answered ticket's conversation kept");
    assert!(t.desk.db.ticket(answered_ticket).await.expect("read").is_none());
    assert!(t.desk.db.messages(&resolved.id).await.expect("messages").is_empty());
    for id in [&open.id, &waiting.id] {
        assert!(exists(id.clone()).await, "{id} purged");
    }
    assert!(t.desk.db.ticket(waiting_ticket).await.expect("read").is_some());
    // Once per deadline: a second purge finds nothing left.
    let purged = t.desk.purge_expired(now + 31 * DAY_MS).await.expect("purge");
    assert_eq!((purged.conversations, purged.tickets), (0, 0));
    t.stop().await;
}

/// The sweeper runs the purge by itself: a desk started on data with an expired resolved
/// conversation removes it (its first look is at start) and keeps an equally old queued one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sweeper_purges_by_itself_where_a_site_sets_a_retention() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let text = config_text(&data, "", "retention_days = 30");
    let config = handoff_desk::config::Config::parse(&text, dir.path()).expect("config");
    let old = now_ms() - 40 * DAY_MS;
    let db = handoff_desk::startup::open_db(&config).await.expect("db");
    for (id, status) in [
        ("old-resolved", handoff_protocol::v1::ConversationStatus::Resolved),
        ("old-queued", handoff_protocol::v1::ConversationStatus::Queued),
    ] {
        let row = handoff_desk::db::ConversationRow {
            status,
            ..handoff_desk::db::ConversationRow::new_with_bot(
                id.into(),
                "demo".into(),
                "en".into(),
                "h".into(),
                old,
            )
        };
        db.insert_conversation(&row).await.expect("insert");
    }
    db.close().await;
    let (_, desk, stop, task) = start_app(config).await;
    eventually(WAIT, || {
        let db = desk.db.clone();
        async move { db.conversation("old-resolved").await.expect("read").is_none().then_some(()) }
    })
    .await;
    assert!(desk.db.conversation("old-queued").await.expect("read").is_some());
    let _ = stop.send(());
    let _ = task.await;
    if common::pg::engine_is_postgres() {
        common::pg::release(&data).await;
    }
}

/// Two desks on one PostgreSQL database purging at the same moment purge each expired row once
/// (the scheduled-job lock: one purges, the other skips or finds nothing left). Always on
/// PostgreSQL (never skipped: see tests/common/pg.rs).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_desks_on_one_postgres_database_purge_each_row_once() {
    let url = common::pg::fresh_database().await;
    let mut desks = Vec::new();
    let mut dirs = Vec::new();
    for _ in 0..2 {
        let dir = tempfile::tempdir().expect("dir");
        let config = config_on_database(dir.path(), &url, "", "retention_days = 30");
        desks.push(start_app(config).await);
        dirs.push(dir);
    }
    let db = desks[0].1.db.clone();
    let now = now_ms();
    for i in 0..20 {
        let row = handoff_desk::db::ConversationRow {
            status: handoff_protocol::v1::ConversationStatus::Resolved,
            ..handoff_desk::db::ConversationRow::new_with_bot(
                format!("r{i}"),
                "demo".into(),
                "en".into(),
                "h".into(),
                now - DAY_MS,
            )
        };
        db.insert_conversation(&row).await.expect("insert");
    }
    let later = now + 30 * DAY_MS;
    // Both at once, again while nothing was purged: a round in which each desk finds the job lock
    // held (by the other, or by a desk's own sweeper tick) purges nothing and is the next
    // tick's to do, as in production. Every row is counted once over all rounds.
    let mut purged = Vec::new();
    for _ in 0..50 {
        let (a, b) = tokio::join!(desks[0].1.purge_expired(later), desks[1].1.purge_expired(later));
        let (a, b) = (a.expect("purge a"), b.expect("purge b"));
        purged.push((a.conversations, b.conversations));
        if purged.iter().map(|(a, b)| a + b).sum::<u64>() >= 20 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(purged.iter().map(|(a, b)| a + b).sum::<u64>(), 20, "per round (a, b): {purged:?}");
    for i in 0..20 {
        assert!(db.conversation(&format!("r{i}")).await.expect("read").is_none());
    }
    for (_, _, stop, task) in desks {
        let _ = stop.send(());
        let _ = task.await;
    }
    common::pg::drop_database(&url).await;
}

/// The sweeper purges on the desk's own clock: set forward past the retention period, the desk
/// removes the resolved conversation at its next look, without any call from the test.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_whose_clock_passes_the_retention_period_purges_on_its_own() {
    let clock = std::sync::Arc::new(handoff_desk::clock::SetClock::now());
    let t = spawn_with_clock("", "retention_days = 30", clock.clone()).await;
    let agent = t.online_agent("agent@t", "Agnes", "agent", &["orders"], 10).await;
    let resolved = served(&t, Value::Null, &agent, "resolved soon", "ok").await;
    let open = t.customer().await;
    assert_eq!(open.handoff("orders", "normal").await["status"], "assigned");
    let exists = |id: String| {
        let db = t.desk.db.clone();
        async move { db.conversation(&id).await.expect("read").is_some() }
    };
    // 29 days: the sweeper looks (its looks are ten minutes apart on the desk's clock) and keeps it.
    clock.advance(std::time::Duration::from_millis((29 * DAY_MS) as u64));
    let looked = t.desk.now_ms();
    eventually(WAIT, || async { (t.desk.retention_done_at() >= looked).then_some(()) }).await;
    assert!(exists(resolved.id.clone()).await, "purged before its time");
    // Two more days: gone at the next look; the open conversation stays.
    clock.advance(std::time::Duration::from_millis((2 * DAY_MS) as u64));
    eventually(WAIT, || {
        let id = resolved.id.clone();
        let exists = &exists;
        async move { (!exists(id).await).then_some(()) }
    })
    .await;
    assert!(exists(open.id.clone()).await);
    t.stop().await;
}
