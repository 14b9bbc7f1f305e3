//! The chat as a ticket's transcript (what the customer saw, in order); the JSON itself is
//! written by handoff_protocol::lite, next to the desk's types.

use super::api::Js;
use crate::state::{Message, Speaker};
use handoff_protocol::lite;
use handoff_protocol::v1::Author;

pub fn transcript(messages: &[Message]) -> Js {
    lite::transcript(messages.iter().filter(|m| m.speaker != Speaker::System).map(|m| {
        let who = match m.speaker {
            Speaker::Bot => Author::Bot,
            Speaker::Customer => Author::Customer,
            Speaker::System => Author::System,
            Speaker::Agent => Author::Agent,
        };
        (who, m.text.as_str())
    }))
}
