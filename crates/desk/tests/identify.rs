//! `Handoff('identify')`: the host site's signed-in customer, verified with the site's identity
//! secret (`POST /v1/sites/{key}/identify` and `StartConversation.customer`), shown to agents.

mod common;

use common::*;
use handoff_desk::identity::sign;
use serde_json::{json, Value};

const SECRET: &str = "test-identity-secret-0123456789";

async fn identify(t: &TestDesk, origin: &str, body: Value) -> (u16, Value) {
    let r = t
        .client
        .post(t.url("/v1/sites/demo/identify"))
        .header("origin", origin)
        .json(&body)
        .send()
        .await
        .expect("identify");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn start_as(t: &TestDesk, customer: Value) -> (u16, Value) {
    let r = t
        .client
        .post(t.url("/v1/conversations"))
        .header("origin", ORIGIN)
        .json(&json!({"site_key": "demo", "locale": "en", "customer": customer}))
        .send()
        .await
        .expect("start");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn ana_42() -> Value {
    json!({
        "user_id": "u-42",
        "name": "Ana Novak",
        "email": "ana@example.com",
        "attributes": {"plan": "pro", "orders": 12, "vip": true},
        "signature": sign(SECRET, "u-42"),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_identity_is_verified_and_agents_see_it_with_earlier_conversations() {
    let t = spawn("", &format!("identity_secret = \"{SECRET}\"")).await;
    let (status, who) = identify(&t, ORIGIN, ana_42()).await;
    assert_eq!(status, 200, "{who}");
    assert_eq!(
        who,
        json!({"user_id": "u-42", "name": "Ana Novak", "email": "ana@example.com",
               "attributes": {"orders": 12.0, "plan": "pro", "vip": true}, "verified": true})
    );

    // Two conversations of the same signed-in customer: the second one's agent sees the first.
    let agent = t.online_agent("sam@t", "Sam", "agent", &["orders"], 5).await;
    let mut ids = vec![];
    for _ in 0..2 {
        let (status, started) = start_as(&t, ana_42()).await;
        assert_eq!(status, 201, "{started}");
        let c = Customer {
            client: t.client.clone(),
            base: t.base.clone(),
            id: started["conversation_id"].as_str().expect("id").into(),
            token: started["token"].as_str().expect("token").into(),
        };
        c.handoff("orders", "normal").await;
        ids.push(c.id);
    }
    let detail: Value =
        agent.get(&format!("/v1/agent/conversations/{}", ids[1])).await.json().await.expect("json");
    assert_eq!(detail["customer"], who, "{detail}");
    let history: Value =
        agent.get(&format!("/v1/agent/conversations/{}/history", ids[1])).await.json().await.expect("json");
    let earlier: Vec<&str> =
        history.as_array().expect("list").iter().filter_map(|c| c["conversation_id"].as_str()).collect();
    assert_eq!(earlier, [ids[0].as_str()], "{history}");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_or_missing_signature_is_refused_where_the_site_verifies() {
    let t = spawn("", &format!("identity_secret = \"{SECRET}\"")).await;
    let mut forged = ana_42();
    forged["user_id"] = json!("u-43"); // Ana's signature, someone else's id
    let (status, body) = identify(&t, ORIGIN, forged.clone()).await;
    assert_eq!((status, body["error"].as_str()), (403, Some("identity_not_verified")), "{body}");
    let mut unsigned = ana_42();
    unsigned.as_object_mut().expect("object").remove("signature");
    let (status, body) = identify(&t, ORIGIN, unsigned).await;
    assert_eq!((status, body["error"].as_str()), (403, Some("identity_not_verified")), "{body}");
    let (status, body) = identify(&t, ORIGIN, json!({"name": "Eve"})).await;
    assert_eq!((status, body["error"].as_str()), (403, Some("identity_not_verified")), "{body}");

    // The desk checks again when the conversation starts: a page cannot skip the check.
    let (status, body) = start_as(&t, forged).await;
    assert_eq!((status, body["error"].as_str()), (403, Some("identity_not_verified")), "{body}");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_secret_identities_are_kept_as_not_verified_and_not_linked() {
    let t = spawn("", "").await;
    let (status, who) = identify(&t, ORIGIN, json!({"user_id": "u-42", "name": "Ana"})).await;
    assert_eq!((status, &who), (200, &json!({"user_id": "u-42", "name": "Ana", "verified": false})));
    let agent = t.online_agent("sam@t", "Sam", "agent", &["orders"], 5).await;
    let (_, started) = start_as(&t, json!({"user_id": "u-42", "name": "Ana"})).await;
    let id = started["conversation_id"].as_str().expect("id");
    let c = Customer {
        client: t.client.clone(),
        base: t.base.clone(),
        id: id.into(),
        token: started["token"].as_str().expect("token").into(),
    };
    c.handoff("orders", "normal").await;
    let detail: Value = agent.get(&format!("/v1/agent/conversations/{id}")).await.json().await.expect("json");
    assert_eq!(detail["customer"], who);
    // Anyone could have claimed "u-42": it does not pull in that user's history.
    let history: Value =
        agent.get(&format!("/v1/agent/conversations/{id}/history")).await.json().await.expect("json");
    assert_eq!(history, json!([]));
    // An anonymous conversation has no customer at all.
    let anon = t.customer().await;
    anon.handoff("orders", "normal").await;
    let detail: Value =
        agent.get(&format!("/v1/agent/conversations/{}", anon.id)).await.json().await.expect("json");
    assert!(detail.get("customer").is_none(), "{detail}");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_identities_get_clear_errors() {
    let t = spawn("", "").await;
    for (body, status, code) in [
        (json!({}), 422, "empty_identity"),
        (json!({"email": "not-an-address"}), 422, "invalid_email"),
        (json!({"name": "x".repeat(201)}), 422, "too_long"),
        (json!({"name": "A", "attributes": {"a b": 1}}), 422, "invalid_attribute"),
        (json!({"name": "A", "attributes": {"nested": {"x": 1}}}), 422, "invalid_body"),
        (json!({"name": "A", "role": "admin"}), 422, "invalid_body"),
    ] {
        let (got, answer) = identify(&t, ORIGIN, body.clone()).await;
        assert_eq!((got, answer["error"].as_str()), (status, Some(code)), "{body} -> {answer}");
        assert!(answer["message"].as_str().is_some_and(|m| !m.is_empty()), "{answer}");
    }
    let (status, body) = identify(&t, "https://evil.example", json!({"name": "A"})).await;
    assert_eq!((status, body["error"].as_str()), (403, Some("origin_not_allowed")), "{body}");
    let r = t
        .client
        .post(t.url("/v1/sites/nope/identify"))
        .json(&json!({"name": "A"}))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 404);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_learns_the_snippet_from_the_public_url_and_that_identities_are_verified() {
    let t = spawn("public_url = \"https://help.shop.example/\"", &format!("identity_secret = \"{SECRET}\""))
        .await;
    let sam = t.online_agent("sam@t", "Sam", "supervisor", &["orders"], 5).await;
    let sites: Value = sam.get("/v1/agent/sites").await.json().await.expect("json");
    assert_eq!(
        sites[0]["embed"],
        json!({
            "snippet": "<script async src=\"https://help.shop.example/embed.js\" data-site=\"demo\"></script>",
            "portal_url": "https://help.shop.example/help/demo",
            "allowed_origins": [ORIGIN],
            "identity_verification": true,
        })
    );
    t.stop().await;
}
