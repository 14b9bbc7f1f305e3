//! The IMAP fetcher (issue 21, inbound): reads the support mailbox (`[imap]`) and turns each
//! customer's reply into a message in its ticket's conversation ([`Desk::mail_reply`]).
//!
//! Each round looks for unseen mail (`UID SEARCH UNSEEN`), takes its size first (a mail over
//! [`inbound::MAX_BYTES`] is refused without being downloaded), fetches it with `BODY.PEEK`
//! (which does not set `\Seen`), classifies it ([`inbound::classify`]), stores a reply, and only
//! then flags it `\Seen` with the keyword `$HandoffStored` or `$HandoffRefused` (so a person
//! looking at the mailbox sees what the desk made of it; `\Seen` alone where the mailbox takes
//! no keywords). A desk that dies between the store
//! and the flag fetches the mail again and stores nothing new: the message's client id is the
//! mail's Message-ID. Refused mail is flagged the same way, so it is not fetched forever.
//!
//! Between rounds the fetcher waits in IDLE where the server has it (a reply shows at once),
//! else sleeps `poll_interval`; IDLE too ends after `poll_interval`, for a round regardless.
//!
//! One instance polls at a time (the `mail_fetch` job lock; each change takes the desk's
//! locks like any request). A mailbox that is down or refuses the login is counted in
//! /metrics and tried again with a doubling wait up to `retry_max`; it never stops the desk.

use super::config::{ImapConfig, TlsMode};
use super::inbound::{self, Refused};
use super::MailError;
use crate::desk::{Desk, ReplyOutcome};
use async_imap::types::{Fetch, Flag};
use futures_util::{Stream, StreamExt};
use std::fmt::Debug;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::rustls;

/// Mails handled per round: a mailbox with a backlog is worked off over several rounds, each
/// short enough to hold the job lock briefly.
const BATCH: usize = 50;

/// The job lock's name (see [`crate::coordination::Locks::singleton`]).
pub const JOB: &str = "mail_fetch";

/// A connection, plain or TLS, behind one type.
pub trait ImapIo: AsyncRead + AsyncWrite + Unpin + Send + Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + Debug> ImapIo for T {}

pub type Session = async_imap::Session<Box<dyn ImapIo>>;

/// A logged-in session on the selected mailbox.
pub struct Mailbox {
    pub session: Session,
    /// The mailbox takes our keywords (`\*` or both of them in its PERMANENTFLAGS): a server
    /// that does not would refuse every flag command with them, and the same mail would be
    /// fetched forever. Without them, `\Seen` alone marks a mail done.
    keywords: bool,
    /// The server has IDLE (RFC 2177): between rounds the fetcher waits for the server to say
    /// that mail arrived instead of sleeping, so a reply shows within a second or two.
    idle: bool,
}

const STORED: &str = "$HandoffStored";
const REFUSED: &str = "$HandoffRefused";

/// `what` within the configured timeout: a server that stops answering is a failed round, not
/// a fetcher hanging forever.
async fn within<T, E: Into<MailError>>(
    c: &ImapConfig,
    what: impl Future<Output = Result<T, E>>,
) -> Result<T, MailError> {
    match tokio::time::timeout(c.timeout, what).await {
        Ok(r) => r.map_err(Into::into),
        Err(_) => Err(MailError::Timeout(c.timeout)),
    }
}

/// Every response of a FETCH or STORE (the stream must be read to its end before the
/// connection can take the next command).
async fn drain(s: impl Stream<Item = async_imap::error::Result<Fetch>>) -> Result<Vec<Fetch>, MailError> {
    let mut s = std::pin::pin!(s);
    let mut out = Vec::new();
    while let Some(f) = s.next().await {
        out.push(f?);
    }
    Ok(out)
}

fn tls_connector() -> Result<tokio_rustls::TlsConnector, MailError> {
    let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    // ring, as lettre's TLS in this build: aws-lc-rs (post-quantum key exchange) would add a
    // second crypto library with a C/cmake build. rustls deprecates ring's provider for that
    // reason only; classic ECDHE is what mail servers speak today.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| MailError::Protocol(format!("TLS setup: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
}

async fn tls(c: &ImapConfig, tcp: TcpStream) -> Result<Box<dyn ImapIo>, MailError> {
    let name = rustls::pki_types::ServerName::try_from(c.host.clone())
        .map_err(|e| MailError::Protocol(format!("{:?} as a TLS server name: {e}", c.host)))?;
    let stream = within(c, tls_connector()?.connect(name, tcp)).await?;
    Ok(Box::new(stream))
}

/// The server's greeting, read before the first command.
async fn greeting<T: ImapIo>(c: &ImapConfig, client: &mut async_imap::Client<T>) -> Result<(), MailError> {
    match within(c, client.read_response()).await? {
        Some(_) => Ok(()),
        None => Err(MailError::Protocol("the server closed the connection before its greeting".into())),
    }
}

