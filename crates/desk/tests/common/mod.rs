//! Shared test harness: a real desk on port 0 with a real SQLite file in a temp dir (or, with
//! `HANDOFF_TEST_ENGINE=postgres`, a PostgreSQL database of its own: see pg.rs), real HTTP
//! through reqwest, and a small SSE reader.
#![allow(dead_code)]

use futures_util::StreamExt;
use handoff_desk::config::Config;
use handoff_desk::db::AgentRow;
use handoff_desk::desk::Desk;
use handoff_desk::startup::Application;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub mod imap;
pub mod nginx;
pub mod pg;
pub mod process;
pub mod smtp;
pub mod tickets;

pub const ORIGIN: &str = "http://shop.test";
pub const PASSWORD: &str = "test-password-1";

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The `database_url` line of the desk whose data directory is `data_dir`: empty on SQLite (the
/// file in the data directory), its own PostgreSQL database when the suite runs on PostgreSQL.
pub fn database_line(data_dir: &Path) -> String {
    if pg::engine_is_postgres() {
        format!("database_url = \"{}\"\n", pg::database_for(data_dir))
    } else {
        String::new()
    }
}

/// The config text every test desk starts from; `site_extra` is appended inside `[[site]]`.
/// The test config of a desk whose data dir is under `dir` but whose database is the one at
/// `url` (several desks on one PostgreSQL database: multi-instance, mail and retention tests).
pub fn config_on_database(dir: &Path, url: &str, top_extra: &str, site_extra: &str) -> Config {
    let text = config_text(&dir.join("data"), top_extra, site_extra);
    let mut out = String::new();
    for line in text.lines().filter(|l| !l.starts_with("database_url")) {
        out.push_str(line);
        out.push('\n');
        if line.starts_with("data_dir") {
            out.push_str(&format!("database_url = \"{url}\"\n"));
        }
    }
    Config::parse(&out, dir).expect("test config")
}

pub fn config_text(data_dir: &Path, top_extra: &str, site_extra: &str) -> String {
    // Defaults the site_extra can override (TOML forbids a key twice).
    let mut defaults = String::new();
    for (k, v) in [("max_wait_secs", "3600"), ("avg_handle_secs", "60")] {
        if !site_extra.contains(k) {
            defaults.push_str(&format!("{k} = {v}\n"));
        }
    }
    format!(
        r#"
listen = "127.0.0.1:0"
data_dir = "{data}"
{database}sweep_interval_ms = 50
{top_extra}

[[site]]
content = "{content}"
allowed_origins = ["{ORIGIN}"]
{defaults}
{site_extra}
"#,
        data = data_dir.display(),
        database = database_line(data_dir),
        content = repo_root().join("content/demo").display(),
    )
}

pub struct TestDesk {
    pub base: String,
    pub desk: Arc<Desk>,
    pub dir: tempfile::TempDir,
    pub client: reqwest::Client,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

pub async fn spawn(top_extra: &str, site_extra: &str) -> TestDesk {
    spawn_with_clock(top_extra, site_extra, Arc::new(handoff_desk::clock::SystemClock)).await
}

/// [`spawn`] on `clock` (a `SetClock` makes days pass at once).
pub async fn spawn_with_clock(
    top_extra: &str,
    site_extra: &str,
    clock: Arc<dyn handoff_desk::clock::Clock>,
) -> TestDesk {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = config_text(&dir.path().join("data"), top_extra, site_extra);
    let config = Config::parse(&text, dir.path()).expect("test config");
    let (base, desk, tx, task) = start_app_with_clock(config, clock).await;
    TestDesk { base, desk, dir, client: client(), stop: Some(tx), task: Some(task) }
}

/// A desk running in this process: its base URL, its state, the sender that stops it
/// gracefully and its task.
pub async fn start_app(
    config: Config,
) -> (String, Arc<Desk>, tokio::sync::oneshot::Sender<()>, tokio::task::JoinHandle<std::io::Result<()>>) {
    start_app_with_clock(config, Arc::new(handoff_desk::clock::SystemClock)).await
}

/// [`start_app`] on `clock`.
pub async fn start_app_with_clock(
    config: Config,
    clock: Arc<dyn handoff_desk::clock::Clock>,
) -> (String, Arc<Desk>, tokio::sync::oneshot::Sender<()>, tokio::task::JoinHandle<std::io::Result<()>>) {
    let app = Application::build_with_clock(config, clock).await.expect("desk starts");
    let addr = app.local_addr().expect("address");
    let desk = app.desk();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(app.run_until(async move {
        let _ = rx.await;
    }));
    (format!("http://{addr}"), desk, tx, task)
}

/// Creates an agent directly in the desk's database (with the shared test password).
pub async fn add_agent(
    desk: &Desk,
    email: &str,
    name: &str,
    tier: &str,
    departments: &[&str],
    capacity: u32,
) -> i64 {
    desk.db
        .insert_agent(&AgentRow {
            id: 0,
            email: email.into(),
            name: name.into(),
            password_hash: password_hash(),
            tier: tier.into(),
            departments: departments.iter().map(|d| d.to_string()).collect(),
            presence: "offline".into(),
            capacity,
            sites: vec![],
            ticket_mail: false,
            active: true,
        })
        .await
        .expect("agent added")
}

/// Creates an agent, signs it in over HTTP and sets it online with `capacity`.
pub async fn online_agent(
    desk: &Desk,
    base: &str,
    email: &str,
    name: &str,
    tier: &str,
    departments: &[&str],
    capacity: u32,
) -> Agent {
    add_agent(desk, email, name, tier, departments, capacity).await;
    let a = Agent::login(&client(), base, email, PASSWORD).await;
    let r = a.put("/v1/agent/presence", json!({"presence": "online", "capacity": capacity})).await;
    assert_eq!(r.status(), 200, "presence");
    a
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("client")
}

/// argon2 is slow in debug builds; hash the shared test password once.
fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| handoff_desk::secret::hash_password(PASSWORD).expect("hash")).clone()
}

