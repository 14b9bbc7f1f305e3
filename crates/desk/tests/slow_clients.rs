//! Issue 14 point 8: a client that sends half a request is disconnected after the configured
//! read timeouts (here 1 s), while event streams, which are long-lived answers, are not cut.

mod common;

use common::*;
use serde_json::json;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SHORT: &str = "[limits]\nheader_read_timeout_secs = 1\nbody_read_timeout_secs = 1\n";

/// Generous: the desk must close well before this; a desk without timeouts never does.
const PATIENCE: Duration = Duration::from_secs(15);

async fn connect(d: &TestDesk) -> TcpStream {
    TcpStream::connect(d.base.trim_start_matches("http://")).await.expect("connect")
}

/// Everything the desk sends until it closes the connection; panics if it keeps it open.
async fn read_until_closed(s: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let read = tokio::time::timeout(PATIENCE, async {
        let mut buf = [0u8; 4096];
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the desk kept a half-sent request open; got {:?}", String::from_utf8_lossy(&out));
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unfinished_headers_are_disconnected() {
    let d = spawn(SHORT, "").await;
    let mut s = connect(&d).await;
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: desk.test\r\nX-Slow: ").await.expect("write");
    let answer = read_until_closed(&mut s).await;
    assert!(!answer.contains("200 OK"), "{answer}");

    // Even the request line alone, never finished.
    let mut s = connect(&d).await;
    s.write_all(b"GET /heal").await.expect("write");
    read_until_closed(&mut s).await;

    // The desk still serves everyone else.
    let r = d.client.get(d.url("/healthz")).send().await.expect("health");
    assert_eq!(r.status(), 200);
    d.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_stops_gets_408_json_and_is_disconnected() {
    let d = spawn(SHORT, "").await;
    let mut s = connect(&d).await;
    let head = format!(
        "POST /v1/conversations HTTP/1.1\r\nHost: desk.test\r\nOrigin: {ORIGIN}\r\n\
         Content-Type: application/json\r\nContent-Length: 200\r\n\r\n{{\"site_key\": \"demo\", "
    );
    s.write_all(head.as_bytes()).await.expect("write");
    let answer = read_until_closed(&mut s).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"error\":\"body_timeout\""), "{answer}");
    d.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn event_streams_outlive_the_read_timeouts() {
    let d = spawn(&format!("{SHORT}request_timeout_secs = 1\n"), "").await;
    let c = d.customer().await;
    let mut stream = c.stream(None).await;
    // Three times every timeout (headers, body, time to answer) with nothing to read.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(c.say("late-1", "still there?").await.status(), 201);
    let seen = stream.until(WAIT, |e| e.data["message"]["text"] == json!("still there?")).await;
    assert_eq!(seen.last().map(|e| e.event.as_str()), Some("message"));
    d.stop().await;
}
