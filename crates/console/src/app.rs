//! The console's state (one `Ctx` of signals, provided as context), the actions that load and
//! change it, and the root component that switches between sign-in and the work screens.

use crate::api::{self, ApiError};
use crate::browser;
use crate::components::{login::Login, shell::Shell};
use crate::i18n::{self, Key};
use handoff_protocol::v1::*;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Work,
    Supervisor,
    Tickets,
    /// Escalation insights (supervisors and managers).
    Insights,
    /// Each site's embed snippet (supervisors and managers).
    Embed,
    /// The agents a manager or supervisor administers (issue 20).
    Team,
    /// The agent's own password and sessions.
    Account,
    /// Export or erase one customer's data (supervisors and managers, issue 20).
    Privacy,
    /// A site's hours, SLA targets and canned responses (managers; supervisors read them and
    /// change their departments' canned responses).
    Settings,
}

/// Everything the screens show. `Copy`: every field is a signal handle.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub locale: RwSignal<String>,
    pub me: RwSignal<Option<AgentInfo>>,
    /// `true` until the session check at start answered.
    pub checking: RwSignal<bool>,
    pub screen: RwSignal<Screen>,
    pub queue: RwSignal<Vec<ConversationSummary>>,
    pub mine: RwSignal<Vec<ConversationSummary>>,
    pub open_id: RwSignal<Option<String>>,
    pub detail: RwSignal<Option<ConversationDetail>>,
    pub history: RwSignal<Vec<ConversationSummary>>,
    pub canned: RwSignal<Vec<CannedResponse>>,
    pub sites: RwSignal<Vec<SiteSummary>>,
    pub overview: RwSignal<Option<SupervisorOverview>>,
    pub tickets: RwSignal<Vec<Ticket>>,
    /// Ticks every second for the SLA countdowns.
    pub now: RwSignal<i64>,
    /// Polite announcements for screen readers (new messages, new work).
    pub announce: RwSignal<String>,
    pub error: RwSignal<Option<String>>,
    pub connected: RwSignal<bool>,
    /// The conversation whose customer is typing now.
    pub typing: RwSignal<Option<String>>,
    /// New things since the agent last looked (tab title count).
    pub unseen: RwSignal<usize>,
    /// What the last move that took a conversation away did ("Transferred to Billing."),
    /// shown until the next move or the next conversation the agent opens.
    pub done: RwSignal<Option<String>>,
    /// Customer messages not yet seen, per conversation (not the open one).
    pub unread: RwSignal<std::collections::HashMap<String, usize>>,
}

impl Ctx {
    fn new() -> Ctx {
        let stored = browser::session_get("handoff-console-locale");
        let locale = stored
            .filter(|l| i18n::LOCALES.contains(&l.as_str()))
            .unwrap_or_else(|| i18n::pick(&browser::languages()).to_string());
        Ctx {
            locale: RwSignal::new(locale),
            me: RwSignal::new(None),
            checking: RwSignal::new(true),
            screen: RwSignal::new(Screen::Work),
            queue: RwSignal::new(vec![]),
            mine: RwSignal::new(vec![]),
            open_id: RwSignal::new(None),
            detail: RwSignal::new(None),
            history: RwSignal::new(vec![]),
            canned: RwSignal::new(vec![]),
            sites: RwSignal::new(vec![]),
            overview: RwSignal::new(None),
            tickets: RwSignal::new(vec![]),
            now: RwSignal::new(browser::now_ms()),
            announce: RwSignal::new(String::new()),
            error: RwSignal::new(None),
            connected: RwSignal::new(true),
            typing: RwSignal::new(None),
            unseen: RwSignal::new(0),
            done: RwSignal::new(None),
            unread: RwSignal::new(Default::default()),
        }
    }

    /// The interface text in the chosen language (reactive).
    pub fn t(&self, key: Key) -> &'static str {
        i18n::t(&self.locale.get(), key)
    }

    pub fn is_supervisor(&self) -> bool {
        self.me.with(|m| m.as_ref().is_some_and(|m| m.tier != "agent"))
    }

    /// Shows a failed call; a lost session returns to the sign-in screen.
    pub fn fail(&self, e: ApiError) {
        if e.status == 401 {
            self.me.set(None);
            return;
        }
        let prefix = i18n::t(&self.locale.get_untracked(), Key::Failed);
        self.error.set(Some(format!("{prefix} {}", e.message)));
    }

    /// A department's name in the console's language (its id when unknown).
    pub fn department(&self, site: &str, id: &str) -> String {
        let l = self.locale.get();
        self.sites.with(|all| {
            all.iter()
                .find(|s| s.key == site)
                .and_then(|s| s.departments.iter().find(|d| d.id == id))
                .and_then(|d| d.name.get(&l).or_else(|| d.name.get("en")).cloned())
                .unwrap_or_else(|| id.to_string())
        })
    }

    pub fn say(&self, text: impl Into<String>) {
        self.announce.set(text.into());
    }
}

pub fn ctx() -> Ctx {
    expect_context::<Ctx>()
}

/// Reloads the lists (after a reconnect, a `resync`, or any move).
pub fn reload(c: Ctx) {
    spawn_local(async move {
        match api::me().await {
            Ok(m) => c.me.set(Some(m)),
            Err(e) => return c.fail(e),
        }
        match api::queue().await {
            Ok(q) => c.queue.set(q),
            Err(e) => c.fail(e),
        }
        match api::mine().await {
            Ok(m) => c.mine.set(m),
            Err(e) => c.fail(e),
        }
        if let Some(id) = c.open_id.get_untracked() {
            load_detail(c, id);
        }
        load_canned(c);
        match c.screen.get_untracked() {
            Screen::Supervisor => load_overview(c),
            Screen::Tickets => load_tickets(c),
            _ => {}
        }
    });
}

