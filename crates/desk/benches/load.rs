//! Bounded loopback load test of the desk (`cargo xtask bench desk`, or
//! `cargo bench -p handoff-desk --bench load`). Not a timed test: it only measures and prints.
//!
//! It starts the release `handoff-desk` binary on 127.0.0.1 port 0 with SQLite in a temp dir and
//! a bench config whose rate limits are high (one source IP sends everything), then:
//!
//! 1. creates `LOAD_STREAMS` conversations through `POST /v1/conversations` (reports the rate),
//!    opens one customer SSE stream per conversation and holds them all, and reports the desk's
//!    resident memory per stream: (VmRSS with the streams open − VmRSS before) / streams;
//! 2. with those streams still open, hands `LOAD_CHATS` of the conversations off to
//!    `LOAD_AGENTS` online agents (their SSE streams open), posts customer messages at a steady
//!    `LOAD_RATE` per second (open loop: a fixed schedule per sender, latency counted from the
//!    scheduled send time, so a stalled desk cannot hide behind a slower send rate) for
//!    `LOAD_SECS` seconds after a short warm-up, and measures the time until each message (by
//!    its `client_id`) arrives on its agent's stream.
//!
//! Several instances (issue 15): `LOAD_DATABASE_URL=postgres://...` puts the desk on that
//! (empty) PostgreSQL database and `LOAD_INSTANCES=N` starts N desk processes on it (the first
//! one migrates, the others start once it listens; `cargo xtask bench desk --postgres
//! --instances 3` makes and drops the database). Conversations and customer streams are spread
//! round-robin over the instances, and the memory per stream is the sum of every instance's RSS
//! growth over the streams held. Agent `a`'s stream is on instance `a % N` and its customers
//! post to instance `(a % N + 1) % N`, so with N > 1 every measured message crosses instances:
//! committed on one, heard through LISTEN/NOTIFY on another, read from the database there.
//!
//! Everything is bounded: fixed counts and durations, a timeout on every network step, loopback
//! only. A hand-rolled HTTP/1.1 client over tokio's TcpStream keeps the generator's own cost per
//! connection small (a task and a 2 KiB buffer).

use serde_json::{json, Value};
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio::time::timeout;

type Res<T> = Result<T, String>;

const PASSWORD: &str = "bench-password-1";
const IO_TIMEOUT: Duration = Duration::from_secs(10);

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

struct Params {
    streams: usize,
    chats: usize,
    agents: usize,
    rate: u64,
    secs: u64,
    warmup_secs: u64,
    senders: usize,
    /// Desk processes on the one database (more than one needs PostgreSQL).
    instances: usize,
    /// `postgres://...` of an empty database, or None for SQLite in the temp dir.
    database_url: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// A minimal HTTP/1.1 keep-alive client (Content-Length bodies only; that is what the desk's
// JSON answers use).

struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

struct Response {
    status: u16,
    headers: String,
    body: Vec<u8>,
}

impl Response {
    fn json(&self) -> Res<Value> {
        serde_json::from_slice(&self.body).map_err(|e| format!("bad JSON ({e}): {}", self.text()))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

impl Conn {
    async fn connect(addr: SocketAddr) -> Res<Conn> {
        let stream = timeout(IO_TIMEOUT, TcpStream::connect(addr))
            .await
            .map_err(|_| "connect timed out".to_string())?
            .map_err(|e| format!("connect: {e}"))?;
        let _ = stream.set_nodelay(true);
        Ok(Conn { stream, buf: Vec::with_capacity(2048) })
    }

    async fn send(&mut self, method: &str, path: &str, headers: &str, body: Option<&str>) -> Res<()> {
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}");
        if let Some(b) = body {
            req.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{b}",
                b.len()
            ));
        } else {
            req.push_str("\r\n");
        }
        timeout(IO_TIMEOUT, self.stream.write_all(req.as_bytes()))
            .await
            .map_err(|_| "write timed out".to_string())?
            .map_err(|e| format!("write: {e}"))
    }

    async fn fill(&mut self) -> Res<()> {
        let mut chunk = [0u8; 4096];
        let n = timeout(IO_TIMEOUT, self.stream.read(&mut chunk))
            .await
            .map_err(|_| "read timed out".to_string())?
            .map_err(|e| format!("read: {e}"))?;
        if n == 0 {
            return Err("connection closed".into());
        }
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(())
    }

    /// Reads the status line and headers; returns (status, headers) and leaves the rest in buf.
    async fn head(&mut self) -> Res<(u16, String)> {
        let end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i;
            }
            self.fill().await?;
        };
        let head = String::from_utf8_lossy(&self.buf[..end]).into_owned();
        self.buf.drain(..end + 4);
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("bad status line: {head}"))?;
        Ok((status, head))
    }

    async fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &str,
        body: Option<&str>,
    ) -> Res<Response> {
        self.send(method, path, headers, body).await?;
        let (status, headers) = self.head().await?;
        let r = Response { status, headers, body: Vec::new() };
        let len: usize = match r.header("content-length") {
            Some(v) => v.parse().map_err(|_| "bad content-length".to_string())?,
            None if status == 204 || status == 304 => 0,
            None => return Err(format!("{method} {path}: no content-length (status {status})")),
        };
        while self.buf.len() < len {
            self.fill().await?;
        }
        let body = self.buf.drain(..len).collect();
        Ok(Response { body, ..r })
    }
}

