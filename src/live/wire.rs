//! The handoff and the transcript as JSON values for the desk (docs/protocol.md), built with
//! JS objects rather than serde (see super::api).

use super::api::Body;
use crate::state::{Message, Speaker};
use handoff_protocol::{Handoff, Role};
use js_sys::Array;
use wasm_bindgen::JsValue;

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Customer => "customer",
        Role::Bot => "bot",
        Role::Agent => "agent",
        Role::System => "system",
    }
}

/// `POST /v1/conversations/{id}/handoff`: the bot's handoff with its whole context.
pub fn handoff(h: &Handoff) -> JsValue {
    let transcript = h.transcript.iter().map(|t| {
        let mut e = Body::new().set("role", role_name(t.role)).set("text", t.text.as_str());
        if let Some(intent) = &t.intent {
            e = e.set("intent", intent.as_str());
        }
        e.value()
    });
    let intents = h.intents.iter().map(|i| {
        Body::new()
            .set("intent", i.intent.as_str())
            .set("confidence", i.confidence)
            .set("turn", i.turn)
            .value()
    });
    let mut slots = Body::new();
    for (k, v) in &h.slots {
        slots = slots.set(k, v.as_str());
    }
    let mut body = Body::new()
        .set("reason", h.reason.as_str())
        .set("detail", h.detail.as_str())
        .set("department", h.department.as_str())
        .set("tier", h.tier.as_str())
        .set("priority", h.priority.as_str())
        .set("locale", h.locale.as_str())
        .set("transcript", array(transcript))
        .set("intents", array(intents))
        .set("slots", slots.value());
    if let Some(a) = &h.article {
        body = body.set("article", a.as_str());
    }
    if let Some(u) = &h.page_url {
        body = body.set("page_url", u.as_str());
    }
    body.value()
}

/// The chat as the ticket's transcript (what the customer saw, in order).
pub fn transcript(messages: &[Message]) -> JsValue {
    array(
        messages
            .iter()
            .filter(|m| m.speaker != Speaker::System)
            .map(|m| Body::new().set("role", role(m.speaker)).set("text", m.text.as_str()).value()),
    )
}

/// A chat speaker as a transcript role.
fn role(speaker: Speaker) -> &'static str {
    match speaker {
        Speaker::Bot => "bot",
        Speaker::Customer => "customer",
        Speaker::System => "system",
        Speaker::Agent => "agent",
    }
}

/// An array of JS values.
pub(crate) fn array(items: impl IntoIterator<Item = JsValue>) -> JsValue {
    items.into_iter().collect::<Array>().into()
}
