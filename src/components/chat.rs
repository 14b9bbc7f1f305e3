//! The chat screen: the conversation log, the typing indicator, the handoff status line and the
//! composer.

use super::composer::Composer;
use super::message::MessageView;
use crate::i18n::{fill, Key};
use crate::state::Screen;
use crate::widget::use_ui;
use leptos::html;
use leptos::prelude::*;

#[component]
pub fn Chat() -> impl IntoView {
    let ui = use_ui();
    let log: NodeRef<html::Div> = NodeRef::new();

    // Keep the newest message in view.
    Effect::new(move |_| {
        ui.chat.track();
        ui.typing.track();
        ui.screen.track();
        leptos::prelude::request_animation_frame(move || {
            if let Some(el) = log.get_untracked() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    });

    view! {
        <section class="hf-chat" hidden=move || ui.screen.get() != Screen::Chat>
            <div class="hf-log" role="log" aria-live="polite" aria-label=ui.tr(Key::Conversation) node_ref=log>
                <For
                    each=move || ui.chat.with(|c| c.messages.clone())
                    key=|m| m.id
                    children=move |m| view! { <MessageView msg=m /> }
                />
                <p class="hf-typing" hidden=move || ui.typing.get() == 0>
                    <span class="hf-dots" aria-hidden="true"><span></span><span></span><span></span></span>
                    <span class="hf-sr">{ui.tr(Key::Typing)}</span>
                </p>
            </div>
            {move || ui.waiting_for().map(|dept| view! {
                <p class="hf-waiting">
                    <span class="hf-waiting-dot" aria-hidden="true"></span>
                    {fill(ui.t(Key::Waiting), &[("department", &dept)])}
                </p>
            })}
            <Composer />
        </section>
    }
}
