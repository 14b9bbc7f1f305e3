//! A real IMAP server for the inbound mail tests: a private Dovecot (Debian's dovecot-imapd,
//! installed by `cargo xtask setup`), configured in a temp dir, serving one Maildir over plain
//! IMAP on 127.0.0.1. Mail gets into that Maildir the way it does in production: by SMTP, here
//! aiosmtpd's Maildir handler (common/smtp.rs) writing into the same directory.
//!
//! The package's own service is not used: this instance has its own base_dir, state_dir, log
//! and port, so several tests (and the machine's own Dovecot, if one runs) do not meet.

use super::smtp::free_port;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const DOVECOT: &str = "/usr/sbin/dovecot";
pub const USER: &str = "support";
pub const PASSWORD: &str = "support-secret-1";

/// The running server; dropping it stops it.
pub struct Dovecot {
    child: Option<Child>,
    pub port: u16,
    dir: tempfile::TempDir,
}

/// 0777: when the tests run as root, Dovecot serves the mailbox as `nobody` (it refuses root
/// for mail) while aiosmtpd, running as root, delivers into it.
fn open_dir(p: &Path) {
    std::fs::create_dir_all(p).expect("dir");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    }
}

impl Dovecot {
    pub fn start() -> Dovecot {
        assert!(
            Path::new(DOVECOT).exists(),
            "{DOVECOT} is missing: run `cargo xtask setup` (it installs Debian's dovecot-imapd)"
        );
        let dir = tempfile::tempdir().expect("dovecot dir");
        let d = Dovecot { child: None, port: free_port(), dir };
        for sub in ["", "Maildir", "Maildir/new", "Maildir/cur", "Maildir/tmp", "home", "base", "state"] {
            open_dir(&d.dir.path().join(sub));
        }
        // SAFETY: getuid/getgid only read the process's ids.
        let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
        let (uid, gid, system_user) = if uid == 0 {
            (65534, 65534, "nobody".to_string())
        } else {
            (uid, gid, std::env::var("USER").unwrap_or_else(|_| "nobody".into()))
        };
        let p = d.dir.path().display().to_string();
        std::fs::write(
            d.dir.path().join("passwd"),
            format!("{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{p}/home\n"),
        )
        .expect("passwd");
        let port = d.port;
        let conf = format!(
            r#"protocols = imap
listen = 127.0.0.1
instance_name = handoff-test-{port}
base_dir = {p}/base
state_dir = {p}/state
log_path = {p}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
default_login_user = {system_user}
default_internal_user = {system_user}
mail_location = maildir:{p}/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {p}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {p}/passwd
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"#
        );
        std::fs::write(d.dir.path().join("dovecot.conf"), conf).expect("dovecot.conf");
        let mut d = d;
        d.run();
        d
    }

    /// Where aiosmtpd delivers the support mailbox's mail.
    pub fn maildir(&self) -> PathBuf {
        self.dir.path().join("Maildir")
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("dovecot.log")).unwrap_or_default()
    }

    /// `dovecot -F -c <conf>`, returned once the port accepts connections.
    fn run(&mut self) {
        let child = Command::new(DOVECOT)
            .arg("-F")
            .arg("-c")
            .arg(self.dir.path().join("dovecot.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("dovecot (run `cargo xtask setup` to install dovecot-imapd)");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Some(Ok(Some(status))) = self.child.as_mut().map(|c| c.try_wait()) {
                panic!("dovecot exited with {status}:\n{}", self.log());
            }
            assert!(
                Instant::now() < deadline,
                "dovecot did not listen on {} in time:\n{}",
                self.port,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the server (SIGTERM, so its helper processes go too) and waits until the port
    /// is closed.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            if let Ok(pid) = i32::try_from(c.id()) {
                // SAFETY: signals our own child, which has not been reaped yet.
                unsafe { libc::kill(pid, libc::SIGTERM) };
            }
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                if let Ok(Some(_)) = c.try_wait() {
                    break;
                }
                if Instant::now() > deadline {
                    let _ = c.kill();
                    let _ = c.wait();
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", self.port)).is_ok() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Starts it again on the same port, with the same mailbox.
    pub fn restart(&mut self) {
        self.stop();
        self.run();
    }

    /// A stopped server comes back (same port, same mailbox).
    pub fn start_again(&mut self) {
        assert!(self.child.is_none(), "already running");
        self.run();
    }

    /// The `[imap]` section of a desk reading this mailbox, with rounds at least every
    /// `poll_ms` (Dovecot has IDLE: new mail starts a round at once anyway).
    pub fn imap_section(&self, poll_ms: u64) -> String {
        format!(
            "[imap]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\nuser = \"{USER}\"\npassword = \"{PASSWORD}\"\n\
             poll_interval_ms = {poll_ms}\ntimeout_secs = 5\nretry_max_secs = 1\n",
            self.port
        )
    }

    /// Mail files in the Maildir with the given IMAP flag letter (`S`: seen), and without.
    pub fn flagged(&self, letter: char) -> (usize, usize) {
        let mut with = 0;
        let mut without = 0;
        for sub in ["new", "cur"] {
            for e in std::fs::read_dir(self.maildir().join(sub)).into_iter().flatten().flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                let flags = name.rsplit_once(":2,").map(|(_, f)| f.to_string()).unwrap_or_default();
                if flags.contains(letter) {
                    with += 1;
                } else {
                    without += 1;
                }
            }
        }
        (with, without)
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        self.stop();
    }
}
