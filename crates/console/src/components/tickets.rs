//! Offline tickets (left when nobody could take the chat): find them by status or by any word
//! of who wrote and what, read them with their transcript, and answer, which closes them.

use crate::api;
use crate::app::{ctx, load_tickets, Ctx};
use crate::i18n::{fill, Key};
use crate::ticket_filter::{self, Status};
use handoff_protocol::v1::{Ticket, TicketStatus};
use handoff_protocol::Role;
use leptos::prelude::*;
use leptos::task::spawn_local;

fn ticket(c: Ctx, t: Ticket) -> impl IntoView {
    let answer = RwSignal::new(String::new());
    let id = t.id;
    let field = format!("answer-{id}");
    let (heading, labelled_by) = (format!("ticket-{id}"), format!("ticket-{id}"));
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
    let (status, status_class) = if t.status == TicketStatus::Answered {
        (Key::TicketAnswered, "status answered")
    } else {
        (Key::TicketOpen, "status open")
    };
    view! {
        <li class="card ticket" aria-labelledby=labelled_by>
            <h2 id=heading>{t.name.clone()}" <"{t.email.clone()}">"</h2>
            <dl class="facts">
                <div><dt>{c.t(Key::Status)}</dt><dd class=status_class>{c.t(status)}</dd></div>
                {t.department.clone().map(|d| view! {
                    <div><dt>{c.t(Key::Department)}</dt><dd>{c.department(&t.site_key, &d)}</dd></div>
                })}
                {t.locale.clone().map(|l| view! {
                    <div><dt>{c.t(Key::Locale)}</dt><dd>{crate::i18n::customer_language(&l)}</dd></div>
                })}
                <div><dt>{c.t(Key::Received)}</dt><dd><time datetime=t.created_at.clone()>{crate::time::minute(&t.created_at)}</time></dd></div>
                {t.answer_expected_by.clone().filter(|_| answered.is_none()).map(|by| view! {
                    <div><dt>{c.t(Key::Promised)}</dt><dd><time datetime=by.clone()>{crate::time::minute(&by)}</time></dd></div>
                })}
            </dl>
            <h3 class="label">{c.t(Key::TheirMessage)}</h3>
            <p class="msg-text">{t.message.clone()}</p>
            <ol class="transcript">{t.transcript.iter().map(|e| {
                let who = match e.role {
                    Role::Customer => c.t(Key::Customer),
                    Role::Bot => c.t(Key::Bot),
                    Role::Agent | Role::System => c.t(Key::System),
                };
                view! { <li><span class="who">{who}": "</span><span class="msg-text">{crate::timeline::plain(&e.text)}</span></li> }
            }).collect_view()}</ol>
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
    let query = RwSignal::new(String::new());
    let status = RwSignal::new(Status::All);
    let shown = move || {
        let (q, s) = (query.get(), status.get());
        c.tickets
            .with(|all| all.iter().filter(|t| ticket_filter::shows(t, s, &q)).cloned().collect::<Vec<_>>())
    };
    // Mailed to the agent's own address by the desk (docs/protocol.md, `PUT /v1/agent/preferences`).
    let set_ticket_mail = move |on: bool| {
        spawn_local(async move {
            match api::preferences(on).await {
                Ok(me) => c.me.set(Some(me)),
                Err(e) => c.fail(e),
            }
        });
    };
    view! {
        <h1>{move || c.t(Key::Tickets)}</h1>
        <p class="field-inline">
            <input id="ticket-mail" type="checkbox"
                prop:checked=move || c.me.with(|m| m.as_ref().is_some_and(|m| m.ticket_mail))
                on:change=move |e| set_ticket_mail(event_target_checked(&e)) />
            <label for="ticket-mail">{move || c.t(Key::TicketMail)}</label>
        </p>
        <div class="filters" role="search">
            <label for="ticket-search">{move || c.t(Key::SearchTickets)}</label>
            <input id="ticket-search" type="search" prop:value=move || query.get()
                on:input=move |e| query.set(event_target_value(&e)) />
            <label for="ticket-status">{move || c.t(Key::Status)}</label>
            <select id="ticket-status" on:change=move |e| status.set(Status::parse(&event_target_value(&e)))>
                <option value="all">{move || c.t(Key::AllStatuses)}</option>
                <option value="open">{move || c.t(Key::TicketOpen)}</option>
                <option value="answered">{move || c.t(Key::TicketAnswered)}</option>
            </select>
        </div>
        {move || {
            let list = shown();
            if c.tickets.with(Vec::is_empty) {
                view! { <p class="empty">{c.t(Key::NoTickets)}</p> }.into_any()
            } else if list.is_empty() {
                view! { <p class="empty" role="status">{c.t(Key::NoTicketMatches)}</p> }.into_any()
            } else {
                view! { <ul class="tickets">{list.into_iter().map(|t| ticket(c, t)).collect_view()}</ul> }.into_any()
            }
        }}
    }
}
