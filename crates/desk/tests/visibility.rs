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
    // No site list on a one-site desk: that site.
    let (_, me) = json_of(ana.get("/v1/agent/me").await).await;
    assert_eq!(me["sites"], json!(["demo"]));
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

    // A visit the bot handled alone (no department): the site's agents may read it.
    let visit = start_with(&t, "demo", json!({"visitor_id": "v-1"})).await;
    assert_eq!(visit.say("b1", "do you ship to Norway?").await.status(), 201);

    // The same visitor now asks orders: Ana sees no billing conversation among the earlier ones,
    // only the bot's visit, which she can open.
    let c = start_with(&t, "demo", json!({"visitor_id": "v-1"})).await;
    c.handoff("orders", "normal").await;
    assert_eq!(history(&ana, &c.id).await, vec![visit.id.clone()], "billing leaked or the visit is missing");
    assert_eq!(ana.get(&format!("/v1/agent/conversations/{}", visit.id)).await.status(), 200);
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

/// A copy of the demo content as a second site with key `north`.
fn north_content(dir: &std::path::Path) -> std::path::PathBuf {
    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).expect("mkdir");
        for e in std::fs::read_dir(from).expect("read_dir").flatten() {
            let target = to.join(e.file_name());
            if e.path().is_dir() {
                copy(&e.path(), &target);
            } else {
                std::fs::copy(e.path(), &target).expect("copy");
            }
        }
    }
    let to = dir.join("north");
    copy(&repo_root().join("content/demo"), &to);
    let toml = std::fs::read_to_string(to.join("site.toml")).expect("site.toml");
    std::fs::write(to.join("site.toml"), toml.replacen("key = \"demo\"", "key = \"north\"", 1))
        .expect("write");
    to
}

/// An online agent serving only `sites`.
async fn site_agent(t: &TestDesk, email: &str, tier: &str, deps: &[&str], sites: &[&str], cap: u32) -> Agent {
    let row = handoff_desk::db::AgentRow {
        id: 0,
        email: email.into(),
        name: email.split('@').next().unwrap_or(email).into(),
        password_hash: handoff_desk::secret::hash_password(PASSWORD).expect("hash"),
        tier: tier.into(),
        departments: deps.iter().map(|d| d.to_string()).collect(),
        presence: "offline".into(),
        capacity: cap,
        sites: sites.iter().map(|s| s.to_string()).collect(),
        ticket_mail: false,
        active: true,
    };
    t.desk.db.insert_agent(&row).await.expect("agent");
    let a = t.agent(email).await;
    let r = a.put("/v1/agent/presence", json!({"presence": "online", "capacity": cap})).await;
    assert_eq!(r.status(), 200);
    a
}

