//! A real nginx in front of several desks, started from docs/nginx-desk.conf (the config the
//! operations guide recommends) with the upstream servers and listen address replaced.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running nginx; dropping it stops it.
pub struct Nginx {
    pub base: String,
    child: Child,
    _dir: tempfile::TempDir,
}

/// The nginx binary: on PATH or Debian's /usr/sbin (installed by `cargo xtask setup`).
fn nginx_bin() -> PathBuf {
    for p in ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx"] {
        if Path::new(p).exists() {
            return PathBuf::from(p);
        }
    }
    PathBuf::from("nginx")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port()
}

/// docs/nginx-desk.conf with our upstreams and port. `extra` goes into the `location` block
/// (tests add a header naming the instance that answered, which production must not expose).
pub fn site_config(upstreams: &[String], port: u16, extra: &str) -> String {
    let doc = std::fs::read_to_string(super::repo_root().join("docs/nginx-desk.conf"))
        .expect("docs/nginx-desk.conf");
    let mut out = String::new();
    let mut servers_written = false;
    for line in doc.lines() {
        let t = line.trim_start();
        if t.starts_with("server 10.0.0.") {
            if !servers_written {
                for u in upstreams {
                    let hostport = u.trim_start_matches("http://");
                    out.push_str(&format!("    server {hostport} max_fails=1 fail_timeout=5s;\n"));
                }
                servers_written = true;
            }
            continue;
        }
        if t == "listen 80;" {
            out.push_str(&format!("    listen 127.0.0.1:{port};\n"));
            continue;
        }
        out.push_str(line);
        out.push('\n');
        if t == "location / {" {
            out.push_str(extra);
            out.push('\n');
        }
    }
    assert!(servers_written, "docs/nginx-desk.conf lost its upstream servers");
    out
}

impl Nginx {
    /// Starts nginx in front of `upstreams` (`http://127.0.0.1:port` each) and waits until it
    /// accepts connections.
    pub fn start(upstreams: &[String], extra: &str) -> Nginx {
        let dir = tempfile::tempdir().expect("nginx dir");
        let port = free_port();
        std::fs::write(dir.path().join("handoff.conf"), site_config(upstreams, port, extra))
            .expect("site conf");
        let d = dir.path().display();
        // As root, nginx would switch its workers to `nobody`, who cannot use our temp dir.
        let user = if unsafe { libc::geteuid() } == 0 { "user root;" } else { "" };
        let main = format!(
            "{user}\ndaemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
             events {{ worker_connections 4096; }}\n\
             http {{\n access_log off;\n client_body_temp_path {d}/body;\n proxy_temp_path {d}/proxy;\n\
             fastcgi_temp_path {d}/fastcgi;\n uwsgi_temp_path {d}/uwsgi;\n scgi_temp_path {d}/scgi;\n\
             include {d}/handoff.conf;\n}}\n"
        );
        std::fs::write(dir.path().join("nginx.conf"), main).expect("nginx.conf");
        let child = Command::new(nginx_bin())
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(dir.path().join("nginx.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("nginx does not start ({e}): run `cargo xtask setup`"));
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "nginx did not listen on {port}; see its error log above");
            std::thread::sleep(Duration::from_millis(20));
        }
        Nginx { base: format!("http://127.0.0.1:{port}"), child, _dir: dir }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