/// Decodes `Transfer-Encoding: chunked` incrementally and hands complete lines to `line`.
#[derive(Default)]
struct Dechunk {
    /// Bytes of the current chunk still to come.
    left: usize,
    /// Skip the CRLF that ends a chunk.
    crlf: usize,
    raw: Vec<u8>,
    line: Vec<u8>,
}

impl Dechunk {
    fn feed(&mut self, data: &[u8], mut on_line: impl FnMut(&[u8])) {
        self.raw.extend_from_slice(data);
        let mut i = 0;
        loop {
            if self.crlf > 0 {
                let n = self.crlf.min(self.raw.len() - i);
                i += n;
                self.crlf -= n;
                if self.crlf > 0 {
                    break;
                }
            }
            if self.left == 0 {
                // A size line: hex digits, optional extensions, CRLF.
                let Some(end) = find(&self.raw[i..], b"\r\n") else { break };
                let size_line = String::from_utf8_lossy(&self.raw[i..i + end]).into_owned();
                let hex = size_line.split(';').next().unwrap_or("").trim();
                self.left = usize::from_str_radix(hex, 16).unwrap_or(0);
                i += end + 2;
                if self.left == 0 {
                    // Last chunk (stream ended) or garbage: nothing more to decode here.
                    self.crlf = 2;
                    continue;
                }
            }
            let n = self.left.min(self.raw.len() - i);
            if n == 0 {
                break;
            }
            for &b in &self.raw[i..i + n] {
                if b == b'\n' {
                    on_line(&self.line);
                    self.line.clear();
                } else {
                    self.line.push(b);
                }
            }
            i += n;
            self.left -= n;
            if self.left == 0 {
                self.crlf = 2;
            }
        }
        self.raw.drain(..i);
    }
}

// ---------------------------------------------------------------------------------------------
// The desk process.

struct DeskProcess {
    child: Child,
    addr: SocketAddr,
    dir: PathBuf,
}

fn desk_dir(d: &DeskProcess) -> PathBuf {
    d.dir.clone()
}

/// Measures what an fsync costs on the database's file system while the load runs (the desk's
/// acknowledgements wait for one): a 4 KiB write and an fdatasync every 20 ms on a probe file.
struct FsyncProbe {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<Vec<u64>>,
}

impl FsyncProbe {
    fn start(dir: PathBuf) -> FsyncProbe {
        let stop = Arc::new(AtomicBool::new(false));
        let s = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut out = Vec::new();
            // On PostgreSQL the desk makes no data dir of its own.
            let _ = std::fs::create_dir_all(&dir);
            let Ok(mut f) = std::fs::File::create(dir.join("fsync-probe")) else { return out };
            let block = [7u8; 4096];
            while !s.load(Ordering::Relaxed) {
                let t = Instant::now();
                if f.write_all(&block).and_then(|_| f.sync_data()).is_err() {
                    break;
                }
                out.push(t.elapsed().as_nanos() as u64);
                std::thread::sleep(Duration::from_millis(20));
            }
            out
        });
        FsyncProbe { stop, thread }
    }

    fn stop(self) -> Vec<u64> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap_or_default()
    }
}

