//! What desk instances tell each other through PostgreSQL's LISTEN/NOTIFY, on one channel.
//!
//! Only wake-ups and ephemeral events travel here, never a persisted event's content: a stream
//! that is woken reads the stored log, so a notification lost while a listener was disconnected
//! costs latency, not data (the listener wakes every local stream when it reconnects). A
//! payload is limited to 8,000 bytes by PostgreSQL, so agent lists are split and ephemeral
//! events are dropped (with a warning) when they would not fit.
//!
//! One line per notification, fields separated by a single space; the last field may contain
//! spaces (JSON):
//! - `c <instance> <conversation id> <seq>`: the conversation's events up to `seq` are committed;
//! - `a <instance> <agent id>,<agent id>,...`: new notices for these agents are committed;
//! - `t <instance> <conversation id> <CustomerEvent JSON>`: typing for the customer's stream;
//! - `u <instance> <agent id> <AgentEvent JSON>`: typing for an agent's streams;
//! - `s <instance> <session token hash>`: that session ended (logout): its streams close.
//!
//! `<instance>` is the sender's random id: an instance skips its own notifications, having
//! woken its local streams already.

use crate::db::Commit;

/// The LISTEN/NOTIFY channel.
pub const CHANNEL: &str = "handoff_live";

/// PostgreSQL refuses payloads of 8,000 bytes or more; stay well below.
pub const MAX_PAYLOAD: usize = 7_900;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wake {
    Conversation { id: String, seq: i64 },
    Agents(Vec<i64>),
    CustomerTyping { conversation: String, event_json: String },
    AgentTyping { agent: i64, event_json: String },
    SessionEnded { token_hash: String },
}

/// The wake-ups a commit causes: its conversation (if it stored events) and every agent it
/// stored notices for.
pub fn of_commit(c: &Commit) -> Vec<Wake> {
    let mut out = Vec::new();
    if !c.events.is_empty() {
        out.push(Wake::Conversation { id: c.conversation.id.clone(), seq: c.conversation.last_seq });
    }
    let mut agents: Vec<i64> = c.notices.iter().map(|n| n.agent_id).collect();
    agents.sort_unstable();
    agents.dedup();
    if !agents.is_empty() {
        out.push(Wake::Agents(agents));
    }
    out
}

/// The payloads for one wake-up (several when an agent list is long; none when an ephemeral
/// event is too large to send).
pub fn encode(instance: &str, w: &Wake) -> Vec<String> {
    let one = |s: String| if s.len() < MAX_PAYLOAD { vec![s] } else { Vec::new() };
    match w {
        Wake::Conversation { id, seq } => one(format!("c {instance} {id} {seq}")),
        Wake::Agents(ids) => {
            let head = format!("a {instance} ");
            let mut out = Vec::new();
            let mut cur = head.clone();
            for id in ids {
                let part = id.to_string();
                if cur.len() + part.len() + 1 >= MAX_PAYLOAD && cur.len() > head.len() {
                    out.push(std::mem::replace(&mut cur, head.clone()));
                }
                if cur.len() > head.len() {
                    cur.push(',');
                }
                cur.push_str(&part);
            }
            if cur.len() > head.len() {
                out.push(cur);
            }
            out
        }
        Wake::CustomerTyping { conversation, event_json } => {
            one(format!("t {instance} {conversation} {event_json}"))
        }
        Wake::AgentTyping { agent, event_json } => one(format!("u {instance} {agent} {event_json}")),
        Wake::SessionEnded { token_hash } => one(format!("s {instance} {token_hash}")),
    }
}

/// Parses a payload: `(sender instance, wake-up)`, `None` when it is not one of ours.
pub fn decode(payload: &str) -> Option<(String, Wake)> {
    let (kind, rest) = payload.split_once(' ')?;
    let (instance, rest) = rest.split_once(' ')?;
    let wake = match kind {
        "c" => {
            let (id, seq) = rest.split_once(' ')?;
            Wake::Conversation { id: id.to_string(), seq: seq.parse().ok()? }
        }
        "a" => Wake::Agents(rest.split(',').map(|s| s.parse().ok()).collect::<Option<Vec<i64>>>()?),
        "t" => {
            let (conversation, json) = rest.split_once(' ')?;
            Wake::CustomerTyping { conversation: conversation.to_string(), event_json: json.to_string() }
        }
        "u" => {
            let (agent, json) = rest.split_once(' ')?;
            Wake::AgentTyping { agent: agent.parse().ok()?, event_json: json.to_string() }
        }
        "s" => Wake::SessionEnded { token_hash: rest.to_string() },
        _ => return None,
    };
    Some((instance.to_string(), wake))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_wake_up_survives_the_round_trip() {
        let all = [
            Wake::Conversation { id: "c_1".into(), seq: 42 },
            Wake::Agents(vec![1, 2, 30]),
            Wake::CustomerTyping {
                conversation: "c_1".into(),
                event_json: r#"{"type":"typing","a b":1}"#.into(),
            },
            Wake::AgentTyping { agent: 7, event_json: r#"{"type":"typing"}"#.into() },
            Wake::SessionEnded { token_hash: "abc".into() },
        ];
        for w in all {
            let p = encode("i1", &w);
            assert_eq!(p.len(), 1);
            assert_eq!(decode(&p[0]), Some(("i1".to_string(), w)));
        }
    }

    #[test]
    fn long_agent_lists_are_split_under_the_limit() {
        let ids: Vec<i64> = (1_000_000..1_002_000).collect();
        let p = encode("inst", &Wake::Agents(ids.clone()));
        assert!(p.len() > 1);
        let mut back = Vec::new();
        for s in &p {
            assert!(s.len() < MAX_PAYLOAD);
            let Some((_, Wake::Agents(part))) = decode(s) else { panic!("not agents: {s}") };
            back.extend(part);
        }
        assert_eq!(back, ids);
    }

    #[test]
    fn oversized_typing_is_dropped_and_garbage_ignored() {
        let big = "x".repeat(MAX_PAYLOAD);
        assert!(encode("i", &Wake::AgentTyping { agent: 1, event_json: big }).is_empty());
        assert_eq!(decode("hello"), None);
        assert_eq!(decode("c i conv notanumber"), None);
        assert_eq!(decode("z i x"), None);
    }
}
