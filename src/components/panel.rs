//! The whole widget once the site is loaded: launcher, and the dialog panel with its header,
//! the Help / Chat switch and the current screen.

use super::article_view::ArticleView;
use super::chat::Chat;
use super::launcher::Launcher;
use super::locale_picker::LocalePicker;
use super::portal::Portal;
use crate::i18n::Key;
use crate::state::Screen;
use crate::widget::Ui;
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

#[component]
pub fn Widget(ui: Ui) -> impl IntoView {
    provide_context(ui);
    let site_name = ui.engine.with_value(|e| e.site().settings.site.name.clone());
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.stop_propagation();
            ui.close();
        }
    };
    let tab = move |help: bool| move || (ui.screen.with(Screen::is_help) == help).to_string();
    view! {
        <div class="hf-widget" lang=move || ui.locale.get()>
            <Launcher
                open=ui.open
                node_ref=ui.launcher
                controls=ui.id("panel")
                label=Signal::derive(ui.tr(Key::OpenChat))
                on_toggle=Callback::new(move |_| ui.toggle())
            />
            <div
                id=ui.id("panel")
                class="hf-panel"
                role="dialog"
                aria-modal="false"
                aria-labelledby=ui.id("title")
                hidden=move || !ui.open.get()
                on:keydown=on_keydown
            >
                <div class="hf-header">
                    <p class="hf-title" id=ui.id("title")>{site_name}</p>
                    <LocalePicker />
                    <button type="button" class="hf-close" on:click=move |_| ui.close()>
                        <span aria-hidden="true">"×"</span>
                        <span class="hf-sr">{ui.tr(Key::Close)}</span>
                    </button>
                </div>
                <div class="hf-tabs" role="group" aria-label=ui.tr(Key::TabsLabel)>
                    <button type="button" class="hf-tab" aria-pressed=tab(true) on:click=move |_| ui.screen.set(Screen::Portal)>
                        {ui.tr(Key::TabHelp)}
                    </button>
                    <button type="button" class="hf-tab" aria-pressed=tab(false) on:click=move |_| ui.show_chat()>
                        {ui.tr(Key::TabChat)}
                    </button>
                </div>
                <div class="hf-body">
                    <Portal />
                    {move || match ui.screen.get() {
                        Screen::Article(id) => view! { <ArticleView id=id /> }.into_any(),
                        _ => ().into_any(),
                    }}
                    <Chat />
                </div>
            </div>
        </div>
    }
}
