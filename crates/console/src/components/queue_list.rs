//! The left column: my conversations, then every queue (department / tier) in service order
//! with priority, wait time and the SLA countdown.

use super::sla_badge::SlaBadge;
use crate::app::{ctx, open, Ctx};
use crate::i18n::{fill, Key};
use crate::queue::{self, group, waited};
use crate::time::clock;
use handoff_protocol::v1::{ConversationStatus, ConversationSummary};
use leptos::prelude::*;

fn item(c: Ctx, conv: ConversationSummary) -> impl IntoView {
    let id = conv.conversation_id.clone();
    let id_open = id.clone();
    let id_unread = id.clone();
    let current = Memo::new(move |_| c.open_id.with(|o| o.as_deref() == Some(id.as_str())));
    let queued = conv.clone();
    // Waiting only while it waits; an assigned chat says whose it is.
    let wait = move || match queued.status {
        ConversationStatus::Queued => {
            fill(c.t(Key::Waited), &[("time", &clock(waited(&queued, c.now.get())))])
        }
        _ if queued.agent_id.is_some() && queued.agent_id == c.me.with(|m| m.as_ref().map(|m| m.id)) => {
            match queue::with_you(&queued, c.now.get()) {
                Some(ms) => fill(c.t(Key::WithYouFor), &[("time", &clock(ms))]),
                None => c.t(Key::WithYou).to_string(),
            }
        }
        _ => c.t(Key::Assigned).to_string(),
    };
    let prio = conv.priority.clone().unwrap_or_default();
    let short: String = conv.conversation_id.chars().take(6).collect();
    let label = format!(
        "{} · {}",
        c.department(&conv.site_key, conv.department.as_deref().unwrap_or_default()),
        crate::i18n::customer_language(&conv.locale)
    );
    view! {
        <li>
            <button type="button" class="conv-item" class:current=current
                aria-current=move || current.get().then_some("true")
                on:click=move |_| open(c, id_open.clone())>
                <span class=format!("prio prio-{prio}")>{prio.clone()}</span>
                <span class="conv-label">{label}</span>
                <span class="conv-id">"#"{short}</span>
                {move || {
                    let n = c.unread.with(|u| u.get(&id_unread).copied().unwrap_or(0));
                    (n > 0).then(|| view! {
                        <span class="unread">{n}<span class="sr-only">" "{c.t(Key::Unread)}</span></span>
                    })
                }}
                <span class="conv-meta">
                    <span class="wait">{wait}</span>
                    <SlaBadge conversation=conv.clone()/>
                </span>
            </button>
        </li>
    }
}

#[component]
pub fn QueueList() -> impl IntoView {
    let c = ctx();
    let mine = move || {
        let mut list = c.mine.get();
        queue::sort(&mut list);
        list
    };
    view! {
        <nav class="lists" aria-label=move || c.t(Key::Work)>
            <section aria-labelledby="mine-h">
                <h2 id="mine-h">{move || c.t(Key::Mine)}" "<span class="count">{move || c.mine.with(Vec::len)}</span></h2>
                {move || {
                    let list = mine();
                    if list.is_empty() {
                        view! { <p class="empty">{c.t(Key::NoConversations)}</p> }.into_any()
                    } else {
                        view! { <ul class="conv-list">{list.into_iter().map(|x| item(c, x)).collect_view()}</ul> }.into_any()
                    }
                }}
            </section>
            <section aria-labelledby="queue-h">
                <h2 id="queue-h">{move || c.t(Key::Queue)}" "<span class="count">{move || c.queue.with(Vec::len)}</span></h2>
                {move || {
                    let groups = c.queue.with(|q| group(q));
                    if groups.is_empty() {
                        view! { <p class="empty">{c.t(Key::NothingWaiting)}</p> }.into_any()
                    } else {
                        groups.into_iter().map(|g| view! {
                            <h3 class="queue-h">{format!("{} · {}", c.department(&g.site_key, &g.department), g.tier)}</h3>
                            <ul class="conv-list">{g.items.into_iter().map(|x| item(c, x)).collect_view()}</ul>
                        }).collect_view().into_any()
                    }
                }}
            </section>
        </nav>
    }
}
