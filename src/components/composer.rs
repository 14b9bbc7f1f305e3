//! The message box: Enter sends, Shift+Enter starts a new line, with a live character counter.

use crate::i18n::{chars_left, Key};
use crate::live::Phase;
use crate::widget::{use_ui, MAX_MESSAGE};
use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::prelude::*;

/// Below this many characters left, the counter is announced to screen readers.
const ANNOUNCE_BELOW: usize = 100;

#[component]
pub fn Composer() -> impl IntoView {
    let ui = use_ui();
    let draft = RwSignal::new(String::new());
    let left = move || MAX_MESSAGE.saturating_sub(draft.with(|d| d.encode_utf16().count()));
    let empty = move || draft.with(|d| d.trim().is_empty());
    let send = move || {
        let text = draft.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        draft.set(String::new());
        ui.send(&text);
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            send();
        }
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        send();
        ui.focus_composer();
    };
    let input_id = ui.id("message");
    let counter_id = ui.id("counter");

    view! {
        // While the offline form is shown it is the way to write to the team (its "Back to the
        // assistant" returns to the bot and this box).
        <form class="hf-composer" hidden=ui.flag(|c| matches!(c.live.phase, Phase::Offline { .. })) on:submit=on_submit>
            <label class="hf-sr" for=input_id.clone()>{ui.tr(Key::MessageLabel)}</label>
            <textarea
                id=input_id
                class="hf-textarea"
                rows="2"
                maxlength=MAX_MESSAGE.to_string()
                placeholder=ui.tr(Key::MessagePlaceholder)
                aria-describedby=counter_id.clone()
                prop:value=move || draft.get()
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    ui.draft_changed(!text.trim().is_empty());
                    draft.set(text);
                }
                on:keydown=on_keydown
            ></textarea>
            <div class="hf-composer-row">
                <span
                    id=counter_id
                    class=move || if left() < ANNOUNCE_BELOW { "hf-counter hf-counter--low" } else { "hf-counter" }
                    aria-live=move || (left() < ANNOUNCE_BELOW).then_some("polite")
                >
                    {move || ui.locale.with(|l| chars_left(l, left()))}
                </span>
                <button type="submit" class="hf-button hf-send" disabled=empty>
                    {ui.tr(Key::Send)}
                </button>
            </div>
        </form>
    }
}
