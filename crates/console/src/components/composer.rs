//! Writing to the customer (Enter sends, Shift+Enter a new line; typing reaches the customer),
//! canned responses of the conversation's department in its locale, and internal notes.
//!
//! Every composed message gets a `client_id`; a failed send puts the text back, and sending
//! that same text again reuses the id, so a send whose answer was lost (the desk had stored it)
//! does not store it twice.

use crate::api;
use crate::app::{ctx, load_detail};
use crate::i18n::Key;
use handoff_protocol::typing::Reporter;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;
use std::time::Duration;

#[component]
pub fn Composer(id: String, mine: bool, locale: String, department: String) -> impl IntoView {
    let c = ctx();
    let text = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    // What the customer was told about the agent's typing (throttled, see handoff_protocol::typing).
    let typing = StoredValue::new(Reporter::default());
    // The text and client id of the last send that failed (reply, note).
    let unsent = StoredValue::new(None::<(String, String)>);
    let unsent_note = StoredValue::new(None::<(String, String)>);
    let id_send = id.clone();
    let send = move || {
        let body = text.get_untracked();
        if body.trim().is_empty() {
            return;
        }
        let id = id_send.clone();
        let client_id = client_id_for(unsent, &body);
        text.set(String::new());
        typing.update_value(Reporter::message_sent);
        spawn_local(async move {
            match api::act(&id, "messages", json!({ "text": body, "client_id": client_id })).await {
                // Fresh lists too: the first reply stops the first-response clock.
                Ok(_) => {
                    unsent.set_value(None);
                    crate::app::reload(c)
                }
                Err(e) => {
                    text.set(body);
                    c.fail(e);
                }
            }
        });
    };
    let send_key = send.clone();
    let id_typing = id.clone();
    let on_input = move |e: leptos::ev::Event| {
        let v = event_target_value(&e);
        let mut notice = None;
        typing.update_value(|r| notice = r.input(!v.trim().is_empty(), now_ms()));
        if let Some(now_typing) = notice {
            let id = id_typing.clone();
            spawn_local(async move { api::typing(&id, now_typing).await });
            if now_typing {
                report_idle(typing, id_typing.clone());
            }
        }
        text.set(v);
    };
    let id_note = id.clone();
    let add_note = move |_| {
        let body = note.get_untracked();
        if body.trim().is_empty() {
            return;
        }
        let id = id_note.clone();
        let client_id = client_id_for(unsent_note, &body);
        spawn_local(async move {
            match api::act(&id, "notes", json!({ "text": body, "client_id": client_id })).await {
                Ok(_) => {
                    unsent_note.set_value(None);
                    note.set(String::new());
                    load_detail(c, id);
                }
                Err(e) => c.fail(e),
            }
        });
    };
    let canned = move || {
        let (l, d) = (locale.clone(), department.clone());
        c.canned.with(|all| {
            let mut list: Vec<_> =
                all.iter().filter(|x| x.department == d && x.locale == l).cloned().collect();
            if list.is_empty() {
                list = all.iter().filter(|x| x.department == d && x.locale == "en").cloned().collect();
            }
            list
        })
    };
    view! {
        <div class="composer">
            <Show when=move || mine>
                <label for="reply">{move || c.t(Key::Reply)}</label>
                <textarea id="reply" rows="3" aria-describedby="reply-hint"
                    prop:value=move || text.get()
                    on:input=on_input.clone()
                    on:keydown={
                        let send = send_key.clone();
                        move |e: leptos::ev::KeyboardEvent| {
                            if e.key() == "Enter" && !e.shift_key() && !e.is_composing() {
                                e.prevent_default();
                                send();
                            }
                        }
                    }></textarea>
                <p id="reply-hint" class="hint">{move || c.t(Key::ReplyHint)}</p>
                <div class="row">
                    <button type="button" class="primary" on:click={ let send = send.clone(); move |_| send() }>{move || c.t(Key::Send)}</button>
                    <label for="canned" class="sr-only">{move || c.t(Key::Canned)}</label>
                    <select id="canned" on:change=move |e| {
                        let v = event_target_value(&e);
                        if let Some(x) = c.canned.with_untracked(|l| l.iter().find(|x| format!("{}/{}/{}", x.department, x.locale, x.id) == v).cloned()) {
                            text.update(|t| { if !t.is_empty() { t.push(' '); } t.push_str(&x.text); });
                            crate::browser::focus("reply");
                        }
                    }>
                        <option value="" selected=true>{move || c.t(Key::Canned)}</option>
                        {{ let canned = canned.clone(); move || canned().into_iter().map(|x| {
                            let v = format!("{}/{}/{}", x.department, x.locale, x.id);
                            view! { <option value=v>{x.title.clone()}</option> }
                        }).collect_view() }}
                    </select>
                </div>
            </Show>
            // Notes are read-only for colleagues until they take the conversation over; the
            // desk refuses them too (403 read_only), supervisors excepted.
            <Show when=move || mine || c.is_supervisor()>
                <details class="note-box">
                    <summary>{move || c.t(Key::Note)}</summary>
                    <label for="note" class="sr-only">{move || c.t(Key::Note)}</label>
                    <textarea id="note" rows="2" prop:value=move || note.get() on:input=move |e| note.set(event_target_value(&e))></textarea>
                    <button type="button" class="secondary" on:click=add_note.clone()>{move || c.t(Key::AddNote)}</button>
                </details>
            </Show>
        </div>
    }
}

/// The client id for sending `body`: the failed send's id when it is the same text again (a
/// retry), a fresh one otherwise; remembered until the send succeeds.
fn client_id_for(unsent: StoredValue<Option<(String, String)>>, body: &str) -> String {
    let id = match unsent.get_value() {
        Some((text, id)) if text == body => id,
        _ => format!(
            "a{:x}-{:x}",
            js_sys::Date::now() as u64,
            (js_sys::Math::random() * 4_294_967_296.0) as u64
        ),
    };
    unsent.set_value(Some((body.to_string(), id.clone())));
    id
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Tells the customer the agent stopped typing once no key was pressed for IDLE_MS (a key
/// pressed meanwhile moves that moment on; a sent message ends it without a notice).
fn report_idle(typing: StoredValue<Reporter>, id: String) {
    let Some(Some(at)) = typing.try_with_value(Reporter::next_tick) else { return };
    let wait = u64::try_from(at - now_ms()).unwrap_or(0);
    set_timeout(
        move || {
            let mut notice = None;
            typing.try_update_value(|r| notice = r.tick(now_ms()));
            match notice {
                Some(now_typing) => spawn_local(async move { api::typing(&id, now_typing).await }),
                None => report_idle(typing, id),
            }
        },
        Duration::from_millis(wait),
    );
}