impl TestDesk {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn add_agent(
        &self,
        email: &str,
        name: &str,
        tier: &str,
        departments: &[&str],
        capacity: u32,
    ) -> i64 {
        add_agent(&self.desk, email, name, tier, departments, capacity).await
    }

    pub async fn customer(&self) -> Customer {
        Customer::start(&self.client, &self.base).await
    }

    pub async fn agent(&self, email: &str) -> Agent {
        Agent::login(&self.client, &self.base, email, PASSWORD).await
    }

    /// An online agent with the given capacity.
    pub async fn online_agent(
        &self,
        email: &str,
        name: &str,
        tier: &str,
        departments: &[&str],
        capacity: u32,
    ) -> Agent {
        online_agent(&self.desk, &self.base, email, name, tier, departments, capacity).await
    }

    /// Stops this desk gracefully and starts a new one on the same data (its config made from
    /// the same extras as [`spawn`]'s): what a restart after a config change does.
    pub async fn restart(&mut self, top_extra: &str, site_extra: &str) {
        self.halt().await;
        let text = config_text(&self.dir.path().join("data"), top_extra, site_extra);
        let config = Config::parse(&text, self.dir.path()).expect("test config");
        let (base, desk, tx, task) = start_app(config).await;
        (self.base, self.desk, self.stop, self.task) = (base, desk, Some(tx), Some(task));
    }

    async fn halt(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            let _ =
                tokio::time::timeout(Duration::from_secs(10), t).await.expect("graceful shutdown in time");
        }
    }

    pub async fn stop(mut self) {
        self.halt().await;
        // The temp dir goes with this desk; so does its PostgreSQL database. (Databases of
        // tests that fail or never stop are dropped by `cargo xtask test` as stale.)
        if pg::engine_is_postgres() {
            pg::release(&self.dir.path().join("data")).await;
        }
    }
}

pub struct Customer {
    pub client: reqwest::Client,
    pub base: String,
    pub id: String,
    pub token: String,
}

impl Customer {
    /// The customer of a `POST /v1/conversations` answer.
    pub fn from_started(client: &reqwest::Client, base: &str, started: &Value) -> Customer {
        Customer {
            client: client.clone(),
            base: base.to_string(),
            id: started["conversation_id"].as_str().expect("id").to_string(),
            token: started["token"].as_str().expect("token").to_string(),
        }
    }

    pub async fn start(client: &reqwest::Client, base: &str) -> Customer {
        let r = client
            .post(format!("{base}/v1/conversations"))
            .header("origin", ORIGIN)
            .json(&json!({"site_key": "demo", "locale": "en", "page_url": "http://shop.test/cart"}))
            .send()
            .await
            .expect("start");
        assert_eq!(r.status(), 201);
        Customer::from_started(client, base, &r.json().await.expect("json"))
    }

    pub fn path(&self, rest: &str) -> String {
        format!("{}/v1/conversations/{}{rest}", self.base, self.id)
    }

    pub async fn post(&self, rest: &str, body: Value) -> reqwest::Response {
        self.client.post(self.path(rest)).bearer_auth(&self.token).json(&body).send().await.expect("post")
    }

    pub async fn say(&self, client_id: &str, text: &str) -> reqwest::Response {
        self.post("/messages", json!({"client_id": client_id, "text": text})).await
    }

    pub async fn handoff(&self, department: &str, priority: &str) -> Value {
        let r = self.post("/handoff", handoff_body(department, priority)).await;
        assert_eq!(r.status(), 200, "handoff");
        r.json().await.expect("json")
    }

    pub async fn stream(&self, after: Option<i64>) -> Sse {
        let mut req = self.client.get(self.path("/events")).bearer_auth(&self.token);
        if let Some(a) = after {
            req = req.header("last-event-id", a.to_string());
        }
        let r = req.send().await.expect("stream");
        assert_eq!(r.status(), 200, "stream opens");
        Sse::new(r)
    }
}

