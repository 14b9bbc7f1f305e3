//! One help article, with "Was this helpful?" and the way into the chat.

use super::rich::render_blocks;
use super::swap::{swap, Place};
use crate::i18n::Key;
use crate::widget::{use_ui, Action};
use leptos::html;
use leptos::prelude::*;

#[component]
pub fn ArticleView(id: String) -> impl IntoView {
    let ui = use_ui();
    // Answered "Yes" or "No" (both thank the customer).
    let answered = RwSignal::new(false);

    // The article in the current locale, falling back to the site default, then to any.
    let article = {
        let id = id.clone();
        move || {
            let locale = ui.locale.get();
            ui.with_engine(|e| {
                e.site().article_for(&id, &locale).map(|a| (a.title.clone(), a.blocks.clone()))
            })
        }
    };
    let title_id = ui.id("article");
    crate::dom::focus_later(title_id.clone());
    let feedback_id = ui.id("feedback");
    let feedback_label = feedback_id.clone();
    let id_no = id.clone();
    let id_chat = id;

    // The title and text, built anew when the language changes (see super::swap).
    let feedback: NodeRef<html::Div> = NodeRef::new();
    swap(Place::Before(feedback), move || {
        article().map(|(title, blocks)| {
            view! {
                <h2 class="hf-article-title" id=title_id.clone() tabindex="-1">{title}</h2>
                <div class="hf-article-body">{render_blocks(blocks)}</div>
            }
        })
    });

    view! {
        <article class="hf-article">
            <button type="button" class="hf-back" on:click=ui.on_click(Action::Portal)>
                <span aria-hidden="true">"← "</span>
                {ui.tr(Key::Back)}
            </button>
            <div class="hf-feedback" node_ref=feedback role="group" aria-labelledby=feedback_label>
                <p id=feedback_id class="hf-feedback-question">{ui.tr(Key::Helpful)}</p>
                // The buttons hide and the thanks appear once answered: flags on two elements
                // rather than views that come and go (and their code in the wasm).
                <div class="hf-feedback-buttons" hidden=move || answered.get()>
                        <button type="button" class="hf-button hf-button--secondary" on:click=ui.on_click(Action::Answered(answered, None))>
                            {ui.tr(Key::Yes)}
                        </button>
                        <button
                            type="button"
                            class="hf-button hf-button--secondary"
                            on:click=ui.on_click(Action::Answered(answered, Some(id_no)))
                        >
                            {ui.tr(Key::No)}
                        </button>
                </div>
                <p class="hf-thanks" role="status" hidden=move || !answered.get()>
                    {move || if answered.get() { ui.t(Key::ThanksFeedback) } else { "" }}
                </p>
            </div>
            <div class="hf-still">
                <p>{ui.tr(Key::StillNeedHelp)}</p>
                <button type="button" class="hf-button" on:click=ui.on_click(Action::FromArticle(id_chat))>
                    {ui.tr(Key::ChatWithUs)}
                </button>
            </div>
        </article>
    }
}
