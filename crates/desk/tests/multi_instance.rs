//! Three desks on one PostgreSQL database, built in this process, no sticky sessions: what one
//! instance does, the others' streams see; capacity and queue positions hold when handoffs
//! arrive at all three at once; an SLA breach is acted on once; a listener whose connection is
//! killed catches up. Always on PostgreSQL (never skipped: see tests/common/pg.rs).

mod common;

use common::*;
use handoff_desk::desk::Desk;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Lets the tests send as fast as they like from one address (the limits are shared now).
const OPEN_LIMITS: &str = "[limits]\nip_burst = 1000000\nip_per_minute = 1000000\n\
    conversation_burst = 1000000\nconversation_per_minute = 1000000\n";

/// Each test runs three desks, up to 25 connections apiece (pool, lock pool, listener): one test
/// at a time, so that the test server's connection limit (100 by default, shared with whatever
/// else runs) is not what they measure.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

struct Instance {
    base: String,
    desk: Arc<Desk>,
    _dir: tempfile::TempDir,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

struct Cluster {
    url: String,
    pool: PgPool,
    desks: Vec<Instance>,
    client: reqwest::Client,
}

async fn cluster(n: usize, top_extra: &str, site_extra: &str) -> Cluster {
    let url = pg::fresh_database().await;
    let mut desks = Vec::new();
    for _ in 0..n {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = config_on_database(dir.path(), &url, &format!("{OPEN_LIMITS}{top_extra}"), site_extra);
        let (base, desk, stop, task) = start_app(config).await;
        desks.push(Instance { base, desk, _dir: dir, stop, task });
    }
    // Opened before any load: the checks must not wait for a connection the desks took.
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(3)
        .min_connections(3)
        .connect(&url)
        .await
        .expect("test pool");
    Cluster { url, pool, desks, client: client() }
}

impl Cluster {
    fn at(&self, i: usize) -> &Instance {
        &self.desks[i % self.desks.len()]
    }

