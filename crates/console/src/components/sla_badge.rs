//! The live SLA countdown of one conversation: green, amber near the deadline, red past it.

use crate::app::ctx;
use crate::i18n::{fill, Key};
use crate::sla::{SlaClock, SlaLevel};
use crate::time::clock;
use handoff_protocol::v1::ConversationSummary;
use leptos::prelude::*;

#[component]
pub fn SlaBadge(conversation: ConversationSummary) -> impl IntoView {
    let c = ctx();
    let clock_of = SlaClock::of(&conversation);
    move || {
        clock_of.map(|s| {
            let now = c.now.get();
            let level = s.level(now);
            let left = s.remaining(now);
            let text = if level == SlaLevel::Breached {
                fill(c.t(Key::SlaOver), &[("time", &clock(-left))])
            } else {
                fill(c.t(Key::SlaLeft), &[("time", &clock(left))])
            };
            let icon = match level {
                SlaLevel::Ok => "●",
                SlaLevel::Near => "▲",
                SlaLevel::Breached => "■",
            };
            view! { <span class=level.class()><span aria-hidden="true">{icon}" "</span>{text}</span> }
        })
    }
}
