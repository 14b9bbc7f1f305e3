//! Mail asked for by the people it goes to (issue 21), through a real SMTP server (aiosmtpd):
//! the customer's copy of a conversation (`POST /v1/conversations/{id}/transcript`) and an
//! agent's notice of a ticket filed while nobody of their department is online (opt-in with
//! `PUT /v1/agent/preferences`). On SQLite, and on PostgreSQL with HANDOFF_TEST_ENGINE=postgres.

mod common;

use common::smtp::{free_port, smtp_section, wait_for_mails, SmtpServer};
use common::*;
use handoff_desk::identity::sign;
use serde_json::{json, Value};

const SECRET: &str = "test-identity-secret-0123456789";

/// A German customer signed in on the host site (verified identity with an e-mail) who talks
/// to Ana, gets a private note written about them, and is resolved.
async fn resolved_chat(t: &TestDesk) -> Customer {
    let ana = t.online_agent("ana@t", "Ana Nováková", "agent", &["orders"], 3).await;
    let who = json!({"user_id": "u-7", "name": "Jana", "email": "jana@example.test",
                     "signature": sign(SECRET, "u-7")});
    let r = t
        .client
        .post(t.url("/v1/conversations"))
        .header("origin", ORIGIN)
        .json(&json!({"site_key": "demo", "locale": "de", "customer": who}))
        .send()
        .await
        .expect("start");
    assert_eq!(r.status(), 201);
    let c = Customer::from_started(&t.client, &t.base, &r.json().await.expect("json"));
    let mut body = handoff_body("orders", "normal");
    body["locale"] = json!("de");
    body["transcript"] = json!([{"role": "customer", "text": "Wo ist <b>meine</b> Bestellung?"},
                                {"role": "bot", "text": "Ich hole eine Kollegin dazu."}]);
    let state: Value = c.post("/handoff", body).await.json().await.expect("json");
    assert_eq!(state["status"], "assigned", "{state}");
    assert_eq!(c.say("m1", "Nummer 4711, danke & Gruß").await.status(), 201);
    let r = ana.on(&c.id, "messages", json!({"text": "Sie ist heute unterwegs."})).await;
    assert!(r.status().is_success(), "{}", r.status());
    let r = ana.on(&c.id, "notes", json!({"text": "INTERNAL: customer was rude"})).await;
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!(ana.on(&c.id, "resolve", json!({})).await.status(), 200);
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_gets_a_copy_of_the_conversation_once_per_address() {
    let port = free_port();
    let maildir = tempfile::tempdir().expect("maildir");
    let _server = SmtpServer::start(port, maildir.path());
    let t = spawn(&smtp_section(port), &format!("identity_secret = \"{SECRET}\"")).await;
    let c = resolved_chat(&t).await;

    // Bad input first: nothing is queued for it.
    let r = c.post("/transcript", json!({"email": "not an address"})).await;
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.expect("json")["error"], "invalid_email");
    let r = c.post("/transcript", json!({"email": "x".repeat(400) + "@example.test"})).await;
    assert_eq!(r.status(), 422);
    let r = c.post("/transcript", json!({"to": "a@example.test"})).await;
    assert_eq!(r.status(), 422, "unknown fields are refused");
    let r = t
        .client
        .post(c.path("/transcript"))
        .json(&json!({"email": "a@example.test"}))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 401, "no token, no copy");
    let other = t.customer().await;
    let r = t
        .client
        .post(c.path("/transcript"))
        .bearer_auth(&other.token)
        .json(&json!({"email": "a@example.test"}))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403, "another conversation's token opens nothing");

    // No address given: the verified identity's.
    let r = c.post("/transcript", json!({})).await;
    assert_eq!(r.status(), 202);
    assert_eq!(r.json::<Value>().await.expect("json"), json!({"email": "jana@example.test"}));
    let copy = wait_for_mails(maildir.path(), 1).await.remove(0);
    assert_eq!(copy.to, "jana@example.test");
    assert_eq!(copy.subject, "Ihr Gespräch mit Fernhill Outdoor");
    assert!(copy.text.starts_with("Hallo Jana,"), "{}", copy.text);
    for line in
        ["> Wo ist <b>meine</b> Bestellung?", "> Ich hole eine Kollegin dazu.", "> Nummer 4711, danke & Gruß"]
    {
        assert!(copy.text.contains(line), "{line} in {}", copy.text);
    }
    assert!(copy.text.contains("Ana Nováková · "), "the agent by name, with the time: {}", copy.text);
    assert!(copy.text.contains("> Sie ist heute unterwegs."), "{}", copy.text);
    assert!(!copy.text.contains("INTERNAL") && !copy.html.contains("INTERNAL"), "notes stay internal");
    assert!(!copy.html.contains("<b>meine") && copy.html.contains("&lt;b&gt;meine"), "{}", copy.html);
    assert!(copy.reply_to.is_empty(), "a copy has no reply token: {:?}", copy.reply_to);

    // The same address again (a retry, a double click): 202, nothing new.
    assert_eq!(c.post("/transcript", json!({"email": " Jana@Example.test "})).await.status(), 202);
    // Two more addresses, then the limit.
    for to in ["a@example.test", "b@example.test"] {
        let r = c.post("/transcript", json!({"email": to})).await;
        assert_eq!(r.status(), 202);
        assert_eq!(r.json::<Value>().await.expect("json")["email"], to);
    }
    let r = c.post("/transcript", json!({"email": "c@example.test"})).await;
    assert_eq!(r.status(), 409);
    assert_eq!(r.json::<Value>().await.expect("json")["error"], "transcript_limit");
    let all = wait_for_mails(maildir.path(), 3).await;
    let mut to: Vec<_> = all.iter().map(|m| m.to.as_str()).collect();
    to.sort_unstable();
    assert_eq!(to, ["a@example.test", "b@example.test", "jana@example.test"]);
    let m = t.client.get(t.url("/metrics")).send().await.expect("metrics").text().await.expect("text");
    assert!(m.contains("handoff_transcripts_total 3"), "{m}");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_needs_an_address_a_handoff_and_a_desk_that_sends_mail() {
    let port = free_port();
    let t = spawn(&smtp_section(port), "").await;
    let c = t.customer().await;
    // Anonymous: no verified address to fall back on.
    let r = c.post("/transcript", json!({})).await;
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.expect("json")["error"], "missing_field");
    // Nothing was handed to the team yet.
    let r = c.post("/transcript", json!({"email": "a@example.test"})).await;
    assert_eq!(r.status(), 409);
    assert_eq!(r.json::<Value>().await.expect("json")["error"], "not_handed_off");
    t.stop().await;

    let t = spawn("", "").await;
    let c = t.customer().await;
    c.handoff("orders", "normal").await;
    let r = c.post("/transcript", json!({"email": "a@example.test"})).await;
    assert_eq!(r.status(), 409);
    assert_eq!(r.json::<Value>().await.expect("json")["error"], "mail_not_configured");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_who_ask_for_it_are_mailed_a_ticket_filed_while_nobody_is_online() {
    let port = free_port();
    let maildir = tempfile::tempdir().expect("maildir");
    let _server = SmtpServer::start(port, maildir.path());
    // A short longest wait: with Dan online but taking no chats, the handoff is answered offline.
    let t = spawn(&smtp_section(port), "max_wait_secs = 1").await;
    t.add_agent("ana@t", "Ana", "agent", &["orders"], 3).await;
    t.add_agent("ben@t", "Ben", "agent", &["orders"], 3).await;
    t.add_agent("cleo@t", "Cleo", "agent", &["billing"], 3).await;
    // Off unless asked for; Ana and Cleo ask, Ben does not.
    let ana = t.agent("ana@t").await;
    let me: Value = ana.get("/v1/agent/me").await.json().await.expect("json");
    assert_eq!(me["ticket_mail"], false, "{me}");
    for who in ["ana@t", "cleo@t"] {
        let a = t.agent(who).await;
        let r = a.put("/v1/agent/preferences", json!({"ticket_mail": true})).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.json::<Value>().await.expect("json")["ticket_mail"], true);
    }
    assert_eq!(ana.get("/v1/agent/me").await.json::<Value>().await.expect("json")["ticket_mail"], true);
    assert_eq!(ana.put("/v1/agent/preferences", json!({"ticket_mail": "yes"})).await.status(), 422);
    let r = t
        .client
        .put(t.url("/v1/agent/preferences"))
        .json(&json!({"ticket_mail": true}))
        .send()
        .await
        .expect("put");
    assert_eq!(r.status(), 401);

    // Nobody of orders is online: the receipt for the customer and a notice for Ana only.
    let ticket = json!({"name": "Eva", "email": "eva@example.test", "message": "Wo bleibt <b>4711</b>?"});
    common::tickets::leave_ticket(&t.client, &t.base, "de", ticket).await;
    let got = wait_for_mails(maildir.path(), 2).await;
    let notice = got.iter().find(|m| m.to == "ana@t").expect("Ana's notice");
    assert!(got.iter().any(|m| m.to == "eva@example.test"), "the receipt");
    assert_eq!(notice.subject, "New ticket from Eva – Orders – Fernhill Outdoor", "in the site's language");
    assert!(notice.text.contains("Eva <eva@example.test> left a message for Orders"), "{}", notice.text);
    assert!(notice.text.contains("> Wo bleibt <b>4711</b>?"), "{}", notice.text);
    assert!(!notice.html.contains("<b>4711"), "{}", notice.html);

    // Someone of orders online: they see it in the console, nobody is mailed but the customer.
    let _dan = t.online_agent("dan@t", "Dan", "agent", &["orders"], 0).await;
    let ticket = json!({"name": "Petr", "email": "petr@example.test", "message": "Hallo?"});
    let c = t.customer().await;
    let state = c.handoff("orders", "normal").await;
    assert_eq!(
        (&state["status"], &state["offline_reason"]),
        (&json!("offline"), &json!("over_max_wait")),
        "{state}"
    );
    assert_eq!(c.post("/ticket", ticket).await.status(), 201);
    let got = wait_for_mails(maildir.path(), 3).await;
    assert_eq!(got.iter().filter(|m| m.to == "ana@t").count(), 1, "no second notice while Dan is online");
    t.stop().await;
}
