//! `cargo xtask e2e --nginx-postgres` (issue 15): the Playwright handoff journey against two desk
//! instances on one fresh PostgreSQL database, behind nginx started from docs/nginx-desk.conf
//! (the config docs/operations.md recommends) with its upstreams and listen address replaced.
//!
//! The instances listen on fixed free ports (nginx needs them), log to target/e2e-cluster/ and
//! keep their pid in a file there. The spec restarts an instance itself (e2e/tests/own-desk.js):
//! it reads target/e2e-cluster/cluster.json (E2E_CLUSTER), SIGKILLs the pid in the pid file,
//! starts the same command line again and writes the new pid; at the end this step stops
//! whatever pid the files name, so a restarted instance is stopped as well.

use crate::cmd::{self, run};
use crate::postgres;
use anyhow::{bail, Context, Result};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How many desk instances run behind nginx.
const INSTANCES: usize = 2;
/// The tests this mode runs: the handoff journey (widget -> console reply -> restart).
const GREP: &str = "journey:";

fn dir() -> PathBuf {
    cmd::target_dir().join("e2e-cluster")
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn wait_for_port(port: u16, what: &str, log: &Path) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            bail!(
                "step e2e (nginx, PostgreSQL) failed: {what} did not listen on {port} in 60 s (see {})",
                log.display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

/// Whether `pid` still runs (a zombie does not: nobody may reap a re-parented instance).
fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat.rsplit_once(')').is_none_or(|(_, rest)| !rest.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}

/// One desk instance: the child this step started, and the pid file the spec rewrites when it
/// starts the instance again.
struct Instance {
    child: Child,
    pid_file: PathBuf,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let pid = std::fs::read_to_string(&self.pid_file).ok().and_then(|p| p.trim().parse::<u32>().ok());
        for pid in [Some(self.child.id()), pid].into_iter().flatten() {
            if alive(pid) {
                let _ = Command::new("kill").args(["-TERM", &pid.to_string()]).status();
            }
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && pid.is_some_and(alive) {
            std::thread::sleep(Duration::from_millis(50));
        }
        if let Some(pid) = pid.filter(|&p| alive(p)) {
            let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
        }
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// nginx in the foreground with its own prefix under target/e2e-cluster/nginx.
struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The PostgreSQL database of this run, dropped at the end. Named like the desk tests'
/// databases (`handoff_t_<pid>_...`), so an interrupted run's is dropped as stale later.
struct Database {
    admin: String,
    name: String,
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Err(e) = postgres::drop_database(&self.admin, &self.name) {
            println!("xtask: warning: {e:#}");
        }
    }
}

fn nginx_bin() -> PathBuf {
    ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("nginx"))
}

/// docs/nginx-desk.conf with `upstreams` (host:port) for its example servers and `port` to
/// listen on; nothing else changes.
fn site_config(doc: &str, upstreams: &[String], port: u16) -> Result<String> {
    let mut out = String::new();
    let (mut servers, mut listen) = (false, false);
    for line in doc.lines() {
        let t = line.trim_start();
        if t.starts_with("server 10.0.0.") {
            if !servers {
                for u in upstreams {
                    out.push_str(&format!("    server {u} max_fails=1 fail_timeout=5s;\n"));
                }
                servers = true;
            }
            continue;
        }
        if t == "listen 80;" {
            out.push_str(&format!("    listen 127.0.0.1:{port};\n"));
            listen = true;
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    if !servers || !listen {
        bail!("docs/nginx-desk.conf lost its `server 10.0.0.x` upstream lines or its `listen 80;`");
    }
    Ok(out)
}

fn start_nginx(upstreams: &[String]) -> Result<(Nginx, String)> {
    let root = cmd::root();
    let prefix = dir().join("nginx");
    std::fs::create_dir_all(&prefix)?;
    let doc =
        std::fs::read_to_string(root.join("docs/nginx-desk.conf")).context("reading docs/nginx-desk.conf")?;
    let port = free_port()?;
    std::fs::write(prefix.join("handoff.conf"), site_config(&doc, upstreams, port)?)?;
    let d = prefix.display();
    // As root, nginx would run its workers as `nobody`, who cannot write our temp dirs.
    let user = if cmd::is_root() { "user root;" } else { "" };
    let main = format!(
        "{user}\ndaemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
         events {{ worker_connections 1024; }}\n\
         http {{\n log_format upstream '$time_iso8601 $request $status $upstream_addr $upstream_status $request_time';\n\
         access_log {d}/access.log upstream;\n client_body_temp_path {d}/body;\n proxy_temp_path {d}/proxy;\n\
         fastcgi_temp_path {d}/fastcgi;\n uwsgi_temp_path {d}/uwsgi;\n scgi_temp_path {d}/scgi;\n\
         include {d}/handoff.conf;\n}}\n"
    );
    std::fs::write(prefix.join("nginx.conf"), main)?;
    let child = Command::new(nginx_bin())
        .arg("-p")
        .arg(&prefix)
        .arg("-c")
        .arg(prefix.join("nginx.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .context("nginx does not start: run `cargo xtask setup`")?;
    let nginx = Nginx(child);
    wait_for_port(port, "nginx", &prefix.join("error.log"))?;
    Ok((nginx, format!("http://127.0.0.1:{port}")))
}

/// A JSON string literal.
fn js(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The step: fresh database, two desks (the first seeds the demo agents and migrates; the
/// second starts once the first listens), nginx in front, then the journey spec through nginx.
pub fn e2e() -> Result<()> {
    let root = cmd::root();
    let e2e = root.join("e2e");
    crate::console::prepare()?;
    run("e2e: build the desk", cmd::cargo().args(["build", "-q", "-p", "handoff-desk"]))?;
    let bin = cmd::target_dir().join("debug/handoff-desk");

    let admin = postgres::admin_url()?;
    let name = format!("handoff_t_{}_e2e", std::process::id());
    let url = postgres::fresh_database(&admin, &name)?;
    let _db = Database { admin, name: name.clone() };

    let dir = dir();
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let pkg = crate::dist::pkg_dir();
    let env = [("HANDOFF_DATABASE_URL", url.as_str()), ("HANDOFF_TRUSTED_PROXIES", "127.0.0.1")];

    let mut instances = Vec::new();
    let mut described = Vec::new();
    let mut upstreams = Vec::new();
    for i in 0..INSTANCES {
        let port = free_port()?;
        let data = dir.join(format!("desk-{i}"));
        let log = dir.join(format!("desk-{i}.log"));
        let pid_file = dir.join(format!("desk-{i}.pid"));
        let mut args: Vec<String> =
            ["serve", "--config", "e2e/desk.toml", "--listen"].map(String::from).to_vec();
        args.push(format!("127.0.0.1:{port}"));
        args.extend(["--data-dir".into(), data.to_string_lossy().into_owned()]);
        args.extend(["--static".into(), pkg.to_string_lossy().into_owned()]);
        // The first instance migrates the database and seeds the demo agents; the second
        // starts on what the first made.
        if i == 0 {
            args.push("--seed-demo".into());
        }
        let out = std::fs::File::create(&log).with_context(|| format!("creating {}", log.display()))?;
        let child = Command::new(&bin)
            .current_dir(&root)
            .args(&args)
            .envs(env)
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        std::fs::write(&pid_file, child.id().to_string())?;
        instances.push(Instance { child, pid_file: pid_file.clone() });
        wait_for_port(port, &format!("desk instance {i}"), &log)?;
        println!("xtask: desk instance {i} on 127.0.0.1:{port} (log in {})", log.display());
        upstreams.push(format!("127.0.0.1:{port}"));
        described.push(format!(
            "{{\"port\": {port}, \"args\": [{}], \"pidFile\": {}, \"log\": {}}}",
            args.iter().map(|a| js(a)).collect::<Vec<_>>().join(", "),
            js(&pid_file.to_string_lossy()),
            js(&log.to_string_lossy()),
        ));
    }
    let (nginx, base) = start_nginx(&upstreams)?;
    println!("xtask: nginx on {base} in front of {} (docs/nginx-desk.conf)", upstreams.join(", "));
    let cluster = dir.join("cluster.json");
    std::fs::write(
        &cluster,
        format!(
            "{{\n \"url\": {},\n \"bin\": {},\n \"env\": {{{}}},\n \"instances\": [\n  {}\n ]\n}}\n",
            js(&base),
            js(&bin.to_string_lossy()),
            env.iter().map(|(k, v)| format!("{}: {}", js(k), js(v))).collect::<Vec<_>>().join(", "),
            described.join(",\n  "),
        ),
    )?;

    let started = Instant::now();
    let result = run(
        "e2e (nginx, PostgreSQL): playwright",
        cmd::command("npx")
            .current_dir(&e2e)
            .args(["playwright", "test", "--grep", GREP])
            .env("DESK_URL", &base)
            .env("E2E_CLUSTER", &cluster),
    );
    println!("xtask: the journey through nginx took {:.1} s", started.elapsed().as_secs_f64());
    drop(nginx);
    drop(instances);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recommended_config_gets_our_upstreams_and_port() {
        let doc = std::fs::read_to_string(cmd::root().join("docs/nginx-desk.conf")).unwrap();
        let conf = site_config(&doc, &["127.0.0.1:1001".into(), "127.0.0.1:1002".into()], 2000).unwrap();
        assert!(conf
            .contains("    server 127.0.0.1:1001 max_fails=1 fail_timeout=5s;\n    server 127.0.0.1:1002 "));
        assert!(conf.contains("listen 127.0.0.1:2000;"));
        assert!(!conf.contains("10.0.0.") && !conf.contains("listen 80;"));
        assert!(conf.contains("proxy_buffering off;") && conf.contains("proxy_next_upstream error timeout;"));
    }

    #[test]
    fn json_strings() {
        assert_eq!(js("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
    }
}
