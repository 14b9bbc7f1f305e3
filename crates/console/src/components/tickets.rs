//! Offline tickets (left when nobody could take the chat): read them with their transcript and
//! store an answer, which closes them.

use crate::api;
use crate::app::{ctx, load_tickets};
use crate::i18n::{fill, Key};
use handoff_protocol::v1::Ticket;
use leptos::prelude::*;
use leptos::task::spawn_local;

fn ticket(c: crate::app::Ctx, t: Ticket) -> impl IntoView {
    let answer = RwSignal::new(String::new());
    let id = t.id;
    let field = format!("answer-{id}");
    let save = move |_| {
        let text = answer.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        spawn_local(async move {
            match api::answer_ticket(id, &text).await {
                Ok(_) => load_tickets(c),
                Err(e) => c.fail(e),
            }
        });
    };
    let answered = t.answer.clone();
    view! {
        <li class="card ticket">
            <h2>{t.name.clone()}" <"{t.email.clone()}">"</h2>
            <p class="msg-meta"><time>{t.created_at.get(..16).unwrap_or("").replace('T', " ")}</time>" · "<span class="status">{t.status.clone()}</span></p>
            <p class="msg-text">{t.message.clone()}</p>
            <ol class="transcript">{t.transcript.iter().map(|e| view! { <li class="msg-text">{e.text.clone()}</li> }).collect_view()}</ol>
            {match answered {
                Some(a) => view! {
                    <p class="answered">{fill(c.t(Key::AnsweredBy), &[("name", &t.answered_by.clone().unwrap_or_default())])}</p>
                    <p class="msg-text">{a}</p>
                }.into_any(),
                None => view! {
                    <label for=field.clone()>{c.t(Key::Answer)}</label>
                    <textarea id=field rows="3" prop:value=move || answer.get() on:input=move |e| answer.set(event_target_value(&e))></textarea>
                    <button type="button" class="primary" on:click=save>{c.t(Key::SaveAnswer)}</button>
                }.into_any(),
            }}
        </li>
    }
}

#[component]
pub fn Tickets() -> impl IntoView {
    let c = ctx();
    load_tickets(c);
    move || {
        let list = c.tickets.get();
        view! {
            <h1>{c.t(Key::Tickets)}</h1>
            {if list.is_empty() {
                view! { <p class="empty">{c.t(Key::NoTickets)}</p> }.into_any()
            } else {
                view! { <ul class="tickets">{list.into_iter().map(|t| ticket(c, t)).collect_view()}</ul> }.into_any()
            }}
        }
    }
}
