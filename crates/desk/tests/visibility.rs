//! Who may see what (issue 14, points 1 to 4): earlier conversations link only identities proven
//! the same way; tickets and history lists follow the conversations' department rule; the
//! handoff's tier and priority are the desk's policy; internal notes only by whoever has the
//! conversation (or a supervisor).

mod common;

use common::*;
use handoff_desk::identity::sign;
use serde_json::{json, Value};

const SECRET: &str = "visibility-identity-secret-0123";

/// Starts a conversation on site `site` with extra fields (`visitor_id`, `customer`).
async fn start_with(t: &TestDesk, site: &str, extra: Value) -> Customer {
    let mut body = json!({"site_key": site, "locale": "en"});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let r = t.client.post(t.url("/v1/conversations")).header("origin", ORIGIN).json(&body).send().await;
    let r = r.expect("start");
    assert_eq!(r.status(), 201, "start on {site}");
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

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|l| l.iter().filter_map(|c| c["conversation_id"].as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

async fn history(agent: &Agent, id: &str) -> Vec<String> {
    let (status, list) = json_of(agent.get(&format!("/v1/agent/conversations/{id}/history")).await).await;
    assert_eq!(status, 200, "{list}");
    ids(&list)
}

/// Point 1: a visitor id equal to a verified customer's user id, sent without a signature,
/// links to nothing of that customer, and the other way round.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unsigned_id_never_links_to_a_verified_customers_history() {
    let t = spawn("", &format!("identity_secret = \"{SECRET}\"")).await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 10).await;
    let victim = json!({
        "customer": {"user_id": "u-7", "name": "Vera Victim", "email": "vera@example.com",
                     "signature": sign(SECRET, "u-7")}
    });
    let first = start_with(&t, "demo", victim.clone()).await;
    assert_eq!(first.say("v1", "my address is 1 Elm Street").await.status(), 201);
    first.handoff("orders", "normal").await;

    // The attacker knows the user id but not the secret: an anonymous start with it as visitor id.
    let attacker = start_with(&t, "demo", json!({"visitor_id": "u-7"})).await;
    attacker.handoff("orders", "normal").await;
    assert!(history(&ana, &attacker.id).await.is_empty(), "the victim's conversations leaked");
    let (_, detail) = json_of(ana.get(&format!("/v1/agent/conversations/{}", attacker.id)).await).await;
    assert_ne!(detail["customer"]["verified"], json!(true), "{detail}");

    // The victim's next (verified) conversation does not pull the attacker's unverified one.
    let second = start_with(&t, "demo", victim).await;
    second.handoff("orders", "normal").await;
    assert_eq!(history(&ana, &second.id).await, vec![first.id.clone()]);

    // Two anonymous conversations with the same visitor id still link to each other.
    let again = start_with(&t, "demo", json!({"visitor_id": "u-7"})).await;
    again.handoff("orders", "normal").await;
    assert_eq!(history(&ana, &again.id).await, vec![attacker.id.clone()]);
    t.stop().await;
}

/// A conversation that goes offline (nobody of its department online) and leaves a ticket.
async fn ticket_on(t: &TestDesk, site: &str, department: &str, visitor: &str) -> (Customer, i64) {
    let c = start_with(t, site, json!({"visitor_id": visitor})).await;
    let st = c.handoff(department, "normal").await;
    assert_eq!(st["status"], "offline", "{st}");
    let r = c.post("/ticket", json!({"name": "Kim", "email": "kim@example.com", "message": "call me"})).await;
    let (status, ticket) = json_of(r).await;
    assert_eq!(status, 201, "{ticket}");
    (c, ticket["id"].as_i64().expect("ticket id"))
}

fn ticket_ids(list: &Value) -> Vec<i64> {
    list.as_array().map(|l| l.iter().filter_map(|t| t["id"].as_i64()).collect()).unwrap_or_default()
}

