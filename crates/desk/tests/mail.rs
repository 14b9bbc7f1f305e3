//! Outbound mail (issue 21) against a real SMTP server (aiosmtpd, see common/smtp.rs): the
//! receipt of an offline ticket and the agent's answer reach the customer's mailbox in their
//! language, threaded and with a Reply-To that leads back to the ticket; a server that is down
//! is retried until it is back; a desk killed with mail queued sends each mail once after its
//! restart. On SQLite, and on PostgreSQL with HANDOFF_TEST_ENGINE=postgres.

mod common;

use common::process::{add_agent_by_cli, DeskProcess};
use common::smtp::{free_port, mails, smtp_section, wait_for_mails, Mail, SmtpServer, MAIL_WAIT};
use common::*;
use serde_json::{json, Value};
use std::time::Duration;

/// A customer in `locale` whose handoff finds nobody online, leaving a ticket; returns the
/// conversation id and the ticket.
async fn offline_ticket(
    client: &reqwest::Client,
    base: &str,
    locale: &str,
    name: &str,
    email: &str,
    message: &str,
) -> (String, Value) {
    let ticket = json!({"name": name, "email": email, "message": message,
                        "transcript": [{"role": "customer", "text": "<b>wo</b> ist meine Bestellung?"},
                                       {"role": "bot", "text": "Ich hole jemanden dazu."}]});
    common::tickets::leave_ticket(client, base, locale, ticket).await
}

async fn metrics(client: &reqwest::Client, base: &str) -> String {
    client.get(format!("{base}/metrics")).send().await.expect("metrics").text().await.expect("text")
}

/// The value of an unlabelled or fully labelled series line (`name{labels} value`).
fn metric(text: &str, series: &str) -> Option<u64> {
    text.lines().find_map(|l| {
        l.strip_prefix(series).and_then(|v| v.strip_prefix(' ')).and_then(|v| v.trim().parse().ok())
    })
}

/// `reply+<32 hex>@reply.fernhill.test`: the token, checked to be what it should be.
fn reply_token(m: &Mail) -> String {
    let token = m
        .reply_to
        .strip_prefix("reply+")
        .and_then(|r| r.strip_suffix("@reply.fernhill.test"))
        .unwrap_or_else(|| panic!("Reply-To {:?}", m.reply_to))
        .to_string();
    assert!(
        token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
        "{token}"
    );
    token
}

struct Expect {
    locale: &'static str,
    receipt_subject: &'static str,
    greeting: &'static str,
    promise: &'static str,
    answer_subject: &'static str,
    answer_intro: &'static str,
}

