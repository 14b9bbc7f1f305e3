//! The open conversation: header with its state and SLA, the moves, the messages with the
//! composer, and the context panel beside them.

use super::actions::Actions;
use super::composer::Composer;
use super::context_panel::ContextPanel;
use super::message_list::MessageList;
use super::sla_badge::SlaBadge;
use crate::app::ctx;
use crate::i18n::Key;
use handoff_protocol::v1::ConversationStatus;
use leptos::prelude::*;

#[component]
pub fn Conversation() -> impl IntoView {
    let c = ctx();
    // Rebuild the frame only when another conversation (or its state) is shown, not on every
    // new message, so the composer keeps its text and focus.
    let head = Memo::new(move |_| c.detail.with(|d| d.as_ref().map(|d| d.summary.clone())));
    move || match head.get() {
        None if c.open_id.with(Option::is_some) => {
            view! { <p class="empty">{c.t(Key::Loading)}</p> }.into_any()
        }
        None => view! {
            {move || c.done.get().map(|d| view! { <p class="done" role="status">{d}</p> })}
            <p class="empty">{move || c.t(Key::PickOne)}</p>
        }
        .into_any(),
        Some(s) => {
            let mine = c.me.with_untracked(|m| m.as_ref().map(|m| m.id)) == s.agent_id
                && s.status == ConversationStatus::Assigned;
            let short: String = s.conversation_id.chars().take(6).collect();
            // The name the host site identified the customer by, when it did (not a live
            // dependency: the customer is fixed when the conversation starts).
            let name =
                c.detail.with_untracked(|d| d.as_ref().and_then(|d| d.customer.as_ref()?.name.clone()));
            view! {
                <article class="conversation" aria-labelledby="conversation-title">
                    {move || c.done.get().map(|d| view! { <p class="done" role="status">{d}</p> })}
                    <header class="conv-head">
                        <h1 id="conversation-title" tabindex="-1">
                            {match name {
                                Some(n) => view! { {n}" #"{short} }.into_any(),
                                None => view! { {move || c.t(Key::Customer)}" #"{short} }.into_any(),
                            }}
                        </h1>
                        <dl class="facts">
                            <div><dt>{move || c.t(Key::Status)}</dt><dd class="status">{s.status.as_str()}</dd></div>
                            <div><dt>{move || c.t(Key::Locale)}</dt><dd class="language">{crate::i18n::customer_language(&s.locale)}</dd></div>
                            <div><dt>{move || c.t(Key::Department)}</dt><dd>{c.department(&s.site_key, s.department.as_deref().unwrap_or_default())}</dd></div>
                            <div><dt>{move || c.t(Key::Tier)}</dt><dd>{s.tier.clone()}</dd></div>
                            <div><dt>{move || c.t(Key::Priority)}</dt><dd>{s.priority.clone()}</dd></div>
                        </dl>
                        <SlaBadge conversation=s.clone()/>
                    </header>
                    <Actions summary=s.clone() mine=mine/>
                    <div class="conv-body">
                        <section class="thread" aria-labelledby="messages-h">
                            <h2 id="messages-h" class="sr-only">{move || c.t(Key::Messages)}</h2>
                            <MessageList/>
                            <Show when=move || c.typing.get() == c.open_id.get() && c.typing.with(Option::is_some)>
                                <p class="typing">{move || c.t(Key::CustomerTyping)}</p>
                            </Show>
                            <Composer id=s.conversation_id.clone() mine=mine locale=s.locale.clone() department=s.department.clone().unwrap_or_default()/>
                        </section>
                        <ContextPanel/>
                    </div>
                </article>
            }
            .into_any()
        }
    }
}
