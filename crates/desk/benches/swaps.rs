//! The hot-path pieces issue 16 swapped for ordinary crates, timed per call (docs/benchmarks.md,
//! "Stop 29"): the in-memory rate limiter (every customer POST and login checks it, once per
//! client IP and once per conversation) and reading the session cookie (every agent request).
//! Plain `Instant` loops, no network, a few seconds in all; each case runs 7 rounds and prints
//! the fastest and the median in ns per call. `cargo bench -p handoff-desk --bench swaps`.
//!
//! The hand-written code the crates replaced is kept below ([`before`]) and timed in the same
//! run, so before and after share the machine's state (another build on the other core, the CPU
//! clock) and compare directly.

use axum::http::{header, HeaderMap, HeaderValue};
use axum_extra::extract::cookie::CookieJar;
use futures_util::FutureExt;
use handoff_desk::extract::cookie;
use handoff_desk::ratelimit::{Limiter, RateLimiter};
use std::hint::black_box;
use std::time::Instant;

const ROUNDS: usize = 7;

/// Runs `f(i)` for i in 0..n, `ROUNDS` times, and prints min and median ns per call.
fn time(name: &str, n: u64, f: impl FnMut(u64)) {
    time_calls(name, n, 1, f)
}

/// Like [`time`], for an `f` that makes `calls` calls each time.
fn time_calls(name: &str, n: u64, calls: u64, mut f: impl FnMut(u64)) {
    let mut per_call: Vec<f64> = (0..ROUNDS)
        .map(|_| {
            let t = Instant::now();
            for i in 0..n {
                f(i);
            }
            t.elapsed().as_nanos() as f64 / (n * calls) as f64
        })
        .collect();
    per_call.sort_by(f64::total_cmp);
    println!("{name:<58} min {:>8.1} ns   median {:>8.1} ns", per_call[0], per_call[ROUNDS / 2]);
}

/// One `Limiter::check`, as the desk calls it (through the trait object, awaited). Every
/// implementation here finishes without waiting, so `now_or_never` is the whole cost.
fn check(l: &dyn Limiter, key: &str) -> bool {
    match l.check(key).now_or_never() {
        Some(r) => r.is_ok(),
        None => unreachable!("the in-memory limiter never waits"),
    }
}