async fn receipt_then_answer(e: Expect) {
    let smtp_port = free_port();
    let maildir = tempfile::tempdir().expect("maildir");
    let _server = SmtpServer::start(smtp_port, maildir.path());
    let t = spawn(&smtp_section(smtp_port), "").await;
    // An agent exists but is offline: the handoff is answered offline, the ticket is filed.
    t.add_agent("ana@t", "Ana Nováková", "agent", &["orders"], 3).await;
    let message = "Bitte <script>rufen</script> Sie mich an & danke.";
    let (conversation, ticket) =
        offline_ticket(&t.client, &t.base, e.locale, "Jana", "jana@example.test", message).await;

    let receipt = wait_for_mails(maildir.path(), 1).await.remove(0);
    let token = reply_token(&receipt);
    assert_eq!(receipt.message_id, format!("receipt.{token}@reply.fernhill.test"));
    assert_eq!(receipt.to, "jana@example.test");
    assert_eq!(receipt.subject, e.receipt_subject);
    assert_eq!(receipt.auto_submitted.as_deref(), Some("auto-replied"));
    assert!(receipt.text.contains(e.greeting), "{}", receipt.text);
    assert!(receipt.text.contains(e.promise), "{}", receipt.text);
    // The promised time is the ticket's, in the site's time zone (UTC: no [site.hours]).
    let by = ticket["answer_expected_by"].as_str().expect("promised time");
    assert!(
        receipt.text.contains(&format!("{} {} (UTC)", &by[..10], &by[11..16])),
        "{by} in {}",
        receipt.text
    );
    // The conversation is quoted; customer text is text in both parts, never markup.
    assert!(receipt.text.contains(&format!("> {message}")), "{}", receipt.text);
    assert!(receipt.text.contains("<b>wo</b> ist meine Bestellung?"), "{}", receipt.text);
    assert!(!receipt.html.contains("<script>") && !receipt.html.contains("<b>wo"), "{}", receipt.html);
    assert!(
        receipt.html.contains("&lt;script&gt;rufen&lt;/script&gt;") && receipt.html.contains("&amp; danke")
    );
    assert!(receipt.html.contains(&format!("lang=\"{}\"", e.locale)));

    let ana = t.agent("ana@t").await;
    let id = ticket["id"].as_i64().expect("ticket id");
    let answer = "Ihre Bestellung ist unterwegs.\nTracking: <https://track.example/1>";
    let r = ana.post(&format!("/v1/agent/tickets/{id}/answer"), json!({"text": answer})).await;
    assert_eq!(r.status(), 200);
    // A retry of the same answer queues nothing more.
    assert_eq!(
        ana.post(&format!("/v1/agent/tickets/{id}/answer"), json!({"text": answer})).await.status(),
        200
    );

    let all = wait_for_mails(maildir.path(), 2).await;
    let reply = all.iter().find(|m| m.message_id.starts_with("answer.")).expect("the answer mail");
    assert_eq!(reply.message_id, format!("answer.{token}@reply.fernhill.test"));
    assert_eq!(reply.in_reply_to.as_deref(), Some(receipt.message_id.as_str()), "threaded under the receipt");
    assert_eq!(reply_token(reply), token, "one conversation, one token");
    assert_eq!(reply.subject, e.answer_subject);
    assert!(reply.auto_submitted.is_none(), "a person's answer is not auto-submitted");
    assert!(reply.text.contains(e.answer_intro), "{}", reply.text);
    assert!(
        reply.text.contains("Ihre Bestellung ist unterwegs.") && reply.text.contains(&format!("> {message}"))
    );
    assert!(reply.html.contains("&lt;https://track.example/1&gt;"), "{}", reply.html);

    // Both are marked sent (right after the server's answer, so wait for it), and say so in
    // /metrics.
    let ticket_mail = eventually(MAIL_WAIT, || async {
        let rows = t.desk.db.mail_of_ticket(id).await.ok()?;
        (rows.len() == 2 && rows.iter().all(|m| m.status == "sent")).then_some(rows)
    })
    .await;
    assert!(ticket_mail.iter().all(|m| m.conversation_id.as_deref() == Some(conversation.as_str())));
    let m = metrics(&t.client, &t.base).await;
    assert_eq!(metric(&m, "handoff_mail_sent_total"), Some(2), "{m}");
    assert_eq!(metric(&m, "handoff_mail_outbox{status=\"sent\"}"), Some(2), "{m}");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receipt_and_answer_arrive_in_german() {
    receipt_then_answer(Expect {
        locale: "de",
        receipt_subject: "Wir haben Ihre Nachricht erhalten – Fernhill Outdoor",
        greeting: "Hallo Jana,",
        promise: "Sie erhalten unsere Antwort bis",
        answer_subject: "Re: Ihre Nachricht – Fernhill Outdoor",
        answer_intro: "Ana Nováková von Fernhill Outdoor hat auf Ihre Nachricht geantwortet:",
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receipt_and_answer_arrive_in_bulgarian() {
    receipt_then_answer(Expect {
        locale: "bg",
        receipt_subject: "Получихме вашето съобщение – Fernhill Outdoor",
        greeting: "Здравейте, Jana,",
        promise: "Можете да очаквате нашия отговор до",
        answer_subject: "Re: Вашето съобщение – Fernhill Outdoor",
        answer_intro: "Отговор на вашето съобщение от Ana Nováková (Fernhill Outdoor):",
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_is_down_is_retried_until_it_is_back() {
    let smtp_port = free_port();
    let maildir = tempfile::tempdir().expect("maildir");
    let t = spawn(&smtp_section(smtp_port), "").await;
    t.add_agent("sam@t", "Sam", "supervisor", &["orders"], 3).await;
    let (_, ticket) =
        offline_ticket(&t.client, &t.base, "cs", "Jana", "jana@example.test", "Zavolejte mi.").await;
    let id = ticket["id"].as_i64().expect("id");

    // Nothing listens: attempts fail, back off, and show up for supervisors and in /metrics.
    let sam = t.agent("sam@t").await;
    let failing = eventually(MAIL_WAIT, || async {
        let list: Value = sam.get("/v1/agent/supervisor/mail").await.json().await.ok()?;
        let first = list.as_array()?.first()?.clone();
        (first["attempts"].as_i64()? >= 2).then_some(first)
    })
    .await;
    assert_eq!((failing["kind"].as_str(), failing["status"].as_str()), (Some("receipt"), Some("pending")));
    assert_eq!(failing["ticket_id"].as_i64(), Some(id));
    assert!(failing["last_error"].as_str().is_some_and(|e| !e.is_empty()), "{failing}");
    // `attempts` counts a claim, the failure counter a finished attempt: the second may still be
    // on its way when the list shows two.
    let m = eventually(MAIL_WAIT, || async {
        let m = metrics(&t.client, &t.base).await;
        metric(&m, "handoff_mail_send_failures_total").is_some_and(|n| n >= 2).then_some(m)
    })
    .await;
    assert_eq!(metric(&m, "handoff_mail_outbox{status=\"pending\"}"), Some(1), "{m}");
    // An agent who supervises nobody sees no such list.
    t.add_agent("ana@t", "Ana", "agent", &["orders"], 3).await;
    assert_eq!(t.agent("ana@t").await.get("/v1/agent/supervisor/mail").await.status(), 403);

    // The server comes up on the same address: the next retry delivers, once.
    let _server = SmtpServer::start(smtp_port, maildir.path());
    let got = wait_for_mails(maildir.path(), 1).await;
    assert!(got[0].subject.starts_with("Vaši zprávu jsme přijali"), "{}", got[0].subject);
    eventually(MAIL_WAIT, || async {
        let rows = t.desk.db.mail_of_ticket(id).await.ok()?;
        (rows.first()?.status == "sent").then_some(())
    })
    .await;
    let list: Value = sam.get("/v1/agent/supervisor/mail").await.json().await.expect("json");
    assert_eq!(list, json!([]), "nothing failing any more");
    assert_eq!(mails(maildir.path()).len(), 1);
    t.stop().await;
}

/// Issue 21's figure: the server away for a whole minute. The desk backs off (a few attempts,
/// not one per poll) and delivers once it is back, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_down_for_a_minute_is_retried_with_backoff_then_delivered() {
    let smtp_port = free_port();
    let maildir = tempfile::tempdir().expect("maildir");
    // Retries 1 s after the first failure, doubling up to 16 s apart; the sender polls every 50 ms.
    let smtp = smtp_section(smtp_port)
        .replace("retry_base_ms = 200", "retry_base_ms = 1000")
        .replace("retry_max_secs = 1", "retry_max_secs = 16");
    let t = spawn(&smtp, "").await;
    let down_until = tokio::time::Instant::now() + Duration::from_secs(60);
    let (_, ticket) =
        offline_ticket(&t.client, &t.base, "pt", "Joana", "joana@example.test", "Liguem-me, por favor.")
            .await;
    let id = ticket["id"].as_i64().expect("id");
    // The minute the server is away is the scenario itself, not a guess at timing.
    tokio::time::sleep_until(down_until).await;
    let rows = t.desk.db.mail_of_ticket(id).await.expect("outbox");
    let attempts = rows.first().map(|m| m.attempts).unwrap_or_default();
    assert!(
        (4..=10).contains(&attempts),
        "1 s doubling to 16 s makes about 7 attempts in a minute, not {attempts}"
    );
    assert_eq!(rows.first().map(|m| m.status.as_str()), Some("pending"), "still retried, not given up");

    let _server = SmtpServer::start(smtp_port, maildir.path());
    let got = wait_for_mails(maildir.path(), 1).await;
    assert!(got[0].subject.starts_with("Recebemos a sua mensagem"), "{}", got[0].subject);
    eventually(MAIL_WAIT, || async {
        let rows = t.desk.db.mail_of_ticket(id).await.ok()?;
        (rows.first()?.status == "sent").then_some(())
    })
    .await;
    assert_eq!(mails(maildir.path()).len(), 1, "delivered once");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_queued_before_a_sigkill_is_sent_once_after_the_restart() {
    let smtp_port = free_port();
    let maildir = tempfile::tempdir().expect("maildir");
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let config = dir.path().join("handoff.toml");
    std::fs::write(&config, config_text(&data, &smtp_section(smtp_port), "")).expect("config");
    // An agent who is never online: every handoff is answered offline.
    add_agent_by_cli(&config, "ana@t", "Ana", "orders");

    let mut desk = DeskProcess::start(&config, "warn");
    let client = client();
    let locales = ["en", "de", "cs", "bg", "pt", "tl"];
    for (i, locale) in locales.iter().enumerate() {
        offline_ticket(&client, &desk.base, locale, "Jana", &format!("c{i}@example.test"), "Hello?").await;
    }
    // The server is down: every mail has failed at least once and waits for its retry.
    eventually(MAIL_WAIT, || async {
        let m = metrics(&client, &desk.base).await;
        let failures = metric(&m, "handoff_mail_send_failures_total")?;
        (failures >= locales.len() as u64 && metric(&m, "handoff_mail_outbox{status=\"pending\"}") == Some(6))
            .then_some(())
    })
    .await;
    desk.kill_9();
    drop(desk);

    let _server = SmtpServer::start(smtp_port, maildir.path());
    let desk = DeskProcess::start(&config, "warn");
    eventually(MAIL_WAIT, || async {
        let m = metrics(&client, &desk.base).await;
        (metric(&m, "handoff_mail_outbox{status=\"sent\"}") == Some(6)).then_some(())
    })
    .await;
    let got = mails(maildir.path());
    let mut ids: Vec<&str> = got.iter().map(|m| m.message_id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!((got.len(), ids.len()), (6, 6), "each mail exactly once: {got:#?}");
    let mut to: Vec<&str> = got.iter().map(|m| m.to.as_str()).collect();
    to.sort();
    assert_eq!(
        to,
        [
            "c0@example.test",
            "c1@example.test",
            "c2@example.test",
            "c3@example.test",
            "c4@example.test",
            "c5@example.test"
        ]
    );
    drop(desk);
    if pg::engine_is_postgres() {
        pg::release(&data).await;
    }
}
