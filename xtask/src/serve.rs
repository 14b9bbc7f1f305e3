//! A small std-only static file server for pkg/: GET and HEAD, one thread per connection.

use crate::dist::pkg_dir;
use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

const MAX_CONNECTIONS: usize = 64;

pub fn port() -> Result<u16> {
    match std::env::var("HANDOFF_PORT") {
        Ok(p) => p.trim().parse().with_context(|| format!("HANDOFF_PORT={p:?} is not a port number")),
        Err(_) => Ok(8080),
    }
}

pub fn serve_pkg() -> Result<()> {
    serve_dir(&pkg_dir())
}

/// `cargo xtask serve [DIR]`: serve a built directory (pkg/ by default) without building.
pub fn serve_dir(dir: &Path) -> Result<()> {
    if !dir.join("index.html").is_file() {
        bail!("step serve failed: {} has no index.html; run `cargo xtask dist` first", dir.display());
    }
    serve(dir, port()?)
}

/// Serve `dir` on 127.0.0.1:`port` until the process is interrupted.
pub fn serve(dir: &Path, port: u16) -> Result<()> {
    let root = dir.canonicalize().with_context(|| format!("resolving {}", dir.display()))?;
    let listener = TcpListener::bind(("127.0.0.1", port)).with_context(|| {
        format!("step serve failed: cannot listen on 127.0.0.1:{port} (set HANDOFF_PORT to use another port)")
    })?;
    println!("Handoff portal: http://127.0.0.1:{port}/");
    println!("(serving {}; Ctrl-C stops)", root.display());
    accept(listener, root);
    Ok(())
}

/// Serve `dir` on 127.0.0.1:`port` from a background thread (the demo host page next to the
/// desk in `cargo xtask run`).
pub fn spawn(dir: &Path, port: u16) -> Result<()> {
    let root = dir.canonicalize().with_context(|| format!("resolving {}", dir.display()))?;
    let listener = TcpListener::bind(("127.0.0.1", port))
        .with_context(|| format!("cannot listen on 127.0.0.1:{port} for the demo host page"))?;
    std::thread::spawn(move || accept(listener, root));
    Ok(())
}

fn accept(listener: TcpListener, root: PathBuf) {
    let root = Arc::new(root);
    let active = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        if active.load(Ordering::Relaxed) >= MAX_CONNECTIONS {
            let _ = respond_status(&stream, 503, "Service Unavailable", false);
            continue;
        }
        active.fetch_add(1, Ordering::Relaxed);
        let (root, active) = (Arc::clone(&root), Arc::clone(&active));
        std::thread::spawn(move || {
            let _ = handle(stream, &root);
            active.fetch_sub(1, Ordering::Relaxed);
        });
    }
}

pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("md") => "text/markdown; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

fn handle(stream: TcpStream, root: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line)? == 0 {
        return Ok(());
    }
    // Skip the headers (bounded).
    let mut total = 0;
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line)?;
        total += n;
        if n == 0 || line == "\r\n" || line == "\n" || total > 64 * 1024 {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let head = method == "HEAD";
    if method != "GET" && !head {
        return respond_status(&stream, 405, "Method Not Allowed", head);
    }
    match resolve(root, target) {
        Resolved::File(path) => match std::fs::read(&path) {
            Ok(body) => respond(&stream, 200, "OK", content_type(&path), &body, head),
            Err(_) => respond_status(&stream, 404, "Not Found", head),
        },
        Resolved::Forbidden => respond_status(&stream, 403, "Forbidden", head),
        Resolved::NotFound => respond_status(&stream, 404, "Not Found", head),
    }
}

#[derive(Debug, PartialEq)]
pub enum Resolved {
    File(PathBuf),
    Forbidden,
    NotFound,
}

/// Map a request target to a file under `root`; `..`, absolute or escaping paths are refused.
pub fn resolve(root: &Path, target: &str) -> Resolved {
    let path = target.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return Resolved::Forbidden;
    }
    let Some(decoded) = percent_decode(path) else {
        return Resolved::Forbidden;
    };
    if decoded.contains('\0') || decoded.contains('\\') {
        return Resolved::Forbidden;
    }
    let relative = Path::new(decoded.trim_start_matches('/'));
    if relative.components().any(|c| !matches!(c, Component::Normal(_) | Component::CurDir)) {
        return Resolved::Forbidden;
    }
    let mut file = root.join(relative);
    if file.is_dir() {
        file = file.join("index.html");
    }
    // Symlinks must not lead out of the served directory either.
    match file.canonicalize() {
        Ok(real) if real.starts_with(root) && real.is_file() => Resolved::File(real),
        Ok(real) if !real.starts_with(root) => Resolved::Forbidden,
        _ => Resolved::NotFound,
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn respond(
    mut stream: &TcpStream,
    code: u16,
    reason: &str,
    ctype: &str,
    body: &[u8],
    head: bool,
) -> std::io::Result<()> {
    let header = format!(
        "HTTP/1.1 {code} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(header.as_bytes())?;
    if !head {
        stream.write_all(body)?;
    }
    stream.flush()
}

fn respond_status(stream: &TcpStream, code: u16, reason: &str, head: bool) -> std::io::Result<()> {
    let body = format!("{code} {reason}\n");
    respond(stream, code, reason, "text/plain; charset=utf-8", body.as_bytes(), head)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-serve-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sites")).unwrap();
        std::fs::write(dir.join("index.html"), "<!doctype html>").unwrap();
        std::fs::write(dir.join("sites/demo.json"), "{}").unwrap();
        dir.canonicalize().unwrap()
    }

    #[test]
    fn resolves_files_and_refuses_traversal() {
        let root = fixture();
        assert_eq!(resolve(&root, "/"), Resolved::File(root.join("index.html")));
        assert_eq!(resolve(&root, "/sites/demo.json?x=1"), Resolved::File(root.join("sites/demo.json")));
        assert_eq!(resolve(&root, "/sites/"), Resolved::NotFound);
        assert_eq!(resolve(&root, "/nope.js"), Resolved::NotFound);
        assert_eq!(resolve(&root, "/../etc/passwd"), Resolved::Forbidden);
        assert_eq!(resolve(&root, "/%2e%2e/etc/passwd"), Resolved::Forbidden);
        assert_eq!(resolve(&root, "/sites/..%2f..%2fetc"), Resolved::Forbidden);
        assert_eq!(resolve(&root, "http://x/"), Resolved::Forbidden);
        assert_eq!(resolve(&root, "/%zz"), Resolved::Forbidden);
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type(Path::new("a_bg.wasm")), "application/wasm");
        assert_eq!(content_type(Path::new("x.JS")), "text/javascript; charset=utf-8");
        assert_eq!(content_type(Path::new("a.md")), "text/markdown; charset=utf-8");
    }
}
