//! Replies coming back (issue 21, inbound, first part): what a raw mail fetched from the
//! support mailbox is. Either a customer's reply naming its ticket by the token in our Reply-To
//! (`reply+<token>@<reply domain>`, in To, Cc or Delivered-To) or in the Message-ID it answers
//! (`<receipt|answer.<token>@<reply domain>>` in In-Reply-To or References), with the quoted
//! history and signature cut off; or refused, with the reason counted in the metrics. Nothing
//! machine-written becomes a customer message: bounces, delivery reports, autoresponders,
//! mailing lists and our own mails coming back are refused before any text is read.
//!
//! This is the pure part: the IMAP fetcher (`fetch.rs`) calls it for every mail it reads and
//! hands a reply to `Desk::mail_reply`, which looks the token up and appends the text.

use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders};

/// A mail larger than this is refused unparsed (a reply is text; attachments are not taken).
pub const MAX_BYTES: usize = 1 << 20;

/// Why an inbound mail does not become a customer message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    TooLarge,
    Malformed,
    /// Auto-Submitted, Precedence bulk/junk/list, X-Autoreply, a mailing list.
    AutoReply,
    /// A delivery status report or a mail from the mailer daemon.
    Bounce,
    /// One of our own mails (its Message-ID is ours): a loop.
    Loop,
    /// No reply token for one of our reply domains anywhere.
    NoToken,
    /// Nothing left once the quoted history and signature are cut.
    Empty,
}

impl Refused {
    /// The metrics label.
    pub fn label(self) -> &'static str {
        match self {
            Refused::TooLarge => "too_large",
            Refused::Malformed => "malformed",
            Refused::AutoReply => "auto_reply",
            Refused::Bounce => "bounce",
            Refused::Loop => "loop",
            Refused::NoToken => "no_token",
            Refused::Empty => "empty",
        }
    }
}

/// A customer's reply: the ticket's token (still to be looked up: an unknown one is refused
/// there), the mail's own Message-ID (to store a reply fetched twice once) and the new text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub token: String,
    pub message_id: Option<String>,
    pub from: Option<String>,
    pub text: String,
}

/// A token as we make them (`outbox::new_reply_token`): 32 lowercase hex digits. Mail systems
/// may upper-case a local part; it is read case-insensitively.
fn token_of(s: &str) -> Option<String> {
    let t = s.to_ascii_lowercase();
    (t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit())).then_some(t)
}

fn our_domain(domain: &str, reply_domains: &[String]) -> bool {
    let d = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    reply_domains.contains(&d)
}

/// `reply+<token>@<one of ours>`.
fn token_in_address(addr: &str, reply_domains: &[String]) -> Option<String> {
    let (local, domain) = addr.trim().rsplit_once('@')?;
    if !our_domain(domain, reply_domains) {
        return None;
    }
    let tag = local.to_ascii_lowercase();
    token_of(tag.strip_prefix("reply+")?)
}

/// `<receipt.<token>@<ours>>`, `<answer.<token>@<ours>>` or, for an agent's later reply,
/// `<answer-<n>.<token>@<ours>>` (angle brackets optional).
fn token_in_message_id(id: &str, reply_domains: &[String]) -> Option<String> {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    let (local, domain) = id.rsplit_once('@')?;
    if !our_domain(domain, reply_domains) {
        return None;
    }
    let (kind, token) = local.split_once('.')?;
    let later =
        kind.strip_prefix("answer-").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    (matches!(kind, "receipt" | "answer") || later).then(|| token_of(token)).flatten()
}

fn addresses<'a>(a: Option<&'a Address<'_>>) -> Vec<&'a str> {
    a.map(|a| a.iter().filter_map(|x| x.address()).collect()).unwrap_or_default()
}

fn ids(v: &HeaderValue<'_>) -> Vec<String> {
    match v {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(l) => l.iter().map(|t| t.to_string()).collect(),
        _ => vec![],
    }
}

/// The first line that starts the quoted history in the languages we write in, or a
/// signature: everything from it on is cut.
fn history_starts(line: &str, next: Option<&str>) -> bool {
    let l = line.trim();
    let lower = l.to_lowercase();
    if l == "--" || line == "-- " || l.starts_with('>') {
        return true;
    }
    if lower.starts_with("-----original message") || lower.starts_with("-----ursprüngliche nachricht") {
        return true;
    }
    // "On Mon, 7 Dec 2026 at 10:00, Shop <help@shop> wrote:" and its translations; clients
    // wrap it over two lines, so the next line is looked at too.
    let joined = match next {
        Some(n) => format!("{lower} {}", n.trim().to_lowercase()),
        None => lower.clone(),
    };
    let intro =
        [("on ", "wrote:"), ("am ", "schrieb"), ("dne ", "napsal"), ("em ", "escreveu:"), ("на ", "написа")];
    for (start, verb) in intro {
        if lower.starts_with(start)
            && (lower.contains(verb) || (joined.contains(verb) && joined.ends_with(':')))
        {
            return true;
        }
    }
    // Outlook: a header block "From: ..." right below the reply.
    lower.starts_with("from:")
        && next.is_some_and(|n| {
            let n = n.trim().to_lowercase();
            n.starts_with("sent:") || n.starts_with("date:") || n.starts_with("to:")
        })
}