fn rate_limiter(label: &str, new: fn(u32, u32) -> Box<dyn Limiter>) {
    // Client IPs as the desk formats them (`ip.to_string()`), made before the clock starts.
    let ips: Vec<String> =
        (0..10_000u32).map(|i| format!("203.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255)).collect();

    let open = new(1_000_000_000, 1_000_000_000);
    time(&format!("{label}: allowed, one key"), 1_000_000, |_| {
        black_box(check(&*open, black_box("203.0.113.7")));
    });
    let open = new(1_000_000_000, 1_000_000_000);
    time(&format!("{label}: allowed, 10,000 keys round robin"), 1_000_000, |i| {
        black_box(check(&*open, &ips[(i % 10_000) as usize]));
    });
    // The desk's defaults (120 burst, 600/min) with the burst spent: the answer is a 429.
    let spent = new(120, 600);
    for _ in 0..200 {
        check(&*spent, "203.0.113.7");
    }
    time(&format!("{label}: refused (burst spent), one key"), 1_000_000, |_| {
        black_box(check(&*spent, black_box("203.0.113.7")));
    });
    // A flood of distinct keys, each seen once: the map grows until it is pruned.
    let flood = new(120, 600);
    let keys: Vec<String> = (0..1_000_000u32).map(|i| format!("flood-{i}")).collect();
    let mut next = 0usize;
    time(&format!("{label}: flood, a new key every call (1M keys)"), 100_000, |_| {
        black_box(check(&*flood, &keys[next % keys.len()]));
        next += 1;
    });
    // Both cores at once on one limiter, distinct keys per thread (contention on the map).
    let shared = new(1_000_000_000, 1_000_000_000);
    time_calls(&format!("{label}: 2 threads, 5,000 keys each (wall ns per call)"), 1, 500_000, |_| {
        std::thread::scope(|s| {
            for t in 0..2u64 {
                let (shared, ips) = (&shared, &ips);
                s.spawn(move || {
                    for i in 0..500_000u64 {
                        black_box(check(&**shared, &ips[(t * 5_000 + i % 5_000) as usize]));
                    }
                });
            }
        });
    });
}

fn session_cookie(label: &str, read: for<'a> fn(&'a HeaderMap, &str) -> Option<&'a str>) {
    let token = "Zq3vN0m1xY4lqP7cV2hT8dJ6wR5sK9aB0eF1gH2iJ3k"; // 43 chars, base64url like a real one
    let mut alone = HeaderMap::new();
    alone.insert(header::COOKIE, HeaderValue::from_str(&format!("handoff_session={token}")).expect("ascii"));
    time(&format!("{label}: session cookie alone"), 1_000_000, |_| {
        black_box(read(black_box(&alone), "handoff_session"));
    });
    // A console on a shop's own domain also carries the shop's cookies.
    let mut crowded = HeaderMap::new();
    crowded.insert(
        header::COOKIE,
        HeaderValue::from_str(&format!(
            "_ga=GA1.1.1234567890.1700000000; theme=dark; cart=3f9a1c; consent=analytics%3Dno; handoff_session={token}"
        ))
        .expect("ascii"),
    );
    time(&format!("{label}: session cookie after four others"), 1_000_000, |_| {
        black_box(read(black_box(&crowded), "handoff_session"));
    });
    let none = HeaderMap::new();
    time(&format!("{label}: no Cookie header"), 1_000_000, |_| {
        black_box(read(black_box(&none), "handoff_session"));
    });
    // What axum-extra's extractor would do (not used: it copies every cookie and the last of
    // two same-named ones wins, see extract.rs): for comparison only.
    if label.starts_with("cookie crate") {
        time("CookieJar::from_headers + get: session cookie after four others", 1_000_000, |_| {
            let jar = CookieJar::from_headers(black_box(&crowded));
            black_box(jar.get("handoff_session").map(|c| c.value().len()));
        });
    }
}

fn main() {
    println!("rate limiter and session cookie, ns per call ({ROUNDS} rounds; min, median)");
    rate_limiter("hand-written bucket (before)", |b, r| Box::new(before::RateLimiter::new(b, r)));
    rate_limiter("governor (after)", |b, r| Box::new(RateLimiter::new(b, r)));
    session_cookie("hand-written split (before)", before::cookie);
    session_cookie("cookie crate split_parse (after)", cookie);
}

/// The code issue 16 replaced, as it was (ratelimit.rs and extract.rs before the swap).
mod before {
    use async_trait::async_trait;
    use axum::http::{header, HeaderMap};
    use std::collections::HashMap;
    use std::sync::Mutex;
    use std::time::Instant;

    struct Bucket {
        tokens: f64,
        last: Instant,
    }

    pub struct RateLimiter {
        burst: f64,
        per_sec: f64,
        buckets: Mutex<HashMap<String, Bucket>>,
    }

    impl RateLimiter {
        pub fn new(burst: u32, per_minute: u32) -> Self {
            RateLimiter {
                burst: f64::from(burst.max(1)),
                per_sec: f64::from(per_minute) / 60.0,
                buckets: Mutex::default(),
            }
        }

        pub fn check_at(&self, key: &str, now: Instant) -> Result<(), u64> {
            let mut map = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
            if map.len() > 100_000 {
                let (burst, per_sec) = (self.burst, self.per_sec);
                map.retain(|_, b| b.tokens + now.duration_since(b.last).as_secs_f64() * per_sec < burst);
            }
            let b = map.entry(key.to_string()).or_insert(Bucket { tokens: self.burst, last: now });
            b.tokens = (b.tokens + now.duration_since(b.last).as_secs_f64() * self.per_sec).min(self.burst);
            b.last = now;
            if b.tokens >= 1.0 {
                b.tokens -= 1.0;
                Ok(())
            } else if self.per_sec <= 0.0 {
                Err(60)
            } else {
                Err(((1.0 - b.tokens) / self.per_sec).ceil().max(1.0) as u64)
            }
        }
    }

    #[async_trait]
    impl handoff_desk::ratelimit::Limiter for RateLimiter {
        async fn check(&self, key: &str) -> Result<(), u64> {
            self.check_at(key, Instant::now())
        }
    }

    pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
    }
}
