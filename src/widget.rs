//! The widget's state and everything the customer can do with it.
//!
//! [`Ui`] is a bundle of signals (so it is `Copy` and shared through Leptos context); its methods
//! are the only place where the bot engine is called. Components just render it and call these.
//! Every customer action is an [`Event`]; [`Ui::apply`] runs it, and the same function replays
//! the stored events after a reload.

use crate::dom;
use crate::i18n::{self, Key};
use crate::live::Phase;
use crate::state::{ChatState, Event, Screen};
use crate::storage;
use handoff_bot::model::{best_locale, pick, Named, Settings, Site};
use handoff_bot::{Conversation, Engine, Reply, Turn};
use handoff_protocol::Handoff;
use leptos::prelude::*;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How long the "Assistant is typing…" indicator shows before each bot message.
pub const TYPING_MS: u64 = 350;
/// The composer's limit, in UTF-16 units as the browser counts `maxlength`.
pub const MAX_MESSAGE: usize = 1000;

static INSTANCES: AtomicU32 = AtomicU32::new(0);

/// A fresh number for element ids, so several widgets can live on one page (the tests do that).
pub fn next_instance() -> u32 {
    INSTANCES.fetch_add(1, Ordering::Relaxed) + 1
}

/// What the widget has from the start, before its site is loaded: the launcher, the panel
/// around the screens and the interface language. The loading state and the loaded widget share
/// it, so the launcher and the dialog are rendered (and compiled) once.
#[derive(Clone, Copy)]
pub struct Frame {
    pub open: RwSignal<bool>,
    pub screen: RwSignal<Screen>,
    pub locale: RwSignal<String>,
    pub instance: u32,
}

impl Frame {
    /// A new frame; `preferred` are the customer's locales, best first.
    pub fn new(preferred: &[String]) -> Frame {
        Frame {
            open: RwSignal::new(false),
            screen: RwSignal::new(Screen::Portal),
            locale: RwSignal::new(i18n::best(preferred.iter().map(String::as_str)).to_string()),
            instance: next_instance(),
        }
    }

    /// A page-unique element id.
    pub fn id(&self, name: &str) -> String {
        format!("hf{}-{name}", self.instance)
    }

    /// Interface text in the current locale (reactive when called inside a view closure).
    pub fn t(&self, key: Key) -> &'static str {
        self.locale.with(|l| i18n::t(l, key))
    }

    /// Interface text as a reactive closure for views. Every call site shares this one closure
    /// type, so the view code for it is compiled once (this keeps the wasm small).
    pub fn tr(&self, key: Key) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        let locale = self.locale;
        move || locale.with(|l| i18n::t(l, key))
    }

    pub fn toggle(&self) {
        if self.open.get_untracked() {
            self.close();
        } else {
            self.open.set(true);
            // Move the focus into the panel, to the control the current screen starts with
            // (while the site loads there is none).
            let name = match self.screen.get_untracked() {
                Screen::Portal => "search",
                Screen::Article(_) => "article",
                Screen::Chat => "message",
            };
            dom::focus_later(self.id(name));
        }
    }

    /// Closes the panel and gives the focus back to the launcher.
    pub fn close(&self) {
        self.open.set(false);
        dom::focus_later(self.id("launcher"));
    }
}

/// The site's engine, the bot's side of the conversation and what the customer did so far
/// (stored for a reload), in one stored value: every stored value type is code of its own in
/// the wasm.
struct Session {
    engine: Arc<Engine>,
    conv: Conversation,
    events: Vec<Event>,
    /// The desk's address ("" for the widget's own origin); `None`: no desk, the bot only.
    desk: Option<String>,
}

/// What a button in the loaded widget does (see [`Ui::on_click`]).
#[derive(Clone)]
pub enum Action {
    /// The Help tab and "Back": the portal.
    Portal,
    /// The Chat tab and "Chat with us" when nothing was found.
    Chat,
    /// An article link or card.
    Article(String),
    /// A quick reply: sends its text.
    Say(String),
    /// "Yes" (`None`) or "No" (the article id) under an article; sets the flag that thanks.
    Answered(RwSignal<bool>, Option<String>),
    /// "Still need help? Chat with us" under an article.
    FromArticle(String),
    /// "Stop waiting" and "Back to the assistant" in the handoff.
    Cancel,
    /// "Skip" under the rating.
    SkipRating,
}

