//! Issue 14 point 6: login brute force is slowed per account, whatever address the guesses come
//! from, and the client address is read from a proxy's header only when the config trusts that
//! proxy (`trusted_proxies`).

mod common;

use common::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Generous per-IP limits, so that only the per-account backoff can refuse a login.
const OPEN_IP_LIMITS: &str = "[limits]\nip_burst = 100000\nip_per_minute = 1000000\n";

async fn login(d: &TestDesk, email: &str, password: &str, from: &str) -> reqwest::Response {
    d.client
        .post(d.url("/v1/agent/login"))
        .header("x-forwarded-for", from)
        .header("forwarded", format!("for={from}"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .expect("login")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_wrong_passwords_from_many_addresses_then_the_right_one_is_refused() {
    let d = spawn(OPEN_IP_LIMITS, "").await;
    d.add_agent("ana@t", "Ana", "agent", &["orders"], 3).await;
    // 200 guesses, 10 at a time, each from another (forged) address.
    for batch in 0..20 {
        let mut tasks = Vec::new();
        for i in 0..10 {
            let from = format!("198.51.{batch}.{i}");
            let d = &d;
            tasks.push(async move { login(d, "ana@t", &format!("guess-{batch}-{i}"), &from).await.status() });
        }
        for s in futures_util::future::join_all(tasks).await {
            assert!(s == 401 || s == 429, "a wrong password is refused: {s}");
        }
    }
    let started = Instant::now();
    let r = login(&d, "Ana@T", PASSWORD, "203.0.113.99").await;
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(r.status(), 429, "the right password during the backoff is refused");
    let retry: u64 = r
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!(retry >= 1, "{retry}");
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["error"], "login_backoff", "{v}");
    assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()));

    // A backoff, not a lockout: once the wait is over the right password works (and resets it).
    tokio::time::sleep(Duration::from_secs(retry)).await;
    assert_eq!(login(&d, "ana@t", PASSWORD, "203.0.113.99").await.status(), 200);
    assert_eq!(login(&d, "ana@t", "one more typo", "203.0.113.99").await.status(), 401);
    assert_eq!(login(&d, "ana@t", PASSWORD, "203.0.113.99").await.status(), 200);

    // Another account is not affected.
    d.add_agent("ben@t", "Ben", "agent", &["billing"], 3).await;
    assert_eq!(login(&d, "ben@t", PASSWORD, "198.51.0.0").await.status(), 200);
    d.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_few_typos_do_not_lock_anyone_out_and_success_resets_them() {
    let d = spawn(OPEN_IP_LIMITS, "").await;
    d.add_agent("ana@t", "Ana", "agent", &["orders"], 3).await;
    for round in 0..2 {
        for i in 0..4 {
            assert_eq!(login(&d, "ana@t", &format!("typo-{i}"), "127.0.0.1").await.status(), 401, "{round}");
        }
        assert_eq!(login(&d, "ana@t", PASSWORD, "127.0.0.1").await.status(), 200, "round {round}");
    }
    d.stop().await;
}

async fn start(d: &TestDesk, forwarded_for: &str) -> u16 {
    d.client
        .post(d.url("/v1/conversations"))
        .header("origin", ORIGIN)
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({"site_key": "demo", "locale": "en"}))
        .send()
        .await
        .expect("start")
        .status()
        .as_u16()
}

/// Two requests per address, no refill.
const TIGHT_IP_LIMITS: &str = "[limits]\nip_burst = 2\nip_per_minute = 0\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trusted_proxy_names_the_client() {
    let d = spawn(&format!("trusted_proxies = [\"127.0.0.1\"]\n{TIGHT_IP_LIMITS}"), "").await;
    // The proxy appends the address it saw; anything left of it is the client's own claim.
    assert_eq!(start(&d, "10.9.9.9, 203.0.113.7").await, 201);
    assert_eq!(start(&d, "203.0.113.7").await, 201);
    assert_eq!(start(&d, "203.0.113.7").await, 429, "the third from 203.0.113.7");
    assert_eq!(start(&d, "203.0.113.8").await, 201, "another client behind the same proxy");
    d.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_trusted_proxies_a_forged_header_changes_nothing() {
    let d = spawn(TIGHT_IP_LIMITS, "").await;
    assert_eq!(start(&d, "203.0.113.1").await, 201);
    assert_eq!(start(&d, "203.0.113.2").await, 201);
    assert_eq!(start(&d, "203.0.113.3").await, 429, "still limited as 127.0.0.1");
    d.stop().await;
}
