//! Turning a ticket event into an outbox row: addresses, the stable Message-ID, the Reply-To
//! that leads a reply back to its ticket, and the rendered content. The row is stored in the
//! same transaction as the ticket or its answer (`TicketStore`), so a mail is queued exactly
//! when its cause is stored.

use super::config::SmtpConfig;
use super::render::{self, Quoted, Rendered};
use crate::db::{OutboxRow, TicketRow};
use crate::sites::LoadedSite;
use chrono::{DateTime, Utc};
use handoff_protocol::TranscriptEntry;
use rand::RngCore;

/// A fresh reply token: 128 random bits as 32 lowercase hex digits (a mail address's local
/// part may be case-folded on the way back, so no mixed case).
pub fn new_reply_token() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The addressing a site's mails share.
pub struct Addressing {
    pub from: String,
    pub reply_domain: String,
}

impl Addressing {
    pub fn of(smtp: &SmtpConfig, site: &LoadedSite) -> Addressing {
        Addressing {
            from: site.config.mail_from.clone().unwrap_or_else(|| smtp.from.clone()),
            reply_domain: site.config.mail_reply_domain.clone().unwrap_or_else(|| smtp.reply_domain.clone()),
        }
    }

    /// `reply+<token>@<reply domain>`: the address replies come back to (issue 21's inbound).
    pub fn reply_to(&self, token: &str) -> String {
        format!("reply+{token}@{}", self.reply_domain)
    }

    /// One per ticket and kind, known before the mail exists: the answer threads under the
    /// receipt (In-Reply-To) without reading it back, and queuing the same mail twice is
    /// refused by the outbox's unique Message-ID.
    pub fn message_id(&self, kind: &str, token: &str) -> String {
        format!("<{kind}.{token}@{}>", self.reply_domain)
    }
}

/// The promised answer time in the site's time zone, e.g. `2026-12-08 10:00 (Europe/Prague)`.
pub fn answer_time(site: &LoadedSite, ms: i64) -> Option<String> {
    let tz = site.settings().hours.tz;
    let at = DateTime::<Utc>::from_timestamp_millis(ms)?.with_timezone(&tz);
    Some(format!("{} ({})", at.format("%Y-%m-%d %H:%M"), tz.name()))
}

fn transcript(t: &TicketRow) -> Vec<TranscriptEntry> {
    serde_json::from_str(&t.transcript_json).unwrap_or_default()
}

fn row(
    site: &LoadedSite,
    t: &TicketRow,
    kind: &str,
    a: &Addressing,
    token: &str,
    r: Rendered,
    now: i64,
) -> OutboxRow {
    let in_reply_to = (kind != "receipt").then(|| a.message_id("receipt", token));
    OutboxRow::pending(
        &site.key,
        t.conversation_id.clone(),
        kind,
        a.message_id(kind, token),
        in_reply_to,
        a.from.clone(),
        Some(a.reply_to(token)),
        t.email.trim().to_string(),
        r.subject,
        r.text,
        r.html,
        now,
    )
}

/// The receipt of a ticket about to be stored (its `reply_token` set).
pub fn receipt(
    smtp: &SmtpConfig,
    site: &LoadedSite,
    locale: &str,
    t: &TicketRow,
    now: i64,
) -> Option<OutboxRow> {
    let token = t.reply_token.as_deref()?;
    let a = Addressing::of(smtp, site);
    let lines = transcript(t);
    let answer_by = t.answer_expected_by.and_then(|ms| answer_time(site, ms));
    let r = render::receipt(&render::Receipt {
        locale,
        site: &site.content.settings.site.name,
        name: t.name.trim(),
        answer_by: answer_by.as_deref(),
        quoted: Quoted { message: &t.message, transcript: &lines },
    });
    Some(row(site, t, "receipt", &a, token, r, now))
}

/// An agent's reply in a conversation the customer carries on by mail (their last message came
/// by mail): the answer's mail again, with the customer's mail quoted, threaded under the
/// receipt, and a Message-ID of its own per message (`<answer-<message id>.<token>@...>`), so
/// the outbox takes each reply once.
#[allow(clippy::too_many_arguments)]
pub fn follow_up(
    smtp: &SmtpConfig,
    site: &LoadedSite,
    locale: &str,
    t: &TicketRow,
    token: &str,
    agent: &str,
    text: &str,
    message_id: i64,
    customer_wrote: &str,
    now: i64,
) -> OutboxRow {
    let a = Addressing::of(smtp, site);
    let r = render::answer(&render::Answer {
        locale,
        site: &site.content.settings.site.name,
        name: t.name.trim(),
        agent,
        answer: text,
        quoted: Quoted { message: customer_wrote, transcript: &[] },
    });
    let mut m = row(site, t, "answer", &a, token, r, now);
    m.message_id = a.message_id(&format!("answer-{message_id}"), token);
    m.ticket_id = Some(t.id);
    m
}

/// The mail carrying an agent's answer to a ticket.
#[allow(clippy::too_many_arguments)]
pub fn answer(
    smtp: &SmtpConfig,
    site: &LoadedSite,
    locale: &str,
    t: &TicketRow,
    token: &str,
    agent: &str,
    text: &str,
    now: i64,
) -> OutboxRow {
    let a = Addressing::of(smtp, site);
    let lines = transcript(t);
    let r = render::answer(&render::Answer {
        locale,
        site: &site.content.settings.site.name,
        name: t.name.trim(),
        agent,
        answer: text,
        quoted: Quoted { message: &t.message, transcript: &lines },
    });
    row(site, t, "answer", &a, token, r, now)
}
