//! The dialog panel's content once the site is loaded: its header, the Help / Chat switch and
//! the current screen.

use super::article_view::ArticleView;
use super::chat::Chat;
use super::locale_picker::LocalePicker;
use super::portal::Portal;
use super::shell::close_button;
use super::swap::{swap, Place};
use crate::i18n::Key;
use crate::state::Screen;
use crate::widget::{Action, Ui};
use leptos::html;
use leptos::prelude::*;

#[component]
pub fn Widget(ui: Ui) -> impl IntoView {
    provide_context(ui);
    let site_name = ui.with_engine(|e| e.site().settings.site.name.clone());
    // The article screen is built anew for each article (see super::swap); the hidden screens
    // take no room, so it can come after them.
    let body: NodeRef<html::Div> = NodeRef::new();
    swap(Place::In(body), move || match ui.screen.get() {
        // Untracked: only a change of screen may replace the article.
        Screen::Article(id) => Some(untrack(|| view! { <ArticleView id=id /> })),
        _ => None,
    });
    let tab = move |help: bool| move || (ui.screen.with(Screen::is_help) == help).to_string();
    view! {
        <div class="hf-header">
            <p class="hf-title" id=ui.id("title")>{site_name}</p>
            <LocalePicker />
            {close_button(ui.frame)}
        </div>
        <div class="hf-tabs" role="group" aria-label=ui.tr(Key::TabsLabel)>
            <button type="button" class="hf-tab" aria-pressed=tab(true) on:click=ui.on_click(Action::Portal)>
                {ui.tr(Key::TabHelp)}
            </button>
            <button type="button" class="hf-tab" aria-pressed=tab(false) on:click=ui.on_click(Action::Chat)>
                {ui.tr(Key::TabChat)}
            </button>
        </div>
        <div class="hf-body" node_ref=body>
            <Portal />
            <Chat />
        </div>
    }
}