impl DeskProcess {
    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn stop(mut self) {
        // SIGTERM: graceful shutdown (ends streams, checkpoints the WAL); kill if it hangs.
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        eprintln!("desk did not stop within 15 s; killing it");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The release binary cargo built for this bench, copied into the temp dir first: another build
/// in the same target directory may replace target/release/handoff-desk while the test runs.
fn desk_binary(dir: &Path) -> Res<PathBuf> {
    let copy = dir.join("handoff-desk");
    if !copy.exists() {
        std::fs::copy(env!("CARGO_BIN_EXE_handoff-desk"), &copy)
            .map_err(|e| format!("copy the desk: {e}"))?;
    }
    Ok(copy)
}

/// Instance `k`'s own directory (config, data dir, log) inside the run's temp dir.
fn instance_dir(dir: &Path, k: usize) -> PathBuf {
    dir.join(format!("desk{k}"))
}

fn write_config(dir: &Path, database_url: Option<&str>) -> Res<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/demo");
    let database = match database_url {
        Some(url) => format!("database_url = \"{url}\"\n"),
        None => String::new(),
    };
    // One source IP sends everything, so the per-IP and per-conversation token buckets are set
    // far above what the load needs (the defaults are 120 burst / 600 per minute per IP).
    let text = format!(
        r#"listen = "127.0.0.1:0"
data_dir = "{data}"
{database}sweep_interval_ms = 1000
log_format = "text"

[limits]
ip_burst = 100000000
ip_per_minute = 100000000
conversation_burst = 100000
conversation_per_minute = 100000000
# The generator's keep-alive connections may sit idle during setup and it does not reconnect;
# the desk closes idle connections after the header read timeout (default 10 s).
header_read_timeout_secs = 600

[[site]]
content = "{content}"
allowed_origins = ["*"]
max_wait_secs = 86400
avg_handle_secs = 1

[site.sla.normal]
first_response_secs = 86400
resolution_secs = 864000
"#,
        data = dir.join("data").display(),
        content = content.display(),
    );
    let path = dir.join("bench.toml");
    std::fs::write(&path, text).map_err(|e| format!("write config: {e}"))?;
    Ok(path)
}

/// `bin`: the copied desk binary (see [`desk_binary`]).
fn add_agents(config: &Path, bin: &Path, n: usize, capacity: usize) -> Res<()> {
    for i in 0..n {
        let out = Command::new(bin)
            .args(["agent", "add", "--config"])
            .arg(config)
            .args(["--email", &format!("load{i}@bench.test"), "--name", &format!("Load {i}")])
            .args(["--departments", "orders", "--tier", "agent", "--password", PASSWORD])
            .args(["--capacity", &capacity.to_string()])
            .env("RUST_LOG", "warn")
            .output()
            .map_err(|e| format!("agent add: {e}"))?;
        if !out.status.success() {
            return Err(format!("agent add failed: {}", String::from_utf8_lossy(&out.stderr)));
        }
    }
    Ok(())
}

/// Starts the desk of `config` in `dir` (its log: dir/desk.log) and waits until it listens.
fn start_desk(config: &Path, bin: &Path, dir: &Path) -> Res<DeskProcess> {
    let log_path = dir.join("desk.log");
    let log = std::fs::File::create(&log_path).map_err(|e| format!("log file: {e}"))?;
    let err = log.try_clone().map_err(|e| e.to_string())?;
    // The child inherits our raised RLIMIT_NOFILE. Request logs (one INFO line per request) are
    // turned down to warnings so the numbers measure the desk, not writing 1,000 lines a second.
    let child = Command::new(bin)
        .args(["serve", "--config"])
        .arg(config)
        .env("RUST_LOG", std::env::var("LOAD_DESK_LOG").unwrap_or_else(|_| "warn".into()))
        .stdin(Stdio::null())
        .stdout(Stdio::from(log))
        .stderr(Stdio::from(err))
        .spawn()
        .map_err(|e| format!("spawn desk: {e}"))?;
    let mut desk = DeskProcess { child, addr: "127.0.0.1:0".parse().unwrap(), dir: dir.join("data") };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let text = std::fs::read_to_string(&log_path).unwrap_or_default();
        if let Some(rest) = text.lines().find_map(|l| l.strip_prefix("listening on http://")) {
            desk.addr = rest.trim().parse().map_err(|e| format!("address {rest:?}: {e}"))?;
            return Ok(desk);
        }
        if let Ok(Some(status)) = desk.child.try_wait() {
            return Err(format!("desk exited ({status}):\n{text}"));
        }
        if Instant::now() > deadline {
            desk.stop();
            return Err("desk did not start within 30 s".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn vm_rss_kb(pid: u32) -> Res<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(|e| e.to_string())?;
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "no VmRSS".into())
}

/// utime + stime of a process, in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = s.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let get = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    get(11) + get(12)
}

/// Nanoseconds the process's threads spent runnable but waiting for a CPU (sum over threads of
/// the second field of /proc/<pid>/task/<tid>/schedstat).
fn run_queue_wait_ns(pid: u32) -> u64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return 0 };
    tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().nth(1).and_then(|v| v.parse::<u64>().ok()))
        .sum()
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim().to_string()
}

fn raise_nofile() -> u64 {
    unsafe {
        let mut l = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut l) == 0 {
            l.rlim_cur = l.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &l);
            libc::getrlimit(libc::RLIMIT_NOFILE, &mut l);
        }
        l.rlim_cur
    }
}

// ---------------------------------------------------------------------------------------------
// Protocol steps.

async fn metric(addr: SocketAddr, name: &str) -> Res<f64> {
    let mut c = Conn::connect(addr).await?;
    let r = c.request("GET", "/metrics", "", None).await?;
    r.text()
        .lines()
        .find_map(|l| l.strip_prefix(name).and_then(|v| v.trim().parse().ok()))
        .ok_or_else(|| format!("metric {name} missing"))
}

