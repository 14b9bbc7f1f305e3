//! Property tests (issue 14): decoding what arrives over the wire never panics, and what the
//! desk sends decodes back to itself.
//!
//! The widget reads the desk's customer events with the browser's own `JSON.parse` and field
//! look-ups that fall back to empty values (src/live/client.rs `decode`, src/live/api.rs): total
//! by construction, and only runnable in a browser. These properties cover the same bytes on the
//! serde side, which the desk, the console and the tools use: any text, any JSON value, and
//! every event shape with arbitrary strings and numbers.

use handoff_protocol::v1::{
    Author, CustomerEvent, HandoffRequest, Message, StartConversation, TicketRequest,
};
use proptest::prelude::*;
use serde_json::Value;

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        prop::sample::select(vec!["message", "handoff.status", "typing", "resolved", "agent.joined"])
            .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "type",
                    "message",
                    "id",
                    "author",
                    "text",
                    "status",
                    "position",
                    "typing",
                    "agent_name",
                    "created_at",
                    "client_id",
                    "x",
                ])
                .prop_map(String::from),
                inner,
                0..6,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn event() -> impl Strategy<Value = CustomerEvent> {
    let author = prop::sample::select(vec![Author::Customer, Author::Agent, Author::Bot, Author::System]);
    prop_oneof![
        (any::<i64>(), any::<Option<String>>(), author.clone(), any::<String>(), any::<bool>()).prop_map(
            |(id, client_id, author, text, internal)| CustomerEvent::Message {
                message: Message {
                    id,
                    client_id,
                    author,
                    author_name: None,
                    text,
                    internal,
                    created_at: "2026-01-01T00:00:00.000Z".into(),
                },
            }
        ),
        (any::<String>(), any::<Option<u32>>(), any::<Option<u64>>(), any::<Option<String>>()).prop_map(
            |(status, position, estimated_wait_secs, reason)| CustomerEvent::HandoffStatus {
                status,
                position,
                estimated_wait_secs,
                reason,
            }
        ),
        any::<String>().prop_map(|agent_name| CustomerEvent::AgentJoined { agent_name }),
        (author, any::<bool>()).prop_map(|(author, typing)| CustomerEvent::Typing { author, typing }),
        Just(CustomerEvent::Resolved {}),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_text_decodes_or_fails_cleanly(text in any::<String>()) {
        let _ = serde_json::from_str::<CustomerEvent>(&text);
        let _ = serde_json::from_str::<HandoffRequest>(&text);
    }

    #[test]
    fn any_json_decodes_or_fails_cleanly(v in json_value()) {
        let text = v.to_string();
        let _ = serde_json::from_str::<CustomerEvent>(&text);
        let _ = serde_json::from_str::<HandoffRequest>(&text);
        let _ = serde_json::from_str::<StartConversation>(&text);
        let _ = serde_json::from_str::<TicketRequest>(&text);
    }

    #[test]
    fn every_event_the_desk_sends_decodes_to_itself(e in event()) {
        let text = serde_json::to_string(&e).expect("events serialise");
        let back: CustomerEvent = serde_json::from_str(&text).expect("and decode");
        prop_assert_eq!(back.kind(), e.kind());
        prop_assert_eq!(back, e);
    }
}
