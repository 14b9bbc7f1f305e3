//! Everything a client can get wrong answers a 4xx with `{"error", "message"}`, never a 500 or
//! a plain-text body.

mod common;

use common::*;
use serde_json::{json, Value};

async fn error_of(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let body: Value = r.json().await.expect("error bodies are JSON");
    assert!(body["error"].is_string() && body["message"].is_string(), "{body}");
    (status, body)
}

async fn raw(t: &TestDesk, c: &Customer, path: &str, body: &str) -> reqwest::Response {
    t.client
        .post(c.path(path))
        .bearer_auth(&c.token)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("post")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_unknown_wrong_type_too_long_too_big() {
    let t = spawn("", "").await;
    let c = t.customer().await;

    let (s, b) = error_of(raw(&t, &c, "/messages", r#"{"client_id": "a", "text": "#).await).await;
    assert_eq!((s, b["error"].as_str()), (400, Some("invalid_json")));
    assert!(b["message"].as_str().unwrap_or("").contains("line 1 column"), "{b}");

    let (s, b) =
        error_of(raw(&t, &c, "/messages", r#"{"client_id": "a", "text": "x", "html": true}"#).await).await;
    assert_eq!((s, b["error"].as_str()), (422, Some("invalid_body")));
    assert!(b["message"].as_str().unwrap_or("").contains("unknown field `html`"), "{b}");

    let (s, b) = error_of(raw(&t, &c, "/messages", r#"{"client_id": "a", "text": 42}"#).await).await;
    assert_eq!((s, b["error"].as_str()), (422, Some("invalid_body")));
    assert!(b["message"].as_str().unwrap_or("").contains("invalid type"), "{b}");

    let (s, b) = error_of(raw(&t, &c, "/messages", r#"{"client_id": "a"}"#).await).await;
    assert_eq!(s, 422);
    assert!(b["message"].as_str().unwrap_or("").contains("missing field `text`"), "{b}");

    let r = t.client.post(c.path("/messages")).bearer_auth(&c.token).body("{}").send().await.expect("post");
    assert_eq!(error_of(r).await.0, 415, "no content type");

    let (s, b) = error_of(c.say("long", &"é".repeat(4001)).await).await;
    assert_eq!((s, b["error"].as_str()), (422, Some("too_long")));
    assert_eq!(c.say("ok", &"é".repeat(4000)).await.status(), 201, "the limit counts characters, not bytes");

    let (s, b) = error_of(c.say("big", &"x".repeat(70 * 1024)).await).await;
    assert_eq!((s, b["error"].as_str()), (413, Some("payload_too_large")));

    // A handoff may carry a bigger transcript (256 KiB) than a message body (64 KiB)...
    let mut h = handoff_body("orders", "normal");
    h["transcript"] =
        json!((0..60).map(|_| json!({"role": "customer", "text": "y".repeat(3500)})).collect::<Vec<_>>());
    let r = c.post("/handoff", h.clone()).await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    // ...but not more.
    let c2 = t.customer().await;
    h["transcript"] =
        json!((0..80).map(|_| json!({"role": "customer", "text": "y".repeat(3500)})).collect::<Vec<_>>());
    assert_eq!(error_of(c2.post("/handoff", h).await).await.0, 413);

    // Content validated against the site.
    for (field, value, code) in [
        ("department", "marketing", "unknown_department"),
        ("tier", "ceo", "unknown_tier"),
        ("priority", "whenever", "unknown_priority"),
        ("reason", "bored", "invalid_body"),
    ] {
        let mut h = handoff_body("orders", "normal");
        h[field] = json!(value);
        let (s, b) = error_of(c2.post("/handoff", h).await).await;
        assert_eq!((s, b["error"].as_str()), (422, Some(code)), "{field}: {b}");
    }
    let r = t
        .client
        .post(t.url("/v1/conversations"))
        .json(&json!({"site_key": "nope", "locale": "en"}))
        .send()
        .await
        .expect("post");
    assert_eq!(error_of(r).await.1["error"], "unknown_site");
    let r = t.client.get(t.url("/v1/nothing-here")).send().await.expect("get");
    assert_eq!(error_of(r).await.0, 404);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_open_only_their_own_conversation() {
    let t = spawn("", "").await;
    let a = t.customer().await;
    let b = t.customer().await;
    assert_eq!(a.say("1", "mine").await.status(), 201);

    let r = t
        .client
        .post(a.path("/messages"))
        .json(&json!({"client_id": "x", "text": "hi"}))
        .send()
        .await
        .expect("post");
    assert_eq!(
        error_of(r).await,
        (
            401,
            json!({"error": "missing_token", "message": "send the conversation token as `Authorization: Bearer`"})
        )
    );
    let r = t
        .client
        .post(a.path("/messages"))
        .bearer_auth("guess")
        .json(&json!({"client_id": "x", "text": "hi"}))
        .send()
        .await
        .expect("post");
    assert_eq!(error_of(r).await.0, 403);
    let r = t
        .client
        .post(a.path("/messages"))
        .bearer_auth(&b.token)
        .json(&json!({"client_id": "x", "text": "hi"}))
        .send()
        .await
        .expect("post");
    assert_eq!(error_of(r).await.1["error"], "bad_token");
    let r = t.client.get(a.path("/events")).bearer_auth(&b.token).send().await.expect("get");
    assert_eq!(r.status(), 403, "another conversation's stream");
    let r = t.client.get(a.path("")).bearer_auth(&b.token).send().await.expect("get");
    assert_eq!(r.status(), 403);
    let r = t.client.get(t.url("/v1/conversations/unknown")).bearer_auth(&a.token).send().await.expect("get");
    assert_eq!(r.status(), 404);
    let r = t
        .client
        .get(format!("{}?after=yesterday", a.path("/events")))
        .bearer_auth(&a.token)
        .send()
        .await
        .expect("get");
    assert_eq!(error_of(r).await.1["error"], "invalid_event_id");
    // The header wins over `?after=`, but a malformed `after` beside it is still refused, and so
    // is a negative id (found by Schemathesis: it was silently ignored).
    for (header, after) in [("3", "9223372036854775808"), ("-1", "0"), ("0", "-5")] {
        let r = t
            .client
            .get(format!("{}?after={after}", a.path("/events")))
            .header("last-event-id", header)
            .bearer_auth(&a.token)
            .send()
            .await
            .expect("get");
        let (status, body) = error_of(r).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("invalid_event_id")), "{header} / {after}");
    }
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_configured_origins() {
    let t = spawn("", "").await;
    let r = t
        .client
        .post(t.url("/v1/conversations"))
        .header("origin", "https://evil.test")
        .json(&json!({"site_key": "demo", "locale": "en"}))
        .send()
        .await
        .expect("post");
    assert_eq!(error_of(r).await.1["error"], "origin_not_allowed");

    // The desk's own pages (the widget frame, the portal) are same-origin and always allowed.
    let own = t.url("").trim_end_matches('/').to_string();
    let r = t
        .client
        .post(t.url("/v1/conversations"))
        .header("origin", &own)
        .json(&json!({"site_key": "demo", "locale": "en"}))
        .send()
        .await
        .expect("post");
    assert!(r.status().is_success(), "{own}: {}", r.status());

    let c = t.customer().await;
    let r = t
        .client
        .post(c.path("/messages"))
        .bearer_auth(&c.token)
        .header("origin", "https://evil.test")
        .json(&json!({"client_id": "x", "text": "hi"}))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403);
    let r = t
        .client
        .get(c.path("/events"))
        .bearer_auth(&c.token)
        .header("origin", "https://evil.test")
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 403);

    // CORS preflight: the allowed origin is echoed, another is not.
    let pre = |origin: &'static str| {
        t.client
            .request(reqwest::Method::OPTIONS, c.path("/messages"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization,content-type")
            .send()
    };
    let ok = pre(ORIGIN).await.expect("preflight");
    assert_eq!(ok.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok()), Some(ORIGIN));
    let bad = pre("https://evil.test").await.expect("preflight");
    assert!(bad.headers().get("access-control-allow-origin").is_none());
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agent_routes_need_a_session_and_the_csrf_token() {
    let t = spawn("", "").await;
    t.add_agent("ana@t", "Ana", "agent", &["orders"], 3).await;
    let r = t.client.get(t.url("/v1/agent/queue")).send().await.expect("get");
    assert_eq!(
        error_of(r).await,
        (401, json!({"error": "no_session", "message": "log in first (no session cookie)"}))
    );
    let r = t
        .client
        .get(t.url("/v1/agent/queue"))
        .header("cookie", "handoff_session=forged")
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 401);
    let r = t
        .client
        .post(t.url("/v1/agent/login"))
        .json(&json!({"email": "ana@t", "password": "nope"}))
        .send()
        .await
        .expect("post");
    assert_eq!(error_of(r).await.1["error"], "bad_credentials");

    let ana = t.agent("ana@t").await;
    let no_csrf = t
        .client
        .put(t.url("/v1/agent/presence"))
        .header("cookie", &ana.cookie)
        .json(&json!({"presence": "online"}))
        .send()
        .await
        .expect("put");
    assert_eq!(error_of(no_csrf).await.1["error"], "csrf");
    let wrong = t
        .client
        .put(t.url("/v1/agent/presence"))
        .header("cookie", &ana.cookie)
        .header("x-csrf-token", "wrong")
        .json(&json!({"presence": "online"}))
        .send()
        .await
        .expect("put");
    assert_eq!(wrong.status(), 403);
    assert_eq!(ana.put("/v1/agent/presence", json!({"presence": "online"})).await.status(), 200);
    assert_eq!(ana.get("/v1/agent/me").await.json::<Value>().await.expect("json")["presence"], "online");

    // After logout the cookie is worthless.
    assert_eq!(ana.post("/v1/agent/logout", json!({})).await.status(), 204);
    assert_eq!(ana.get("/v1/agent/me").await.status(), 401);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_answer_429_with_retry_after() {
    let t = spawn("[limits]\nconversation_burst = 3\nconversation_per_minute = 6\n", "").await;
    let c = t.customer().await;
    for i in 0..3 {
        assert_eq!(c.say(&format!("{i}"), "hi").await.status(), 201);
    }
    let r = c.say("4", "hi").await;
    assert_eq!(r.status(), 429);
    let retry: u64 = r
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=10).contains(&retry), "{retry}");
    assert_eq!(error_of(r).await.1["error"], "rate_limited");
    // Another conversation has its own bucket.
    assert_eq!(t.customer().await.say("1", "hi").await.status(), 201);
    t.stop().await;

    let t = spawn("[limits]\nip_burst = 2\nip_per_minute = 1\n", "").await;
    let (mut statuses, mut retry_after) = (Vec::new(), None);
    for _ in 0..3 {
        let r = t
            .client
            .post(t.url("/v1/conversations"))
            .json(&json!({"site_key": "demo", "locale": "en"}))
            .send()
            .await
            .expect("post");
        statuses.push(r.status().as_u16());
        retry_after = r.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(String::from);
    }
    assert_eq!(statuses, [201, 201, 429]);
    assert_eq!(retry_after.as_deref(), Some("60"), "the 429 says when to retry");
    t.stop().await;
}

/// Issue 14, point 9: every field of every body has a limit; each of these was accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_field_is_bounded() {
    let t = spawn("", "").await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 3).await;

    // (field path in the handoff, value, the code, what the message names)
    let long = |n: usize| json!("x".repeat(n));
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        ("/page_url", long(100_000), "too_long", "page_url"),
        ("/article", long(50_000), "too_long", "article"),
        ("/slots", json!({"order_number": "1".repeat(20_000)}), "too_long", "slots.order_number"),
        ("/slots", json!({"n".repeat(20_000): "1"}), "too_long", "slot name"),
        (
            "/intents",
            json!([{"intent": "i".repeat(20_000), "confidence": 0.5, "turn": 0}]),
            "too_long",
            "intents[0].intent",
        ),
        (
            "/transcript",
            json!([{"role": "customer", "text": "hi"}, {"role": "customer", "text": "y".repeat(60_000)}]),
            "too_long",
            "transcript[1].text",
        ),
        ("/department", long(20_000), "too_long", "department"),
        (
            "/intents",
            json!([{"intent": "order_status", "confidence": 1e39, "turn": 0}]),
            "invalid_number",
            "intents[0].confidence",
        ),
        (
            "/intents",
            json!([{"intent": "order_status", "confidence": -0.5, "turn": 0}]),
            "invalid_number",
            "intents[0].confidence",
        ),
    ];
    let c = t.customer().await;
    for (pointer, value, code, names) in cases {
        let mut h = handoff_body("orders", "normal");
        h[pointer.trim_start_matches('/')] = value;
        let (s, b) = error_of(c.post("/handoff", h).await).await;
        assert_eq!((s, b["error"].as_str()), (422, Some(code)), "{pointer}: {b}");
        assert!(b["message"].as_str().unwrap_or("").contains(names), "{pointer}: {b}");
    }
    // Nothing of it was stored: the conversation is still with the bot, and a good handoff
    // (confidence 1 included) reaches the agent whole.
    let mut h = handoff_body("orders", "normal");
    h["intents"][0]["confidence"] = json!(1.0);
    let r = c.post("/handoff", h).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.expect("json")["status"], "assigned");
    let detail: Value =
        ana.get(&format!("/v1/agent/conversations/{}", c.id)).await.json().await.expect("json");
    assert_eq!(detail["handoff"]["intents"][0]["confidence"], 1.0, "{detail}");

    // Agent bodies: a 60,000-character hand-back note, escalation note, transfer note, reply.
    for (action, body, names) in [
        ("handback", json!({"note": "n".repeat(60_000)}), "note"),
        ("escalate", json!({"note": "n".repeat(60_000)}), "note"),
        ("transfer", json!({"department": "billing", "note": "n".repeat(60_000)}), "note"),
        ("transfer", json!({"department": "d".repeat(20_000)}), "department"),
        ("messages", json!({"text": "t".repeat(60_000)}), "text"),
        ("notes", json!({"text": "t".repeat(60_000)}), "text"),
    ] {
        let (s, b) = error_of(ana.on(&c.id, action, body).await).await;
        assert_eq!((s, b["error"].as_str()), (422, Some("too_long")), "{action}: {b}");
        assert!(b["message"].as_str().unwrap_or("").contains(names), "{action}: {b}");
    }
    let detail: Value =
        ana.get(&format!("/v1/agent/conversations/{}", c.id)).await.json().await.expect("json");
    assert_eq!(detail["summary"]["status"], "assigned", "nothing moved: {detail}");

    // Start: the customer's identity and the page.
    for (body, code) in [
        (json!({"site_key": "demo", "locale": "en", "page_url": "x".repeat(3000)}), "too_long"),
        (json!({"site_key": "s".repeat(20_000), "locale": "en"}), "too_long"),
        (
            json!({"site_key": "demo", "locale": "en", "customer": {"name": "A", "signature": "0".repeat(5000)}}),
            "too_long",
        ),
        (
            json!({"site_key": "demo", "locale": "en", "customer": {"name": "A", "attributes": {"n": "a".repeat(600)}}}),
            "too_long",
        ),
    ] {
        let r = t.client.post(t.url("/v1/conversations")).json(&body).send().await.expect("post");
        let (s, b) = error_of(r).await;
        assert_eq!((s, b["error"].as_str()), (422, Some(code)), "{b}");
    }
    // Login: an argon2 hash of 60 KB is work nobody should get for free.
    let r = t
        .client
        .post(t.url("/v1/agent/login"))
        .json(&json!({"email": "ana@t", "password": "p".repeat(60_000)}))
        .send()
        .await
        .expect("post");
    assert_eq!(error_of(r).await.1["error"], "too_long");
    t.stop().await;
}

/// Issue 14, point 9: tickets. One per conversation (a retry of the same one answers it again),
/// bounded transcripts, e-mail addresses that look like e-mail addresses.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_bounded_ticket_per_conversation() {
    // Nobody online: the handoff answers offline and the customer may leave a ticket.
    let t = spawn("", "").await;
    let c = t.customer().await;
    assert_eq!(c.handoff("orders", "normal").await["status"], "offline");

    let ticket = |email: &str, message: &str, line: &str| {
        json!({"name": "Jana", "email": email, "message": message,
               "transcript": [{"role": "customer", "text": line}]})
    };
    for email in ["@", "a@", "@b.cz", "jana@localhost", "ja na@b.cz"] {
        let (s, b) = error_of(c.post("/ticket", ticket(email, "call me", "hi")).await).await;
        assert_eq!((s, b["error"].as_str()), (422, Some("invalid_email")), "{email}: {b}");
    }
    let (s, b) = error_of(c.post("/ticket", ticket("jana@b.cz", "call me", &"y".repeat(60_000))).await).await;
    assert_eq!((s, b["error"].as_str()), (422, Some("too_long")), "{b}");
    assert!(b["message"].as_str().unwrap_or("").contains("transcript[0].text"), "{b}");

    let first = c.post("/ticket", ticket("jana@b.cz", "call me", "hi")).await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.expect("json");
    // The answer was lost and the widget sends the same ticket again: the same ticket.
    let again = c.post("/ticket", ticket("jana@b.cz", "call me", "hi")).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<Value>().await.expect("json")["id"], first["id"]);
    // Another ticket on the same conversation is refused.
    for n in 0..4 {
        let (s, b) =
            error_of(c.post("/ticket", ticket("jana@b.cz", &format!("again {n}"), "hi")).await).await;
        assert_eq!((s, b["error"].as_str()), (409, Some("ticket_exists")), "{b}");
    }
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 3).await;
    let tickets: Value = ana.get("/v1/agent/tickets").await.json().await.expect("json");
    assert_eq!(tickets.as_array().map(Vec::len), Some(1), "{tickets}");
    t.stop().await;
}

