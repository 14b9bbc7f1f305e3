//! The widget's connection to the desk: one request loop per widget that sends what
//! [`Live::next_job`](super::Live::next_job) asks for, in order, retrying with backoff, and the
//! event stream (EventSource), which resumes after the last event applied.
//!
//! Everything the desk sends that changes the conversation is recorded as an [`Event`] (with the
//! customer's own actions), so a reload replays it and the stream continues where it was.

use super::api::{self, Failure, Js};
use super::state::{DeskEvent, Job, Notice, Phase};
use crate::dom;
use crate::i18n::{self, fill, Key};
use crate::state::Event;
use crate::widget::Ui;
use handoff_protocol::lite::{self, JsonWrite};
use leptos::prelude::*;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{EventSource, MessageEvent};

/// The desk's stream event types (docs/protocol.md).
const EVENTS: [&str; 8] = [
    "message",
    "handoff.status",
    "agent.joined",
    "agent.left",
    "escalated",
    "transferred",
    "typing",
    "resolved",
];
/// Retry delays grow from this to [`MAX_BACKOFF_MS`].
const FIRST_BACKOFF_MS: i32 = 500;
const MAX_BACKOFF_MS: i32 = 15_000;

struct Stream {
    instance: u32,
    conv: String,
    source: EventSource,
    _handler: Closure<dyn FnMut(web_sys::Event)>,
}

thread_local! {
    /// Open streams, by widget instance (the wasm is single-threaded; EventSource is not Send).
    static STREAMS: RefCell<Vec<Stream>> = const { RefCell::new(Vec::new()) };
    /// Widgets whose request loop is running.
    static PUMPING: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
}

impl Ui {
    /// Starts the request loop unless it runs already.
    pub fn kick(self) {
        if self.desk().is_none() {
            return;
        }
        let started = PUMPING.with_borrow_mut(|p| {
            let new = !p.contains(&self.instance);
            if new {
                p.push(self.instance);
            }
            new
        });
        if started {
            leptos::task::spawn_local(self.pump());
        }
    }

