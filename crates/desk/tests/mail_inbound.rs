//! Inbound mail (issue 21) against real servers: the customer's reply travels by SMTP
//! (aiosmtpd, common/smtp.rs) into the support mailbox's Maildir, which a private Dovecot serves
//! over IMAP (common/imap.rs), and the desk's fetcher reads it from there. The outbound half is
//! real too: the receipt and the answer reach the customer's own mailbox (another aiosmtpd), and
//! the reply answers them. On SQLite, and on PostgreSQL with HANDOFF_TEST_ENGINE=postgres.

mod common;

use base64::Engine as _;
use common::imap::Dovecot;
use common::smtp::{free_port, mails, smtp_section, wait_for_mails, Mail, SmtpServer, MAIL_WAIT};
use common::*;
use lettre::address::Envelope;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Mail goes through two real servers and two polls (common::smtp::MAIL_WAIT allows for slow
/// machines), but the reply itself must show within seconds.
const REPLY_WAIT: Duration = Duration::from_secs(10);

/// Everything a test talks to: the desk, the customer's mailbox (where the desk's mail lands),
/// the support mailbox (Dovecot) and the SMTP server that delivers into it.
struct World {
    t: TestDesk,
    customer_box: tempfile::TempDir,
    _customer_smtp: SmtpServer,
    dovecot: Dovecot,
    _support_smtp: SmtpServer,
    support_port: u16,
}

/// `poll_ms`: the longest wait between rounds (in IDLE).
async fn world(poll_ms: u64) -> World {
    let customer_port = free_port();
    let customer_box = tempfile::tempdir().expect("customer maildir");
    let customer_smtp = SmtpServer::start(customer_port, customer_box.path());
    let dovecot = Dovecot::start();
    let support_port = free_port();
    let support_smtp = SmtpServer::start(support_port, &dovecot.maildir());
    let t = spawn(&format!("{}{}", smtp_section(customer_port), dovecot.imap_section(poll_ms)), "").await;
    // An agent exists but is offline: the handoff is answered offline, the ticket is filed.
    t.add_agent("ana@t", "Ana Nováková", "agent", &["orders"], 3).await;
    World {
        t,
        customer_box,
        _customer_smtp: customer_smtp,
        dovecot,
        _support_smtp: support_smtp,
        support_port,
    }
}

/// A customer in `locale` whose handoff finds nobody online, leaving a ticket; returns the
/// conversation id and the ticket.
async fn offline_ticket(t: &TestDesk, locale: &str, email: &str, message: &str) -> (String, Value) {
    offline_ticket_at(&t.client, &t.base, locale, email, message).await
}

async fn offline_ticket_at(
    client: &reqwest::Client,
    base: &str,
    locale: &str,
    email: &str,
    message: &str,
) -> (String, Value) {
    let ticket = json!({"name": "Jana", "email": email, "message": message});
    common::tickets::leave_ticket(client, base, locale, ticket).await
}

/// The raw files of the customer's Maildir (to send one of our own mails back: a loop).
fn raw_mails(maildir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(maildir.join("new"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

fn token_of(m: &Mail) -> String {
    m.reply_to
        .strip_prefix("reply+")
        .and_then(|r| r.strip_suffix("@reply.fernhill.test"))
        .unwrap_or_else(|| panic!("Reply-To {:?}", m.reply_to))
        .to_string()
}

async fn metrics(w: &World) -> String {
    w.t.client.get(format!("{}/metrics", w.t.base)).send().await.expect("metrics").text().await.expect("text")
}

fn metric(text: &str, series: &str) -> Option<u64> {
    text.lines().find_map(|l| {
        l.strip_prefix(series).and_then(|v| v.strip_prefix(' ')).and_then(|v| v.trim().parse().ok())
    })
}

fn inbound(text: &str, outcome: &str) -> u64 {
    metric(text, &format!("handoff_mail_inbound_total{{outcome=\"{outcome}\"}}")).unwrap_or(0)
}

/// Sends `raw` as it is, by SMTP, to the support mailbox (as the customer's mail server would).
async fn send_to_support(w: &World, rcpt: &str, raw: &[u8]) {
    send_smtp(w.support_port, rcpt, raw).await;
}

async fn send_smtp(port: u16, rcpt: &str, raw: &[u8]) {
    let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1").port(port).build();
    let envelope =
        Envelope::new(Some("jana@example.test".parse().expect("from")), vec![rcpt.parse().expect("rcpt")])
            .expect("envelope");
    transport.send_raw(&envelope, raw).await.expect("the support SMTP server takes the mail");
}

/// Quoted-printable (RFC 2045), lines kept under 76 characters with soft breaks.
fn quoted_printable(text: &str) -> String {
    let mut out = String::new();
    for line in text.split('\n') {
        let mut width = 0;
        for b in line.bytes() {
            let piece = if (b == b' ' || b.is_ascii_graphic()) && b != b'=' {
                (b as char).to_string()
            } else {
                format!("={b:02X}")
            };
            if width + piece.len() > 72 {
                out.push_str("=\r\n");
                width = 0;
            }
            width += piece.len();
            out.push_str(&piece);
        }
        out.push_str("\r\n");
    }
    out
}

/// An RFC 2047 encoded word (base64): how mail clients write non-ASCII headers.
fn encoded_word(s: &str) -> String {
    format!("=?UTF-8?B?{}?=", base64::engine::general_purpose::STANDARD.encode(s))
}

fn base64_lines(bytes: &[u8]) -> String {
    let b = base64::engine::general_purpose::STANDARD.encode(bytes);
    b.as_bytes().chunks(76).map(|c| format!("{}\r\n", String::from_utf8_lossy(c))).collect()
}

struct Lang {
    locale: &'static str,
    complaint: &'static str,
    answer: &'static str,
    /// What the customer writes above the quote.
    reply: &'static str,
    /// The client's intro line of the quoted answer.
    intro: &'static str,
    signature: &'static str,
    subject: &'static str,
}

/// The customer's reply as a mail client writes it: encoded headers, the answer quoted under
/// an intro line, a signature; German as quoted-printable text, Bulgarian as a base64
/// multipart/alternative.
fn reply_mail(l: &Lang, token: &str, message_id: &str) -> Vec<u8> {
    // A NUL at the end of the reply's line (a careless client): stored without it (PostgreSQL
    // refuses NUL in text, which would make the mail fail every round).
    let body = format!("{}\u{0}\n\n{}\n> {}\n\n-- \n{}\n", l.reply, l.intro, l.answer, l.signature);
    let head = format!(
        "From: {} <jana@example.test>\r\nTo: {} <reply+{token}@reply.fernhill.test>\r\n\
         Subject: {}\r\nMessage-ID: <{message_id}>\r\n\
         In-Reply-To: <answer.{token}@reply.fernhill.test>\r\n\
         References: <receipt.{token}@reply.fernhill.test> <answer.{token}@reply.fernhill.test>\r\n\
         Date: Mon, 07 Dec 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\n",
        encoded_word(l.signature),
        encoded_word("Fernhill Outdoor"),
        encoded_word(l.subject),
    );
    let mail = if l.locale == "de" {
        format!(
            "{head}Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n{}",
            quoted_printable(&body)
        )
    } else {
        let html = format!(
            "<html><body><p>{}</p><blockquote>{}</blockquote></body></html>",
            l.reply.replace('\n', "<br>"),
            l.answer
        );
        format!(
            "{head}Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n\
             --b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\
             --b1\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\
             --b1--\r\n",
            base64_lines(body.replace('\n', "\r\n").as_bytes()),
            base64_lines(html.as_bytes())
        )
    };
    mail.into_bytes()
}

async fn detail(agent: &Agent, conversation: &str) -> Value {
    let r = agent.get(&format!("/v1/agent/conversations/{conversation}")).await;
    assert_eq!(r.status(), 200);
    r.json().await.expect("json")
}

fn customer_texts(d: &Value) -> Vec<String> {
    d["messages"]
        .as_array()
        .map(|m| {
            m.iter()
                .filter(|m| m["author"] == "customer")
                .filter_map(|m| m["text"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// After-hours ticket -> receipt -> the agent's answer -> the customer's reply by SMTP -> in
/// the conversation the agent sees, without the quote, and back in the queue. The same mail
/// delivered again is stored once.
async fn the_reply_comes_back(l: Lang) {
    // Rounds a minute apart: the reply shows within seconds only because the fetcher waits in
    // IDLE and Dovecot tells it that mail arrived.
    let w = world(60_000).await;
    let (conversation, ticket) = offline_ticket(&w.t, l.locale, "jana@example.test", l.complaint).await;
    let receipt = wait_for_mails(w.customer_box.path(), 1).await.remove(0);
    let token = token_of(&receipt);

    let ana = w.t.agent("ana@t").await;
    let id = ticket["id"].as_i64().expect("ticket id");
    let r = ana.post(&format!("/v1/agent/tickets/{id}/answer"), json!({"text": l.answer})).await;
    assert_eq!(r.status(), 200);
    let all = wait_for_mails(w.customer_box.path(), 2).await;
    let answer = all.iter().find(|m| m.message_id.starts_with("answer.")).expect("the answer mail");
    assert!(answer.text.contains(l.answer), "{}", answer.text);
    assert_eq!(token_of(answer), token);
    let before = detail(&ana, &conversation).await;
    assert_eq!(before["summary"]["status"], "offline", "{before}");

    // The customer answers the answer: to its Reply-To, through the support domain's SMTP.
    let raw = reply_mail(&l, &token, &format!("reply-{}-1@example.test", l.locale));
    send_to_support(&w, &answer.reply_to, &raw).await;
    // Until the status has moved too (see the_reply_goes_back_to_the_agent_who_answered).
    let d = eventually(REPLY_WAIT, || async {
        let d = detail(&ana, &conversation).await;
        let moved = d["summary"]["status"] != "offline";
        (moved && customer_texts(&d).iter().any(|t| t == l.reply)).then_some(d)
    })
    .await;
    let texts = customer_texts(&d);
    let mailed: Vec<&String> = texts.iter().filter(|t| *t == l.reply).collect();
    assert_eq!(mailed.len(), 1, "{texts:?}");
    assert!(
        texts.iter().all(|t| !t.contains(l.answer) && !t.contains(l.signature) && !t.contains(l.intro)),
        "the quoted answer, its intro and the signature are cut: {texts:?}"
    );
    // Reopened for its department: queued (or already taken by an agent who is online).
    let status = d["summary"]["status"].as_str().unwrap_or_default().to_string();
    assert!(status == "queued" || status == "assigned", "{d}");
    assert_eq!(d["summary"]["department"], "orders", "{d}");
    let audit = d["audit"].as_array().cloned().unwrap_or_default();
    assert!(audit.iter().any(|a| a["kind"] == "queued" && a["reason"] == "mail_reply"), "{audit:?}");
    let m = metrics(&w).await;
    assert_eq!(inbound(&m, "stored"), 1, "{m}");

    // The same mail once more (a retried delivery): counted, not stored again.
    send_to_support(&w, &answer.reply_to, &raw).await;
    eventually(REPLY_WAIT, || async { (inbound(&metrics(&w).await, "duplicate") == 1).then_some(()) }).await;
    let d = detail(&ana, &conversation).await;
    assert_eq!(customer_texts(&d).iter().filter(|t| *t == l.reply).count(), 1, "stored once: {d}");
    // Both are flagged in the mailbox: nothing is fetched again.
    eventually(REPLY_WAIT, || async { (w.dovecot.flagged('S') == (2, 0)).then_some(()) }).await;
    w.t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_german_reply_lands_in_the_conversation() {
    the_reply_comes_back(Lang {
        locale: "de",
        complaint: "Meine Bestellung ist nicht angekommen.",
        answer: "Ihre Bestellung ist unterwegs.",
        reply: "Danke schön! Die Größe passt aber nicht – bitte tauschen Sie sie um.",
        intro: "Am 07.12.2026 um 09:00 schrieb Fernhill Outdoor <help@fernhill.test>:",
        signature: "Jana Müller",
        subject: "Re: Ihre Nachricht – Fernhill Outdoor",
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulgarian_reply_lands_in_the_conversation() {
    the_reply_comes_back(Lang {
        locale: "bg",
        complaint: "Поръчката ми не е пристигнала.",
        answer: "Поръчката ви е на път.",
        reply: "Благодаря! Размерът обаче не ми става – може ли да го сменим?",
        intro: "На 7.12.2026 г. в 9:00 Fernhill Outdoor <help@fernhill.test> написа:",
        signature: "Яна Петрова",
        subject: "Re: Вашето съобщение – Fernhill Outdoor",
    })
    .await;
}

/// Nothing machine-written, unknown, forged, broken or huge becomes a message; each is counted
/// and flagged so that it is not fetched again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_mail_creates_nothing_and_is_counted() {
    let w = world(200).await;
    let (conversation, _) = offline_ticket(&w.t, "en", "jana@example.test", "Where is my parcel?").await;
    let receipt = wait_for_mails(w.customer_box.path(), 1).await.remove(0);
    let token = token_of(&receipt);
    let to = format!("reply+{token}@reply.fernhill.test");
    let plain = |headers: &str, body: &str| {
        format!(
            "From: Jana <jana@example.test>\r\nSubject: Re: your message\r\n{headers}\
             Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
        )
        .into_bytes()
    };
    let unknown = "0123456789abcdef0123456789abcdef";
    assert_ne!(unknown, token);
    let cases: Vec<(&str, String, Vec<u8>)> = vec![
        (
            "unknown_token",
            format!("reply+{unknown}@reply.fernhill.test"),
            plain(&format!("To: reply+{unknown}@reply.fernhill.test\r\nMessage-ID: <u1@example.test>\r\n"), "Hi?"),
        ),
        (
            // The real token, at a domain that is not ours: somebody guessing.
            "no_token",
            format!("reply+{token}@evil.example"),
            plain(&format!("To: reply+{token}@evil.example\r\nMessage-ID: <f1@example.test>\r\n"), "Hi?"),
        ),
        (
            "auto_reply",
            to.clone(),
            plain(
                &format!("To: {to}\r\nMessage-ID: <a1@example.test>\r\nAuto-Submitted: auto-replied\r\n"),
                "I am out of the office until Monday.",
            ),
        ),
        (
            "bounce",
            to.clone(),
            format!(
                "From: Mail Delivery System <MAILER-DAEMON@mx.example.test>\r\nTo: {to}\r\n\
                 Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <b1@mx.example.test>\r\n\
                 MIME-Version: 1.0\r\n\
                 Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\r\n\r\n\
                 --r\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\
                 --r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.test\r\n\r\n\
                 Final-Recipient: rfc822; jana@example.test\r\nAction: failed\r\nStatus: 5.1.1\r\n\
                 --r--\r\n"
            )
            .into_bytes(),
        ),
        (
            // No header a mail has, undecodable bytes: not a mail at all.
            "malformed",
            to.clone(),
            b"\xff\xfe\x00\x01 this is not a mail\r\n\r\n\x80\x81--\r\n".to_vec(),
        ),
        (
            "too_large",
            to.clone(),
            plain(
                &format!("To: {to}\r\nMessage-ID: <l1@example.test>\r\n"),
                &format!("Big attachment follows.\r\n{}", format!("{}\r\n", "x".repeat(76)).repeat(2 * 1024 * 1024 / 78)),
            ),
        ),
    ];
    for (_, rcpt, raw) in &cases {
        send_to_support(&w, rcpt, raw).await;
    }
    // Our own receipt coming back (a forwarding loop): its headers as delivered, a short body
    // (its HTML part has lines longer than SMTP takes once the Maildir stored them decoded).
    let own = std::fs::read(raw_mails(w.customer_box.path()).remove(0)).expect("receipt file");
    let own = String::from_utf8_lossy(&own).replace("\r\n", "\n");
    let (headers, _) = own.split_once("\n\n").expect("a header block");
    let headers: Vec<&str> =
        headers.lines().filter(|l| !l.to_ascii_lowercase().starts_with("content-")).collect();
    assert!(headers.iter().any(|h| h.starts_with("Message-ID: <receipt.")), "{headers:?}");
    let looped =
        format!("{}\r\nContent-Type: text/plain\r\n\r\nWe received your message.\r\n", headers.join("\r\n"));
    send_to_support(&w, &to, looped.as_bytes()).await;

    // All seven handled (or the time is up: then the assertions below say which is missing).
    let deadline = std::time::Instant::now() + MAIL_WAIT;
    let m = loop {
        let m = metrics(&w).await;
        let handled: u64 = m
            .lines()
            .filter(|l| l.starts_with("handoff_mail_inbound_total{"))
            .filter_map(|l| l.rsplit_once(' ').and_then(|(_, v)| v.parse::<u64>().ok()))
            .sum();
        if handled >= 7 || std::time::Instant::now() > deadline {
            break m;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    for (outcome, _, _) in &cases {
        assert_eq!(inbound(&m, outcome), 1, "{outcome}: {m}");
    }
    assert_eq!(inbound(&m, "loop"), 1, "{m}");
    assert_eq!(inbound(&m, "stored"), 0, "{m}");
    // Every one is flagged seen: none is fetched again.
    eventually(REPLY_WAIT, || async { (w.dovecot.flagged('S') == (7, 0)).then_some(()) }).await;
    let keywords = std::fs::read_to_string(w.dovecot.maildir().join("dovecot-keywords")).unwrap_or_default();
    assert!(keywords.contains("$HandoffRefused") && !keywords.contains("$HandoffStored"), "{keywords}");
    tokio::time::sleep(Duration::from_millis(800)).await;
    let again = metrics(&w).await;
    for (outcome, _, _) in &cases {
        assert_eq!(inbound(&again, outcome), 1, "fetched once: {again}");
    }
    // Nothing reached the conversation: no message, still offline.
    w.t.add_agent("sam@t", "Sam", "supervisor", &["orders"], 3).await;
    let sam = w.t.agent("sam@t").await;
    let d = detail(&sam, &conversation).await;
    assert_eq!(d["summary"]["status"], "offline", "{d}");
    assert!(customer_texts(&d).iter().all(|t| !t.contains("out of the office") && !t.contains("Hi?")), "{d}");
    w.t.stop().await;
}

/// The mailbox goes away and comes back: the fetcher counts the failures, keeps the desk up,
/// and reads the reply that waited meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fetcher_recovers_when_dovecot_comes_back() {
    let mut w = world(200).await;
    let (conversation, _) = offline_ticket(&w.t, "en", "jana@example.test", "Where is my parcel?").await;
    let receipt = wait_for_mails(w.customer_box.path(), 1).await.remove(0);
    let token = token_of(&receipt);
    // Connected and idle first.
    eventually(REPLY_WAIT, || async {
        let m = metrics(&w).await;
        (metric(&m, "handoff_mail_fetch_errors_total") == Some(0)).then_some(())
    })
    .await;
    w.dovecot.stop();
    let failed = eventually(MAIL_WAIT, || async {
        metric(&metrics(&w).await, "handoff_mail_fetch_errors_total").filter(|n| *n >= 2)
    })
    .await;
    assert!(failed >= 2);
    // The desk is fine meanwhile.
    assert_eq!(
        w.t.client.get(format!("{}/healthz", w.t.base)).send().await.map(|r| r.status().as_u16()).ok(),
        Some(200)
    );
    // The reply arrives by SMTP while IMAP is down, and waits in the Maildir.
    let raw = format!(
        "From: Jana <jana@example.test>\r\nTo: reply+{token}@reply.fernhill.test\r\nSubject: Re: parcel\r\n\
         Message-ID: <while-down@example.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         It arrived after all, thanks!\r\n\r\nOn Mon, 7 Dec 2026 at 09:00, Fernhill Outdoor <help@fernhill.test> wrote:\r\n> We will check.\r\n"
    );
    send_to_support(&w, &format!("reply+{token}@reply.fernhill.test"), raw.as_bytes()).await;
    w.dovecot.start_again();
    w.t.add_agent("sam@t", "Sam", "supervisor", &["orders"], 3).await;
    let sam = w.t.agent("sam@t").await;
    eventually(MAIL_WAIT, || async {
        let d = detail(&sam, &conversation).await;
        customer_texts(&d).iter().any(|t| t == "It arrived after all, thanks!").then_some(())
    })
    .await;
    // The fetcher counts the mail once its commit is done, a moment after the message shows:
    // wait for the count rather than read it at once (a CI run read 0 here).
    eventually(MAIL_WAIT, || async { (inbound(&metrics(&w).await, "stored") == 1).then_some(()) }).await;
    w.t.stop().await;
}

/// The reply goes back to the agent who answered the ticket while they are online and free,
/// even when a colleague has less to do (dispatch alone would pick the colleague).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reply_goes_back_to_the_agent_who_answered() {
    let w = world(200).await;
    let (conversation, ticket) = offline_ticket(&w.t, "en", "jana@example.test", "Where is my parcel?").await;
    wait_for_mails(w.customer_box.path(), 1).await;
    let ana = w.t.agent("ana@t").await;
    let id = ticket["id"].as_i64().expect("ticket id");
    let r = ana.post(&format!("/v1/agent/tickets/{id}/answer"), json!({"text": "It is on its way."})).await;
    assert_eq!(r.status(), 200);
    let answer = wait_for_mails(w.customer_box.path(), 2)
        .await
        .into_iter()
        .find(|m| m.message_id.starts_with("answer."))
        .expect("the answer mail");
    // Ana comes online and takes a live chat; then Bob, with nothing to do.
    let r = ana.put("/v1/agent/presence", json!({"presence": "online", "capacity": 3})).await;
    assert_eq!(r.status(), 200);
    let live = w.t.customer().await;
    let state: Value =
        live.post("/handoff", handoff_body("orders", "normal")).await.json().await.expect("json");
    assert_eq!(state["status"], "assigned", "{state}");
    let bob = w.t.online_agent("bob@t", "Bob", "agent", &["orders"], 3).await;

    let raw = format!(
        "From: Jana <jana@example.test>\r\nTo: {}\r\nSubject: Re: parcel\r\nMessage-ID: <back-to-ana@example.test>\r\n\
         In-Reply-To: <{}>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nStill not here, sorry.\r\n",
        answer.reply_to, answer.message_id
    );
    send_to_support(&w, &answer.reply_to, raw.as_bytes()).await;
    // The detail's summary is read before its messages (so its stream position never skips a
    // message): for a moment it can show the reply with the status from before it.
    let d = eventually(REPLY_WAIT, || async {
        let d = detail(&ana, &conversation).await;
        let moved = d["summary"]["status"] != "offline";
        (moved && customer_texts(&d).iter().any(|t| t == "Still not here, sorry.")).then_some(d)
    })
    .await;
    assert_eq!(d["summary"]["status"], "assigned", "{d}");
    assert_eq!(d["summary"]["agent_id"].as_i64(), Some(ana.id), "back to Ana, not Bob ({}): {d}", bob.id);

    // Ana answers in the console. Jana writes by mail, so the answer goes by mail too (an
    // internal note never does, nor a retry of the same reply).
    let path = format!("/v1/agent/conversations/{conversation}");
    let say = json!({"text": "We sent a new one today.", "client_id": "ana-later-1"});
    assert_eq!(ana.post(&format!("{path}/messages"), say.clone()).await.status(), 201);
    assert_eq!(ana.post(&format!("{path}/messages"), say).await.status(), 200);
    assert_eq!(ana.post(&format!("{path}/notes"), json!({"text": "Patient customer."})).await.status(), 201);
    let all = wait_for_mails(w.customer_box.path(), 3).await;
    let token = token_of(&answer);
    let later = all.iter().find(|m| m.message_id.starts_with("answer-")).expect("the later answer");
    assert!(later.message_id.ends_with(&format!(".{token}@reply.fernhill.test")), "{}", later.message_id);
    assert_eq!(later.reply_to, answer.reply_to, "the same ticket's address");
    assert_eq!(later.in_reply_to.as_deref(), Some(format!("receipt.{token}@reply.fernhill.test").as_str()));
    assert!(later.text.contains("We sent a new one today."), "{}", later.text);
    assert!(later.text.contains("> Still not here, sorry."), "the customer's mail quoted: {}", later.text);
    assert!(!later.text.contains("Patient customer."), "{}", later.text);

    // Jana answers that one, to the From address this time: found by its Message-ID.
    let raw = format!(
        "From: Jana <jana@example.test>\r\nTo: help@fernhill.test\r\nSubject: Re: parcel\r\n\
         Message-ID: <thanks@example.test>\r\nIn-Reply-To: <{}>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nGot it, thanks!\r\n",
        later.message_id
    );
    send_to_support(&w, "help@fernhill.test", raw.as_bytes()).await;
    eventually(REPLY_WAIT, || async {
        let d = detail(&ana, &conversation).await;
        customer_texts(&d).iter().any(|t| t == "Got it, thanks!").then_some(())
    })
    .await;
    assert_eq!(mails(w.customer_box.path()).len(), 3, "nothing more was mailed");
    w.t.stop().await;
}

/// Two desks on one PostgreSQL database read one mailbox: each reply is stored once, whichever
/// instance fetched it, and the same mail delivered twice is a duplicate (the fetcher's lock
/// keeps them from reading at once; the Message-ID would catch it anyway). Always on
/// PostgreSQL, like multi_instance.rs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_desks_on_one_database_store_each_reply_once() {
    let url = pg::fresh_database().await;
    let customer_port = free_port();
    let customer_box = tempfile::tempdir().expect("customer maildir");
    let _customer_smtp = SmtpServer::start(customer_port, customer_box.path());
    let dovecot = Dovecot::start();
    let support_port = free_port();
    let _support_smtp = SmtpServer::start(support_port, &dovecot.maildir());
    let top = format!("{}{}", smtp_section(customer_port), dovecot.imap_section(200));
    let mut desks = Vec::new();
    for _ in 0..2 {
        let dir = tempfile::tempdir().expect("temp dir");
        // The same database for both (the harness gives each data dir its own otherwise).
        let config = config_on_database(dir.path(), &url, &top, "");
        let (base, desk, stop, task) = start_app(config).await;
        desks.push((base, desk, stop, task, dir));
    }
    add_agent(&desks[0].1, "ana@t", "Ana", "agent", &["orders"], 3).await;
    let c = client();
    let (conversation, _) = offline_ticket_at(&c, &desks[1].0, "en", "jana@example.test", "Parcel?").await;
    let receipt = wait_for_mails(customer_box.path(), 1).await.remove(0);
    let to = receipt.reply_to.clone();
    const N: usize = 6;
    for round in 0..2 {
        for i in 0..N {
            let raw = format!(
                "From: Jana <jana@example.test>\r\nTo: {to}\r\nSubject: Re: parcel\r\n\
                 Message-ID: <two-{i}@example.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
                 Reply number {i}.\r\n"
            );
            send_smtp(support_port, &to, raw.as_bytes()).await;
        }
        if round == 0 {
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }
    let total = |outcome: &'static str| {
        let c = c.clone();
        let bases: Vec<String> = desks.iter().map(|d| d.0.clone()).collect();
        async move {
            let mut n = 0;
            for b in bases {
                let m =
                    c.get(format!("{b}/metrics")).send().await.expect("metrics").text().await.expect("text");
                n += inbound(&m, outcome);
            }
            n
        }
    };
    eventually(MAIL_WAIT, || async {
        (total("stored").await + total("duplicate").await == 2 * N as u64).then_some(())
    })
    .await;
    assert_eq!(total("stored").await, N as u64);
    assert_eq!(total("duplicate").await, N as u64);
    add_agent(&desks[0].1, "sam@t", "Sam", "supervisor", &["orders"], 3).await;
    let sam = Agent::login(&c, &desks[0].0, "sam@t", PASSWORD).await;
    let d = detail(&sam, &conversation).await;
    let mut got = customer_texts(&d);
    got.sort();
    let want: Vec<String> = (0..N).map(|i| format!("Reply number {i}.")).collect();
    assert_eq!(got, want, "each reply once");
    eventually(REPLY_WAIT, || async { (dovecot.flagged('S') == (2 * N, 0)).then_some(()) }).await;
    for (_, _, stop, task, _) in desks {
        let _ = stop.send(());
        let _ = tokio::time::timeout(Duration::from_secs(10), task).await.expect("graceful shutdown in time");
    }
    pg::drop_database(&url).await;
}