/// Starts `n` conversations over `workers` keep-alive connections, spread over the instances;
/// returns (id, token) pairs.
async fn start_conversations(addrs: &[SocketAddr], n: usize, workers: usize) -> Res<Vec<(String, String)>> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for w in 0..workers {
        let next = next.clone();
        let addr = addrs[w % addrs.len()];
        tasks.push(tokio::spawn(async move {
            let mut c = Conn::connect(addr).await?;
            let mut out = Vec::new();
            let body = json!({"site_key": "demo", "locale": "en", "page_url": "https://shop.example/bench"})
                .to_string();
            while next.fetch_add(1, Ordering::Relaxed) < n {
                let r = c.request("POST", "/v1/conversations", "", Some(&body)).await?;
                if r.status != 201 {
                    return Err(format!("start: {} {}", r.status, r.text()));
                }
                let v = r.json()?;
                let id = v["conversation_id"].as_str().unwrap_or_default().to_string();
                let token = v["token"].as_str().unwrap_or_default().to_string();
                out.push((id, token));
            }
            Ok::<_, String>(out)
        }));
    }
    let mut all = Vec::with_capacity(n);
    for t in tasks {
        all.extend(t.await.map_err(|e| e.to_string())??);
    }
    Ok(all)
}

/// Opens a customer stream and, once its head says 200, keeps reading (and discarding) until
/// `stop`. Sends `Ok(())` on `ready` when the stream is open.
async fn hold_stream(
    addr: SocketAddr,
    id: String,
    token: String,
    stop: Arc<AtomicBool>,
    stop_notify: Arc<tokio::sync::Notify>,
) -> Res<()> {
    let mut c = Conn::connect(addr).await?;
    c.send(
        "GET",
        &format!("/v1/conversations/{id}/events"),
        &format!("Authorization: Bearer {token}\r\n"),
        None,
    )
    .await?;
    let (status, _) = c.head().await?;
    if status != 200 {
        return Err(format!("stream: status {status}"));
    }
    tokio::spawn(async move {
        let mut buf = [0u8; 512];
        loop {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            tokio::select! {
                r = c.stream.read(&mut buf) => match r {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                },
                _ = stop_notify.notified() => break,
            }
        }
    });
    Ok(())
}

struct Agent {
    cookie: String,
}

async fn login_agent(addr: SocketAddr, i: usize, capacity: usize) -> Res<Agent> {
    let mut c = Conn::connect(addr).await?;
    let body = json!({"email": format!("load{i}@bench.test"), "password": PASSWORD}).to_string();
    let r = c.request("POST", "/v1/agent/login", "", Some(&body)).await.map_err(|e| format!("login: {e}"))?;
    if r.status != 200 {
        return Err(format!("login: {} {}", r.status, r.text()));
    }
    let cookie =
        r.header("set-cookie").and_then(|v| v.split(';').next()).ok_or("no session cookie")?.to_string();
    let csrf = r.json()?["csrf_token"].as_str().ok_or("no csrf token")?.to_string();
    let body = json!({"presence": "online", "capacity": capacity}).to_string();
    let r = c
        .request(
            "PUT",
            "/v1/agent/presence",
            &format!("Cookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n"),
            Some(&body),
        )
        .await
        .map_err(|e| format!("presence: {e}"))?;
    if r.status != 200 {
        return Err(format!("presence: {} {}", r.status, r.text()));
    }
    Ok(Agent { cookie })
}

/// Latency bookkeeping: the scheduled send time of message `i` (ns since `base`, 0 = not sent).
struct Clock {
    base: Instant,
    scheduled: Vec<AtomicU64>,
    arrived: Vec<AtomicU64>,
}

/// Reads an agent's stream; records the arrival of every `message` event whose client id is
/// `m<index>`.
async fn agent_stream(
    addr: SocketAddr,
    cookie: String,
    clock: Arc<Clock>,
    stop: Arc<tokio::sync::Notify>,
) -> Res<()> {
    let mut c = Conn::connect(addr).await?;
    c.send("GET", "/v1/agent/events", &format!("Cookie: {cookie}\r\n"), None).await?;
    let (status, _) = c.head().await?;
    if status != 200 {
        return Err(format!("agent stream: status {status}"));
    }
    let mut dechunk = Dechunk::default();
    let leftover = std::mem::take(&mut c.buf);
    let mut on_line = |line: &[u8]| {
        if !line.starts_with(b"data:") {
            return;
        }
        if let Some(p) = find(line, b"\"client_id\":\"m") {
            let digits: Vec<u8> = line[p + 14..].iter().copied().take_while(|b| b.is_ascii_digit()).collect();
            if let Some(i) = std::str::from_utf8(&digits).ok().and_then(|s| s.parse::<usize>().ok()) {
                if let Some(slot) = clock.arrived.get(i) {
                    let now = clock.base.elapsed().as_nanos() as u64;
                    let _ = slot.compare_exchange(0, now.max(1), Ordering::Relaxed, Ordering::Relaxed);
                }
            }
        }
    };
    dechunk.feed(&leftover, &mut on_line);
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        tokio::select! {
            r = c.stream.read(&mut buf) => match r {
                Ok(0) => return Ok(()),
                Ok(n) => dechunk.feed(&buf[..n], &mut on_line),
                Err(e) => return Err(format!("agent stream read: {e}")),
            },
            _ = stop.notified() => return Ok(()),
        }
    }
}

fn pct(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i] as f64 / 1e6
}

// ---------------------------------------------------------------------------------------------

