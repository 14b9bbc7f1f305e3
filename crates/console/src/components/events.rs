//! The agent's event stream (SSE): new work, assignments, customer messages, typing. Every
//! stored notice has an id; the stream is reopened with the last one seen (`?after=`), so the
//! notices sent while the console was away (a network drop, a desk restart) arrive then, once,
//! in order. Lists are still reloaded on every (re)connect and on `resync` (the desk could not
//! replay that far back). When the stream breaks it reconnects with a doubling delay.

use crate::app::{self, Ctx};
use crate::backoff;
use crate::browser;
use crate::i18n::Key;
use handoff_protocol::v1::AgentEvent;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{EventSource, MessageEvent};

const EVENTS: [&str; 7] =
    ["queue.new", "assigned", "message", "assignment.lost", "typing", "resync", "ready"];

struct Conn {
    source: EventSource,
    _handlers: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

thread_local! {
    static CONN: RefCell<Option<Conn>> = const { RefCell::new(None) };
    static ATTEMPT: Cell<u32> = const { Cell::new(0) };
    /// The id of the last event with one (`ready`, `resync` or a stored notice).
    static LAST_ID: Cell<Option<i64>> = const { Cell::new(None) };
    /// Counts typing notices, so that the timer hiding one does not hide a newer.
    static TYPING_SEEN: Cell<u32> = const { Cell::new(0) };
}

/// Signing out: the next session starts fresh, it does not resume this one's stream.
pub fn forget() {
    disconnect();
    LAST_ID.with(|l| l.set(None));
}

pub fn disconnect() {
    CONN.with(|c| {
        if let Some(conn) = c.borrow_mut().take() {
            conn.source.close();
        }
    });
}

pub fn connect(c: Ctx) {
    disconnect();
    let url = match LAST_ID.with(Cell::get) {
        Some(id) => format!("/v1/agent/events?after={id}"),
        None => "/v1/agent/events".to_string(),
    };
    let Ok(source) = EventSource::new(&url) else { return retry(c) };
    let mut handlers = Vec::new();
    let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        let again = ATTEMPT.with(|a| a.replace(0)) > 0 || !c.connected.get_untracked();
        c.connected.set(true);
        if again {
            app::reload(c);
        }
    });
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    handlers.push(on_open);
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        c.connected.set(false);
        disconnect();
        // A stream that ended with its session (signed out elsewhere, or deactivated by a
        // manager) signs the console out; a desk out of reach is retried.
        leptos::task::spawn_local(async move {
            match crate::api::me().await {
                Err(e) if e.status == 401 => c.fail(e),
                _ => retry(c),
            }
        });
    });
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    handlers.push(on_error);
    for name in EVENTS {
        let h = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            let Some(m) = e.dyn_ref::<MessageEvent>() else { return };
            if let Ok(id) = m.last_event_id().parse::<i64>() {
                LAST_ID.with(|l| l.set(Some(id)));
            }
            handle(c, name, &m.data().as_string().unwrap_or_default());
        });
        let _ = source.add_event_listener_with_callback(name, h.as_ref().unchecked_ref());
        handlers.push(h);
    }
    CONN.with(|slot| *slot.borrow_mut() = Some(Conn { source, _handlers: handlers }));
}

fn retry(c: Ctx) {
    let n = ATTEMPT.with(|a| {
        let n = a.get();
        a.set(n + 1);
        n
    });
    set_timeout(
        move || {
            if c.me.get_untracked().is_some() {
                connect(c);
            }
        },
        std::time::Duration::from_millis(u64::from(backoff::delay_ms(n))),
    );
}

fn handle(c: Ctx, name: &str, data: &str) {
    match name {
        "resync" => return app::reload(c),
        "ready" => return,
        _ => {}
    }
    let Ok(ev) = serde_json::from_str::<AgentEvent>(data) else { return };
    let l = c.locale.get_untracked();
    let tr = |k| crate::i18n::t(&l, k);
    match ev {
        AgentEvent::QueueNew { department, priority, .. } => {
            let text = format!("{}: {department}, {priority}", tr(Key::NewWork));
            c.say(text.clone());
            browser::chime();
            browser::desktop_notify(tr(Key::AppName), &text);
            c.unseen.update(|n| *n += 1);
            app::reload(c);
        }
        AgentEvent::Assigned { conversation_id } => {
            c.say(tr(Key::AssignedToYou));
            browser::chime();
            browser::desktop_notify(tr(Key::AppName), tr(Key::AssignedToYou));
            c.unseen.update(|n| *n += 1);
            app::reload(c);
            if c.open_id.get_untracked().is_none() && c.screen.get_untracked() == app::Screen::Work {
                app::open(c, conversation_id);
            }
        }
        AgentEvent::Message { conversation_id, message } => {
            if c.open_id.get_untracked().as_deref() == Some(conversation_id.as_str()) {
                c.detail.update(|d| {
                    if let Some(d) = d {
                        crate::detail::add_live(d, &message);
                    }
                });
                c.typing.set(None);
            } else {
                c.unseen.update(|n| *n += 1);
                c.unread.update(|u| *u.entry(conversation_id.clone()).or_default() += 1);
            }
            c.say(format!("{}: {}", tr(Key::Customer), message.text));
            browser::desktop_notify(tr(Key::Customer), &message.text);
        }
        AgentEvent::AssignmentLost { conversation_id, .. } => {
            c.say(tr(Key::Lost));
            // Closed before the reload: this agent may no longer read it (a 403 otherwise).
            if c.open_id.get_untracked().as_deref() == Some(conversation_id.as_str()) {
                c.open_id.set(None);
                c.detail.set(None);
                c.done.set(Some(tr(Key::Lost).to_string()));
            }
            app::reload(c);
        }
        AgentEvent::Typing { conversation_id, typing } => {
            c.typing.set(typing.then_some(conversation_id));
            // Hidden after SHOWN_MS unless renewed: a lost `false` must not leave it up.
            let seen = TYPING_SEEN.with(|n| {
                n.set(n.get().wrapping_add(1));
                n.get()
            });
            set_timeout(
                move || {
                    if TYPING_SEEN.with(|n| n.get()) == seen {
                        c.typing.set(None);
                    }
                },
                std::time::Duration::from_millis(handoff_protocol::typing::SHOWN_MS as u64),
            );
        }
    }
}
