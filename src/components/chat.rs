//! The chat screen: the conversation log, the typing indicator, the handoff status line and the
//! composer.

use super::composer::Composer;
use super::handoff::Handoff;
use super::message::MessageView;
use crate::i18n::{fill, Key};
use crate::live::Phase;
use crate::state::Screen;
use crate::widget::use_ui;
use leptos::html;
use leptos::prelude::*;
use leptos::tachys::view::{Mountable, Render};

#[component]
pub fn Chat() -> impl IntoView {
    let ui = use_ui();
    let log: NodeRef<html::Div> = NodeRef::new();
    let parent = Owner::current().expect("components render inside an owner");

    // Messages are only ever appended, or all replaced on a restart (ids keep counting), so
    // the log appends the views of new messages instead of diffing a keyed list: no keyed-diff
    // code in the wasm, and a message the aria-live log has announced is never re-created.
    // Each message gets its own owner (a child of the chat's, not of this effect's, which is
    // cleaned up on every run) so its reactive parts live exactly as long as it is shown.
    let mut shown = Vec::new();
    Effect::new(move |_| {
        let messages = ui.chat.with(|c| c.messages.clone());
        ui.screen.track();
        let Some(el) = log.get() else { return };
        shown.retain_mut(|(id, _, view): &mut (u32, Owner, _)| {
            let keep = messages.iter().any(|m| m.id == *id);
            if !keep {
                Mountable::unmount(view);
            }
            keep
        });
        let last = shown.last().map(|(id, _, _)| *id);
        // New messages go before the typing indicator, the log's last element.
        let typing = el.last_element_child();
        for msg in messages.into_iter().filter(|m| last.is_none_or(|l| m.id > l)) {
            let id = msg.id;
            let owner = parent.child();
            let mut view = owner.with(|| untrack(|| view! { <MessageView msg=msg /> }.build()));
            view.mount(&el, typing.as_deref());
            shown.push((id, owner, view));
        }
        // Keep the newest message in view.
        leptos::prelude::request_animation_frame(move || el.set_scroll_top(el.scroll_height()));
    });

    view! {
        <section class="hf-chat" hidden=move || ui.screen.get() != Screen::Chat>
            // Focusable (tabindex 0) so that keyboard users can scroll it (WCAG 2.1.1).
            <div class="hf-log" role="log" aria-live="polite" tabindex="0" aria-label=ui.tr(Key::Conversation) node_ref=log>
                <p class="hf-typing" hidden=move || ui.chat.with(|c| c.typing == 0 && !c.live.agent_typing)>
                    <span class="hf-dots" aria-hidden="true"><span></span><span></span><span></span></span>
                    <span class="hf-sr">{ui.tr(Key::Typing)}</span>
                </p>
            </div>
            // Without a desk (the bot alone) the widget can only say who will come; with one,
            // the handoff part below shows where the request stands. Flags, not views that come
            // and go.
            <p class="hf-waiting" hidden=move || ui.chat.with(|c| c.handoff.is_none() || c.live.phase != Phase::Off || ui.desk().is_some())>
                <span class="hf-waiting-dot" aria-hidden="true"></span>
                {move || ui.waiting_for().map(|dept| fill(ui.t(Key::Waiting), &[("department", &dept)])).unwrap_or_default()}
            </p>
            <Handoff />
            <Composer />
        </section>
    }
}
