//! The floating button that opens and closes the panel.

use crate::i18n::Key;
use crate::widget::Frame;
use leptos::prelude::*;

#[component]
pub fn Launcher(frame: Frame) -> impl IntoView {
    view! {
        <button
            type="button"
            class="hf-launcher"
            id=frame.id("launcher")
            aria-expanded=move || frame.open.get().to_string()
            aria-controls=frame.id("panel")
            on:click=move |_| frame.toggle()
        >
            <svg class="hf-launcher-icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
                <path fill="currentColor" d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z"/>
            </svg>
            <span class="hf-launcher-text">{frame.tr(Key::OpenChat)}</span>
        </button>
    }
}
