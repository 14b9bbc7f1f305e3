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
