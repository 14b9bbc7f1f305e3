//! Chaos, bounded and on loopback (issue 14): customers and an agent write in bursts on several
//! conversations while the desk process is SIGKILLed at random moments and restarted. Every
//! sender retries blindly after a lost answer, with the same client id; the agent's and the
//! customers' event streams are resumed from their last id after every restart. At the end: nothing acknowledged is lost,
//! nothing is stored or announced twice, and each side's messages keep their order, on the
//! customer streams and on the agent stream.

mod common;

use common::process::{add_agent_by_cli, DeskProcess};
use common::*;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

const CONVERSATIONS: usize = 4;
const KILLS: usize = 6;
/// Each sender writes at least this many messages, and goes on until the last restart.
const MIN_MESSAGES: usize = 12;

/// Attempts that got no answer (connection refused or reset, timeout, 5xx): each one a blind
/// retry after, possibly, a stored but unacknowledged message.
static LOST: AtomicUsize = AtomicUsize::new(0);

/// The current desk address: it changes with every restart.
type Base = Arc<RwLock<String>>;

fn base(b: &Base) -> String {
    b.read().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Sends `body` to `path` until the desk answers 200 or 201, retrying blindly (same body, same
/// client id) after a refused connection, a reset, a timeout, a 429 or a 5xx.
async fn until_stored(
    client: &reqwest::Client,
    b: &Base,
    path: &str,
    body: &Value,
    headers: &[(&str, &str)],
) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(Instant::now() < deadline, "{path} {body} never stored");
        let mut req = client.post(format!("{}{path}", base(b))).json(body).timeout(Duration::from_secs(5));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        match req.send().await {
            Ok(r) if r.status() == 200 || r.status() == 201 => match r.json::<Value>().await {
                Ok(v) => return v,
                Err(_) => {
                    // Killed while answering: the answer is lost, retry.
                    LOST.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
            },
            Ok(r) if r.status() == 429 || r.status().is_server_error() => {
                LOST.fetch_add(1, Ordering::Relaxed);
            }
            Ok(r) => {
                let status = r.status();
                panic!("{path} {body}: {status} {}", r.text().await.unwrap_or_default());
            }
            Err(_) => {
                LOST.fetch_add(1, Ordering::Relaxed);
            }
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// What each sender had acknowledged, in order: (conversation, author) -> texts.
type Acked = Arc<Mutex<HashMap<(String, &'static str), Vec<String>>>>;

/// One side of one conversation writing in bursts until `done` (and at least MIN_MESSAGES).
#[allow(clippy::too_many_arguments)]
async fn sender(
    client: reqwest::Client,
    b: Base,
    path: String,
    headers: Vec<(&'static str, String)>,
    conv: String,
    author: &'static str,
    acked: Acked,
    done: Arc<AtomicBool>,
    seed: u64,
) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut i = 0;
    while i < MIN_MESSAGES || !done.load(Ordering::SeqCst) {
        let text = format!("{author} {conv} #{i}");
        let body = json!({"client_id": format!("{author}-{i}"), "text": text});
        let stored = until_stored(&client, &b, &path, &body, &headers).await;
        assert_eq!(stored["text"], text.as_str());
        if rng.gen_ratio(1, 5) {
            // A blind retry although the answer arrived: the same message comes back.
            let again = until_stored(&client, &b, &path, &body, &headers).await;
            assert_eq!(again["id"], stored["id"], "a retry made a new message");
        }
        acked.lock().unwrap_or_else(|e| e.into_inner()).entry((conv.clone(), author)).or_default().push(text);
        i += 1;
        // Bursts: a few messages back to back, then a pause.
        let pause = if i % 6 == 0 { rng.gen_range(40..120) } else { rng.gen_range(0..8) };
        tokio::time::sleep(Duration::from_millis(pause)).await;
    }
}

/// A stream as a client follows it: `(id, kind, data)` of every event with an id, resumed with
/// `Last-Event-ID` after every break (a killed desk, a restart). Returns once it has
/// `expected` `message` events (set when the senders are done) and the stream has then been
/// quiet for a moment, so a repeat would show. `path` is the agent's or a customer's stream.
async fn resuming_reader(
    client: reqwest::Client,
    b: Base,
    path: String,
    header: (&'static str, String),
    expected: Arc<AtomicUsize>,
) -> Vec<(i64, String, Value)> {
    let mut seen: Vec<(i64, String, Value)> = Vec::new();
    let mut last: Option<i64> = None;
    loop {
        let messages = seen.iter().filter(|(_, k, _)| k == "message").count();
        if messages >= expected.load(Ordering::SeqCst) {
            return seen;
        }
        let mut req = client.get(format!("{}{path}", base(&b))).header(header.0, &header.1);
        if let Some(n) = last {
            req = req.header("last-event-id", n.to_string());
        }
        let Ok(r) = req.send().await else {
            tokio::time::sleep(Duration::from_millis(25)).await;
            continue;
        };
        assert_eq!(r.status(), 200, "{path}: the session and the token survive restarts");
        let mut s = Sse::new(r);
        while let Some(e) = s.next(Duration::from_millis(500)).await {
            let Some(id) = e.id else { continue }; // typing has no id
            if let Some(l) = last {
                assert!(id > l, "{path}: event {id} after {l}: repeated or out of order ({})", e.event);
            }
            last = Some(id);
            assert_ne!(e.event, "resync", "a resume within the retention never needs a reload");
            if e.event != "ready" {
                seen.push((id, e.event, e.data));
            }
        }
    }
}

fn config(dir: &Path) -> PathBuf {
    let config = dir.join("handoff.toml");
    // Rate limits out of the way: this is about crashes, not abuse.
    let limits = "[limits]\nip_burst = 100000\nip_per_minute = 1000000\nconversation_burst = 100000\n\
                  conversation_per_minute = 1000000\n";
    std::fs::write(&config, config_text(&dir.join("data"), limits, "")).expect("config");
    config
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_bursts_loses_and_repeats_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let config = config(dir.path());
    add_agent_by_cli(&config, "ana@t", "Ana", "orders");
    let mut desk = DeskProcess::start(&config, "error");
    let first = desk.base.clone();
    let b: Base = Arc::new(RwLock::new(first.clone()));
    let client = client();
    let ana = Agent::login(&client, &first, "ana@t", PASSWORD).await;
    let r = ana.put("/v1/agent/presence", json!({"presence": "online", "capacity": 20})).await;
    assert_eq!(r.status(), 200);

    let expected = Arc::new(AtomicUsize::new(usize::MAX));
    let reader = tokio::spawn(resuming_reader(
        client.clone(),
        b.clone(),
        "/v1/agent/events".into(),
        ("cookie", ana.cookie.clone()),
        expected.clone(),
    ));

    // Conversations started with a client key and handed to Ana.
    let mut convs = Vec::new();
    for i in 0..CONVERSATIONS {
        let key = format!("chaos-start-key-{i:04}-0123456789");
        let body = json!({"site_key": "demo", "locale": "en", "client_key": key});
        let started = until_stored(&client, &b, "/v1/conversations", &body, &[("origin", ORIGIN)]).await;
        let c = Customer {
            client: client.clone(),
            base: first.clone(),
            id: started["conversation_id"].as_str().expect("id").into(),
            token: started["token"].as_str().expect("token").into(),
        };
        assert_eq!(c.handoff("orders", "normal").await["status"], "assigned");
        convs.push(c);
    }

    // Each customer's stream, followed across the restarts like the widget does.
    let mut customer_readers = Vec::new();
    for c in &convs {
        let expected = Arc::new(AtomicUsize::new(usize::MAX));
        let reader = tokio::spawn(resuming_reader(
            client.clone(),
            b.clone(),
            format!("/v1/conversations/{}/events", c.id),
            ("authorization", format!("Bearer {}", c.token)),
            expected.clone(),
        ));
        customer_readers.push((expected, reader));
    }

    let acked: Acked = Arc::default();
    let done = Arc::new(AtomicBool::new(false));
    let mut senders = Vec::new();
    for (i, c) in convs.iter().enumerate() {
        let auth = format!("Bearer {}", c.token);
        senders.push(tokio::spawn(sender(
            client.clone(),
            b.clone(),
            format!("/v1/conversations/{}/messages", c.id),
            vec![("authorization", auth)],
            c.id.clone(),
            "customer",
            acked.clone(),
            done.clone(),
            i as u64,
        )));
        senders.push(tokio::spawn(sender(
            client.clone(),
            b.clone(),
            format!("/v1/agent/conversations/{}/messages", c.id),
            vec![("cookie", ana.cookie.clone()), ("x-csrf-token", ana.csrf.clone())],
            c.id.clone(),
            "agent",
            acked.clone(),
            done.clone(),
            100 + i as u64,
        )));
    }

    // SIGKILL at random moments, restart on the same data.
    let mut rng = rand::rngs::StdRng::seed_from_u64(14);
    for _ in 0..KILLS {
        tokio::time::sleep(Duration::from_millis(rng.gen_range(150..500))).await;
        desk.kill_9();
        desk = DeskProcess::start(&config, "error");
        *b.write().unwrap_or_else(|e| e.into_inner()) = desk.base.clone();
    }
    done.store(true, Ordering::SeqCst);
    for s in senders {
        s.await.expect("sender");
    }

    let acked = acked.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let now = base(&b);
    let total: usize = acked.values().map(Vec::len).sum();
    assert!(total >= CONVERSATIONS * 2 * MIN_MESSAGES, "{total}");
    eprintln!(
        "chaos: {total} messages acknowledged, {KILLS} SIGKILLs, {} answers lost",
        LOST.load(Ordering::Relaxed)
    );

    // Customer streams, replayed from the start: every acknowledged message once, each side in
    // its order, event ids without a gap.
    for c in &convs {
        let c =
            Customer { base: now.clone(), client: client.clone(), id: c.id.clone(), token: c.token.clone() };
        let want_c = &acked[&(c.id.clone(), "customer")];
        let want_a = &acked[&(c.id.clone(), "agent")];
        let mut s = c.stream(None).await;
        let mut got = Vec::new();
        while let Some(e) = s.next(Duration::from_millis(700)).await {
            got.push(e);
        }
        let texts = |author: &str| -> Vec<String> {
            got.iter()
                .filter(|e| e.event == "message" && e.data["message"]["author"] == author)
                .filter_map(|e| e.data["message"]["text"].as_str().map(str::to_string))
                .collect()
        };
        assert_eq!(&texts("customer"), want_c, "customer messages of {}", c.id);
        assert_eq!(&texts("agent"), want_a, "agent messages of {}", c.id);
        let ids: Vec<i64> = got.iter().filter_map(|e| e.id).collect();
        assert_eq!(ids, (1..=ids.len() as i64).collect::<Vec<_>>(), "event ids of {}", c.id);
    }

    // The customer streams as followed across the restarts: the same, with ids without a gap.
    for (c, (expected, reader)) in convs.iter().zip(customer_readers) {
        let want_c = &acked[&(c.id.clone(), "customer")];
        let want_a = &acked[&(c.id.clone(), "agent")];
        expected.store(want_c.len() + want_a.len(), Ordering::SeqCst);
        let got = tokio::time::timeout(Duration::from_secs(30), reader)
            .await
            .expect("the customer stream delivers every message")
            .expect("reader");
        let texts = |author: &str| -> Vec<String> {
            got.iter()
                .filter(|(_, k, d)| k == "message" && d["message"]["author"] == author)
                .filter_map(|(_, _, d)| d["message"]["text"].as_str().map(str::to_string))
                .collect()
        };
        assert_eq!(&texts("customer"), want_c, "followed stream, customer messages of {}", c.id);
        assert_eq!(&texts("agent"), want_a, "followed stream, agent messages of {}", c.id);
        let ids: Vec<i64> = got.iter().map(|(id, _, _)| *id).collect();
        let first = ids.first().copied().unwrap_or(1);
        assert_eq!(ids, (first..first + ids.len() as i64).collect::<Vec<_>>(), "followed ids of {}", c.id);
    }

    // The agent stream, resumed across every restart: each conversation's assignment once and
    // each customer message once, in order.
    let n: usize = convs.iter().map(|c| acked[&(c.id.clone(), "customer")].len()).sum();
    expected.store(n, Ordering::SeqCst);
    let notices = tokio::time::timeout(Duration::from_secs(30), reader)
        .await
        .expect("the agent stream delivers every customer message")
        .expect("reader");
    for c in &convs {
        let of = |kind: &str| -> Vec<&(i64, String, Value)> {
            notices.iter().filter(|(_, k, d)| k == kind && d["conversation_id"] == c.id.as_str()).collect()
        };
        assert_eq!(of("assigned").len(), 1, "assigned notices of {}", c.id);
        let texts: Vec<String> = of("message")
            .iter()
            .filter_map(|(_, _, d)| d["message"]["text"].as_str().map(str::to_string))
            .collect();
        assert_eq!(&texts, &acked[&(c.id.clone(), "customer")], "message notices of {}", c.id);
    }
    drop(desk);
}
