//! The widget's side of the v1 JSON, without serde_json: the widget reads and writes JSON
//! through the browser's own `JSON.parse`/`JSON.stringify` (serde_json would cost it about
//! 20 KB of wasm). The field names it uses live here, next to the serde types of [`crate::v1`],
//! behind two small traits: the widget implements them over `JsValue`, the tests below over
//! `serde_json::Value` and check both directions against serde. Renaming a field in `v1` so
//! fails a native unit test, not the widget in a browser.

use crate::v1::Author;
use crate::{Handoff, Role};

/// A parsed JSON value, read leniently: a missing field or another type reads as empty.
pub trait JsonRead: Sized {
    /// The field `key` of an object (null-like when missing).
    fn get(&self, key: &str) -> Self;
    /// A string, else "".
    fn text(&self) -> String;
    /// A whole non-negative number, else 0.
    fn number(&self) -> u64;
    /// `true` only for JSON `true`.
    fn flag(&self) -> bool;
}

/// A JSON value under construction.
pub trait JsonWrite: Sized {
    fn object() -> Self;
    fn text(s: &str) -> Self;
    fn number(n: f64) -> Self;
    fn flag(b: bool) -> Self;
    fn list(items: impl Iterator<Item = Self>) -> Self;
    /// Sets field `key` of an object.
    fn set(self, key: &str, value: Self) -> Self;
}

/// One event of the desk's customer stream as the widget uses it (a view of
/// [`crate::v1::CustomerEvent`]: what the widget does not show is not read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeskEvent {
    /// `author` is `customer` or `agent`; `client_id` is empty for agents.
    Message {
        author: String,
        name: String,
        text: String,
        client_id: String,
    },
    /// `handoff.status`: `queued`, `accepted`, `failed`, `completed`, `returned_to_bot`.
    Status {
        status: String,
        position: u32,
        wait_secs: u64,
        reason: String,
    },
    Joined(String),
    Left(String),
    Escalated {
        to_tier: String,
    },
    Transferred {
        to_department: String,
    },
    Typing(bool),
    Resolved,
}

/// Decodes a stream event from its SSE type and parsed data.
pub fn decode<J: JsonRead>(kind: &str, v: &J) -> Option<DeskEvent> {
    let s = |k| v.get(k).text();
    Some(match kind {
        "message" => {
            let m = v.get("message");
            DeskEvent::Message {
                author: m.get("author").text(),
                name: m.get("author_name").text(),
                text: m.get("text").text(),
                client_id: m.get("client_id").text(),
            }
        }
        "handoff.status" => DeskEvent::Status {
            status: s("status"),
            position: u32::try_from(v.get("position").number()).unwrap_or(u32::MAX),
            wait_secs: v.get("estimated_wait_secs").number(),
            reason: s("reason"),
        },
        "agent.joined" => DeskEvent::Joined(s("agent_name")),
        "agent.left" => DeskEvent::Left(s("agent_name")),
        "escalated" => DeskEvent::Escalated { to_tier: s("to_tier") },
        "transferred" => DeskEvent::Transferred { to_department: s("to_department") },
        "typing" => DeskEvent::Typing(v.get("typing").flag()),
        "resolved" => DeskEvent::Resolved,
        _ => return None,
    })
}

/// `POST /v1/conversations` ([`crate::v1::StartConversation`]). `customer` is the identity the
/// host page gave, already parsed (JSON null when none).
pub fn start<J: JsonWrite>(
    site_key: &str,
    client_key: Option<&str>,
    locale: &str,
    page_url: &str,
    customer: J,
) -> J {
    let body = J::object()
        .set("site_key", J::text(site_key))
        .set("locale", J::text(locale))
        .set("page_url", J::text(page_url))
        .set("customer", customer);
    match client_key {
        Some(k) => body.set("client_key", J::text(k)),
        None => body,
    }
}

