//! The desk as a process of its own (the built binary), for the tests that SIGKILL or SIGTERM it
//! and start it again on the same data.

use super::PASSWORD;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// The desk binary; the config file alone names its database (a HANDOFF_DATABASE_URL from the
/// caller's shell would send every test desk to one database).
pub fn desk_bin() -> Command {
    let mut desk = Command::new(env!("CARGO_BIN_EXE_handoff-desk"));
    desk.env_remove("HANDOFF_DATABASE_URL");
    desk
}

/// A running desk; dropping it kills it.
pub struct DeskProcess {
    pub child: Child,
    pub base: String,
}

impl DeskProcess {
    /// `serve --config CONFIG --listen 127.0.0.1:0`, with `RUST_LOG` at `log`; the address comes
    /// from its "listening on" line.
    pub fn start(config: &Path, log: &str) -> DeskProcess {
        DeskProcess::spawn(desk_bin().args(["serve", "--config"]).arg(config).env("RUST_LOG", log))
    }

    /// Starts a prepared `serve` command on port 0 and waits for its address.
    pub fn spawn(serve: &mut Command) -> DeskProcess {
        let mut child = serve
            .args(["--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("desk starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("read");
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        DeskProcess { child, base }
    }

    /// SIGKILL (std's kill on Unix), then reap it.
    pub fn kill_9(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }
}

impl Drop for DeskProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `handoff-desk agent add` at tier `agent`, the password on stdin.
pub fn add_agent_by_cli(config: &Path, email: &str, name: &str, departments: &str) {
    let mut add = desk_bin()
        .args(["agent", "add", "--config"])
        .arg(config)
        .args(["--email", email, "--name", name, "--departments", departments, "--tier", "agent"])
        .arg("--password-stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("agent add");
    add.stdin.take().expect("stdin").write_all(format!("{PASSWORD}\n").as_bytes()).expect("write");
    assert!(add.wait().expect("wait").success());
}