fn main() {
    let p = Params {
        streams: env_num("LOAD_STREAMS", 10_000) as usize,
        chats: env_num("LOAD_CHATS", 1_000) as usize,
        agents: env_num("LOAD_AGENTS", 50) as usize,
        rate: env_num("LOAD_RATE", 1_000),
        secs: env_num("LOAD_SECS", 15),
        warmup_secs: env_num("LOAD_WARMUP_SECS", 2),
        senders: env_num("LOAD_SENDERS", 50) as usize,
        instances: env_num("LOAD_INSTANCES", 1).max(1) as usize,
        database_url: std::env::var("LOAD_DATABASE_URL").ok().filter(|u| !u.trim().is_empty()),
    };
    if p.instances > 1 && p.database_url.is_none() {
        eprintln!(
            "LOAD_INSTANCES={} needs LOAD_DATABASE_URL (PostgreSQL): instances cannot share SQLite",
            p.instances
        );
        std::process::exit(1);
    }
    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let nofile = raise_nofile();
    let needed = p.streams + p.agents + p.senders * p.instances + 200;
    if (nofile as usize) < needed {
        eprintln!("RLIMIT_NOFILE is {nofile}, the load needs about {needed} descriptors");
        std::process::exit(1);
    }
    // LOAD_TMPDIR=/dev/shm puts the database on tmpfs (fsync costs nothing): it separates the
    // disk's share of the latency from the desk's own.
    let dir = match std::env::var_os("LOAD_TMPDIR") {
        Some(base) => tempfile::tempdir_in(base),
        None => tempfile::tempdir(),
    }
    .expect("temp dir");
    let result = rt.block_on(run(&p, dir.path(), nofile));
    if let Err(e) = result {
        eprintln!("desk load test failed: {e}");
        eprintln!("desk logs: {}", instance_dir(dir.path(), 0).with_file_name("desk*/desk.log").display());
        let _ = dir.keep();
        std::process::exit(1);
    }
}

async fn run(p: &Params, dir: &Path, nofile: u64) -> Res<()> {
    let chats = p.chats.min(p.streams);
    let capacity = chats.div_ceil(p.agents.max(1)).clamp(1, 100);
    println!("desk load test: {} streams, {} chats, {} agents (capacity {capacity}), {} msg/s for {} s (+{} s warm-up), RLIMIT_NOFILE {nofile}",
        p.streams, chats, p.agents, p.rate, p.secs, p.warmup_secs);
    println!(
        "database: {}, {} desk instance(s)",
        if p.database_url.is_some() { "PostgreSQL (LOAD_DATABASE_URL)" } else { "SQLite in the temp dir" },
        p.instances
    );
    println!("load average at start: {}", loadavg());
    let bin = desk_binary(dir)?;
    let mut configs = Vec::new();
    for k in 0..p.instances {
        configs.push(write_config(&instance_dir(dir, k), p.database_url.as_deref())?);
    }
    // Agents are rows in the shared database: added once, through the first instance's config
    // (on PostgreSQL this is also what runs the migrations, before any desk starts).
    add_agents(&configs[0], &bin, p.agents, capacity)?;
    let mut desks = Vec::new();
    for (k, config) in configs.iter().enumerate() {
        // One after the other: each waits until the previous one listens.
        match start_desk(config, &bin, &instance_dir(dir, k)) {
            Ok(d) => desks.push(d),
            Err(e) => {
                desks.into_iter().for_each(DeskProcess::stop);
                return Err(format!("instance {k}: {e}"));
            }
        }
    }
    let out = measure(p, chats, capacity, &desks).await;
    let mut died = Vec::new();
    for (k, desk) in desks.iter_mut().enumerate() {
        if let Ok(Some(status)) = desk.child.try_wait() {
            let log = std::fs::read_to_string(instance_dir(dir, k).join("desk.log")).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(20).collect();
            died.push(format!(
                "instance {k} died during the test ({status}); its log ends:\n{}",
                tail.join("\n")
            ));
        }
    }
    let rss_end: Vec<u64> = desks.iter().map(|d| vm_rss_kb(d.pid()).unwrap_or(0)).collect();
    desks.into_iter().for_each(DeskProcess::stop);
    if !died.is_empty() {
        return Err(died.join("\n"));
    }
    let out = out?;
    println!("desk RSS at the end: {} kB", join(&rss_end));
    for k in 0..p.instances {
        let log = std::fs::read_to_string(instance_dir(dir, k).join("desk.log")).unwrap_or_default();
        let problems: Vec<&str> = log
            .lines()
            .filter(|l| l.contains("WARN") || l.contains("ERROR") || l.contains("panicked"))
            .collect();
        if !problems.is_empty() {
            println!("desk {k} log: {} warnings/errors, the first ones:", problems.len());
            for l in problems.iter().take(5) {
                println!("  {l}");
            }
        }
    }
    let _ = std::io::stdout().write_all(out.as_bytes());
    Ok(())
}

/// Numbers as `a + b + c` (one per instance).
fn join(v: &[u64]) -> String {
    v.iter().map(u64::to_string).collect::<Vec<_>>().join(" + ")
}

