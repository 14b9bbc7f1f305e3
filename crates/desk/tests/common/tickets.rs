//! A customer whose handoff finds nobody online and who leaves a ticket: where every mail test
//! starts.

use super::{handoff_body, Customer, ORIGIN};
use serde_json::{json, Value};

/// Starts a conversation in `locale`, hands it off to orders (answered offline: nobody is
/// online) and leaves `ticket` (the JSON body); returns the conversation id and the ticket.
pub async fn leave_ticket(
    client: &reqwest::Client,
    base: &str,
    locale: &str,
    ticket: Value,
) -> (String, Value) {
    let r = client
        .post(format!("{base}/v1/conversations"))
        .header("origin", ORIGIN)
        .json(&json!({"site_key": "demo", "locale": locale}))
        .send()
        .await
        .expect("start");
    assert_eq!(r.status(), 201);
    let c = Customer::from_started(client, base, &r.json().await.expect("json"));
    let mut body = handoff_body("orders", "normal");
    body["locale"] = json!(locale);
    let r = c.post("/handoff", body).await;
    assert_eq!(r.status(), 200);
    let state: Value = r.json().await.expect("json");
    assert_eq!(state["status"], "offline", "{state}");
    let r = c.post("/ticket", ticket).await;
    assert_eq!(r.status(), 201);
    (c.id.clone(), r.json().await.expect("json"))
}
