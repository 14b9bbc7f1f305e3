//! The signed-in frame: top bar, the current screen, and the keyboard shortcuts
//! (Alt+N next conversation, Alt+C claim, Alt+R resolve, Alt+M the reply box; `?` lists them).

use super::account::AccountView;
use super::conversation::Conversation;
use super::embed_info::EmbedView;
use super::insights::InsightsView;
use super::privacy::PrivacyView;
use super::queue_list::QueueList;
use super::settings::SettingsView;
use super::supervisor::SupervisorView;
use super::team::TeamView;
use super::tickets::Tickets;
use super::topbar::Topbar;
use crate::app::{act, ctx, leave, open, Ctx, Screen};
use crate::i18n::Key;
use crate::queue;
use handoff_protocol::v1::ConversationStatus;
use leptos::prelude::*;
use serde_json::json;
use wasm_bindgen::JsCast;

fn shortcut(c: Ctx, key: &str) -> bool {
    match key {
        "KeyN" => {
            let mut mine = c.mine.get_untracked();
            queue::sort(&mut mine);
            let mut waiting = c.queue.get_untracked();
            queue::sort(&mut waiting);
            let order: Vec<String> = mine.into_iter().chain(waiting).map(|x| x.conversation_id).collect();
            if let Some(next) = queue::next_after(&order, c.open_id.get_untracked().as_deref()) {
                open(c, next.clone());
            }
            true
        }
        "KeyM" => {
            crate::browser::focus("reply");
            true
        }
        "KeyC" | "KeyR" => {
            let Some(d) = c.detail.get_untracked() else { return true };
            let mine = d.summary.agent_id == c.me.with_untracked(|m| m.as_ref().map(|m| m.id));
            let id = d.summary.conversation_id.clone();
            match (key, d.summary.status) {
                ("KeyC", ConversationStatus::Queued) => act(c, id, "claim", json!({})),
                ("KeyR", ConversationStatus::Assigned) if mine => {
                    leave(c, id, "resolve", json!({}), c.t(Key::DoneResolved).to_string())
                }
                _ => {}
            }
            true
        }
        _ => false,
    }
}

/// A `?` typed into a field is text, not a shortcut.
fn typing_into(e: &web_sys::KeyboardEvent) -> bool {
    e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|el| {
        matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
            || el.has_attribute("contenteditable")
    })
}

#[component]
pub fn Shell() -> impl IntoView {
    let c = ctx();
    let help = RwSignal::new(false);
    let handle = window_event_listener(leptos::ev::keydown, move |e| {
        if e.alt_key() && !e.ctrl_key() && !e.meta_key() && shortcut(c, &e.code()) {
            e.prevent_default();
        } else if e.key() == "?" && !typing_into(&e) {
            e.prevent_default();
            help.update(|h| *h = !*h);
            if help.get_untracked() {
                request_animation_frame(|| crate::browser::focus("shortcuts-close"));
            }
        } else if e.key() == "Escape" && help.get_untracked() {
            help.set(false);
        }
    });
    // The browser knows about a dropped network before the stream does: reconnect at once
    // when it is back (the stream then reloads the lists).
    let offline = window_event_listener(leptos::ev::offline, move |_| {
        c.connected.set(false);
        super::events::disconnect();
    });
    let online = window_event_listener(leptos::ev::online, move |_| super::events::connect(c));
    on_cleanup(move || {
        handle.remove();
        offline.remove();
        online.remove();
    });
    view! {
        <Topbar/>
        {move || match c.screen.get() {
            Screen::Work => view! {
                <div class="work">
                    <QueueList/>
                    <main id="main" class="pane" tabindex="-1"><Conversation/></main>
                </div>
            }.into_any(),
            Screen::Supervisor => view! { <main id="main" class="pane wide" tabindex="-1"><SupervisorView/></main> }.into_any(),
            Screen::Tickets => view! { <main id="main" class="pane wide" tabindex="-1"><Tickets/></main> }.into_any(),
            Screen::Insights => view! { <main id="main" class="pane wide" tabindex="-1"><InsightsView/></main> }.into_any(),
            Screen::Embed => view! { <main id="main" class="pane wide" tabindex="-1"><EmbedView/></main> }.into_any(),
            Screen::Team => view! { <main id="main" class="pane wide" tabindex="-1"><TeamView/></main> }.into_any(),
            Screen::Account => view! { <main id="main" class="pane wide" tabindex="-1"><AccountView/></main> }.into_any(),
            Screen::Privacy => view! { <main id="main" class="pane wide" tabindex="-1"><PrivacyView/></main> }.into_any(),
            Screen::Settings => view! { <main id="main" class="pane wide" tabindex="-1"><SettingsView/></main> }.into_any(),
        }}
        <footer class="shortcuts">
            <button type="button" class="link" aria-keyshortcuts="?" on:click=move |_| {
                help.set(true);
                request_animation_frame(|| crate::browser::focus("shortcuts-close"));
            }>{move || c.t(Key::ShortcutsTitle)}" (?)"</button>
        </footer>
        <Show when=move || help.get()>
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="shortcuts-h">
                <h2 id="shortcuts-h">{move || c.t(Key::ShortcutsTitle)}</h2>
                <dl class="keys">
                    {[("Alt+N", Key::ShortcutNext), ("Alt+C", Key::ShortcutClaim), ("Alt+R", Key::ShortcutResolve),
                      ("Alt+M", Key::ShortcutReply), ("?", Key::ShortcutHelp)]
                        .into_iter()
                        .map(|(k, what)| view! { <div><dt><kbd>{k}</kbd></dt><dd>{move || c.t(what)}</dd></div> })
                        .collect_view()}
                </dl>
                <button type="button" id="shortcuts-close" class="primary" on:click=move |_| help.set(false)>
                    {move || c.t(Key::Close)}
                </button>
            </div>
        </Show>
    }
}