/// The reply's own text: everything above the quoted history and signature, trimmed.
pub fn strip_history(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let cut = (0..lines.len())
        .find(|&i| history_starts(lines[i], lines.get(i + 1).copied()))
        .unwrap_or(lines.len());
    lines[..cut].join("\n").trim().to_string()
}

/// What the raw mail is (see the module docs). `reply_domains`: every domain our Reply-To
/// addresses use, lowercase.
pub fn classify(raw: &[u8], reply_domains: &[String]) -> Result<Reply, Refused> {
    if raw.len() > MAX_BYTES {
        return Err(Refused::TooLarge);
    }
    let m = MessageParser::default().parse(raw).ok_or(Refused::Malformed)?;
    if m.header_raw("From").is_none() && m.header_raw("To").is_none() && m.header_raw("Subject").is_none() {
        return Err(Refused::Malformed);
    }
    // Our own mail coming back first: it is a loop whatever else it says (a receipt carries
    // Auto-Submitted too, and would otherwise be counted as somebody's autoresponder).
    let own = m.message_id().is_some_and(|id| token_in_message_id(id, reply_domains).is_some());
    if own {
        return Err(Refused::Loop);
    }
    // Machine-written mail next: none of it may become a customer message.
    let header = |name: &str| m.header_raw(name).map(|v| v.trim().to_ascii_lowercase());
    if header("Auto-Submitted").is_some_and(|v| v != "no")
        || header("Precedence").is_some_and(|v| matches!(v.as_str(), "bulk" | "junk" | "list" | "auto_reply"))
        || header("X-Autoreply").is_some()
        || header("X-Autorespond").is_some()
        || header("List-Id").is_some()
    {
        return Err(Refused::AutoReply);
    }
    let report = m.content_type().is_some_and(|c| {
        c.ctype().eq_ignore_ascii_case("multipart")
            && c.subtype().is_some_and(|s| s.eq_ignore_ascii_case("report"))
    });
    let from = addresses(m.from()).first().map(|a| a.to_ascii_lowercase());
    let daemon =
        from.as_deref().is_some_and(|f| f.starts_with("mailer-daemon@") || f.starts_with("postmaster@"));
    let null_sender = header("Return-Path").is_some_and(|v| v == "<>");
    if report || daemon || null_sender {
        return Err(Refused::Bounce);
    }
    let mut recipients = addresses(m.to());
    recipients.extend(addresses(m.cc()));
    let delivered: Vec<String> = ["Delivered-To", "X-Original-To"]
        .iter()
        .filter_map(|h| m.header_raw(*h))
        .map(|v| v.trim().to_string())
        .collect();
    recipients.extend(delivered.iter().map(String::as_str));
    let token = recipients
        .iter()
        .find_map(|a| token_in_address(a, reply_domains))
        .or_else(|| {
            let mut parents = ids(m.in_reply_to());
            parents.extend(ids(m.references()));
            parents.iter().find_map(|id| token_in_message_id(id, reply_domains))
        })
        .ok_or(Refused::NoToken)?;
    let body = m.body_text(0).map(|t| t.into_owned()).unwrap_or_default();
    let text = strip_history(&body);
    if text.is_empty() {
        return Err(Refused::Empty);
    }
    Ok(Reply { token, message_id: m.message_id().map(String::from), from, text })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "0123456789abcdef0123456789abcdef";

    fn domains() -> Vec<String> {
        vec!["reply.shop.example".into()]
    }

    fn mail(headers: &str, body: &str) -> Vec<u8> {
        format!(
            "From: Jana <jana@example.test>\r\nSubject: Re: Ihre Nachricht\r\nMessage-ID: <x1@example.test>\r\n\
             {headers}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}"
        )
        .into_bytes()
    }

    #[test]
    fn a_reply_names_its_ticket_by_the_reply_to_token() {
        let raw = mail(
            &format!("To: reply+{}@Reply.Shop.Example\r\n", TOKEN.to_uppercase()),
            "Danke, das hilft!\r\n\r\nAm 7.12.2026 um 10:00 schrieb Fernhill Outdoor <help@shop.example>:\r\n> Ihre Bestellung ist unterwegs.\r\n",
        );
        let r = classify(&raw, &domains()).expect("a reply");
        assert_eq!(r.token, TOKEN);
        assert_eq!(r.text, "Danke, das hilft!");
        assert_eq!(r.message_id.as_deref(), Some("x1@example.test"));
        assert_eq!(r.from.as_deref(), Some("jana@example.test"));
    }

    #[test]
    fn a_reply_sent_to_the_from_address_is_found_by_its_thread() {
        let raw = mail(
            &format!("To: help@shop.example\r\nIn-Reply-To: <answer.{TOKEN}@reply.shop.example>\r\n"),
            "Благодаря!\r\n-- \r\nJana\r\n",
        );
        let r = classify(&raw, &domains()).expect("a reply");
        assert_eq!((r.token.as_str(), r.text.as_str()), (TOKEN, "Благодаря!"));
        let later = mail(
            &format!("To: help@shop.example\r\nReferences: <x@y> <answer-12.{TOKEN}@reply.shop.example>\r\n"),
            "Ok",
        );
        assert_eq!(classify(&later, &domains()).map(|r| r.token), Ok(TOKEN.to_string()));
        let odd = mail(
            &format!("To: help@shop.example\r\nIn-Reply-To: <answer-x.{TOKEN}@reply.shop.example>\r\n"),
            "Ok",
        );
        assert_eq!(classify(&odd, &domains()), Err(Refused::NoToken));
        let cc = mail(&format!("To: a@b.example\r\nCc: reply+{TOKEN}@reply.shop.example\r\n"), "Hi");
        assert_eq!(classify(&cc, &domains()).map(|r| r.token), Ok(TOKEN.to_string()));
    }

    #[test]
    fn machines_never_become_customers() {
        let to = format!("To: reply+{TOKEN}@reply.shop.example\r\n");
        let refused = |extra: &str| classify(&mail(&format!("{to}{extra}"), "I am away."), &domains());
        assert_eq!(refused("Auto-Submitted: auto-replied\r\n"), Err(Refused::AutoReply));
        assert_eq!(refused("Precedence: bulk\r\n"), Err(Refused::AutoReply));
        assert_eq!(refused("X-Autoreply: yes\r\n"), Err(Refused::AutoReply));
        assert_eq!(refused("List-Id: <news.example>\r\n"), Err(Refused::AutoReply));
        assert_eq!(refused("Return-Path: <>\r\n"), Err(Refused::Bounce));
        assert!(refused("Auto-Submitted: no\r\n").is_ok(), "a person's mail says no");
        let report = format!(
            "From: MAILER-DAEMON@mx.example\r\n{to}Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\n\r\nfailed\r\n--b--\r\n"
        );
        assert_eq!(classify(report.as_bytes(), &domains()), Err(Refused::Bounce));
        let ours = format!(
            "From: help@shop.example\r\n{to}Message-ID: <receipt.{TOKEN}@reply.shop.example>\r\n\r\nHello"
        );
        assert_eq!(classify(ours.as_bytes(), &domains()), Err(Refused::Loop));
        let receipt = format!(
            "From: help@shop.example\r\n{to}Message-ID: <receipt.{TOKEN}@reply.shop.example>\r\nAuto-Submitted: auto-replied\r\n\r\nHello"
        );
        assert_eq!(classify(receipt.as_bytes(), &domains()), Err(Refused::Loop), "our receipt is a loop");
    }

    #[test]
    fn bad_input_is_refused_without_a_crash() {
        let d = domains();
        assert_eq!(classify(&vec![b'a'; MAX_BYTES + 1], &d), Err(Refused::TooLarge));
        assert_eq!(classify(b"", &d), Err(Refused::Malformed));
        assert_eq!(classify(b"\xff\xfe\x00garbage without headers", &d), Err(Refused::Malformed));
        assert_eq!(classify(&mail("To: help@shop.example\r\n", "Hi"), &d), Err(Refused::NoToken));
        // A forged-looking token: wrong length, other domain.
        assert_eq!(classify(&mail("To: reply+1234@reply.shop.example\r\n", "Hi"), &d), Err(Refused::NoToken));
        assert_eq!(
            classify(&mail(&format!("To: reply+{TOKEN}@evil.example\r\n"), "Hi"), &d),
            Err(Refused::NoToken)
        );
        let only_quote = mail(&format!("To: reply+{TOKEN}@reply.shop.example\r\n"), "> earlier text\r\n");
        assert_eq!(classify(&only_quote, &d), Err(Refused::Empty));
    }

    #[test]
    fn history_in_each_language_is_cut() {
        for intro in [
            "On Mon, 7 Dec 2026 at 10:00, Shop <help@shop.example> wrote:",
            "Dne 7. 12. 2026 v 10:00 Shop <help@shop.example> napsal(a):",
            "Em seg., 7 de dez. de 2026 às 10:00, Shop escreveu:",
            "На 7.12.2026 г. в 10:00 Shop написа:",
            "-----Original Message-----",
        ] {
            assert_eq!(strip_history(&format!("Yes.\n\n{intro}\n> old")), "Yes.", "{intro}");
        }
        assert_eq!(
            strip_history("Yes.\n\nOn Mon, 7 Dec 2026, Shop\n<help@shop.example> wrote:\n> old"),
            "Yes."
        );
        assert_eq!(strip_history("Yes.\nFrom: Shop\nSent: Monday\nold"), "Yes.");
        assert_eq!(
            strip_history("On my way home I noticed the parcel.\nThanks"),
            "On my way home I noticed the parcel.\nThanks"
        );
    }
}
