//! The open conversation as one timeline ([`crate::timeline`]): what the customer said to the
//! bot, the moment it was handed over, then every message and internal note, oldest first.
//! Every text is a text node: markup a customer typed shows as the characters they typed.

use crate::app::{ctx, Ctx};
use crate::i18n::{self, fill, Key};
use crate::time::hh_mm;
use crate::timeline::{self, Line};
use handoff_protocol::v1::{AuditKind, Author};
use leptos::prelude::*;

fn author(c: Ctx, l: &Line) -> String {
    match l.author {
        Author::Customer => c.t(Key::Customer).to_string(),
        Author::Bot => c.t(Key::Bot).to_string(),
        Author::System => c.t(Key::System).to_string(),
        Author::Agent => l.name.clone().unwrap_or_default(),
    }
}

fn line(c: Ctx, l: Line) -> impl IntoView {
    let class = format!(
        "msg msg-{}{}{}",
        match l.author {
            Author::Customer => "customer",
            Author::Agent => "agent",
            Author::Bot => "bot",
            Author::System => "system",
        },
        if l.internal { " msg-internal" } else { "" },
        if l.with_bot { " msg-before" } else { "" },
    );
    let who = author(c, &l);
    view! {
        <li class=class>
            <p class="msg-meta">
                <span class="who">{who}</span>
                {l.internal.then(|| view! { <span class="tag">{move || c.t(Key::InternalTag)}</span> })}
                {l.at.map(|at| view! { <time datetime=at.clone()>{hh_mm(&at)}</time> })}
            </p>
            <p class="msg-text">{l.text}</p>
        </li>
    }
}

#[component]
pub fn MessageList() -> impl IntoView {
    let c = ctx();
    let all = Memo::new(move |_| c.detail.with(|d| d.as_ref().map(timeline::lines).unwrap_or_default()));
    let before = move || all.with(|l| l.iter().filter(|l| l.with_bot).cloned().collect::<Vec<_>>());
    let after = move || all.with(|l| l.iter().filter(|l| !l.with_bot).cloned().collect::<Vec<_>>());
    // When and why it came to a person: the handoff's audit row.
    let handed = Memo::new(move |_| {
        c.detail.with(|d| {
            let d = d.as_ref()?;
            let a = d.audit.iter().find(|a| a.kind == AuditKind::Handoff)?;
            let reason = d
                .handoff
                .as_ref()
                .and_then(|h| serde_json::to_value(h.reason).ok())
                .and_then(|v| v.as_str().map(str::to_string));
            Some((a.at.clone(), reason.unwrap_or_else(|| a.reason.clone())))
        })
    });
    view! {
        <div class="messages" role="log" aria-live="polite" aria-relevant="additions">
            <Show when=move || all.with(|l| l.iter().any(|l| l.with_bot))>
                <h3 class="phase">{move || c.t(Key::WithBot)}</h3>
                <ol class="msg-list">{move || before().into_iter().map(|l| line(c, l)).collect_view()}</ol>
            </Show>
            {move || handed.get().map(|(at, reason)| {
                let text = fill(c.t(Key::HandedOver), &[("reason", &i18n::reason(&c.locale.get(), &reason))]);
                view! { <p class="phase handed"><span>{text}</span>" "<time datetime=at.clone()>{hh_mm(&at)}</time></p> }
            })}
            <ol class="msg-list">
                <For each=after key=|l| l.key.clone() let:l>
                    {line(c, l)}
                </For>
            </ol>
        </div>
    }
}