/// Issue 14 ("Also"): a bidi override or isolate left open in a message would reorder whatever
/// a console or widget shows after it. The desk stores every text balanced.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_text_has_balanced_bidi_controls() {
    let t = spawn("", "").await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 3).await;
    let c = t.customer().await;
    let spoof = "refund of \u{202E}0001 EUR\u{2067} approved";
    let r = c.say("b1", spoof).await;
    assert_eq!(r.status(), 201);
    let stored = r.json::<Value>().await.expect("json")["text"].as_str().unwrap_or("").to_string();
    assert_eq!(stored, format!("{spoof}\u{2069}\u{202C}"));
    // A retry of the same message is still the same message, not a conflict.
    assert_eq!(c.say("b1", spoof).await.status(), 200);

    let mut h = handoff_body("orders", "normal");
    h["transcript"][0]["text"] = json!("\u{202E}where is my order?");
    assert_eq!(c.post("/handoff", h).await.status(), 200);
    let r = ana.on(&c.id, "messages", json!({"text": "closing nothing\u{2069}\u{202C} \u{2066}ok"})).await;
    assert_eq!(r.status(), 201);

    let detail: Value =
        ana.get(&format!("/v1/agent/conversations/{}", c.id)).await.json().await.expect("json");
    let texts: Vec<&str> =
        detail["messages"].as_array().expect("messages").iter().filter_map(|m| m["text"].as_str()).collect();
    assert!(texts.contains(&format!("{spoof}\u{2069}\u{202C}").as_str()), "{texts:?}");
    assert!(texts.contains(&"closing nothing \u{2066}ok\u{2069}"), "{texts:?}");
    assert_eq!(detail["handoff"]["transcript"][0]["text"], "\u{202E}where is my order?\u{202C}");
    t.stop().await;
}