/// The sum of `name` over every instance's /metrics.
async fn metric_sum(addrs: &[SocketAddr], name: &str) -> Res<f64> {
    let mut sum = 0.0;
    for a in addrs {
        sum += metric(*a, name).await?;
    }
    Ok(sum)
}

fn rss_sum(pids: &[u32]) -> Res<u64> {
    pids.iter().map(|p| vm_rss_kb(*p)).sum()
}

/// The PostgreSQL server processes that serve the desks' database (its backends), to say what
/// the server itself spends; empty on SQLite or when the server cannot be asked.
async fn pg_backends(database_url: Option<&str>) -> Vec<u32> {
    use sqlx::Connection as _;
    let Some(url) = database_url else { return Vec::new() };
    let Ok(mut c) = sqlx::PgConnection::connect(url).await else { return Vec::new() };
    let pids: Vec<(i32,)> = sqlx::query_as(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .fetch_all(&mut c)
    .await
    .unwrap_or_default();
    let _ = c.close().await;
    pids.into_iter().filter_map(|(p,)| u32::try_from(p).ok()).collect()
}

async fn measure(p: &Params, chats: usize, capacity: usize, desks: &[DeskProcess]) -> Res<String> {
    let addrs: Vec<SocketAddr> = desks.iter().map(|d| d.addr).collect();
    let pids: Vec<u32> = desks.iter().map(DeskProcess::pid).collect();
    let n = addrs.len();
    let mut report = String::new();

    // --- Setup: conversations through the protocol.
    let t = Instant::now();
    let convs = start_conversations(&addrs, p.streams, 32).await?;
    let setup = t.elapsed();
    let setup_rate = convs.len() as f64 / setup.as_secs_f64();
    println!("setup: {} conversations in {:.2} s = {setup_rate:.0}/s", convs.len(), setup.as_secs_f64());

    // Agent `i` logs in and streams on instance `i % n`.
    let mut agents = Vec::new();
    for i in 0..p.agents {
        let a = login_agent(addrs[i % n], i, capacity).await;
        agents.push(a.map_err(|e| format!("agent {i} on instance {}: {e}", i % n))?);
    }
    let stop_agents = Arc::new(tokio::sync::Notify::new());
    let total = ((p.warmup_secs + p.secs) * p.rate) as usize + p.senders;
    let clock = Arc::new(Clock {
        base: Instant::now(),
        scheduled: (0..total).map(|_| AtomicU64::new(0)).collect(),
        arrived: (0..total).map(|_| AtomicU64::new(0)).collect(),
    });
    let mut agent_tasks = Vec::new();
    for (i, a) in agents.iter().enumerate() {
        agent_tasks.push(tokio::spawn(agent_stream(
            addrs[i % n],
            a.cookie.clone(),
            clock.clone(),
            stop_agents.clone(),
        )));
    }

    // --- Memory: RSS before, then every customer stream open and held.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let base_streams =
        metric_sum(&addrs, "handoff_open_streams").await.map_err(|e| format!("metrics: {e}"))?;
    let rss_before = rss_sum(&pids)?;
    let stop = Arc::new(AtomicBool::new(false));
    let stop_notify = Arc::new(tokio::sync::Notify::new());
    let gate = Arc::new(Semaphore::new(256));
    let t = Instant::now();
    let mut opens = Vec::new();
    for (j, (id, token)) in convs.iter().enumerate() {
        let permit = gate.clone().acquire_owned().await.map_err(|e| e.to_string())?;
        let (id, token, stop, stop_notify) = (id.clone(), token.clone(), stop.clone(), stop_notify.clone());
        let addr = addrs[j % n];
        opens.push(tokio::spawn(async move {
            let r = hold_stream(addr, id, token, stop, stop_notify).await;
            drop(permit);
            r
        }));
    }
    let mut open_errors = 0;
    for o in opens {
        if o.await.map_err(|e| e.to_string())?.is_err() {
            open_errors += 1;
        }
    }
    let open_time = t.elapsed();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut open_now = 0.0;
    while Instant::now() < deadline {
        open_now = metric_sum(&addrs, "handoff_open_streams").await? - base_streams;
        if open_now as usize + open_errors >= convs.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_with = rss_sum(&pids)?;
    let held = open_now as usize;
    let per_conn = (rss_with.saturating_sub(rss_before)) as f64 * 1024.0 / held.max(1) as f64;
    let instances_note = if n > 1 { format!(", summed over {n} instances") } else { String::new() };
    let mem_line = format!(
        "streams: {held} held ({open_errors} failed to open) in {:.2} s; desk VmRSS {rss_before} kB before, {rss_with} kB with them open{instances_note}: {:.1} KiB per stream (target < 20 KB)",
        open_time.as_secs_f64(),
        per_conn / 1024.0
    );
    println!("{mem_line}");
    println!("load average: {}", loadavg());

    // --- Latency: hand off `chats` conversations, then customer messages at a steady rate.
    let handoff = json!({"reason": "explicit", "detail": "bench", "department": "orders", "tier": "agent",
        "priority": "normal", "locale": "en", "transcript": [{"role": "customer", "text": "I need a person"}]})
    .to_string();
    // Where each chat's customer posts: the instance after its agent's, so that with several
    // instances the message is committed on one and must reach the agent's stream on another.
    let mut post_to = Vec::with_capacity(chats);
    let mut c = Conn::connect(addrs[0]).await?;
    for (id, token) in convs.iter().take(chats) {
        let r = c
            .request(
                "POST",
                &format!("/v1/conversations/{id}/handoff"),
                &format!("Authorization: Bearer {token}\r\n"),
                Some(&handoff),
            )
            .await?;
        let v = r.json()?;
        let status = v["status"].as_str().unwrap_or_default();
        if r.status != 200 || status != "assigned" {
            return Err(format!("handoff: {} {}", r.status, r.text()));
        }
        // Agents are named `Load <i>` (add_agents).
        let agent = v["agent_name"]
            .as_str()
            .and_then(|a| a.strip_prefix("Load "))
            .and_then(|i| i.parse::<usize>().ok())
            .ok_or_else(|| format!("handoff: no known agent in {}", r.text()))?;
        post_to.push((agent % n + 1) % n);
    }
    drop(c);
    println!("handed off and assigned: {chats}");
    tokio::time::sleep(Duration::from_secs(1)).await;

    let chats_list: Arc<Vec<(String, String, SocketAddr)>> = Arc::new(
        convs.iter().zip(&post_to).map(|((id, token), k)| (id.clone(), token.clone(), addrs[*k])).collect(),
    );
    let errors = Arc::new(AtomicUsize::new(0));
    let acks = Arc::new(Mutex::new(Vec::<u64>::new()));
    let period = Duration::from_nanos(1_000_000_000 * p.senders as u64 / p.rate.max(1));
    let ticks = ((p.warmup_secs + p.secs) * p.rate) as usize / p.senders;
    let warmup_ticks = (p.warmup_secs * p.rate) as usize / p.senders;
    let probe = FsyncProbe::start(desk_dir(&desks[0]));
    let cpu_before: u64 = pids.iter().map(|p| cpu_ticks(*p)).sum();
    let wait_before: u64 = pids.iter().map(|p| run_queue_wait_ns(*p)).sum();
    let backends = pg_backends(p.database_url.as_deref()).await;
    let backends_before: Vec<u64> = backends.iter().map(|p| cpu_ticks(*p)).collect();
    let load_start = Instant::now();
    let start_at = tokio::time::Instant::now() + Duration::from_millis(100);
    let mut senders = Vec::new();
    for j in 0..p.senders {
        let (clock, chats_list, errors, acks) =
            (clock.clone(), chats_list.clone(), errors.clone(), acks.clone());
        let n_senders = p.senders;
        // Spread the senders' phases evenly over one period.
        let offset = period * j as u32 / n_senders as u32;
        senders.push(tokio::spawn(async move {
            // One keep-alive connection per instance this sender posts to.
            let mut conns: Vec<(SocketAddr, Conn)> = Vec::new();
            let mut my_acks = Vec::new();
            let mut iv = tokio::time::interval_at(start_at + offset, period);
            iv.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
            for k in 0..ticks {
                let scheduled = iv.tick().await;
                let i = k * n_senders + j;
                let (id, token, addr) = &chats_list[i % chats_list.len()];
                let sched_ns = scheduled.into_std().saturating_duration_since(clock.base).as_nanos() as u64;
                clock.scheduled[i].store(sched_ns.max(1), Ordering::Relaxed);
                let slot = match conns.iter().position(|(a, _)| a == addr) {
                    Some(s) => s,
                    None => match Conn::connect(*addr).await {
                        Ok(c) => {
                            conns.push((*addr, c));
                            conns.len() - 1
                        }
                        Err(_) => {
                            errors.fetch_add(1, Ordering::Relaxed);
                            continue;
                        }
                    },
                };
                let c = &mut conns[slot].1;
                let body = format!(r#"{{"client_id":"m{i}","text":"load message {i}"}}"#);
                let r = c
                    .request(
                        "POST",
                        &format!("/v1/conversations/{id}/messages"),
                        &format!("Authorization: Bearer {token}\r\n"),
                        Some(&body),
                    )
                    .await;
                match r {
                    Ok(r) if r.status == 201 => {
                        if k >= warmup_ticks {
                            let ack = clock.base.elapsed().as_nanos() as u64;
                            my_acks.push(ack.saturating_sub(sched_ns));
                        }
                    }
                    Ok(r) => {
                        if errors.fetch_add(1, Ordering::Relaxed) < 10 {
                            eprintln!("message: {} {}", r.status, r.text());
                        }
                    }
                    Err(e) => {
                        if errors.fetch_add(1, Ordering::Relaxed) < 10 {
                            eprintln!("message: {e}");
                        }
                        conns.swap_remove(slot);
                    }
                }
            }
            acks.lock().unwrap().extend(my_acks);
        }));
    }
    for s in senders {
        let _ = timeout(Duration::from_secs(p.warmup_secs + p.secs + 60), s).await;
    }
    let send_time = load_start.elapsed();
    // Give the last messages a bounded time to arrive.
    let grace = Instant::now() + Duration::from_secs(5);
    let sent_total = ticks * p.senders;
    while Instant::now() < grace {
        let missing = (0..sent_total)
            .filter(|&i| {
                clock.scheduled[i].load(Ordering::Relaxed) != 0
                    && clock.arrived[i].load(Ordering::Relaxed) == 0
            })
            .count();
        if missing <= errors.load(Ordering::Relaxed) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let cpu_after: u64 = pids.iter().map(|p| cpu_ticks(*p)).sum();
    let waited =
        pids.iter().map(|p| run_queue_wait_ns(*p)).sum::<u64>().saturating_sub(wait_before) as f64 / 1e9;
    // Backends that exited meanwhile read as 0 ticks: count only what the survivors spent.
    let backends_ticks: u64 =
        backends.iter().zip(&backends_before).map(|(p, b)| cpu_ticks(*p).saturating_sub(*b)).sum();
    let mut fsyncs = probe.stop();
    fsyncs.sort_unstable();
    let clk_tck = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    let desk_cpu = cpu_after.saturating_sub(cpu_before) as f64 / clk_tck / send_time.as_secs_f64() * 100.0;
    let pg_cpu = backends_ticks as f64 / clk_tck / send_time.as_secs_f64() * 100.0;
    stop_agents.notify_waiters();
    for t in agent_tasks {
        let _ = timeout(Duration::from_secs(5), t).await;
    }

    // Measured window: messages scheduled after the warm-up.
    let first = warmup_ticks * p.senders;
    let mut lat = Vec::new();
    let mut lost = 0;
    let (mut t_first, mut t_last) = (u64::MAX, 0);
    for i in first..sent_total {
        let s = clock.scheduled[i].load(Ordering::Relaxed);
        let a = clock.arrived[i].load(Ordering::Relaxed);
        if s == 0 {
            continue;
        }
        t_first = t_first.min(s);
        t_last = t_last.max(s);
        if a == 0 {
            lost += 1;
        } else {
            lat.push(a.saturating_sub(s));
        }
    }
    lat.sort_unstable();
    let mut acks = acks.lock().unwrap().clone();
    acks.sort_unstable();
    let measured = sent_total - first;
    let span = (t_last.saturating_sub(t_first)) as f64 / 1e9;
    let achieved = lat.len() as f64 / span.max(1e-9);
    let errs = errors.load(Ordering::Relaxed);

    stop.store(true, Ordering::Relaxed);
    stop_notify.notify_waiters();

    report.push_str("\n== desk load test ==\n");
    report.push_str(&format!(
        "setup: {} conversations started in {:.2} s = {setup_rate:.0} conversations/s (32 keep-alive connections)\n",
        convs.len(),
        setup.as_secs_f64()
    ));
    report.push_str(&mem_line);
    report.push('\n');
    report.push_str(&format!(
        "messages: {measured} scheduled at {} /s over {:.1} s (after {} s warm-up), {} delivered to agent streams ({achieved:.0}/s), {errs} errors, {lost} not delivered; {} senders, {} chats, {} agents; {} customer streams open throughout\n",
        p.rate, span, p.warmup_secs, lat.len(), p.senders, chats, p.agents, held
    ));
    report.push_str(&format!(
        "customer message -> agent stream: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms (target p99 < 25 ms)\n",
        pct(&lat, 50.0), pct(&lat, 90.0), pct(&lat, 99.0), pct(&lat, 100.0)
    ));
    report.push_str(&format!(
        "POST ack (201, committed): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms\n",
        pct(&acks, 50.0),
        pct(&acks, 99.0),
        pct(&acks, 100.0)
    ));
    let desk_word = if n > 1 { format!("the {n} desks'") } else { "desk".to_string() };
    report.push_str(&format!(
        "{desk_word} CPU during the message phase: {desk_cpu:.0}% of one core; their threads waited {waited:.2} s in all for a CPU (run queue, /proc schedstat) in those {:.1} s\n",
        send_time.as_secs_f64()
    ));
    if !backends.is_empty() {
        report.push_str(&format!(
            "PostgreSQL backends serving the desks ({} connections open at the start of the phase): {pg_cpu:.0}% of one core\n",
            backends.len()
        ));
    }
    if n > 1 {
        report.push_str(&format!(
            "instances: {n}; agent i streams from instance i % {n}, its customers post to the next one: every measured message crossed instances (LISTEN/NOTIFY)\n"
        ));
    }
    report.push_str(&format!(
        "disk meanwhile (4 KiB write + fdatasync every 20 ms in the temp dir, {} samples): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms\n",
        fsyncs.len(),
        pct(&fsyncs, 50.0),
        pct(&fsyncs, 99.0),
        pct(&fsyncs, 100.0)
    ));
    report.push_str(&format!("load average at the end: {}\n", loadavg()));
    Ok(report)
}