/// `POST .../messages` ([`crate::v1::PostMessage`]).
pub fn message<J: JsonWrite>(client_id: &str, text: &str) -> J {
    J::object().set("client_id", J::text(client_id)).set("text", J::text(text))
}

/// `POST .../ticket` ([`crate::v1::TicketRequest`]); `transcript` from [`transcript`].
pub fn ticket<J: JsonWrite>(name: &str, email: &str, message: &str, transcript: J) -> J {
    J::object()
        .set("name", J::text(name))
        .set("email", J::text(email))
        .set("message", J::text(message))
        .set("transcript", transcript)
}

/// `POST .../rating` ([`crate::v1::Rating`]); a blank comment is left out.
pub fn rating<J: JsonWrite>(score: u8, comment: &str) -> J {
    let body = J::object().set("score", J::number(f64::from(score)));
    if comment.trim().is_empty() {
        body
    } else {
        body.set("comment", J::text(comment))
    }
}

/// `POST .../transcript` ([`crate::v1::TranscriptRequest`]) to the address the customer typed.
pub fn transcript_request<J: JsonWrite>(email: &str) -> J {
    J::object().set("email", J::text(email))
}

/// `POST .../typing` ([`crate::v1::Typing`]).
pub fn typing<J: JsonWrite>(typing: bool) -> J {
    J::object().set("typing", J::flag(typing))
}

/// The answer to a start ([`crate::v1::ConversationStarted`]): id and token.
pub fn started<J: JsonRead>(v: &J) -> (String, String) {
    (v.get("conversation_id").text(), v.get("token").text())
}

/// The answer to a handoff ([`crate::v1::HandoffState`]), as the widget uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoffAnswer {
    pub status: String,
    pub position: u32,
    pub wait_secs: u64,
    pub agent_name: String,
    pub offline_reason: String,
}

pub fn handoff_answer<J: JsonRead>(v: &J) -> HandoffAnswer {
    HandoffAnswer {
        status: v.get("status").text(),
        position: u32::try_from(v.get("position").number()).unwrap_or(u32::MAX),
        wait_secs: v.get("estimated_wait_secs").number(),
        agent_name: v.get("agent_name").text(),
        offline_reason: v.get("offline_reason").text(),
    }
}

/// The answer to a ticket ([`crate::v1::Ticket`]): its id and when an answer is promised.
pub fn ticket_answer<J: JsonRead>(v: &J) -> (u64, String) {
    (v.get("id").number(), v.get("answer_expected_by").text())
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Customer => "customer",
        Role::Bot => "bot",
        Role::Agent => "agent",
        Role::System => "system",
    }
}

fn author_name(author: Author) -> &'static str {
    match author {
        Author::Customer => "customer",
        Author::Bot => "bot",
        Author::Agent => "agent",
        Author::System => "system",
    }
}

/// `POST /v1/conversations/{id}/handoff`: the bot's handoff with its whole context
/// ([`crate::v1::HandoffRequest`]).
pub fn handoff<J: JsonWrite>(h: &Handoff) -> J {
    let transcript = h.transcript.iter().map(|t| {
        let e = J::object().set("role", J::text(role_name(t.role))).set("text", J::text(&t.text));
        match &t.intent {
            Some(intent) => e.set("intent", J::text(intent)),
            None => e,
        }
    });
    let intents = h.intents.iter().map(|i| {
        J::object()
            .set("intent", J::text(&i.intent))
            .set("confidence", J::number(f64::from(i.confidence)))
            .set("turn", J::number(f64::from(i.turn)))
    });
    let slots = h.slots.iter().fold(J::object(), |o, (k, v)| o.set(k, J::text(v)));
    let body = J::object()
        .set("reason", J::text(h.reason.as_str()))
        .set("detail", J::text(&h.detail))
        .set("department", J::text(&h.department))
        .set("tier", J::text(&h.tier))
        .set("priority", J::text(&h.priority))
        .set("locale", J::text(&h.locale))
        .set("transcript", J::list(transcript))
        .set("intents", J::list(intents))
        .set("slots", slots);
    let body = match &h.article {
        Some(a) => body.set("article", J::text(a)),
        None => body,
    };
    match &h.page_url {
        Some(u) => body.set("page_url", J::text(u)),
        None => body,
    }
}

