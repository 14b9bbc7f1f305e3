//! The widget in every loading state: the launcher and the dialog panel, which holds the loaded
//! widget's screens, or says "Loading…", or apologises when the site could not be loaded.

use super::launcher::Launcher;
use super::panel::Widget;
use crate::i18n::Key;
use crate::widget::{Frame, Ui};
use handoff_bot::Engine;
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use std::sync::Arc;

#[derive(Clone)]
pub enum Load {
    Loading,
    Failed,
    Ready(Arc<Engine>),
}

/// The widget in any loading state. `preferred` are the customer's locales, best first.
#[component]
pub fn Shell(status: RwSignal<Load>, preferred: Vec<String>, persist: bool) -> impl IntoView {
    let frame = Frame::new(&preferred);
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.stop_propagation();
            frame.close();
        }
    };
    view! {
        <div class="hf-widget" lang=move || frame.locale.get()>
            <Launcher frame=frame />
            <div
                id=frame.id("panel")
                class="hf-panel"
                role="dialog"
                aria-modal="false"
                aria-labelledby=frame.id("title")
                hidden=move || !frame.open.get()
                on:keydown=on_keydown
            >
                {move || match status.get() {
                    Load::Ready(engine) => {
                        view! { <Widget ui=Ui::new(engine, &preferred, persist, frame) /> }.into_any()
                    }
                    state => {
                        let (key, role) = match state {
                            Load::Failed => (Key::Error, "alert"),
                            _ => (Key::Loading, "status"),
                        };
                        view! {
                            <div class="hf-header">
                                <p class="hf-title" id=frame.id("title")>{frame.t(Key::HelpCenter)}</p>
                                {close_button(frame)}
                            </div>
                            <div class="hf-body">
                                <p class="hf-notice" role=role>{frame.t(key)}</p>
                            </div>
                        }
                        .into_any()
                    }
                }}
            </div>
        </div>
    }
}

/// The panel header's close button (the same while loading and once loaded).
pub fn close_button(frame: Frame) -> impl IntoView {
    view! {
        <button type="button" class="hf-close" on:click=move |_| frame.close()>
            <span aria-hidden="true">"×"</span>
            <span class="hf-sr">{frame.tr(Key::Close)}</span>
        </button>
    }
}
