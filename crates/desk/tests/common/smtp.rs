//! A real SMTP server for the mail tests: aiosmtpd (PyPI, installed by `cargo xtask setup`)
//! delivering every mail it accepts into a Maildir the test reads. Started on a port of the
//! test's choosing so a test can take it down and bring it back on the same address.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A port nothing listens on right now (the OS picks it; it is free again once we let go).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

/// The running server; dropping it kills it.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
}

impl SmtpServer {
    /// `python3 -m aiosmtpd -n -l 127.0.0.1:<port> -c aiosmtpd.handlers.Mailbox <maildir>`,
    /// returned once the port accepts connections.
    pub fn start(port: u16, maildir: &Path) -> SmtpServer {
        // Python's Maildir creates these only for a directory that does not exist yet.
        for sub in ["tmp", "new", "cur"] {
            std::fs::create_dir_all(maildir.join(sub)).expect("maildir");
        }
        let child = Command::new("python3")
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 -m aiosmtpd (run `cargo xtask setup` to install aiosmtpd)");
        let mut server = SmtpServer { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("aiosmtpd exited with {status} (is it installed? `cargo xtask setup`)");
            }
            assert!(Instant::now() < deadline, "aiosmtpd did not listen on {port} in time");
            std::thread::sleep(Duration::from_millis(50));
        }
        server.port = port;
        server
    }

    pub fn stop(mut self) {
        self.kill();
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// One delivered mail, decoded.
#[derive(Debug, Clone)]
pub struct Mail {
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub subject: String,
    pub to: String,
    pub reply_to: String,
    pub auto_submitted: Option<String>,
    pub text: String,
    pub html: String,
}

/// Mail goes through a real server and a poll of the outbox: allow for slow machines.
pub const MAIL_WAIT: Duration = Duration::from_secs(30);

/// Waits until the Maildir holds `n` mails; fails if it ever holds more.
pub async fn wait_for_mails(maildir: &Path, n: usize) -> Vec<Mail> {
    super::eventually(MAIL_WAIT, || async {
        let m = mails(maildir);
        assert!(m.len() <= n, "more mails than expected: {m:#?}");
        (m.len() == n).then_some(m)
    })
    .await
}

/// Every mail in the Maildir (`new/`, where the server moves complete ones), oldest first.
pub fn mails(maildir: &Path) -> Vec<Mail> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(maildir.join("new"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort_by_key(|f| std::fs::metadata(f).and_then(|m| m.modified()).ok());
    files.iter().map(|f| parse(&std::fs::read(f).expect("read mail"))).collect()
}

fn parse(raw: &[u8]) -> Mail {
    let m = mail_parser::MessageParser::default().parse(raw).expect("a parsable mail");
    let first = |a: Option<&mail_parser::Address>| {
        a.and_then(|a| a.first()).and_then(|a| a.address()).unwrap_or_default().to_string()
    };
    Mail {
        message_id: m.message_id().unwrap_or_default().to_string(),
        in_reply_to: m.in_reply_to().as_text().map(String::from),
        subject: m.subject().unwrap_or_default().to_string(),
        to: first(m.to()),
        reply_to: first(m.reply_to()),
        auto_submitted: m.header_raw("Auto-Submitted").map(|v| v.trim().to_string()),
        text: m.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
        html: m.body_html(0).map(|t| t.into_owned()).unwrap_or_default(),
    }
}

/// The `[smtp]` section of a test desk sending to `port` with quick retries.
pub fn smtp_section(port: u16) -> String {
    format!(
        "[smtp]\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\n\
         from = \"Fernhill Outdoor <help@fernhill.test>\"\nreply_domain = \"reply.fernhill.test\"\n\
         timeout_secs = 5\nretry_base_ms = 200\nretry_max_secs = 1\npoll_interval_ms = 50\n"
    )
}
