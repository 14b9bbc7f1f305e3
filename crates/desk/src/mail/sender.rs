//! The sender task: claims due outbox rows, sends each over SMTP, marks it sent right after the
//! server's 250 (a desk killed between the two sends that mail once more after its restart:
//! at-least-once at the SMTP level, with the same Message-ID, so the receiving side can tell),
//! and retries failures with exponential backoff until `max_attempts`, then gives up (`failed`,
//! counted in /metrics and listed for supervisors).

use super::config::{SmtpConfig, TlsMode};
use super::MailError;
use crate::db::{MailFailure, OutboxRow};
use crate::desk::Desk;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

/// Mails claimed per round: a round sends them one after the other within one lease.
const BATCH: i64 = 10;

/// `Auto-Submitted: auto-replied` (RFC 3834) on receipts, so the customer's autoresponder does
/// not answer a machine's mail and start a loop.
#[derive(Clone)]
struct AutoSubmitted(String);

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted(s.to_string()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

pub type Transport = AsyncSmtpTransport<Tokio1Executor>;

/// The SMTP transport as configured (one connection per send: the outbox sends few mails).
pub fn transport(c: &SmtpConfig) -> Result<Transport, MailError> {
    let builder = match c.tls {
        TlsMode::None => Transport::builder_dangerous(c.host.clone()),
        TlsMode::StartTls => Transport::starttls_relay(&c.host)?,
        TlsMode::Tls => Transport::relay(&c.host)?,
    };
    let mut builder = builder.port(c.port).timeout(Some(c.timeout));
    if let (Some(user), Some(password)) = (&c.user, &c.password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    Ok(builder.build())
}

/// The stored mail as a MIME message. The Date is when it was queued, so every attempt sends
/// the same headers.
pub fn message(m: &OutboxRow) -> Result<Message, MailError> {
    let addr = |what: &'static str, v: &str| {
        v.parse::<Mailbox>().map_err(|e| MailError::Address(what, v.to_string(), e.to_string()))
    };
    let queued = UNIX_EPOCH + Duration::from_millis(u64::try_from(m.created_at).unwrap_or(0));
    let mut b = Message::builder()
        .from(addr("from", &m.mail_from)?)
        .to(addr("to", &m.rcpt)?)
        .subject(m.subject.clone())
        .date(queued)
        .message_id(Some(m.message_id.clone()));
    if let Some(r) = &m.reply_to {
        b = b.reply_to(addr("reply-to", r)?);
    }
    if let Some(parent) = &m.in_reply_to {
        b = b.in_reply_to(parent.clone()).references(parent.clone());
    }
    if m.kind == "receipt" {
        b = b.header(AutoSubmitted("auto-replied".into()));
    }
    // The MIME boundary too is derived from the Message-ID (never from anything the customer
    // could write: the token is random), so a retry sends the very same bytes.
    let digest = Sha256::digest(m.message_id.as_bytes());
    let boundary: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    let body = MultiPart::alternative()
        .boundary(format!("=_handoff_{boundary}"))
        .singlepart(SinglePart::plain(m.text_body.clone()))
        .singlepart(SinglePart::html(m.html_body.clone()));
    Ok(b.multipart(body)?)
}

/// When to try a mail again after its `attempts`-th attempt failed: `retry_base` doubled per
/// earlier attempt, at most `retry_max`; `None` once the attempts are used up.
pub fn retry_at(c: &SmtpConfig, attempts: i64, now: i64) -> Option<i64> {
    if attempts >= i64::from(c.max_attempts) {
        return None;
    }
    let exp = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    let delay = c.retry_base.saturating_mul(1u32 << exp).min(c.retry_max);
    Some(now.saturating_add(i64::try_from(delay.as_millis()).unwrap_or(i64::MAX)))
}

/// Sends one claimed mail and records the outcome.
async fn deliver(
    desk: &Desk,
    smtp: &SmtpConfig,
    transport: &Transport,
    m: &OutboxRow,
) -> Result<bool, MailError> {
    let sent = match message(m) {
        // An address lettre cannot write is not going to get better: give up at once.
        Err(e) => Err((e.to_string(), true)),
        Ok(msg) => match tokio::time::timeout(smtp.timeout, transport.send(msg)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err((e.to_string(), e.is_permanent())),
            Err(_) => Err(("timed out".to_string(), false)),
        },
    };
    match sent {
        Ok(()) => {
            desk.db.mail_sent(m.id, desk.now_ms()).await?;
            tracing::info!(id = m.id, kind = %m.kind, message_id = %m.message_id, "mail sent");
            Ok(true)
        }
        Err((error, permanent)) => {
            let retry = if permanent { None } else { retry_at(smtp, m.attempts, desk.now_ms()) };
            tracing::warn!(id = m.id, attempts = m.attempts, retry_at = ?retry, %error, "mail not sent");
            desk.db.mail_failed(m.id, &MailFailure { error, retry_at: retry }).await?;
            Ok(false)
        }
    }
}

/// One round: claim what is due and send it. Returns how many were claimed.
pub async fn round(desk: &Desk, smtp: &SmtpConfig, transport: &Transport) -> Result<usize, MailError> {
    let now = desk.now_ms();
    let lease = i64::try_from(smtp.lease().as_millis()).unwrap_or(i64::MAX);
    let claimed = desk.db.claim_mail(now, now.saturating_add(lease), BATCH).await?;
    for m in &claimed {
        match deliver(desk, smtp, transport, m).await? {
            true => desk.mail.count_sent(),
            false => desk.mail.count_failure(),
        }
    }
    Ok(claimed.len())
}

/// Runs the sender until shutdown; `None` without `[smtp]`.
pub fn spawn_sender(desk: Arc<Desk>) -> Option<tokio::task::JoinHandle<()>> {
    let smtp = desk.config.smtp.clone()?;
    let transport = match transport(&smtp) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "mail: cannot set up the SMTP transport; no mail is sent");
            return None;
        }
    };
    let mut stop = desk.shutdown_signal();
    Some(tokio::spawn(async move {
        loop {
            if *stop.borrow() {
                break;
            }
            // A full batch may mean more are due: go again at once.
            let more = match round(&desk, &smtp, &transport).await {
                Ok(n) => n as i64 == BATCH,
                Err(e) => {
                    tracing::warn!(error = %e, "mail: outbox round failed; retrying");
                    false
                }
            };
            if more {
                continue;
            }
            tokio::select! {
                _ = desk.mail.queued() => {}
                _ = tokio::time::sleep(smtp.poll_interval) => {}
                _ = stop.changed() => break,
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn smtp() -> SmtpConfig {
        SmtpConfig {
            host: "127.0.0.1".into(),
            port: 25,
            tls: TlsMode::None,
            user: None,
            password: None,
            from: "Shop <help@shop.example>".into(),
            reply_domain: "reply.shop.example".into(),
            timeout: Duration::from_secs(30),
            retry_base: Duration::from_secs(30),
            retry_max: Duration::from_secs(3600),
            max_attempts: 12,
            poll_interval: Duration::from_secs(1),
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_maximum_then_gives_up() {
        let c = smtp();
        let delays: Vec<i64> = (1..=9).map(|a| retry_at(&c, a, 0).expect("retried")).collect();
        assert_eq!(
            delays,
            [30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000]
        );
        assert_eq!(retry_at(&c, 11, 0), Some(3_600_000));
        assert_eq!(retry_at(&c, 12, 0), None, "the twelfth failure is the last");
    }

    #[test]
    fn a_stored_mail_becomes_the_same_message_every_time() {
        let m = OutboxRow::pending(
            "demo",
            Some("c1".into()),
            "answer",
            "<answer.abc@reply.shop.example>".into(),
            Some("<receipt.abc@reply.shop.example>".into()),
            "Shop <help@shop.example>".into(),
            Some("reply+abc@reply.shop.example".into()),
            "jana@example.test".into(),
            "Re: Ihre Nachricht – Shop".into(),
            "Hallo".into(),
            "<p>Hallo</p>".into(),
            1_700_000_000_000,
        );
        let a = String::from_utf8(message(&m).expect("message").formatted()).expect("utf-8");
        let again = String::from_utf8(message(&m).expect("message").formatted()).expect("utf-8");
        assert_eq!(a, again, "a retry sends the same bytes");
        assert!(a.contains("Message-ID: <answer.abc@reply.shop.example>"), "{a}");
        assert!(a.contains("In-Reply-To: <receipt.abc@reply.shop.example>"), "{a}");
        assert!(a.contains("Reply-To: reply+abc@reply.shop.example"), "{a}");
        assert!(a.contains("Date: Tue, 14 Nov 2023 22:13:20 +0000"), "{a}");
        assert!(!a.contains("Auto-Submitted"), "{a}");
        let bad = OutboxRow { rcpt: "not an address".into(), ..m };
        assert!(matches!(message(&bad), Err(MailError::Address("to", _, _))));
    }
}
