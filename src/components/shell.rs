//! What the widget shows before the site is ready: a launcher whose panel says "Loading…", or a
//! polite error when the site could not be loaded. Once loaded, the real widget takes over.

use super::launcher::Launcher;
use super::panel::Widget;
use crate::i18n::{t, Key};
use crate::widget::{next_instance, Ui};
use handoff_bot::Engine;
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
pub fn Shell(status: RwSignal<Load>, preferred: Vec<String>, persist: bool) -> impl IntoView {
    let open = RwSignal::new(false);
    let launcher: NodeRef<html::Button> = NodeRef::new();
    let instance = next_instance();
    let ui_locale = crate::i18n::best(preferred.iter().map(String::as_str));
    move || match status.get() {
        Load::Ready(engine) => {
            let ui = Ui::new(engine, &preferred, persist, open, launcher, instance);
            view! { <Widget ui=ui /> }.into_any()
        }
        state => {
            let (key, role) = match state {
                Load::Failed => (Key::Error, "alert"),
                _ => (Key::Loading, "status"),
            };
            let panel = format!("hf{instance}-panel");
            let title = format!("hf{instance}-title");
            let labelledby = title.clone();
            let controls = panel.clone();
            let close = move |_| {
                open.set(false);
                if let Some(b) = launcher.get_untracked() {
                    let _ = b.focus();
                }
            };
            view! {
                <div class="hf-widget" lang=ui_locale>
                    <Launcher
                        open=open
                        node_ref=launcher
                        controls=controls
                        label=Signal::derive(move || t(ui_locale, Key::OpenChat))
                        on_toggle=Callback::new(move |_| open.update(|o| *o = !*o))
                    />
                    <div
                        id=panel
                        class="hf-panel"
                        role="dialog"
                        aria-modal="false"
                        aria-labelledby=labelledby
                        hidden=move || !open.get()
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                            if ev.key() == "Escape" {
                                close(());
                            }
                        }
                    >
                        <div class="hf-header">
                            <p class="hf-title" id=title>{t(ui_locale, Key::HelpCenter)}</p>
                            <button type="button" class="hf-close" on:click=move |_| close(())>
                                <span aria-hidden="true">"×"</span>
                                <span class="hf-sr">{t(ui_locale, Key::Close)}</span>
                            </button>
                        </div>
                        <div class="hf-body">
                            <p class="hf-notice" role=role>{t(ui_locale, key)}</p>
                        </div>
                    </div>
                </div>
            }
            .into_any()
        }
    }
}
