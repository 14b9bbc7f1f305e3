//! The messages of the open conversation, oldest first. Every text is a text node: markup a
//! customer typed shows as the characters they typed.

use crate::app::ctx;
use crate::i18n::Key;
use crate::time::hh_mm;
use handoff_protocol::v1::{Author, Message};
use leptos::prelude::*;

fn author(c: crate::app::Ctx, m: &Message) -> String {
    match m.author {
        Author::Customer => c.t(Key::Customer).to_string(),
        Author::Bot => c.t(Key::Bot).to_string(),
        Author::System => c.t(Key::System).to_string(),
        Author::Agent => m.author_name.clone().unwrap_or_default(),
    }
}

#[component]
pub fn MessageList() -> impl IntoView {
    let c = ctx();
    let messages = move || c.detail.with(|d| d.as_ref().map(|d| d.messages.clone()).unwrap_or_default());
    view! {
        <div class="messages" role="log" aria-live="polite" aria-relevant="additions"><ol class="msg-list">
            <For each=messages key=|m| (m.id, m.internal) let:m>
                {
                    let who = author(c, &m);
                    let class = format!(
                        "msg msg-{}{}",
                        match m.author { Author::Customer => "customer", Author::Agent => "agent", Author::Bot => "bot", Author::System => "system" },
                        if m.internal { " msg-internal" } else { "" }
                    );
                    view! {
                        <li class=class>
                            <p class="msg-meta">
                                <span class="who">{who}</span>
                                {m.internal.then(|| view! { <span class="tag">{move || c.t(Key::InternalTag)}</span> })}
                                <time datetime=m.created_at.clone()>{hh_mm(&m.created_at)}</time>
                            </p>
                            <p class="msg-text">{m.text.clone()}</p>
                        </li>
                    }
                }
            </For>
        </ol></div>
    }
}