/// The canned responses, fetched again with the lists: a manager may have changed them in
/// Settings (issue 20), and they apply without a restart or a new sign-in.
pub fn load_canned(c: Ctx) {
    spawn_local(async move {
        if let Ok(list) = api::canned().await {
            if c.canned.with_untracked(|old| *old != list) {
                c.canned.set(list);
            }
        }
    });
}

pub fn load_detail(c: Ctx, id: String) {
    spawn_local(async move {
        match api::detail(&id).await {
            Ok(d) if c.open_id.get_untracked().as_deref() == Some(id.as_str()) => {
                c.detail.update(|shown| *shown = Some(crate::detail::after_reload(shown.as_ref(), d)))
            }
            Ok(_) => {}
            Err(e) if e.status == 403 || e.status == 404 => {
                // Gone from this agent's view (transferred away, escalated above them).
                c.open_id.set(None);
                c.detail.set(None);
            }
            Err(e) => c.fail(e),
        }
        if let Ok(h) = api::history(&id).await {
            c.history.set(h);
        }
    });
}

pub fn open(c: Ctx, id: String) {
    c.done.set(None);
    c.screen.set(Screen::Work);
    c.error.set(None);
    c.detail.set(None);
    c.history.set(vec![]);
    c.typing.set(None);
    c.unread.update(|u| {
        u.remove(&id);
    });
    c.open_id.set(Some(id.clone()));
    c.unseen.set(0);
    load_detail(c, id);
    load_canned(c);
    request_animation_frame(|| browser::focus("conversation-title"));
}

pub fn load_overview(c: Ctx) {
    spawn_local(async move {
        match api::overview().await {
            // Unchanged polls leave the DOM alone (focus and clicks stay where they are).
            Ok(o) if c.overview.with_untracked(|old| old.as_ref() != Some(&o)) => c.overview.set(Some(o)),
            Ok(_) => {}
            Err(e) => c.fail(e),
        }
    });
}

pub fn load_tickets(c: Ctx) {
    spawn_local(async move {
        match api::tickets().await {
            Ok(t) => c.tickets.set(t),
            Err(e) => c.fail(e),
        }
    });
}

/// A move on the open conversation, then fresh lists.
pub fn act(c: Ctx, id: String, action: &'static str, body: serde_json::Value) {
    c.error.set(None);
    spawn_local(async move {
        match api::act(&id, action, body).await {
            Ok(_) => reload(c),
            Err(e) => c.fail(e),
        }
    });
}

/// A move after which the conversation is no longer the agent's (transfer, escalate, hand
/// back, resolve): on success it says what happened, closes the conversation before the lists
/// reload (so nothing asks the desk for a conversation it no longer shows this agent), and
/// opens the agent's next conversation, if any.
pub fn leave(c: Ctx, id: String, action: &'static str, body: serde_json::Value, done: String) {
    c.error.set(None);
    spawn_local(async move {
        if let Err(e) = api::act(&id, action, body).await {
            return c.fail(e);
        }
        if c.open_id.get_untracked().as_deref() == Some(id.as_str()) {
            c.open_id.set(None);
            c.detail.set(None);
            c.typing.set(None);
        }
        c.say(done.clone());
        match api::mine().await {
            Ok(mut m) => {
                crate::queue::sort(&mut m);
                let next = m.iter().find(|x| x.conversation_id != id).map(|x| x.conversation_id.clone());
                c.mine.set(m);
                if let Some(next) = next.filter(|_| c.open_id.get_untracked().is_none()) {
                    open(c, next);
                }
            }
            Err(e) => c.fail(e),
        }
        c.done.set(Some(done));
        reload(c);
    });
}

/// Everything that starts once signed in: lists, canned responses, the event stream.
pub fn signed_in(c: Ctx) {
    reload(c);
    spawn_local(async move {
        if let Ok(list) = api::sites().await {
            c.sites.set(list);
        }
    });
    crate::components::events::connect(c);
}

#[component]
pub fn App() -> impl IntoView {
    let c = Ctx::new();
    provide_context(c);
    // Session check: a reload of the tab stays signed in (cookie + stored CSRF token).
    spawn_local(async move {
        if api::signed_in_here() {
            if let Ok(m) = api::me().await {
                c.me.set(Some(m));
                signed_in(c);
            }
        }
        c.checking.set(false);
    });
    Effect::new(move |_| {
        let l = c.locale.get();
        browser::set_lang(&l);
        browser::session_set("handoff-console-locale", &l);
    });
    Effect::new(move |_| {
        let n = c.unseen.get() + c.queue.with(|q| q.len());
        browser::set_title(&crate::queue::title(n, i18n::t(&c.locale.get(), Key::AppName)));
        browser::set_badge(n);
    });
    let tick =
        set_interval_with_handle(move || c.now.set(browser::now_ms()), std::time::Duration::from_secs(1));
    on_cleanup(move || {
        if let Ok(h) = tick {
            h.clear();
        }
    });
    // Only sign-in/out switches screens (a fresh `me` with a new load must not rebuild them).
    let signed = Memo::new(move |_| c.me.with(Option::is_some));
    view! {
        <div class="live" role="status" aria-live="polite" aria-atomic="true">{move || c.announce.get()}</div>
        {move || {
            if c.checking.get() {
                view! { <p class="loading">{c.t(Key::Loading)}</p> }.into_any()
            } else if signed.get() {
                view! { <Shell/> }.into_any()
            } else {
                view! { <Login/> }.into_any()
            }
        }}
    }
}