    async fn stop(self) {
        for d in self.desks {
            let _ = d.stop.send(());
            let _ = tokio::time::timeout(Duration::from_secs(10), d.task)
                .await
                .expect("graceful shutdown in time");
        }
        self.pool.close().await;
        pg::drop_database(&self.url).await;
    }
}

/// A customer started at one instance, talking through another.
fn via(c: &Customer, base: &str) -> Customer {
    Customer { client: c.client.clone(), base: base.to_string(), id: c.id.clone(), token: c.token.clone() }
}

/// The agent's session used at another instance (sessions are stored: no sticky sessions).
fn agent_via(a: &Agent, base: &str) -> Agent {
    Agent {
        client: a.client.clone(),
        base: base.to_string(),
        cookie: a.cookie.clone(),
        csrf: a.csrf.clone(),
        id: a.id,
    }
}

fn text(e: &SseEvent) -> Option<String> {
    (e.event == "message").then(|| e.data["message"]["text"].as_str().map(str::to_string)).flatten()
}

/// Reads message texts from `s` until `want` of them with `prefix` arrived (panics after `limit`).
async fn texts(s: &mut Sse, prefix: &str, want: usize, limit: Duration) -> Vec<String> {
    let deadline = Instant::now() + limit;
    let mut got = Vec::new();
    while got.len() < want {
        let left = deadline.saturating_duration_since(Instant::now());
        let Some(e) = s.next(left).await else {
            panic!("after {limit:?} only {} of {want}: {got:?}", got.len())
        };
        if let Some(t) = text(&e).filter(|t| t.starts_with(prefix)) {
            got.push(t);
        }
    }
    got
}

/// Nothing more with `prefix` arrives within `quiet`.
async fn no_more(s: &mut Sse, prefix: &str, quiet: Duration) {
    let deadline = Instant::now() + quiet;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return;
        }
        match s.next(left).await {
            Some(e) => assert!(text(&e).is_none_or(|t| !t.starts_with(prefix)), "duplicate: {e:?}"),
            None => return,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_customer_on_one_instance_and_an_agent_on_another_see_every_message_once_in_order() {
    let _one = ONE_AT_A_TIME.lock().await;
    // Customer: starts, streams and writes at A. Agent: logs in and streams at B, replies at C.
    let c = cluster(3, "", "").await;
    let (a, b) = (c.at(0), c.at(1));
    let ana = online_agent(&b.desk, &b.base, "ana@t", "Ana", "agent", &["orders"], 3).await;
    let mut agent_stream = ana.stream().await;
    let customer = Customer::start(&c.client, &a.base).await;
    assert_eq!(customer.handoff("orders", "normal").await["status"], "assigned");
    let mut customer_stream = customer.stream(None).await;
    agent_stream.until(WAIT, |e| e.event == "assigned").await;

    const N: usize = 30;
    let said = {
        let customer = via(&customer, &a.base);
        tokio::spawn(async move {
            for i in 0..N {
                assert_eq!(customer.say(&format!("m{i}"), &format!("customer {i:02}")).await.status(), 201);
            }
        })
    };
    let replied = {
        // Logged in at B, replying through C: the session is stored, not the instance's.
        let ana = agent_via(&ana, &c.at(2).base);
        let id = customer.id.clone();
        tokio::spawn(async move {
            for i in 0..N {
                let r = ana
                    .on(
                        &id,
                        "messages",
                        json!({"text": format!("agent {i:02}"), "client_id": format!("r{i}")}),
                    )
                    .await;
                assert_eq!(r.status(), 201);
            }
        })
    };
    said.await.expect("customer");
    replied.await.expect("agent");
    let expect = |p: &str| (0..N).map(|i| format!("{p} {i:02}")).collect::<Vec<_>>();
    // The agent on B hears every customer message written at A, once, in order...
    assert_eq!(texts(&mut agent_stream, "customer", N, Duration::from_secs(20)).await, expect("customer"));
    // ...and the customer on A every reply written at B (and its own lines, interleaved).
    assert_eq!(texts(&mut customer_stream, "agent", N, Duration::from_secs(20)).await, expect("agent"));
    no_more(&mut agent_stream, "customer", Duration::from_millis(500)).await;
    no_more(&mut customer_stream, "agent", Duration::from_millis(500)).await;
    // Typing crosses instances too (NOTIFY, never stored).
    assert_eq!(customer.post("/typing", json!({"typing": true})).await.status(), 204);
    agent_stream.until(WAIT, |e| e.event == "typing").await;
    c.stop().await;
}

/// `(agent, assigned)` and `(agent, capacity)` as stored.
async fn loads(pool: &PgPool) -> (HashMap<i64, i64>, HashMap<i64, i64>) {
    let active: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT agent_id, count(*) FROM conversations WHERE status = 'assigned' AND agent_id IS NOT NULL GROUP BY agent_id",
    )
    .fetch_all(pool)
    .await
    .expect("active counts");
    let caps: Vec<(i64, i64)> =
        sqlx::query_as("SELECT id, capacity::BIGINT FROM agents").fetch_all(pool).await.expect("capacities");
    (active.into_iter().collect(), caps.into_iter().collect())
}

fn over_capacity(active: &HashMap<i64, i64>, caps: &HashMap<i64, i64>) -> Vec<(i64, i64, i64)> {
    active
        .iter()
        .filter(|(a, n)| **n > caps.get(a).copied().unwrap_or(0))
        .map(|(a, n)| (*a, *n, caps.get(a).copied().unwrap_or(0)))
        .collect()
}

/// `(site, department, tier, queue position)` of a queued conversation.
type QueuedRow = (String, Option<String>, Option<String>, Option<i64>);

/// A handoff as a client sends it: retried on 503 (the desk lock waited for too long on a busy
/// machine) or a timeout; a handoff is idempotent, so a retry answers the state it reached.
async fn handoff_with_retries(cu: &Customer, dep: &str) -> String {
    let url = cu.path("/handoff");
    for _ in 0..5 {
        let sent =
            cu.client.post(&url).bearer_auth(&cu.token).json(&handoff_body(dep, "normal")).send().await;
        match sent {
            Ok(r) if r.status() == 200 => {
                let v: Value = r.json().await.expect("json");
                return v["status"].as_str().unwrap_or_default().to_string();
            }
            Ok(r) if r.status() == 503 => {}
            Ok(r) => panic!("handoff answered {}", r.status()),
            Err(e) if e.is_timeout() => {}
            Err(e) => panic!("handoff: {e}"),
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("handoff never answered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_handoffs_over_three_instances_respect_capacity_and_queue_order() {
    let _one = ONE_AT_A_TIME.lock().await;
    let c = cluster(3, "", "").await;
    // 4 x 3 seats for orders, 3 x 2 for billing: most of the 200 wait.
    let mut agents = Vec::new();
    for i in 0..4 {
        let d = c.at(i);
        agents.push(online_agent(&d.desk, &d.base, &format!("o{i}@t"), "O", "agent", &["orders"], 3).await);
    }
    for i in 0..3 {
        let d = c.at(i);
        agents.push(online_agent(&d.desk, &d.base, &format!("b{i}@t"), "B", "agent", &["billing"], 2).await);
    }
    let mut customers = Vec::new();
    for i in 0..200 {
        customers.push(Customer::start(&c.client, &c.at(i).base).await);
    }

    // Watch the stored loads the whole time.
    let done = Arc::new(AtomicBool::new(false));
    let watcher = {
        let (pool, done) = (c.pool.clone(), done.clone());
        tokio::spawn(async move {
            let mut checks = 0;
            while !done.load(Ordering::Relaxed) {
                let (active, caps) = loads(&pool).await;
                assert_eq!(over_capacity(&active, &caps), vec![], "an agent past capacity");
                checks += 1;
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            checks
        })
    };
    // Correctness, not latency: 200 handoffs through one lock on a shared 2-core machine can
    // take longer than the usual client timeout.
    let patient = reqwest::Client::builder().timeout(Duration::from_secs(120)).build().expect("client");
    let mut tasks = Vec::new();
    for (i, customer) in customers.iter().enumerate() {
        // Each handoff arrives at a different instance from the one that started it.
        let cu = Customer { client: patient.clone(), ..via(customer, &c.at(i + 1).base) };
        let dep = if i % 3 == 0 { "billing" } else { "orders" };
        tasks.push(tokio::spawn(async move { handoff_with_retries(&cu, dep).await }));
    }
    let mut statuses: BTreeMap<String, usize> = BTreeMap::new();
    for t in tasks {
        *statuses.entry(t.await.expect("handoff task")).or_default() += 1;
    }
    done.store(true, Ordering::Relaxed);
    let checks = watcher.await.expect("capacity held throughout");
    assert!(checks > 0);
    assert_eq!(
        statuses.get("assigned").copied().unwrap_or(0),
        4 * 3 + 3 * 2,
        "every seat filled: {statuses:?}"
    );
    assert_eq!(statuses.values().sum::<usize>(), 200);

    let (active, caps) = loads(&c.pool).await;
    assert_eq!(over_capacity(&active, &caps), vec![]);
    assert_eq!(active.values().sum::<i64>(), 18, "{active:?}");
    // The queue: 1..n per (site, department, tier), in arrival order.
    let queued: Vec<QueuedRow> = sqlx::query_as(
        "SELECT site_key, department, tier, queue_position FROM conversations WHERE status = 'queued' \
         ORDER BY site_key, department, tier, queued_at, id",
    )
    .fetch_all(&c.pool)
    .await
    .expect("queue");
    assert_eq!(queued.len(), 200 - 18);
    let mut groups: BTreeMap<(String, Option<String>, Option<String>), Vec<i64>> = BTreeMap::new();
    for (site, dep, tier, pos) in queued {
        groups.entry((site, dep, tier)).or_default().push(pos.expect("a queued conversation has a position"));
    }
    for (g, positions) in &groups {
        let want: Vec<i64> = (1..=positions.len() as i64).collect();
        assert_eq!(positions, &want, "positions of {g:?}");
    }
    c.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_sla_breach_escalates_exactly_once_with_three_sweepers() {
    let _one = ONE_AT_A_TIME.lock().await;
    let sla = "[site.sla.high]\nfirst_response_secs = 1\nresolution_secs = 600\n";
    let c = cluster(3, "", sla).await;
    let d = c.at(0);
    // Online at every tier's level but without seats: everything waits, and climbs the ladder.
    online_agent(&d.desk, &d.base, "max@t", "Max", "manager", &["orders"], 0).await;
    let mut ids = Vec::new();
    for i in 0..6 {
        let cu = Customer::start(&c.client, &c.at(i).base).await;
        assert_eq!(cu.handoff("orders", "high").await["status"], "queued");
        ids.push(cu.id);
    }
    // agent -> supervisor -> manager, then the clock stops at the top: three deadlines each.
    for id in &ids {
        eventually(Duration::from_secs(20), || async {
            let conv = d.desk.db.conversation(id).await.expect("read").expect("exists");
            (conv.tier.as_deref() == Some("manager") && conv.first_response_due.is_none()).then_some(())
        })
        .await;
    }
    // Three sweepers at 50 ms have had many more chances to act twice.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for id in &ids {
        let audit = d.desk.db.audit(id).await.expect("audit");
        let breaches: Vec<_> =
            audit.iter().filter(|a| a.kind == "sla_breach").map(|a| a.to_tier.clone()).collect();
        let escalations: Vec<_> = audit
            .iter()
            .filter(|a| a.kind == "escalation")
            .map(|a| (a.from_tier.clone(), a.to_tier.clone()))
            .collect();
        let s = |v: &str| Some(v.to_string());
        assert_eq!(
            breaches,
            vec![s("agent"), s("supervisor"), s("manager")],
            "one breach per deadline: {audit:#?}"
        );
        assert_eq!(
            escalations,
            vec![(s("agent"), s("supervisor")), (s("supervisor"), s("manager"))],
            "one escalation per breach: {audit:#?}"
        );
    }
    c.stop().await;
}

async fn kill_listeners(pool: &PgPool) -> usize {
    let killed: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE application_name = $1 AND datname = current_database()",
    )
    .bind(handoff_desk::db::postgres::listen::APPLICATION_NAME)
    .fetch_all(pool)
    .await
    .expect("terminate");
    killed.into_iter().filter(|k| *k).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_killed_listener_connection_recovers_and_no_event_is_missed() {
    let _one = ONE_AT_A_TIME.lock().await;
    let c = cluster(3, "", "").await;
    let (a, b) = (c.at(0), c.at(1));
    let ana = online_agent(&b.desk, &b.base, "ana@t", "Ana", "agent", &["orders"], 3).await;
    let mut agent_stream = ana.stream().await;
    let customer = Customer::start(&c.client, &a.base).await;
    assert_eq!(customer.handoff("orders", "normal").await["status"], "assigned");
    // The customer's stream on B, its messages written at A: B learns of them only by NOTIFY.
    let mut customer_stream = via(&customer, &b.base).stream(None).await;
    agent_stream.until(WAIT, |e| e.event == "assigned").await;
    eventually(Duration::from_secs(10), || async { (listeners_up(&c.pool).await == 3).then_some(()) }).await;

    const N: usize = 40;
    for i in 0..N {
        if i == 10 || i == 25 {
            eventually(Duration::from_secs(10), || async {
                (listeners_up(&c.pool).await == 3).then_some(())
            })
            .await;
            assert_eq!(kill_listeners(&c.pool).await, 3, "every instance's listener");
        }
        assert_eq!(customer.say(&format!("m{i}"), &format!("customer {i:02}")).await.status(), 201);
        if i == 39 {
            // The last one right after a kill: only the catch-up can deliver it.
            kill_listeners(&c.pool).await;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let want: Vec<String> = (0..N).map(|i| format!("customer {i:02}")).collect();
    assert_eq!(texts(&mut agent_stream, "customer", N, Duration::from_secs(20)).await, want);
    assert_eq!(texts(&mut customer_stream, "customer", N, Duration::from_secs(20)).await, want);
    no_more(&mut agent_stream, "customer", Duration::from_millis(500)).await;
    // And the relay is live again afterwards.
    eventually(Duration::from_secs(10), || async { (listeners_up(&c.pool).await == 3).then_some(()) }).await;
    assert_eq!(customer.say("late", "customer late").await.status(), 201);
    assert_eq!(texts(&mut agent_stream, "customer", 1, Duration::from_secs(10)).await, vec!["customer late"]);
    c.stop().await;
}

/// How many listener connections are up.
async fn listeners_up(pool: &PgPool) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
    )
    .bind(handoff_desk::db::postgres::listen::APPLICATION_NAME)
    .fetch_one(pool)
    .await
    .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn settings_saved_on_one_instance_are_in_force_on_the_others() {
    let _one = ONE_AT_A_TIME.lock().await;
    let c = cluster(3, "", "").await;
    let d = c.at(0);
    let max = online_agent(&d.desk, &d.base, "max@t", "Max", "manager", &["orders"], 5).await;
    let ana = online_agent(&d.desk, &d.base, "ana@t", "Ana", "agent", &["orders"], 5).await;
    assert_eq!(
        Customer::start(&c.client, &c.at(2).base).await.handoff("orders", "normal").await["status"],
        "assigned"
    );

    // Closed every day from now on (a schedule with no opening), saved at instance 0.
    let closed = json!({"hours": {"time_zone": "UTC", "days": {}, "holidays": []}});
    assert_eq!(max.put("/v1/agent/admin/sites/demo/hours", closed).await.status(), 200);
    let canned = json!({"title": "Hi", "text": "Hallo aus Instanz 0"});
    assert_eq!(max.put("/v1/agent/admin/sites/demo/canned/orders/de/hi", canned).await.status(), 200);
    // Instances 1 and 2 put them in force at their next settings check (every second).
    for i in [1, 2] {
        let base = c.at(i).base.clone();
        eventually(Duration::from_secs(5), || async {
            let state = Customer::start(&c.client, &base).await.handoff("orders", "normal").await;
            (state["offline_reason"] == "outside_hours").then_some(())
        })
        .await;
        let r = agent_via(&ana, &base).get("/v1/agent/canned?locale=de").await;
        let list: Value = r.json().await.expect("json");
        assert_eq!(list[0]["text"], "Hallo aus Instanz 0", "instance {i}: {list}");
    }
    c.stop().await;
}
