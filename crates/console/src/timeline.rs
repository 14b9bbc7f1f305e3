//! One conversation as one history: what the customer said to the bot before the handoff (the
//! handoff's transcript), then every stored message and internal note, oldest first. Agents read
//! it top to bottom in one place instead of a transcript in the side panel and the live messages
//! in the middle.

use crate::time::parse_ms;
use handoff_protocol::v1::{AuditKind, Author, ConversationDetail};
use handoff_protocol::Role;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Stable and unique within the conversation: `t<n>` for transcript lines, `m<id>` for
    /// stored messages (a note and a message never share an id, but the kind is in it anyway).
    pub key: String,
    pub author: Author,
    /// The agent's name on agent lines.
    pub name: Option<String>,
    pub text: String,
    /// RFC 3339; transcript lines have none (the bot runs in the customer's browser).
    pub at: Option<String>,
    pub internal: bool,
    /// Said with the bot, before the handoff.
    pub with_bot: bool,
}

/// The conversation's lines in reading order.
pub fn lines(d: &ConversationDetail) -> Vec<Line> {
    let handed_at = d.audit.iter().find(|a| a.kind == AuditKind::Handoff).and_then(|a| parse_ms(&a.at));
    // Lines a client also stored as messages before handing off are shown once, as messages.
    let stored_before = |author: &Author, text: &str| {
        handed_at.is_some_and(|h| {
            d.messages.iter().any(|m| {
                m.author == *author && m.text == text && parse_ms(&m.created_at).is_some_and(|t| t <= h)
            })
        })
    };
    let transcript = d.handoff.iter().flat_map(|h| h.transcript.iter()).enumerate().filter_map(|(n, e)| {
        let author = match e.role {
            Role::Customer => Author::Customer,
            Role::Bot => Author::Bot,
            Role::Agent => Author::Agent,
            Role::System => Author::System,
        };
        (!stored_before(&author, &e.text)).then(|| Line {
            key: format!("t{n}"),
            author,
            name: None,
            text: plain(&e.text),
            at: None,
            internal: false,
            with_bot: true,
        })
    });
    let messages = d.messages.iter().map(|m| Line {
        key: format!("{}{}", if m.internal { "n" } else { "m" }, m.id),
        author: m.author,
        name: m.author_name.clone(),
        text: m.text.clone(),
        at: Some(m.created_at.clone()),
        internal: m.internal,
        with_bot: false,
    });
    transcript.chain(messages).collect()
}

/// Bot answers are authored in Markdown; an agent reads them as the customer read them, so a
/// link shows its label, not `[label](url)`, and emphasis markers go. Everything stays text.
pub fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let (before, from) = rest.split_at(open);
        out.push_str(before);
        let link = from.find("](").and_then(|mid| {
            let close = from[mid..].find(')')? + mid;
            let label = &from[1..mid];
            (!label.contains('[') && !from[mid + 2..close].contains(char::is_whitespace))
                .then_some((label, close))
        });
        match link {
            Some((label, close)) => {
                out.push_str(label);
                rest = &from[close + 1..];
            }
            None => {
                out.push('[');
                rest = &from[1..];
            }
        }
    }
    out.push_str(rest);
    out.replace("**", "").replace("__", "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use handoff_protocol::v1::{AuditEntry, HandoffRequest, Message};
    use handoff_protocol::HandoffReason;
    use handoff_protocol::TranscriptEntry;

    fn message(id: i64, author: Author, text: &str, at: &str, internal: bool) -> Message {
        Message {
            id,
            client_id: None,
            author,
            author_name: (author == Author::Agent).then(|| "Ana".to_string()),
            text: text.into(),
            internal,
            created_at: at.into(),
        }
    }

    fn detail(messages: Vec<Message>, transcript: &[(Role, &str)], handed_at: &str) -> ConversationDetail {
        let audit: Vec<AuditEntry> = serde_json::from_value(serde_json::json!([
            { "kind": "handoff", "at": handed_at, "reason": "explicit" },
        ]))
        .expect("an audit entry");
        ConversationDetail {
            summary: serde_json::from_value(serde_json::json!({
                "conversation_id": "c1", "site_key": "demo", "status": "assigned", "department": "orders",
                "tier": "agent", "priority": "normal", "reason": "explicit", "locale": "cs",
            }))
            .expect("a summary"),
            handoff: Some(HandoffRequest {
                reason: HandoffReason::Explicit,
                detail: String::new(),
                department: "orders".into(),
                tier: "agent".into(),
                priority: "normal".into(),
                locale: "cs".into(),
                transcript: transcript
                    .iter()
                    .map(|(role, text)| TranscriptEntry { role: *role, text: (*text).into(), intent: None })
                    .collect(),
                intents: vec![],
                slots: Default::default(),
                article: None,
                page_url: None,
            }),
            messages,
            audit,
            customer: None,
        }
    }

    #[test]
    fn the_bot_part_comes_first_then_messages_and_notes_in_order() {
        let d = detail(
            vec![
                message(5, Author::Agent, "Hi, Ana here.", "2026-12-07T09:01:00Z", false),
                message(6, Author::Customer, "Order 123", "2026-12-07T09:02:00Z", false),
                message(7, Author::Agent, "Billing question", "2026-12-07T09:03:00Z", true),
            ],
            &[
                (Role::Customer, "Where is my order?"),
                (Role::Bot, "See [Delivery times](/articles/delivery)."),
            ],
            "2026-12-07T09:00:00Z",
        );
        let got: Vec<(String, bool, bool, String)> =
            lines(&d).into_iter().map(|l| (l.key, l.with_bot, l.internal, l.text)).collect();
        assert_eq!(
            got,
            [
                ("t0".into(), true, false, "Where is my order?".into()),
                ("t1".into(), true, false, "See Delivery times.".into()),
                ("m5".into(), false, false, "Hi, Ana here.".into()),
                ("m6".into(), false, false, "Order 123".into()),
                ("n7".into(), false, true, "Billing question".into()),
            ]
        );
    }

    #[test]
    fn a_transcript_line_also_stored_before_the_handoff_shows_once() {
        let d = detail(
            vec![message(1, Author::Customer, "Where is my order?", "2026-12-07T08:59:59Z", false)],
            &[(Role::Customer, "Where is my order?"), (Role::Bot, "Let me bring in a colleague.")],
            "2026-12-07T09:00:00Z",
        );
        let keys: Vec<String> = lines(&d).into_iter().map(|l| l.key).collect();
        assert_eq!(keys, ["t1", "m1"]);
    }

    #[test]
    fn the_same_words_said_again_after_the_handoff_are_kept() {
        let d = detail(
            vec![message(1, Author::Customer, "Hello?", "2026-12-07T09:05:00Z", false)],
            &[(Role::Customer, "Hello?")],
            "2026-12-07T09:00:00Z",
        );
        assert_eq!(lines(&d).len(), 2);
    }

    #[test]
    fn markdown_links_read_as_their_label_and_anything_else_stays() {
        assert_eq!(plain("Read [Returns](https://x.example/r) or **call** us"), "Read Returns or call us");
        assert_eq!(plain("[a] b [c](not a url) [d]("), "[a] b [c](not a url) [d](");
        assert_eq!(plain("<b>x</b> [y](z)"), "<b>x</b> y");
        assert_eq!(plain("Čau [Vrácení zboží](/cs/vraceni)!"), "Čau Vrácení zboží!");
    }
}
