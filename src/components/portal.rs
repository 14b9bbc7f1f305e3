//! The self-service portal: search as you type, or browse articles by category.

use super::swap::{swap, Place};
use crate::i18n::{fill, Key};
use crate::state::Screen;
use crate::widget::{use_ui, Action};
use handoff_bot::model::pick;
use leptos::either::EitherOf3;
use leptos::html;
use leptos::prelude::*;

/// Search results shown at most.
const RESULTS: usize = 8;

/// An article link in a list: a button that opens it in the portal.
struct Entry {
    id: String,
    title: String,
}

#[component]
pub fn Portal() -> impl IntoView {
    let ui = use_ui();
    let query = RwSignal::new(String::new());
    let search_id = ui.id("search");

    // Plain closures, not memos: searching is microseconds, and each is read in one place.
    let results = move || {
        let locale = ui.locale.get();
        query.with(|q| {
            if q.trim().is_empty() {
                return None;
            }
            Some(ui.with_engine(|e| {
                e.search(&locale, q, RESULTS)
                    .into_iter()
                    .map(|hit| {
                        let a = &e.site().articles[hit.article];
                        Entry { id: a.id.clone(), title: a.title.clone() }
                    })
                    .collect::<Vec<_>>()
            }))
        })
    };

    // Categories in site order, each with its articles in the current locale.
    let categories = move || {
        let locale = ui.locale.get();
        ui.with_engine(|e| {
            let site = e.site();
            let default = &site.settings.site.default_locale;
            site.settings
                .categories
                .iter()
                .map(|c| {
                    let entries: Vec<Entry> = site
                        .articles
                        .iter()
                        .filter(|a| a.locale == locale && a.category == c.id)
                        .map(|a| Entry { id: a.id.clone(), title: a.title.clone() })
                        .collect();
                    (pick(&c.name, &locale, default).to_string(), entries)
                })
                .filter(|(_, entries)| !entries.is_empty())
                .collect::<Vec<_>>()
        })
    };

    let list = move |entries: Vec<Entry>| {
        view! {
            <ul class="hf-articles">
                {entries
                    .into_iter()
                    .map(|entry| {
                        view! {
                            <li>
                                <button type="button" class="hf-article-link" on:click=ui.on_click(Action::Article(entry.id))>
                                    {entry.title}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    };

    // What the portal lists: built anew for each query (see super::swap).
    let search: NodeRef<html::Div> = NodeRef::new();
    swap(Place::End(search), move || match results() {
        Some(found) if found.is_empty() => EitherOf3::A(view! {
            <div class="hf-empty">
                <p>{ui.tr(Key::NoResults)}</p>
                <button type="button" class="hf-button" on:click=ui.on_click(Action::Chat)>
                    {ui.tr(Key::ChatWithUs)}
                </button>
            </div>
        }),
        Some(found) => EitherOf3::B(view! { <div class="hf-results">{list(found)}</div> }),
        None => EitherOf3::C(view! {
            <div class="hf-categories">
                <h2 class="hf-section-title">{ui.tr(Key::Categories)}</h2>
                {categories()
                    .into_iter()
                    .map(|(name, entries)| view! {
                        <div class="hf-category">
                            <h3 class="hf-category-title">{name}</h3>
                            {list(entries)}
                        </div>
                    })
                    .collect_view()}
            </div>
        }),
    });

    view! {
        <section class="hf-portal" hidden=move || ui.screen.get() != Screen::Portal>
            <div class="hf-search" node_ref=search>
                <label class="hf-label" for=search_id.clone()>{ui.tr(Key::SearchLabel)}</label>
                <input
                    type="search"
                    id=search_id
                    class="hf-input"
                    autocomplete="off"
                    placeholder=ui.tr(Key::SearchPlaceholder)
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
            </div>
            <p class="hf-sr" role="status">
                {move || {
                    results().map(|r| fill(ui.t(Key::ResultsFound), &[("n", &r.len().to_string())])).unwrap_or_default()
                }}
            </p>
        </section>
    }
}