/// Issue 14, point 9: queries are bounded too (they are only compared, but a 300 KB query was
/// parsed, matched and echoed in error messages).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_request_targets_are_refused() {
    let t = spawn("", "").await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 3).await;
    let c = t.customer().await;
    let long = "x".repeat(9 * 1024);
    let (s, b) = error_of(ana.get(&format!("/v1/agent/queue?department={long}")).await).await;
    assert_eq!((s, b["error"].as_str()), (414, Some("uri_too_long")), "{b}");
    let r = t
        .client
        .get(format!("{}?after={long}", c.path("/events")))
        .bearer_auth(&c.token)
        .send()
        .await
        .expect("get");
    assert_eq!(error_of(r).await.0, 414);
    // Ordinary filters still work.
    assert_eq!(ana.get("/v1/agent/queue?department=orders&tier=agent").await.status(), 200);
    t.stop().await;
}

/// Found by Schemathesis (issue 16): serde reads a struct from a JSON array of its fields, axum's
/// query rejection is plain text, and a bad body used to be reported before a missing token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_must_be_objects_queries_fail_as_json_and_a_missing_token_comes_first() {
    let t = spawn("", "").await;
    let c = t.customer().await;
    let (s, b) = error_of(raw(&t, &c, "/messages", r#"["c1", "hello"]"#).await).await;
    assert_eq!((s, b["error"].as_str()), (422, Some("invalid_body")), "{b}");
    let (s, b) = error_of(raw(&t, &c, "/cancel", "[]").await).await;
    assert_eq!((s, b["error"].as_str()), (422, Some("invalid_body")), "{b}");
    assert_eq!(raw(&t, &c, "/cancel", " ").await.status(), 200, "an empty cancel body is still fine");
    let (s, b) = error_of(raw(&t, &c, "/transcript", r#"["a@example.com"]"#).await).await;
    assert_eq!((s, b["error"].as_str()), (422, Some("invalid_body")), "{b}");
    let r = t
        .client
        .post(t.url("/v1/agent/login"))
        .header("content-type", "application/json")
        .body(r#"["sam@t", "password"]"#)
        .send()
        .await
        .expect("post");
    assert_eq!(error_of(r).await.0, 422);

    // No token and a bad body: the missing token is what the caller hears.
    let r = t
        .client
        .post(c.path("/messages"))
        .header("content-type", "application/json")
        .body(r#"{"nonsense": true}"#)
        .send()
        .await
        .expect("post");
    assert_eq!(
        error_of(r).await,
        (
            401,
            json!({"error": "missing_token", "message": "send the conversation token as `Authorization: Bearer`"})
        )
    );
    let r = t.client.get(c.path("")).send().await.expect("get");
    assert_eq!(error_of(r).await.1["error"], "missing_token");

    // A query parameter given twice is a JSON 400, on every route that reads a query.
    let sam = t.online_agent("sam@t", "Sam", "supervisor", &["orders"], 1).await;
    let (s, b) = error_of(sam.put("/v1/agent/preferences", json!([true])).await).await;
    assert_eq!((s, b["error"].as_str()), (422, Some("invalid_body")), "{b}");
    for path in [
        "/v1/agent/insights?from=2026-01-01&from=2026-02-01",
        "/v1/agent/insights.csv?bucket=day&bucket=week",
    ] {
        let (s, b) = error_of(sam.get(path).await).await;
        assert_eq!((s, b["error"].as_str()), (400, Some("invalid_query")), "{path}: {b}");
    }
    t.stop().await;
}