/// Connects, logs in and selects the mailbox.
pub async fn connect(c: &ImapConfig) -> Result<Mailbox, MailError> {
    let tcp = within(c, TcpStream::connect((c.host.as_str(), c.port))).await?;
    let client = match c.tls {
        TlsMode::None => {
            let mut client = async_imap::Client::new(Box::new(tcp) as Box<dyn ImapIo>);
            greeting(c, &mut client).await?;
            client
        }
        TlsMode::Tls => {
            let mut client = async_imap::Client::new(tls(c, tcp).await?);
            greeting(c, &mut client).await?;
            client
        }
        TlsMode::StartTls => {
            let mut plain = async_imap::Client::new(tcp);
            greeting(c, &mut plain).await?;
            within(c, plain.run_command_and_check_ok("STARTTLS", None)).await?;
            // No greeting after STARTTLS: the next thing is our login, encrypted.
            async_imap::Client::new(tls(c, plain.into_inner()).await?)
        }
    };
    // The login's failure hands the client back; it is dropped (the connection with it).
    let mut session = match tokio::time::timeout(c.timeout, client.login(&c.user, &c.password)).await {
        Ok(Ok(s)) => s,
        Ok(Err((e, _))) => return Err(e.into()),
        Err(_) => return Err(MailError::Timeout(c.timeout)),
    };
    let selected = within(c, session.select(&c.mailbox)).await?;
    let permanent = &selected.permanent_flags;
    let has = |k: &str| permanent.iter().any(|f| matches!(f, Flag::Custom(x) if x == k));
    let keywords = permanent.contains(&Flag::MayCreate) || (has(STORED) && has(REFUSED));
    let idle = within(c, session.capabilities()).await?.has_str("IDLE");
    Ok(Mailbox { session, keywords, idle })
}

/// Every domain our Reply-To addresses and Message-IDs use: `[smtp] reply_domain` and each
/// site's `mail_reply_domain`.
pub fn reply_domains(desk: &Desk) -> Vec<String> {
    let mut d: Vec<String> = desk.config.smtp.iter().map(|s| s.reply_domain.clone()).collect();
    d.extend(desk.sites.iter().filter_map(|s| s.config.mail_reply_domain.clone()));
    d.sort();
    d.dedup();
    d
}

/// What one fetched mail came to: the counter's label and the keyword it is flagged with.
async fn handle(desk: &Desk, domains: &[String], raw: &[u8]) -> Result<&'static str, MailError> {
    match inbound::classify(raw, domains) {
        Ok(reply) => Ok(desk.mail_reply(&reply).await?.label()),
        Err(r) => Ok(r.label()),
    }
}

fn stored(outcome: &str) -> bool {
    outcome == ReplyOutcome::Stored.label() || outcome == ReplyOutcome::Duplicate.label()
}

/// One mail: size, body, outcome, flag. A database error leaves the mail unflagged (it is
/// fetched again next round); everything about the mail itself ends in a flag.
async fn one(
    desk: &Desk,
    c: &ImapConfig,
    m: &mut Mailbox,
    domains: &[String],
    uid: u32,
) -> Result<(), MailError> {
    let s = &mut m.session;
    let set = uid.to_string();
    let sizes = within(c, async { drain(s.uid_fetch(&set, "(UID RFC822.SIZE)").await?).await }).await?;
    let Some(size) = sizes.iter().find(|f| f.uid == Some(uid)).map(|f| f.size) else {
        // Expunged meanwhile (somebody moved it): nothing to do.
        return Ok(());
    };
    let outcome = if size.is_none_or(|n| n as usize > inbound::MAX_BYTES) {
        Refused::TooLarge.label()
    } else {
        let bodies = within(c, async { drain(s.uid_fetch(&set, "(UID BODY.PEEK[])").await?).await }).await?;
        match bodies.iter().find(|f| f.uid == Some(uid)).and_then(|f| f.body()) {
            Some(raw) => handle(desk, domains, raw).await?,
            None => return Ok(()),
        }
    };
    let flags = match (m.keywords, stored(outcome)) {
        (true, true) => format!("+FLAGS.SILENT (\\Seen {STORED})"),
        (true, false) => format!("+FLAGS.SILENT (\\Seen {REFUSED})"),
        (false, _) => "+FLAGS.SILENT (\\Seen)".to_string(),
    };
    within(c, async { drain(s.uid_store(&set, &flags).await?).await }).await?;
    desk.mail.count_inbound(outcome);
    if stored(outcome) {
        tracing::info!(uid, outcome, "mail: a customer's reply");
    } else {
        tracing::info!(uid, outcome, "mail: refused (nothing stored)");
    }
    Ok(())
}

