//! The widget in every loading state: the launcher and the dialog panel, which holds the loaded
//! widget's screens, or says "Loading…", or apologises when the site could not be loaded.

use super::launcher::Launcher;
use super::panel::Widget;
use super::swap::{swap, Place};
use crate::i18n::Key;
use crate::widget::{Frame, Ui};
use handoff_bot::Engine;
use leptos::either::Either;
use leptos::ev::KeyboardEvent;
use leptos::html;
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
pub fn Shell(
    status: RwSignal<Load>,
    preferred: Vec<String>,
    persist: bool,
    /// The desk's address for the handoff ("" for the page's own origin); none: the bot only.
    desk: Option<String>,
    /// Start with the panel open (the embed frame and the full-page portal, see src/lib.rs).
    #[prop(optional)]
    open: bool,
) -> impl IntoView {
    let frame = Frame::new(&preferred);
    if open {
        frame.open.set(true);
    }
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.stop_propagation();
            frame.close();
        }
    };
    let panel: NodeRef<html::Div> = NodeRef::new();

    // The loaded widget is built once, not returned from a reactive closure: a view behind a
    // closure (or `into_any`) gets diffing code for its whole tree in the wasm, and this one
    // never changes. A site that is ready at once (`mount`) is shown at once; otherwise the
    // panel says "Loading…" (or apologises) until the widget replaces that (see super::swap).
    let initial = match status.get_untracked() {
        Load::Ready(engine) => Some(widget(engine, &preferred, persist, desk.clone(), frame)),
        _ => None,
    };
    let shown_at_once = initial.is_some();
    swap(Place::In(panel), move || {
        let (key, role) = match status.get() {
            _ if shown_at_once => return None,
            // Untracked: only a change of `status` may replace the widget (it never does).
            Load::Ready(engine) => {
                return Some(Either::Left(untrack(|| {
                    widget(engine, &preferred, persist, desk.clone(), frame)
                })))
            }
            Load::Failed => (Key::Error, "alert"),
            Load::Loading => (Key::Loading, "status"),
        };
        Some(Either::Right(view! {
            <div class="hf-header">
                <p class="hf-title" id=frame.id("title")>{frame.t(Key::HelpCenter)}</p>
                {close_button(frame)}
            </div>
            <div class="hf-body">
                <p class="hf-notice" role=role>{frame.t(key)}</p>
            </div>
        }))
    });

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
                node_ref=panel
            >
                {initial}
            </div>
        </div>
    }
}

/// The loaded widget (one function, so both ways of showing it are the same view type).
fn widget(
    engine: Arc<Engine>,
    preferred: &[String],
    persist: bool,
    desk: Option<String>,
    frame: Frame,
) -> impl IntoView {
    view! { <Widget ui=Ui::new(engine, preferred, persist, desk, frame) /> }
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
