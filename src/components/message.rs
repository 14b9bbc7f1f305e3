//! One chat message: who said it (for screen readers), the text, article cards and, under the
//! newest bot message, its quick replies.

use super::rich::render_text;
use crate::i18n::Key;
use crate::state::{Message, Speaker};
use crate::widget::{use_ui, Action};
use leptos::prelude::*;

#[component]
pub fn MessageView(msg: Message) -> impl IntoView {
    let ui = use_ui();
    let Message { id, speaker, text, quick_replies, articles, name, client } = msg;
    // Only messages to the desk wait for it: "Not sent yet" until it has them.
    let pending = (!client.is_empty()).then(|| {
        view! { <span class="hf-pending" hidden=move || !ui.chat.with(|c| c.is_pending(id))>{ui.tr(Key::Pending)}</span> }
    });
    let who = match speaker {
        Speaker::Bot => Key::Assistant,
        Speaker::Customer => Key::You,
        Speaker::System | Speaker::Agent => Key::Notice,
    };
    // Only the bot's text (the site's content) may carry links and bold; customer and agent text,
    // and system lines (which quote names from the desk), are shown exactly as written.
    let body = render_text(text, speaker == Speaker::Bot);
    // An agent's name is shown above their messages (and read before them).
    let agent = (speaker == Speaker::Agent).then(|| view! { <span class="hf-author">{name}</span> });
    let cards = (!articles.is_empty()).then(|| {
        view! {
            <ul class="hf-cards" aria-label=ui.tr(Key::RelatedArticles)>
                {articles
                    .into_iter()
                    .map(|aid| {
                        let title = {
                            let aid = aid.clone();
                            move || {
                                let locale = ui.locale.get();
                                ui.with_engine(|e| {
                                    e.site().article_for(&aid, &locale).map(|a| a.title.clone()).unwrap_or_else(|| aid.clone())
                                })
                            }
                        };
                        view! {
                            <li>
                                <button type="button" class="hf-card" on:click=ui.on_click(Action::Article(aid))>
                                    <span class="hf-card-title">{title}</span>
                                    <span class="hf-card-arrow" aria-hidden="true">"→"</span>
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    });
    let quick = (!quick_replies.is_empty()).then(|| {
        view! {
            // Hidden rather than removed once answered: a flag on one element instead of a view
            // that comes and goes (and its code in the wasm). Hidden buttons cannot be reached.
            <div class="hf-quick" hidden=move || !ui.chat.with(|c| c.is_last(id))>
                    {quick_replies
                        .iter()
                        .cloned()
                        .map(|q| view! {
                            <button
                                type="button"
                                class="hf-quick-reply"
                                on:click=ui.on_click(Action::Say(q.send))
                            >
                                {q.label}
                            </button>
                        })
                        .collect_view()}
            </div>
        }
    });
    view! {
        <div class=speaker.class()>
            <div class="hf-bubble">
                {agent}
                <span class="hf-sr" hidden=speaker == Speaker::Agent>{ui.tr(who)} ": "</span>
                {body}
            </div>
            {pending}
            {cards}
            {quick}
        </div>
    }
}