/// One round on an open session: every unseen mail (up to [`BATCH`]), oldest first. Returns
/// how many were handled.
pub async fn round(desk: &Desk, c: &ImapConfig, m: &mut Mailbox) -> Result<usize, MailError> {
    let domains = reply_domains(desk);
    // NOOP first: the server reports what arrived since the last command.
    within(c, m.session.noop()).await?;
    let mut uids: Vec<u32> = within(c, m.session.uid_search("UNSEEN")).await?.into_iter().collect();
    uids.sort_unstable();
    uids.truncate(BATCH);
    for &uid in &uids {
        one(desk, c, m, &domains, uid).await?;
    }
    Ok(uids.len())
}

/// Waits in IDLE until the server reports a change (new mail), `poll_interval` passes, or the
/// desk shuts down; the session comes back out of IDLE for the next round. `stopped`: the
/// desk is shutting down.
async fn wait_idle(
    c: &ImapConfig,
    m: Mailbox,
    stop: &mut tokio::sync::watch::Receiver<bool>,
) -> Result<(Mailbox, bool), MailError> {
    let Mailbox { session, keywords, idle } = m;
    let mut handle = session.idle();
    within(c, handle.init()).await?;
    let stopped = {
        // RFC 2177: servers may end an IDLE after 30 minutes; come back well before.
        let (wait, _interrupt) = handle.wait_with_timeout(c.poll_interval.min(Duration::from_secs(25 * 60)));
        tokio::select! {
            r = wait => {
                r?;
                false
            }
            _ = stop.changed() => true,
        }
    };
    let session = within(c, handle.done()).await?;
    Ok((Mailbox { session, keywords, idle }, stopped))
}

/// The wait before the next connect after `failures` failed rounds in a row: from a second
/// (or the poll interval, if shorter), doubling, up to `retry_max`.
pub fn backoff(c: &ImapConfig, failures: u32) -> Duration {
    let exp = failures.saturating_sub(1).min(16);
    let base = c.poll_interval.min(Duration::from_secs(1));
    base.saturating_mul(1u32 << exp).min(c.retry_max)
}

/// Runs the fetcher until shutdown; `None` without `[imap]`.
pub fn spawn_fetcher(desk: Arc<Desk>) -> Option<tokio::task::JoinHandle<()>> {
    let imap = desk.config.imap.clone()?;
    if imap.password.is_empty() {
        tracing::error!("mail: [imap] has no password (password, password_env or HANDOFF_IMAP_PASSWORD); no reply is read");
        return None;
    }
    let mut stop = desk.shutdown_signal();
    Some(tokio::spawn(async move {
        let mut session: Option<Mailbox> = None;
        let mut failures: u32 = 0;
        loop {
            if *stop.borrow() {
                break;
            }
            let result = async {
                let Some(_job) = desk.singleton(JOB).await? else {
                    // Another instance reads the mailbox now; stay idle (and disconnected).
                    session = None;
                    return Ok(0);
                };
                if session.is_none() {
                    session = Some(connect(&imap).await?);
                    tracing::info!(host = %imap.host, mailbox = %imap.mailbox, "mail: reading replies");
                }
                match session.as_mut() {
                    Some(s) => round(&desk, &imap, s).await,
                    None => Ok(0),
                }
            }
            .await;
            let more = match result {
                Ok(n) => {
                    failures = 0;
                    n == BATCH
                }
                Err(e) => {
                    // A broken session is not reused: reconnect on the next round.
                    session = None;
                    failures = failures.saturating_add(1);
                    desk.mail.count_fetch_error();
                    tracing::warn!(error = %e, failures, "mail: reading the mailbox failed; trying again");
                    false
                }
            };
            if more {
                continue;
            }
            if failures == 0 {
                if let Some(m) = session.take_if(|m| m.idle) {
                    match wait_idle(&imap, m, &mut stop).await {
                        Ok((m, stopped)) => {
                            session = Some(m);
                            if stopped {
                                break;
                            }
                        }
                        // Counted as a failed round; the next round reconnects.
                        Err(e) => {
                            failures = 1;
                            desk.mail.count_fetch_error();
                            tracing::warn!(error = %e, "mail: waiting in IDLE failed; reconnecting");
                        }
                    }
                    if failures == 0 {
                        continue;
                    }
                }
            }
            let wait = if failures == 0 { imap.poll_interval } else { backoff(&imap, failures) };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stop.changed() => break,
            }
        }
        if let Some(mut m) = session {
            let _ = tokio::time::timeout(Duration::from_secs(2), m.session.logout()).await;
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reconnects_back_off_up_to_the_maximum() {
        let c = ImapConfig {
            host: "127.0.0.1".into(),
            port: 143,
            tls: TlsMode::None,
            user: "u".into(),
            password: "p".into(),
            mailbox: "INBOX".into(),
            poll_interval: Duration::from_secs(1),
            timeout: Duration::from_secs(30),
            retry_max: Duration::from_secs(60),
        };
        let waits: Vec<u64> = (1..=8).map(|f| backoff(&c, f).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(backoff(&c, u32::MAX), Duration::from_secs(60));
    }
}