    /// Sends what the conversation needs, one request at a time and in order, until nothing is
    /// left; waits and retries while the desk cannot be reached. One await for every kind of
    /// request (see [`Ui::request`] and [`Ui::done`]): each await point is code in the wasm.
    async fn pump(self) {
        let base = self.desk().unwrap_or_default();
        let mut backoff = FIRST_BACKOFF_MS;
        while let Some(job) = self.chat.try_with_untracked(|c| c.live.next_job()).flatten() {
            let token = self
                .chat
                .with_untracked(|c| c.live.conv.as_ref().map(|(_, t)| t.clone()))
                .unwrap_or_default();
            let (path, body) = self.request(&job);
            match api::post(&base, &path, &token, body).await {
                Ok(answer) => {
                    backoff = FIRST_BACKOFF_MS;
                    self.change(|c| c.live.reconnecting = false);
                    self.done(job, answer);
                }
                Err(Failure::Retry(after)) => {
                    let gone = !self.change(|c| {
                        c.live.reconnecting = true;
                        // The first failed attempt to reach anyone shows the form (and
                        // the loop keeps trying behind it).
                        if c.live.phase == Phase::Connecting {
                            c.live.phase = Phase::Offline { reason: "unreachable".into() };
                        }
                    });
                    if gone {
                        break;
                    }
                    dom::sleep(after.unwrap_or(backoff)).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF_MS);
                }
                Err(Failure::Refused(status, code)) => {
                    dom::log_error(&format!("Handoff: the desk refused {path}: {status} {code}"));
                    self.refused(job, &code);
                }
            }
        }
        PUMPING.with_borrow_mut(|p| p.retain(|i| *i != self.instance));
    }

    /// A request the desk will never accept: drop it, so the loop moves on.
    fn refused(&self, job: Job, code: &str) {
        self.change(|c| match job {
            Job::Send(client, _) => {
                c.live.outbox.retain(|(id, _)| *id != client);
                if code == "conversation_closed" {
                    c.push_system(self.notice(Notice::NotSent));
                }
            }
            Job::Cancel => c.live.cancel = false,
            // The browser checked the address as the desk does (`type=email` and a dot in the
            // domain), so a refused copy is the desk's own limit: logged above, nothing to retry.
            Job::Rate(..) | Job::Copy(_) => c.live.end_after(&job),
            Job::Ticket(_, _, message) => {
                c.live.ticket = None;
                c.live.outbox.push(("t".into(), message));
            }
            Job::Typing(_) => c.live.typing_out = None,
            _ => {
                c.live.refused = true;
                c.live.reconnecting = false;
                if c.live.phase == Phase::Connecting {
                    c.live.phase = Phase::Offline { reason: "unreachable".into() };
                }
            }
        });
    }

    /// The path and body of a job's request.
    fn request(&self, job: &Job) -> (String, Js) {
        let id =
            self.chat.with_untracked(|c| c.live.conv.as_ref().map(|(id, _)| id.clone())).unwrap_or_default();
        let (what, body) = match job {
            Job::Start => {
                let key = self.with_engine(|e| e.site().settings.site.key.clone());
                // One random key per conversation to start, the same on every retry: a retry
                // whose first answer was lost gets that conversation, not a second one.
                // The key yields the conversation's token again, so it comes from the browser's
                // CSPRNG; without one the start is sent without a key (never a guessable one).
                let mut start = String::new();
                self.change(|c| {
                    if c.live.key.is_empty() {
                        c.live.key = dom::random_uuid();
                    }
                    start = c.live.key.clone();
                });
                // Who the host page says the customer is (embed/frame.js, after the desk
                // accepted it); the desk checks it again. Absent: JSON null.
                let body = lite::start(
                    &key,
                    (!start.is_empty()).then_some(start.as_str()),
                    &self.locale.get_untracked(),
                    &dom::page_url().unwrap_or_default(),
                    api::parse(&dom::root_attr("data-customer").unwrap_or_default()),
                );
                return ("/v1/conversations".into(), body);
            }
            Job::Handoff => (
                "handoff",
                self.chat
                    .with_untracked(|c| c.handoff.as_ref().map(lite::handoff::<Js>))
                    .unwrap_or(Js(JsValue::NULL)),
            ),
            Job::Cancel => ("cancel", Js::object()),
            Job::Ticket(name, email, message) => {
                let transcript = self.chat.with_untracked(|c| super::wire::transcript(&c.messages));
                ("ticket", lite::ticket(name, email, message, transcript))
            }
            Job::Send(client, text) => ("messages", lite::message(client, text)),
            Job::Rate(score, comment) => ("rating", lite::rating(*score, comment)),
            Job::Copy(email) => ("transcript", lite::transcript_request(email)),
            Job::Typing(typing) => ("typing", lite::typing(*typing)),
        };
        (format!("/v1/conversations/{id}/{what}"), body)
    }

    /// The desk accepted a job's request; `answer` is its parsed answer.
    fn done(self, job: Job, answer: Js) {
        match job {
            Job::Start => {
                let (id, token) = lite::started(&answer);
                self.apply(Event::Desk(id, token), true)
            }
            Job::Handoff => {
                let a = lite::handoff_answer(&answer);
                self.change(|c| {
                    c.live.answered(&a.status, a.position, a.wait_secs, &a.agent_name, &a.offline_reason)
                });
                self.sync_stream();
            }
            Job::Cancel => {
                self.change(|c| c.live.cancel = false);
            }
            Job::Ticket(..) => {
                let (id, expected) = lite::ticket_answer(&answer);
                self.apply(Event::Ticketed(id.to_string(), expected), true)
            }
            Job::Send(client, _) => {
                self.change(|c| c.live.outbox.retain(|(id, _)| *id != client));
            }
            Job::Rate(..) | Job::Copy(_) => {
                self.change(|c| c.live.end_after(&job));
                self.sync_stream();
            }
            // A newer notice set meanwhile still goes out.
            Job::Typing(typing) => {
                self.change(|c| c.live.typing_out = c.live.typing_out.filter(|t| *t != typing));
            }
        }
    }

    /// The customer edited the draft: tells the agent they are typing (throttled), and that
    /// they stopped when the draft is emptied. A pause sends nothing: the console hides the line
    /// SHOWN_MS after the last notice (handoff_protocol::typing), which a timer here would only
    /// make a few seconds sooner, for bytes every visitor downloads (docs/benchmarks.md).
    pub fn draft_changed(self, has_text: bool) {
        let mut due = false;
        self.change(|c| due = c.live.draft_changed(has_text, dom::now()));
        if due {
            self.kick();
        }
    }

    /// Opens the stream when there is a desk conversation to follow, closes it when not.
    pub fn sync_stream(self) {
        let want = self.chat.try_with_untracked(|c| match (&c.live.conv, &c.live.phase) {
            (Some((id, token)), phase) if *phase != Phase::Off && !c.live.refused => {
                Some((id.clone(), token.clone(), c.live.last_event))
            }
            _ => None,
        });
        let want = want.flatten();
        self.close_streams(want.as_ref().map(|(id, _, _)| id.as_str()));
        let Some((id, token, after)) = want else { return };
        if STREAMS.with_borrow(|s| s.iter().any(|s| s.instance == self.instance)) {
            return;
        }
        self.open_stream(id, token, after);
    }

    fn open_stream(self, id: String, token: String, after: i64) {
        let base = self.desk().unwrap_or_default();
        let url = format!("{base}/v1/conversations/{id}/events?token={token}&after={after}");
        let Ok(source) = EventSource::new(&url) else { return };
        let handler = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| self.on_stream(e));
        let f = handler.as_ref().unchecked_ref();
        for name in EVENTS.iter().chain(&["open", "error"]) {
            let _ = source.add_event_listener_with_callback(name, f);
        }
        STREAMS.with_borrow_mut(|s| {
            s.push(Stream { instance: self.instance, conv: id, source, _handler: handler })
        });
    }

    /// Closes this widget's streams, except the one of conversation `keep`.
    fn close_streams(self, keep: Option<&str>) {
        STREAMS.with_borrow_mut(|streams| {
            streams.retain(|s| {
                let stays = s.instance != self.instance || keep == Some(s.conv.as_str());
                if !stays {
                    s.source.close();
                }
                stays
            })
        });
    }

    fn on_stream(self, e: web_sys::Event) {
        match e.type_().as_str() {
            "open" => {
                self.change(|c| c.live.reconnecting = false);
                // Requests that failed while the desk was away go out now.
                self.kick();
            }
            "error" => {
                // The browser would retry on its own, but with its fixed delay and without our
                // resume point after a replay: close, wait, and reopen after the last event.
                self.close_streams(None);
                if !self.change(|c| c.live.reconnecting = true) {
                    return;
                }
                leptos::task::spawn_local(async move {
                    dom::sleep(reconnect_delay()).await;
                    self.sync_stream();
                });
            }
            kind => {
                let Some(msg) = e.dyn_ref::<MessageEvent>() else { return };
                let data = msg.data().as_string().unwrap_or_default();
                // Typing is not persisted and has no `id:`, so EventSource reports the previous
                // event's id for it: tell it by its type, or it is dropped as already seen.
                if kind == "typing" {
                    self.agent_typing(&data);
                } else if let Ok(id) = msg.last_event_id().parse::<i64>() {
                    if self.chat.try_with_untracked(|c| id > c.live.last_event) == Some(true) {
                        self.apply(Event::Remote(id, kind.to_string(), data), true);
                    }
                }
            }
        }
    }

    /// The agent's typing notice: shown, and hidden after SHOWN_MS unless renewed (a lost
    /// `false` must not leave it up).
    fn agent_typing(self, data: &str) {
        let Some(event) = decode("typing", data) else { return };
        let mut seen = 0;
        self.change(|c| {
            c.desk(event);
            seen = c.live.agent_typing_seen;
        });
        leptos::task::spawn_local(async move {
            dom::sleep(handoff_protocol::typing::SHOWN_MS as i32).await;
            self.change(|c| {
                if c.live.agent_typing_seen == seen {
                    c.live.agent_typing = false;
                }
            });
        });
    }

    /// Applies a recorded desk event (live or replayed).
    pub(crate) fn apply_remote(&self, id: i64, kind: &str, data: &str) {
        let Some(event) = decode(kind, data) else { return };
        let back = matches!(&event, DeskEvent::Status { status, .. } if status == "returned_to_bot");
        let notice = self.chat.try_update(|c| {
            c.live.last_event = c.live.last_event.max(id);
            c.desk(event)
        });
        if let Some(Some(notice)) = notice {
            let text = self.notice(notice);
            self.change(|c| c.push_system(text));
        }
        if back {
            self.bot_is_back();
        }
    }

    /// The bot takes the conversation again and says so.
    pub(crate) fn bot_is_back(&self) {
        let reply = self.session_hand_back();
        self.change(|c| {
            c.handoff = None;
            if let Some(reply) = reply {
                c.push_reply(reply);
            }
        });
    }

    /// A notice about the handoff in the customer's language.
    pub(crate) fn notice(&self, notice: Notice) -> String {
        let locale = self.locale.get_untracked();
        let t = |key| i18n::t(&locale, key);
        match notice {
            Notice::Joined(agent, dept) => fill(
                t(Key::Joined),
                &[("name", &agent), ("department", &self.site_name(|s| &s.departments, &dept))],
            ),
            Notice::Escalated => t(Key::PassedTier).to_string(),
            Notice::Transferred(dept) => {
                fill(t(Key::PassedDepartment), &[("department", &self.site_name(|s| &s.departments, &dept))])
            }
            Notice::Resolved => t(Key::ResolvedNotice).to_string(),
            Notice::BackToBot(true) => t(Key::LeftQueue).to_string(),
            Notice::BackToBot(false) => t(Key::HandedBack).to_string(),
            Notice::NotSent => t(Key::NotSent).to_string(),
        }
    }
}

/// Delay before reopening a failed stream: a little random spread so that many widgets do not
/// all come back in the same millisecond after a desk restart.
fn reconnect_delay() -> i32 {
    1000 + (js_sys::Math::random() * 1000.0) as i32
}

/// Decodes a stream event from its type and JSON data (field names: handoff_protocol::lite).
fn decode(kind: &str, data: &str) -> Option<DeskEvent> {
    lite::decode(kind, &api::parse(data))
}