/// A ticket's transcript ([`crate::TranscriptEntry`] lines without intents): what the customer
/// saw, in order.
pub fn transcript<'a, J: JsonWrite>(lines: impl Iterator<Item = (Author, &'a str)>) -> J {
    J::list(
        lines
            .map(|(who, text)| J::object().set("role", J::text(author_name(who))).set("text", J::text(text))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::v1::{CustomerEvent, HandoffRequest, Message, TicketRequest};
    use crate::{HandoffReason, IntentHit, TranscriptEntry};
    use serde_json::{json, Value};

    impl JsonRead for Value {
        fn get(&self, key: &str) -> Value {
            self.as_object().and_then(|o| o.get(key)).cloned().unwrap_or(Value::Null)
        }
        fn text(&self) -> String {
            self.as_str().unwrap_or_default().to_string()
        }
        fn number(&self) -> u64 {
            self.as_u64().unwrap_or(0)
        }
        fn flag(&self) -> bool {
            self.as_bool() == Some(true)
        }
    }

    impl JsonWrite for Value {
        fn object() -> Value {
            json!({})
        }
        fn text(s: &str) -> Value {
            Value::from(s)
        }
        fn number(n: f64) -> Value {
            // As JSON.stringify writes them: whole numbers without a fraction.
            if n.fract() == 0.0 && n.abs() < 9e15 {
                Value::from(n as i64)
            } else {
                Value::from(n)
            }
        }
        fn flag(b: bool) -> Value {
            Value::Bool(b)
        }
        fn list(items: impl Iterator<Item = Value>) -> Value {
            Value::Array(items.collect())
        }
        fn set(mut self, key: &str, value: Value) -> Value {
            if let Some(o) = self.as_object_mut() {
                o.insert(key.to_string(), value);
            }
            self
        }
    }

    fn message(author: Author, name: Option<&str>, client_id: Option<&str>) -> Message {
        Message {
            id: 7,
            client_id: client_id.map(str::to_string),
            author,
            author_name: name.map(str::to_string),
            text: "Hallo, hier ist Ana.".into(),
            internal: false,
            created_at: "2026-12-07T09:00:00Z".into(),
        }
    }

    /// Every variant as the desk sends it, and what the widget must make of it.
    fn events() -> Vec<(CustomerEvent, DeskEvent)> {
        let s = |x: &str| x.to_string();
        vec![
            (
                CustomerEvent::Message { message: message(Author::Agent, Some("Ana"), None) },
                DeskEvent::Message {
                    author: s("agent"),
                    name: s("Ana"),
                    text: s("Hallo, hier ist Ana."),
                    client_id: s(""),
                },
            ),
            (
                CustomerEvent::Message { message: message(Author::Customer, None, Some("c-1")) },
                DeskEvent::Message {
                    author: s("customer"),
                    name: s(""),
                    text: s("Hallo, hier ist Ana."),
                    client_id: s("c-1"),
                },
            ),
            (
                CustomerEvent::HandoffStatus {
                    status: s("queued"),
                    position: Some(3),
                    estimated_wait_secs: Some(120),
                    reason: Some(s("busy")),
                },
                DeskEvent::Status { status: s("queued"), position: 3, wait_secs: 120, reason: s("busy") },
            ),
            (
                CustomerEvent::HandoffStatus {
                    status: s("accepted"),
                    position: None,
                    estimated_wait_secs: None,
                    reason: None,
                },
                DeskEvent::Status { status: s("accepted"), position: 0, wait_secs: 0, reason: s("") },
            ),
            (CustomerEvent::AgentJoined { agent_name: s("Ana") }, DeskEvent::Joined(s("Ana"))),
            (CustomerEvent::AgentLeft { agent_name: s("Ana") }, DeskEvent::Left(s("Ana"))),
            (
                CustomerEvent::Escalated {
                    from_tier: s("agent"),
                    to_tier: s("supervisor"),
                    reason: s("sla"),
                },
                DeskEvent::Escalated { to_tier: s("supervisor") },
            ),
            (
                CustomerEvent::Transferred { from_department: s("orders"), to_department: s("billing") },
                DeskEvent::Transferred { to_department: s("billing") },
            ),
            (CustomerEvent::Typing { author: Author::Agent, typing: true }, DeskEvent::Typing(true)),
            (CustomerEvent::Typing { author: Author::Agent, typing: false }, DeskEvent::Typing(false)),
            (CustomerEvent::Resolved {}, DeskEvent::Resolved),
        ]
    }

    #[test]
    fn every_stream_event_the_desk_sends_decodes_to_what_the_widget_shows() {
        for (sent, shown) in events() {
            let data = serde_json::to_value(&sent).expect("serialises");
            assert_eq!(decode(sent.kind(), &data), Some(shown), "{sent:?} as {data}");
        }
        assert_eq!(decode("something.new", &json!({})), None, "unknown events are skipped");
    }

    fn sample_handoff(article: Option<&str>) -> Handoff {
        Handoff {
            reason: HandoffReason::Frustration,
            detail: "3 messages not understood".into(),
            department: "billing".into(),
            tier: "agent".into(),
            priority: "high".into(),
            locale: "bg".into(),
            transcript: vec![
                TranscriptEntry {
                    role: Role::Customer,
                    text: "Къде е поръчката ми?".into(),
                    intent: Some("order_status".into()),
                },
                TranscriptEntry {
                    role: Role::Bot, text: "Моля, номера на поръчката.".into(), intent: None
                },
            ],
            intents: vec![IntentHit { intent: "order_status".into(), confidence: 0.5, turn: 0 }],
            slots: [("order_number".to_string(), "FH-123456".to_string())].into_iter().collect(),
            article: article.map(str::to_string),
            page_url: Some("https://shop.example/orders".into()),
        }
    }

    #[test]
    fn the_handoff_the_widget_writes_is_the_desks_handoff_request_field_for_field() {
        for article in [None, Some("returns")] {
            let h = sample_handoff(article);
            let written: Value = handoff(&h);
            let read: HandoffRequest = serde_json::from_value(written.clone()).expect("the desk reads it");
            // Nothing lost or misnamed on the way: the desk's type holds exactly what was written,
            // and it is what the bot decided.
            assert_eq!(serde_json::to_value(&read).expect("serialises"), written);
            assert_eq!(read, HandoffRequest::from(h));
        }
    }

    /// What the desk reads of `written` as a `T`, written back: equal to `written` when every
    /// field the widget wrote is one the desk knows by that name.
    fn desk_reads<T: serde::de::DeserializeOwned + serde::Serialize>(written: &Value) -> T {
        let read: T = serde_json::from_value(written.clone()).unwrap_or_else(|e| panic!("{written}: {e}"));
        assert_eq!(
            &serde_json::to_value(&read).expect("serialises"),
            written,
            "a field the desk does not know"
        );
        read
    }

    #[test]
    fn every_request_body_the_widget_writes_is_the_desks_type_field_for_field() {
        use crate::v1::{PostMessage, Rating, StartConversation, TranscriptRequest, Typing};
        let begun: StartConversation = desk_reads(
            &super::start::<Value>("demo", Some("k-1"), "cs", "https://shop.example/", Value::Null)
                .set("customer", json!({"name": "Jana"})),
        );
        assert_eq!(
            (begun.site_key.as_str(), begun.client_key.as_deref(), begun.locale.as_str()),
            ("demo", Some("k-1"), "cs")
        );
        // No key (no CSPRNG) and no customer: both absent for the desk.
        let bare: Value = super::start("demo", None, "en", "", Value::Null);
        let read: StartConversation = serde_json::from_value(bare).expect("the desk reads it");
        assert_eq!((read.client_key, read.customer), (None, None));
        let m: PostMessage = desk_reads(&super::message::<Value>("c-1", "Hallo"));
        assert_eq!((m.client_id.as_str(), m.text.as_str()), ("c-1", "Hallo"));
        let r: Rating = desk_reads(&rating::<Value>(4, "Schnell und nett"));
        assert_eq!((r.score, r.comment.as_deref()), (4, Some("Schnell und nett")));
        let r: Rating = desk_reads(&rating::<Value>(2, "  "));
        assert_eq!(r.comment, None);
        let t: TranscriptRequest = desk_reads(&transcript_request::<Value>("eva@example.com"));
        assert_eq!(t.email.as_deref(), Some("eva@example.com"));
        let t: Typing = desk_reads(&super::typing::<Value>(true));
        assert!(t.typing);
        let lines: Value = transcript([(Author::Customer, "Wo ist mein Paket?")].into_iter());
        let t: TicketRequest =
            desk_reads(&ticket::<Value>("Jana", "jana@example.com", "Bitte melden", lines));
        assert_eq!(t.transcript[0].text, "Wo ist mein Paket?");
    }

    #[test]
    fn every_answer_the_widget_reads_comes_out_of_the_desks_type() {
        use crate::v1::{ConversationStarted, ConversationStatus, HandoffState, Ticket};
        let started_v = serde_json::to_value(ConversationStarted {
            conversation_id: "c1".into(),
            token: "t0k".into(),
            status: ConversationStatus::Bot,
        })
        .expect("serialises");
        assert_eq!(started(&started_v), ("c1".to_string(), "t0k".to_string()));
        let state = HandoffState {
            conversation_id: "c1".into(),
            status: ConversationStatus::Queued,
            department: Some("billing".into()),
            tier: Some("agent".into()),
            priority: Some("normal".into()),
            position: Some(2),
            estimated_wait_secs: Some(90),
            agent_name: Some("Ana".into()),
            offline_reason: Some("outside_hours".into()),
            last_event_id: 5,
        };
        let got = handoff_answer(&serde_json::to_value(&state).expect("serialises"));
        let want = HandoffAnswer {
            status: "queued".into(),
            position: 2,
            wait_secs: 90,
            agent_name: "Ana".into(),
            offline_reason: "outside_hours".into(),
        };
        assert_eq!(got, want);
        let ticket_v = json!({
            "id": 42, "site_key": "demo", "name": "Jana", "email": "jana@example.com", "message": "m",
            "transcript": [], "created_at": "2026-12-07T09:00:00Z", "answer_expected_by": "2026-12-08T09:00:00Z",
        });
        let t: Ticket = serde_json::from_value(ticket_v).expect("a ticket");
        let v = serde_json::to_value(&t).expect("serialises");
        assert_eq!(ticket_answer(&v), (42, "2026-12-08T09:00:00Z".to_string()));
    }

    #[test]
    fn the_ticket_transcript_the_widget_writes_is_what_a_ticket_request_holds() {
        let written: Value = transcript(
            [(Author::Customer, "Wo ist mein Paket?"), (Author::Bot, "Hier klicken.")].into_iter(),
        );
        let body = json!({ "name": "Jana", "email": "jana@example.com", "message": "Bitte melden", "transcript": written });
        let read: TicketRequest = serde_json::from_value(body.clone()).expect("the desk reads it");
        assert_eq!(serde_json::to_value(&read).expect("serialises"), body);
        assert_eq!(read.transcript[1].role, Role::Bot);
    }
}
