//! The open conversation as the console shows it. Two paths bring its messages: a reload
//! (`GET /v1/agent/conversations/{id}`, after every send, move and reconnect) and the live
//! event stream. A customer message committed while a reload is in flight reaches the stream
//! first; the reload's answer, read before that commit, must not make it vanish again.

use handoff_protocol::v1::{ConversationDetail, Message};

/// What to show once a reload answered `fresh`, `shown` being what is on screen now: the
/// fresh detail, plus the messages the stream delivered that are newer than anything in it.
pub fn after_reload(shown: Option<&ConversationDetail>, mut fresh: ConversationDetail) -> ConversationDetail {
    let Some(shown) = shown.filter(|s| s.summary.conversation_id == fresh.summary.conversation_id) else {
        return fresh;
    };
    let newest = fresh.messages.iter().map(|m| m.id).max().unwrap_or(i64::MIN);
    fresh.messages.extend(shown.messages.iter().filter(|m| m.id > newest).cloned());
    fresh
}

/// Adds a message from the stream unless it is already shown (the stream resumes after a
/// reconnect and a reload may have brought it).
pub fn add_live(d: &mut ConversationDetail, message: &Message) {
    if !d.messages.iter().any(|m| m.id == message.id) {
        d.messages.push(message.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use handoff_protocol::v1::{Author, ConversationSummary};

    fn message(id: i64, text: &str) -> Message {
        Message {
            id,
            client_id: None,
            author: Author::Customer,
            author_name: None,
            text: text.into(),
            internal: false,
            created_at: "2026-12-07T09:00:00Z".into(),
        }
    }

    fn detail(conversation: &str, ids: &[i64]) -> ConversationDetail {
        let summary: ConversationSummary = serde_json::from_value(serde_json::json!({
            "conversation_id": conversation, "site_key": "demo", "status": "assigned",
            "department": null, "tier": null, "priority": null, "reason": null, "locale": "en",
        }))
        .expect("a summary");
        ConversationDetail {
            summary,
            handoff: None,
            messages: ids.iter().map(|&i| message(i, &format!("m{i}"))).collect(),
            audit: vec![],
            customer: None,
        }
    }

    fn ids(d: &ConversationDetail) -> Vec<i64> {
        d.messages.iter().map(|m| m.id).collect()
    }

    #[test]
    fn a_message_the_stream_brought_during_a_reload_stays() {
        let mut shown = detail("c1", &[1, 2]);
        add_live(&mut shown, &message(3, "Great, when does it arrive?"));
        // The reload read the conversation before message 3 was committed.
        let after = after_reload(Some(&shown), detail("c1", &[1, 2]));
        assert_eq!(ids(&after), [1, 2, 3]);
    }

    #[test]
    fn a_reload_that_has_everything_replaces_what_is_shown() {
        let mut shown = detail("c1", &[1, 2]);
        add_live(&mut shown, &message(3, "x"));
        let after = after_reload(Some(&shown), detail("c1", &[1, 2, 3, 4]));
        assert_eq!(ids(&after), [1, 2, 3, 4]);
    }

    #[test]
    fn another_conversation_shown_before_brings_nothing_along() {
        let shown = detail("c0", &[7, 8, 9]);
        assert_eq!(ids(&after_reload(Some(&shown), detail("c1", &[1]))), [1]);
        assert_eq!(ids(&after_reload(None, detail("c1", &[1]))), [1]);
    }

    #[test]
    fn the_stream_adds_a_message_once() {
        let mut d = detail("c1", &[1]);
        add_live(&mut d, &message(2, "a"));
        add_live(&mut d, &message(2, "a"));
        add_live(&mut d, &message(1, "m1"));
        assert_eq!(ids(&d), [1, 2]);
    }
}