/// Point 2 (sites): one desk serving two sites never shows one site's work to the other's
/// agents: routing, queue, detail, claim, history, notes, tickets, stream notices, overview,
/// insights, reassign, canned responses and the site list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_sites_on_one_desk_never_mix() {
    let content = tempfile::tempdir().expect("temp");
    let north = north_content(content.path());
    let second = format!(
        "\n[[site]]\ncontent = \"{}\"\nallowed_origins = [\"{ORIGIN}\"]\nmax_wait_secs = 3600\n\n\
         [[site.canned]]\nid = \"hi\"\ndepartment = \"orders\"\nlocale = \"en\"\ntitle = \"North hello\"\n\
         text = \"Hello from the north\"\n",
        north.display()
    );
    let t = spawn("", &second).await;
    // Ana (demo) is added first, so she would win every tie; Olga serves only north.
    let ana = site_agent(&t, "ana@t", "agent", &["orders"], &["demo"], 5).await;
    let olga = site_agent(&t, "olga@t", "agent", &["orders"], &["north"], 5).await;
    let sam = site_agent(&t, "sam@t", "supervisor", &["orders", "billing"], &["demo"], 0).await;
    let me: Value = ana.get("/v1/agent/me").await.json().await.expect("json");
    assert_eq!(me["sites"], json!(["demo"]));
    let mut ana_events = ana.stream().await;

    // North's handoff goes to Olga although Ana is as free and came first.
    let n = start_with(&t, "north", json!({"visitor_id": "v-n"})).await;
    assert_eq!(n.handoff("orders", "normal").await["agent_name"], "olga", "north work for a demo agent");
    let path = |rest: &str| format!("/v1/agent/conversations/{}{rest}", n.id);
    for (what, r) in [
        ("detail", ana.get(&path("")).await),
        ("history", ana.get(&path("/history")).await),
        ("notes", sam.on(&n.id, "notes", json!({"text": "x"})).await),
        ("reassign", sam.on(&n.id, "reassign", json!({"agent_id": sam.id})).await),
    ] {
        let (status, body) = json_of(r).await;
        assert_eq!(status, 403, "{what}: {body}");
        assert!(body["error"].is_string(), "{what}: {body}");
    }

    // Olga is full: north work waits, in Olga's queue only.
    let _ = olga.put("/v1/agent/presence", json!({"presence": "online", "capacity": 1})).await;
    let q = start_with(&t, "north", json!({"visitor_id": "v-n"})).await;
    assert_eq!(q.handoff("orders", "normal").await["status"], "queued");
    let (_, queue) = json_of(ana.get("/v1/agent/queue").await).await;
    assert!(!ids(&queue).contains(&q.id), "{queue}");
    let (_, queue) = json_of(olga.get("/v1/agent/queue").await).await;
    assert!(ids(&queue).contains(&q.id), "{queue}");
    assert_eq!(ana.on(&q.id, "claim", json!({})).await.status(), 403);

    // A north ticket (nobody of billing online there) is not Ana's nor Sam's.
    let (_, ticket) = ticket_on(&t, "north", "billing", "v-t").await;
    for a in [&ana, &sam] {
        let (_, list) = json_of(a.get("/v1/agent/tickets").await).await;
        assert!(!ticket_ids(&list).contains(&ticket), "{list}");
        let r = a.post(&format!("/v1/agent/tickets/{ticket}/answer"), json!({"text": "x"})).await;
        assert_eq!(r.status(), 403);
    }

    // Sam supervises demo only: north is in neither his overview nor his insights.
    let (status, o) = json_of(sam.get("/v1/agent/supervisor/overview").await).await;
    assert_eq!(status, 200, "{o}");
    let all = [&o["queued"], &o["assigned"], &o["breaches"]].iter().flat_map(|l| ids(l)).collect::<Vec<_>>();
    assert!(!all.contains(&n.id) && !all.contains(&q.id), "{o}");
    assert!(o["agents"].as_array().expect("agents").iter().all(|a| a["name"] != "olga"), "{o}");
    let (status, body) = json_of(sam.get("/v1/agent/insights?site=north").await).await;
    assert_eq!((status, body["error"].as_str()), (403, Some("not_supervisor")), "{body}");

    // Canned responses and the site list are the agent's sites'.
    let (_, canned) = json_of(ana.get("/v1/agent/canned").await).await;
    assert!(canned.as_array().expect("canned").iter().all(|c| c["title"] != "North hello"), "{canned}");
    let (_, sites) = json_of(ana.get("/v1/agent/sites").await).await;
    let keys: Vec<&str> = sites.as_array().expect("sites").iter().filter_map(|s| s["key"].as_str()).collect();
    assert_eq!(keys, ["demo"]);

    // Demo work reaches Ana's stream; no notice of north's ever did.
    let d = start_with(&t, "demo", json!({"visitor_id": "v-n"})).await;
    assert_eq!(d.handoff("orders", "normal").await["agent_name"], "ana");
    let seen = ana_events.until(WAIT, |e| e.data["conversation_id"] == d.id.as_str()).await;
    let north_ids = [n.id.as_str(), q.id.as_str()];
    assert!(
        seen.iter().all(|e| !north_ids.contains(&e.data["conversation_id"].as_str().unwrap_or(""))),
        "{seen:?}"
    );
    // The same visitor id on the other site is another customer.
    assert!(history(&ana, &d.id).await.is_empty());
    t.stop().await;
}

/// `agent add --sites` and `agent sites`: only configured keys; stored as given.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_sets_an_agents_sites() {
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("handoff.toml");
    std::fs::write(&config, config_text(&dir.path().join("data"), "", "")).expect("config");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_handoff-desk"))
            .args(args)
            .arg("--config")
            .arg(&config)
            .output()
            .expect("run")
    };
    let add = |sites: &'static str| {
        let args = ["agent", "add", "--email", "x@t", "--name", "X", "--departments", "orders"];
        let mut v = args.to_vec();
        v.extend(["--tier", "agent", "--password", "long-enough-pw", "--sites", sites]);
        v
    };
    let out = run(&add("demo,nowhere"));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nowhere"), "names the unknown site");
    let out = run(&add("demo"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["agent", "sites", "--email", "nobody@t", "--sites", "demo"]);
    assert!(!out.status.success(), "an unknown agent is an error");
    let db =
        handoff_desk::startup::open_db(&handoff_desk::config::Config::load(&config).expect("config parses"))
            .await
            .expect("db");
    let sites = |db: std::sync::Arc<dyn handoff_desk::db::Database>| async move {
        db.agent_by_email("x@t").await.expect("read").expect("agent").sites
    };
    assert_eq!(sites(db.clone()).await, ["demo"]);
    let out = run(&["agent", "sites", "--email", "x@t", "--sites", ""]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(sites(db.clone()).await.is_empty(), "cleared: not limited");
    db.close().await;
}