/// Point 2 (departments): Ana of orders neither lists nor answers a billing ticket, nor sees an
/// earlier billing conversation in a customer's history.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tickets_and_history_follow_the_department_rule() {
    let t = spawn("", "").await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 10).await;
    let (_, billing_ticket) = ticket_on(&t, "demo", "billing", "v-1").await;
    let (status, list) = json_of(ana.get("/v1/agent/tickets").await).await;
    assert_eq!(status, 200);
    assert!(!ticket_ids(&list).contains(&billing_ticket), "Ana lists a billing ticket: {list}");
    let r = ana.post(&format!("/v1/agent/tickets/{billing_ticket}/answer"), json!({"text": "done"})).await;
    let (status, body) = json_of(r).await;
    assert_eq!((status, body["error"].as_str()), (403, Some("not_your_ticket")), "{body}");

    // Bea of billing lists and answers it.
    let bea = t.online_agent("bea@t", "Bea", "agent", &["billing"], 10).await;
    let (_, list) = json_of(bea.get("/v1/agent/tickets").await).await;
    assert!(ticket_ids(&list).contains(&billing_ticket), "{list}");
    let r = bea.post(&format!("/v1/agent/tickets/{billing_ticket}/answer"), json!({"text": "done"})).await;
    assert_eq!(r.status(), 200);

    // The same visitor now asks orders: Ana sees no billing conversation among the earlier ones.
    let c = start_with(&t, "demo", json!({"visitor_id": "v-1"})).await;
    c.handoff("orders", "normal").await;
    assert!(history(&ana, &c.id).await.is_empty(), "Ana sees a billing conversation in the history");
    t.stop().await;
}

/// Point 3: the bot runs in the customer's browser, so a handoff's tier and priority are hints
/// the desk bounds by the site's rules.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_customer_does_not_choose_its_tier_or_priority() {
    let t = spawn("", "").await;
    let _max = t.online_agent("max@t", "Max", "manager", &["orders", "technical"], 10).await;
    let _ana = t.online_agent("ana@t", "Ana", "agent", &["orders", "technical"], 10).await;
    let c = t.customer().await;
    let mut body = handoff_body("orders", "urgent");
    body["tier"] = json!("manager");
    let (status, st) = json_of(c.post("/handoff", body).await).await;
    assert_eq!(status, 200, "{st}");
    assert_eq!(
        (st["status"].as_str(), st["tier"].as_str(), st["agent_name"].as_str()),
        (Some("assigned"), Some("agent"), Some("Ana")),
        "{st}"
    );
    // The demo's rules give orders at most `high` (the complaint intent).
    assert_eq!(st["priority"], "high", "{st}");

    // Technical has no intent with a priority: the site's default.
    let c = t.customer().await;
    let (_, st) = json_of(c.post("/handoff", handoff_body("technical", "urgent")).await).await;
    assert_eq!((st["tier"].as_str(), st["priority"].as_str()), (Some("agent"), Some("normal")), "{st}");

    // What the bot can honestly produce stays as asked: an upset customer one level up, and a
    // rule's own tier (the complaint intent hands orders to a supervisor).
    let c = t.customer().await;
    let mut body = handoff_body("orders", "urgent");
    body["reason"] = json!("frustration");
    let (_, st) = json_of(c.post("/handoff", body).await).await;
    assert_eq!((st["tier"].as_str(), st["priority"].as_str()), (Some("agent"), Some("urgent")), "{st}");
    let c = t.customer().await;
    let mut body = handoff_body("orders", "high");
    body["reason"] = json!("rule");
    body["tier"] = json!("supervisor");
    let (_, st) = json_of(c.post("/handoff", body).await).await;
    assert_eq!((st["tier"].as_str(), st["agent_name"].as_str()), (Some("supervisor"), Some("Max")), "{st}");
    t.stop().await;
}

/// Point 4: notes only by the agent who has the conversation, or a supervisor.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_assigned_agent_or_a_supervisor_writes_notes() {
    let t = spawn("", "").await;
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 1).await;
    let c = t.customer().await;
    assert_eq!(c.handoff("orders", "normal").await["agent_name"], "Ana");
    let ben = t.online_agent("ben@t", "Ben", "agent", &["orders"], 1).await;
    let (status, body) = json_of(ben.on(&c.id, "notes", json!({"text": "I was here"})).await).await;
    assert_eq!((status, body["error"].as_str()), (403, Some("read_only")), "{body}");
    assert!(body["message"].is_string(), "{body}");
    assert_eq!(ana.on(&c.id, "notes", json!({"text": "mine"})).await.status(), 201);
    let sam = t.online_agent("sam@t", "Sam", "supervisor", &["orders"], 0).await;
    assert_eq!(sam.on(&c.id, "notes", json!({"text": "supervisor's hint"})).await.status(), 201);

    // A queued conversation nobody has yet: read-only for agents too.
    let waiting = t.customer().await;
    assert_eq!(waiting.handoff("orders", "normal").await["agent_name"], "Ben");
    let queued = t.customer().await;
    assert_eq!(queued.handoff("orders", "normal").await["status"], "queued");
    let (status, _) = json_of(ana.on(&queued.id, "notes", json!({"text": "x"})).await).await;
    assert_eq!(status, 403);
    let messages = t.desk.db.messages(&c.id).await.expect("messages");
    assert!(messages.iter().all(|m| m.text != "I was here"), "the refused note was stored");
    t.stop().await;
}