/// The handoff's forms (see [`Ui::on_submit`]).
#[derive(Clone, Copy)]
pub enum Form {
    Ticket,
    Rating,
}

#[derive(Clone, Copy)]
pub struct Ui {
    pub frame: Frame,
    session: StoredValue<Session>,
    pub chat: RwSignal<ChatState>,
    persist: bool,
}

/// `ui.locale`, `ui.screen`, `ui.id(..)`, `ui.tr(..)`: the frame's parts read as the widget's.
impl std::ops::Deref for Ui {
    type Target = Frame;
    fn deref(&self) -> &Frame {
        &self.frame
    }
}

pub fn use_ui() -> Ui {
    expect_context::<Ui>()
}

impl Ui {
    /// Sets the widget up for `engine` in `frame`: starts a conversation in the best of the
    /// customer's `preferred` locales and, with `persist`, replays what the customer did before
    /// a reload.
    pub fn new(
        engine: Arc<Engine>,
        preferred: &[String],
        persist: bool,
        desk: Option<String>,
        frame: Frame,
    ) -> Ui {
        i18n::install(&engine.site().lang);
        let locale = loaded_locale(engine.site(), preferred);
        let (conv, greeting) = engine.start(&locale);
        let saved = if persist { storage::load(&engine.site().settings.site.key) } else { Vec::new() };
        frame.locale.set(locale.clone());
        let ui = Ui {
            frame,
            session: StoredValue::new(Session { engine, conv, events: vec![Event::Start(locale)], desk }),
            chat: RwSignal::new(ChatState::new(greeting)),
            persist,
        };
        if matches!(saved.first(), Some(Event::Start(_))) && saved.len() > 1 {
            ui.session.update_value(|s| s.events.clear());
            for event in saved {
                ui.apply(event, false);
            }
            // A returning customer was chatting: show them the chat.
            ui.screen.set(Screen::Chat);
            // A conversation with the desk continues after the last event it had.
            ui.sync_stream();
            ui.kick();
        }
        ui
    }

    /// The desk's address, when the widget has one.
    pub fn desk(&self) -> Option<String> {
        self.session.try_with_value(|s| s.desk.clone()).flatten()
    }

    /// The bot takes the conversation back (after a person, a ticket or a rating).
    pub(crate) fn session_hand_back(&self) -> Option<Reply> {
        let engine = self.with_engine(Arc::clone);
        self.session.try_update_value(|s| engine.hand_back(&mut s.conv))
    }

    /// Leaves a rating or ticket form that was not answered: the bot is back.
    fn leave_form(&self) {
        if self.chat.with_untracked(|c| c.live.phase != Phase::Off) {
            self.change(|c| c.live.end());
            self.bot_is_back();
        }
    }

    /// Runs `f` with the site's engine.
    pub fn with_engine<T>(&self, f: impl FnOnce(&Arc<Engine>) -> T) -> T {
        self.session.with_value(|s| f(&s.engine))
    }

    /// A localised site name (department, tier) by id, reactive on the locale.
    pub fn site_name(&self, list: fn(&Settings) -> &Vec<Named>, id: &str) -> String {
        let locale = self.locale.get();
        self.with_engine(|e| {
            let settings = &e.site().settings;
            list(settings)
                .iter()
                .find(|n| n.id == id)
                .map(|n| pick(&n.name, &locale, &settings.site.default_locale).to_string())
                .unwrap_or_else(|| id.to_string())
        })
    }

