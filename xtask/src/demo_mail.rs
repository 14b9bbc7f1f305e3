//! The demo's mailbox. `cargo xtask run` starts aiosmtpd (PyPI, installed by `cargo xtask
//! setup`, the same server the mail tests use) on 127.0.0.1:2525, where crates/desk/demo.toml's
//! `[smtp]` sends, and it delivers every mail into the Maildir `target/desk-demo/mailbox/`:
//! ticket receipts, answers, copies of chats and agents' ticket notices. Any Maildir reader opens
//! it (`mutt -f target/desk-demo/mailbox`); `cargo xtask mail` lists it and `cargo xtask mail N`
//! prints one mail.

use crate::cmd;
use anyhow::{bail, Context, Result};
use mail_parser::MessageParser;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// demo.toml's `[smtp] port`.
pub const PORT: u16 = 2525;

pub fn mailbox() -> PathBuf {
    cmd::root().join("target/desk-demo/mailbox")
}

/// Starts the demo's SMTP server, unless one already listens (an earlier `run` still going).
/// The child shares the terminal's process group, so Ctrl-C stops it with the desk.
pub fn start() -> Result<Option<Child>> {
    let dir = mailbox();
    // Python's Maildir creates these only for a directory that does not exist yet.
    for sub in ["tmp", "new", "cur"] {
        std::fs::create_dir_all(dir.join(sub)).with_context(|| format!("creating {}", dir.display()))?;
    }
    if TcpStream::connect(("127.0.0.1", PORT)).is_ok() {
        println!("xtask: something already listens on 127.0.0.1:{PORT}; the demo's mail goes there");
        return Ok(None);
    }
    let mut child = Command::new("python3")
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{PORT}"), "-c", "aiosmtpd.handlers.Mailbox"])
        .arg(&dir)
        .stdout(Stdio::null())
        .spawn()
        .context("python3 -m aiosmtpd (run `cargo xtask setup`)")?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", PORT)).is_err() {
        if let Some(status) = child.try_wait()? {
            bail!("aiosmtpd exited with {status} (is it installed? `cargo xtask setup`)");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            bail!("aiosmtpd did not listen on 127.0.0.1:{PORT} in time");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(Some(child))
}

/// The mails in the mailbox, oldest first.
fn mails(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<(SystemTime, PathBuf)> = ["new", "cur"]
        .iter()
        .filter_map(|sub| std::fs::read_dir(dir.join(sub)).ok())
        .flatten()
        .filter_map(|e| e.ok())
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    files.sort();
    files.into_iter().map(|(_, p)| p).collect()
}

/// `cargo xtask mail [N]`: the list, or mail N (1 is the oldest) as text.
pub fn show(args: &[String]) -> Result<()> {
    let dir = mailbox();
    let all = mails(&dir);
    let pick = match args {
        [] => None,
        [n] => Some(n.parse::<usize>().ok().filter(|n| (1..=all.len()).contains(n)).with_context(|| {
            format!("usage: cargo xtask mail [N], N from 1 to {} (the mails in {})", all.len(), dir.display())
        })?),
        _ => bail!("usage: cargo xtask mail [N]"),
    };
    let parse = |p: &Path| -> Result<mail_parser::Message<'static>> {
        let raw = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
        MessageParser::default()
            .parse(&raw)
            .map(|m| m.into_owned())
            .with_context(|| format!("{} is not a mail", p.display()))
    };
    let to = |m: &mail_parser::Message| {
        m.to().and_then(|a| a.first()).and_then(|a| a.address()).unwrap_or("").to_string()
    };
    match pick {
        None => {
            if all.is_empty() {
                println!(
                    "no mail in {} yet (an offline ticket in the demo sends its receipt)",
                    dir.display()
                );
            }
            for (i, p) in all.iter().enumerate() {
                let m = parse(p)?;
                let date = m.date().map(|d| d.to_rfc3339()).unwrap_or_default();
                println!("{:>3}  {date:<25}  {:<32}  {}", i + 1, to(&m), m.subject().unwrap_or(""));
            }
        }
        Some(n) => {
            let m = parse(&all[n - 1])?;
            let from = m.from().and_then(|a| a.first()).and_then(|a| a.address()).unwrap_or("");
            println!("From:    {from}\nTo:      {}\nSubject: {}", to(&m), m.subject().unwrap_or(""));
            println!("File:    {}\n", all[n - 1].display());
            println!("{}", m.body_text(0).unwrap_or_default());
        }
    }
    Ok(())
}