pub fn handoff_body(department: &str, priority: &str) -> Value {
    json!({
        "reason": "explicit",
        "detail": "customer asked for a person",
        "department": department,
        "tier": "agent",
        "priority": priority,
        "locale": "en",
        "transcript": [
            {"role": "customer", "text": "where is my order?", "intent": "order_status"},
            {"role": "bot", "text": "Let me bring in a colleague."}
        ],
        "intents": [{"intent": "order_status", "confidence": 0.9, "turn": 0}],
        "slots": {"order_number": "12345"},
        "page_url": "http://shop.test/orders"
    })
}

pub struct Agent {
    pub client: reqwest::Client,
    pub base: String,
    pub cookie: String,
    pub csrf: String,
    pub id: i64,
}

impl Agent {
    pub async fn login(client: &reqwest::Client, base: &str, email: &str, password: &str) -> Agent {
        let r = client
            .post(format!("{base}/v1/agent/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .expect("login");
        assert_eq!(r.status(), 200, "login of {email}");
        let set_cookie = r.headers().get("set-cookie").expect("cookie").to_str().expect("ascii").to_string();
        assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"), "{set_cookie}");
        let cookie = set_cookie.split(';').next().expect("pair").to_string();
        let v: Value = r.json().await.expect("json");
        Agent {
            client: client.clone(),
            base: base.to_string(),
            cookie,
            csrf: v["csrf_token"].as_str().expect("csrf").to_string(),
            id: v["agent"]["id"].as_i64().expect("id"),
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .expect("get")
    }

    pub async fn post(&self, path: &str, body: Value) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .json(&body)
            .send()
            .await
            .expect("post")
    }

    pub async fn delete(&self, path: &str) -> reqwest::Response {
        self.client
            .delete(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .send()
            .await
            .expect("delete")
    }

    pub async fn put(&self, path: &str, body: Value) -> reqwest::Response {
        self.client
            .put(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .json(&body)
            .send()
            .await
            .expect("put")
    }

    pub async fn on(&self, conversation: &str, action: &str, body: Value) -> reqwest::Response {
        self.post(&format!("/v1/agent/conversations/{conversation}/{action}"), body).await
    }

    pub async fn stream(&self) -> Sse {
        let r = self.get("/v1/agent/events").await;
        assert_eq!(r.status(), 200, "agent stream opens");
        Sse::new(r)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SseEvent {
    pub id: Option<i64>,
    pub event: String,
    pub data: Value,
}

/// A tiny Server-Sent Events reader over a streaming response.
pub struct Sse {
    body: std::pin::Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    buf: String,
}

impl Sse {
    pub fn new(r: reqwest::Response) -> Sse {
        Sse { body: Box::pin(r.bytes_stream()), buf: String::new() }
    }

    /// The next event (keep-alive comments skipped), or None after `timeout` or at the end.
    pub async fn next(&mut self, timeout: Duration) -> Option<SseEvent> {
        let deadline = Instant::now() + timeout;
        loop {
            while let Some(i) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..i + 2).collect();
                if let Some(e) = parse_block(&block) {
                    return Some(e);
                }
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            match tokio::time::timeout(left, self.body.next()).await {
                Ok(Some(Ok(chunk))) => self.buf.push_str(&String::from_utf8_lossy(&chunk)),
                _ => return None,
            }
        }
    }

    /// Reads events until one satisfies `pred`; returns everything read, that one last.
    pub async fn until(&mut self, timeout: Duration, pred: impl Fn(&SseEvent) -> bool) -> Vec<SseEvent> {
        let deadline = Instant::now() + timeout;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next(left).await {
                Some(e) => {
                    let done = pred(&e);
                    seen.push(e);
                    if done {
                        return seen;
                    }
                }
                None => panic!("timed out waiting for an event; saw {seen:#?}"),
            }
        }
    }
}

fn parse_block(block: &str) -> Option<SseEvent> {
    let (mut id, mut event, mut data) = (None, String::from("message"), String::new());
    for line in block.lines() {
        if let Some(v) = line.strip_prefix("id:") {
            id = v.trim().parse().ok();
        } else if let Some(v) = line.strip_prefix("event:") {
            event = v.trim().to_string();
        } else if let Some(v) = line.strip_prefix("data:") {
            data.push_str(v.strip_prefix(' ').unwrap_or(v));
        }
    }
    if data.is_empty() {
        return None;
    }
    Some(SseEvent { id, event, data: serde_json::from_str(&data).unwrap_or(Value::String(data)) })
}

/// Polls `f` until it returns Some, failing after `timeout`.
pub async fn eventually<T, F, Fut>(timeout: Duration, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(Instant::now() < deadline, "condition not met within {timeout:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub const WAIT: Duration = Duration::from_secs(10);