    /// The click handler of every button inside the loaded widget. All of them share this one
    /// closure type, so the event-listener code is in the wasm once instead of once per button.
    pub fn on_click(&self, action: Action) -> impl Fn(leptos::ev::MouseEvent) + Clone + 'static {
        let ui = *self;
        move |_| ui.run(&action)
    }

    fn run(&self, action: &Action) {
        match action {
            Action::Portal => self.screen.set(Screen::Portal),
            Action::Chat => self.show_chat(),
            Action::Article(id) => self.open_article(id),
            Action::Say(text) => {
                self.send(text);
                self.focus_composer();
            }
            Action::Answered(answered, unhelpful) => {
                answered.set(true);
                if let Some(id) = unhelpful {
                    self.article_unhelpful(id);
                }
            }
            Action::FromArticle(id) => self.chat_from_article(id),
            Action::Cancel => {
                self.apply(Event::Cancel, true);
                self.focus_composer();
            }
            Action::SkipRating => {
                self.apply(Event::Rate(0, String::new(), String::new()), true);
                self.focus_composer();
            }
        }
    }

    /// Changes the chat; `false` once the widget is gone. Every change goes through this one
    /// boxed closure type: each closure type given to `RwSignal::update` would be a copy of
    /// Leptos's update code in the wasm (about 300 bytes each).
    pub fn change(&self, f: impl FnOnce(&mut ChatState)) -> bool {
        self.change_boxed(Box::new(f))
    }

    fn change_boxed(&self, f: Box<dyn FnOnce(&mut ChatState) + '_>) -> bool {
        self.chat.try_update(f).is_some()
    }

    /// A flag of the chat for `hidden=` and the like. Every call site shares this one closure
    /// type (a function pointer inside), so its view code is in the wasm once.
    pub fn flag(&self, f: fn(&ChatState) -> bool) -> impl Fn() -> bool + Copy + Send + Sync + 'static {
        let chat = self.chat;
        move || chat.with(f)
    }

    /// The submit handler of the handoff's forms. The browser has checked the fields first
    /// (`required`, `type=email`, `maxlength`): submit only fires when they are valid.
    pub fn on_submit(&self, form: Form) -> impl Fn(leptos::ev::SubmitEvent) + Clone + 'static {
        let ui = *self;
        move |ev| {
            ev.prevent_default();
            let Some(data) = ev.target().and_then(|t| dom::form_data(&t)) else { return };
            let get = |k: &str| data.get(k).as_string().unwrap_or_default();
            match form {
                Form::Ticket => ui.apply(Event::Ticket(get("name"), get("email"), get("message")), true),
                Form::Rating => {
                    let score = get("score").parse().unwrap_or(0);
                    ui.apply(Event::Rate(score, get("comment"), get("email").trim().to_string()), true);
                    ui.focus_composer();
                }
            }
        }
    }

    pub fn show_chat(&self) {
        self.screen.set(Screen::Chat);
        self.focus_composer();
    }

    pub fn focus_composer(&self) {
        dom::focus_later(self.id("message"));
    }

    pub fn open_article(&self, id: &str) {
        self.screen.set(Screen::Article(id.to_string()));
    }

    /// The customer sends a message (typed, or a quick reply).
    pub fn send(&self, text: &str) {
        let text = text.trim();
        if !text.is_empty() {
            self.apply(Event::Say(text.to_string()), true);
        }
    }

    /// "No" under an article: the bot offers a person (or hands off), in the chat.
    pub fn article_unhelpful(&self, id: &str) {
        self.show_chat();
        self.apply(Event::Unhelpful(id.to_string()), true);
    }

    /// "Still need help? Chat with us" under an article.
    pub fn chat_from_article(&self, id: &str) {
        self.apply(Event::FromArticle(id.to_string()), true);
        self.show_chat();
    }

    /// Switches the language of the interface, the articles and the bot; first downloads its
    /// bundle when the site was loaded without it (see crate::fetch).
    pub fn set_locale(&self, locale: &str) {
        if self.locale.get_untracked() == locale {
            return;
        }
        if self.with_engine(|e| e.site().has_content(locale)) {
            self.apply(Event::Locale(locale.to_string()), true);
            return;
        }
        let (ui, locale) = (*self, locale.to_string());
        leptos::task::spawn_local(async move {
            match crate::fetch::engine(&[], Some(&locale)).await {
                Ok(engine) => {
                    i18n::install(&engine.site().lang);
                    let engine = Arc::new(engine);
                    if ui.session.try_update_value(|s| s.engine = engine).is_some() {
                        ui.apply(Event::Locale(locale), true);
                    }
                }
                Err(e) => {
                    dom::log_error(&format!("Handoff widget: could not load {locale}: {e}"));
                    // The picker shows the language still in use again (its options' reactive
                    // `selected` would not change: the locale did not).
                    if let (Some(select), Some(current)) =
                        (dom::by_id(&ui.id("locale")), ui.locale.try_get_untracked())
                    {
                        let _ = js_sys::Reflect::set(&select, &"value".into(), &current.into());
                    }
                }
            }
        });
    }

    /// Runs one customer action against the bot and shows the outcome; `animate` shows bot
    /// messages behind the typing indicator (not when replaying after a reload).
    pub fn apply(&self, event: Event, animate: bool) {
        let engine = self.with_engine(Arc::clone);
        // The embedding page's preferred department (`Handoff('setDepartment')`, written by
        // embed/frame.js) for a handoff the bot may make now. Read from the page as it is, also
        // when replaying: not worth an event of its own in the wasm (docs/embedding.md).
        self.session.update_value(|s| s.conv.page_department = dom::root_attr("data-department"));
        let turn = match &event {
            Event::Start(locale) => {
                let (conv, greeting) = engine.start(locale);
                self.locale.set(conv.locale.clone());
                self.session.update_value(|s| s.conv = conv);
                self.change(|c| c.restart(greeting));
                None
            }
            Event::Say(text) if self.chat.with_untracked(|c| c.live.phase.is_live()) => {
                // A person is on the way or here: the message goes to the desk, under a client
                // id that a replay gives it again (its place among the events).
                let client = format!("c{}", self.session.with_value(|s| s.events.len()));
                self.change(|c| c.push_outgoing(client, text));
                None
            }
            Event::Say(text) => {
                self.leave_form();
                self.change(|c| c.push_customer(text));
                self.session.try_update_value(|s| engine.reply(&mut s.conv, text))
            }
            Event::Desk(id, token) => {
                self.change(|c| c.live.conv = Some((id.clone(), token.clone())));
                None
            }
            Event::Remote(id, kind, data) => {
                self.apply_remote(*id, kind, data);
                None
            }
            Event::Ticket(name, email, message) => {
                self.change(|c| c.live.ticket = Some((name.clone(), email.clone(), message.clone())));
                None
            }
            Event::Ticketed(number, when) => {
                let locale = self.locale.get_untracked();
                let text = i18n::fill(
                    i18n::t(&locale, Key::TicketDone),
                    &[("id", number), ("time", &dom::local_time(when, &locale))],
                );
                self.change(|c| {
                    c.push_system(text);
                    c.live.end();
                });
                self.bot_is_back();
                None
            }
            Event::Rate(score, comment, copy) => {
                let conv = self.chat.with_untracked(|c| c.live.conv.clone());
                self.change(|c| {
                    c.live.end();
                    if *score > 0 {
                        c.push_system(i18n::t(&self.locale.get_untracked(), Key::RatingThanks).to_string());
                        c.live.rating = Some((*score, comment.clone()));
                    }
                    if !copy.is_empty() {
                        let sent = i18n::t(&self.locale.get_untracked(), Key::CopySent);
                        c.push_system(i18n::fill(sent, &[("email", copy)]));
                        c.live.copy_to = Some(copy.clone());
                    }
                    // Sent by the request loop; the conversation is kept until then.
                    if c.live.rating.is_some() || c.live.copy_to.is_some() {
                        c.live.conv = conv;
                    }
                });
                self.bot_is_back();
                None
            }
            Event::Cancel => {
                if self.chat.with_untracked(|c| c.live.conv.is_none()) {
                    // The desk never had it (unreachable): nothing to tell it.
                    self.change(|c| {
                        c.live.end();
                        c.push_system(i18n::t(&self.locale.get_untracked(), Key::LeftQueue).to_string());
                    });
                    self.bot_is_back();
                } else {
                    self.change(|c| c.live.cancel = true);
                }
                None
            }
            Event::Unhelpful(id) => {
                self.session.try_update_value(|s| engine.article_unhelpful(&mut s.conv, id))
            }
            Event::FromArticle(id) => {
                self.session.update_value(|s| engine.from_article(&mut s.conv, id));
                None
            }
            Event::Locale(locale) => {
                // Not one of the site's locales, or its bundle could not be loaded.
                if !engine.site().has_content(locale) {
                    return;
                }
                // A chat the customer has not written in yet starts over, so that the greeting
                // is in the new language too; otherwise the conversation continues.
                if self.chat.with_untracked(|c| !c.customer_spoke() && c.typing == 0) {
                    let (mut conv, greeting) = engine.start(locale);
                    self.session.update_value(|s| {
                        conv.article = s.conv.article.take();
                        s.conv = conv;
                    });
                    self.change(|c| c.restart(greeting));
                } else {
                    self.session.update_value(|s| engine.set_locale(&mut s.conv, locale));
                }
                self.locale.set(locale.clone());
                None
            }
        };
        self.session.update_value(|s| s.events.push(event));
        if self.persist && animate {
            self.session.with_value(|s| storage::save(&engine.site().settings.site.key, &s.events));
        }
        if let Some(turn) = turn {
            self.show_turn(turn, animate);
        }
        if animate {
            self.sync_stream();
            self.kick();
        }
    }

    /// Shows the bot's replies (one by one behind the typing indicator when `animate`), then
    /// the handoff notice.
    fn show_turn(&self, turn: Turn, animate: bool) {
        let live = self.desk().is_some();
        let notice = turn.handoff.map(|mut h| {
            h.page_url = dom::page_url();
            // One calm line: why a person is coming. Where the request stands (searching, the
            // queue, nobody available) is the status line's, and tier names stay internal.
            let text = i18n::reason(&self.locale.get_untracked(), h.reason).to_string();
            (h, text)
        });
        if !animate {
            self.change(|c| {
                for reply in turn.replies {
                    c.push_reply(reply);
                }
                finish(c, notice, live);
            });
            return;
        }
        if turn.replies.is_empty() && notice.is_none() {
            return;
        }
        self.change(|c| c.typing += 1);
        let mut replies = turn.replies;
        replies.reverse();
        self.reveal(replies, notice.map(|n| (n, live)));
    }

    /// Shows the next of `replies` (reversed: the next one is last) after the typing delay, then
    /// the others the same way, then the handoff `notice`. Chained JS timers rather than a
    /// future: no future or executor code for it in the wasm.
    fn reveal(self, mut replies: Vec<Reply>, notice: Option<((Handoff, String), bool)>) {
        let Some(reply) = replies.pop() else {
            let started = notice.is_some();
            self.change(|c| {
                if let Some((notice, live)) = notice {
                    finish(c, Some(notice), live);
                }
                c.typing = c.typing.saturating_sub(1);
            });
            if started {
                self.kick();
            }
            return;
        };
        set_timeout(
            move || {
                // Nothing to do once the widget is gone.
                if self.change(|c| c.push_reply(reply)) {
                    self.reveal(replies, notice);
                }
            },
            Duration::from_millis(TYPING_MS),
        );
    }

    /// The department a person will come from, while the customer waits.
    pub fn waiting_for(&self) -> Option<String> {
        let dept = self.chat.with(|c| c.handoff.as_ref().map(|h| h.department.clone()))?;
        Some(self.site_name(|s| &s.departments, &dept))
    }
}

/// The best of the customer's `preferred` locales among those whose content the site holds: all
/// of them for a whole site, the bundles downloaded so far for a site loaded per locale.
fn loaded_locale(site: &Site, preferred: &[String]) -> String {
    let s = &site.settings.site;
    let loaded: Vec<String> = s.locales.iter().filter(|l| site.has_content(l)).cloned().collect();
    // A bundle always holds a locale of its own; a hand-made one without keeps the default.
    let default =
        loaded.iter().find(|l| **l == s.default_locale).or(loaded.first()).unwrap_or(&s.default_locale);
    best_locale(&loaded, default, preferred.iter().map(String::as_str))
}

/// The handoff notice, once the bot's replies are shown; with a desk (`live`), the handoff to it
/// starts.
fn finish(chat: &mut ChatState, notice: Option<(Handoff, String)>, live: bool) {
    if let Some((handoff, text)) = notice {
        chat.push_system(text);
        if live {
            chat.live.begin(&handoff.department);
        }
        chat.handoff = Some(handoff);
    }
}
