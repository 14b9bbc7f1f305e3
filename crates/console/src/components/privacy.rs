//! Data protection (issue 20), for managers and supervisors: export everything the desk stores
//! about one customer of a site (a summary here, the whole JSON as a download), or erase it
//! after an explicit second step. Who may ask about whom is the desk's rule.

use crate::api;
use crate::app::{ctx, Ctx};
use crate::i18n::{fill, Key};
use crate::privacy::{self, Selector, Summary};
use handoff_protocol::privacy::ErasureReport;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The export shown: for which site, its figures, and the download's object URL.
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    site: String,
    summary: Summary,
    url: Option<String>,
}

fn selector_key(s: Selector) -> Key {
    match s {
        Selector::UserId => Key::ByUserId,
        Selector::VisitorId => Key::ByVisitorId,
        Selector::Email => Key::ByEmail,
    }
}

/// A refusal in the agent's language where the console knows it, else as the desk words it.
fn problem(c: Ctx, e: &api::ApiError) -> String {
    match e.code.as_str() {
        "outside_departments" => c.t(Key::OutsideDepartments).to_string(),
        _ => e.message.clone(),
    }
}

fn counts(c: Ctx, s: Summary) -> impl IntoView {
    view! {
        <dl class="facts counts">
            {[(Key::CountConversations, s.conversations), (Key::CountMessages, s.messages),
              (Key::CountTickets, s.tickets), (Key::CountMail, s.mail)]
                .into_iter()
                .map(|(k, n)| view! { <div><dt>{move || c.t(k)}</dt><dd>{n}</dd></div> })
                .collect_view()}
        </dl>
    }
}

#[component]
pub fn PrivacyView() -> impl IntoView {
    let c = ctx();
    let site = RwSignal::new(String::new());
    let chosen = move || {
        let s = site.get();
        if s.is_empty() {
            c.sites.with(|all| all.first().map(|x| x.key.clone()).unwrap_or_default())
        } else {
            s
        }
    };
    let by = RwSignal::new(Selector::UserId);
    let value = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let failed = RwSignal::new(None::<String>);
    let shown = RwSignal::new(None::<Shown>);
    let asking = RwSignal::new(false);
    let erased = RwSignal::new(None::<ErasureReport>);
    // The object URL on offer is revoked when another replaces it and when the screen goes.
    let forget_download = move || {
        if let Some(url) = shown.with_untracked(|s| s.as_ref().and_then(|s| s.url.clone())) {
            crate::browser::revoke_url(&url);
        }
        shown.set(None);
    };
    on_cleanup(move || {
        if let Some(Some(url)) = shown.try_with_untracked(|s| s.as_ref().and_then(|s| s.url.clone())) {
            crate::browser::revoke_url(&url);
        }
    });
    // Another customer: what was shown was about the previous one.
    let changed = move || {
        forget_download();
        erased.set(None);
        asking.set(false);
        failed.set(None);
    };
    let current = move || privacy::request(&chosen(), by.get_untracked(), &value.get_untracked());
    let export = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(req) = current() else {
            failed.set(Some(c.t(Key::NeedValue).to_string()));
            return;
        };
        changed();
        busy.set(true);
        spawn_local(async move {
            match api::privacy_export(&req).await {
                Ok(e) => {
                    let summary = Summary::of(&e);
                    let url = crate::browser::blob_url(&privacy::file_text(&e), "application/json");
                    shown.set(Some(Shown { site: req.site_key.clone(), summary, url }));
                }
                Err(e) if e.status == 401 => c.fail(e),
                Err(e) => failed.set(Some(problem(c, &e))),
            }
            busy.set(false);
        });
    };
    let ask = move |_| {
        if current().is_none() {
            failed.set(Some(c.t(Key::NeedValue).to_string()));
            return;
        }
        failed.set(None);
        asking.set(true);
        request_animation_frame(|| crate::browser::focus("erase-cancel"));
    };
    let erase = move |_| {
        let Some(req) = current() else { return };
        asking.set(false);
        busy.set(true);
        spawn_local(async move {
            match api::privacy_erase(&req).await {
                Ok(r) => {
                    forget_download();
                    erased.set(Some(r));
                }
                Err(e) if e.status == 401 => c.fail(e),
                Err(e) => failed.set(Some(problem(c, &e))),
            }
            busy.set(false);
            request_animation_frame(|| crate::browser::focus("privacy-outcome"));
        });
    };
    let site_name = move |key: String| {
        c.sites.with(|all| all.iter().find(|s| s.key == key).map(|s| s.name.clone()).unwrap_or(key))
    };
    view! {
        <section class="privacy" aria-labelledby="privacy-h">
            <h1 id="privacy-h">{move || c.t(Key::PrivacyTab)}</h1>
            <p>{move || c.t(Key::PrivacyIntro)}</p>
            <form class="form-grid" on:submit=export>
                <label for="privacy-site">{move || c.t(Key::Site)}</label>
                <select id="privacy-site" on:change=move |e| { site.set(event_target_value(&e)); changed() }>
                    {move || c.sites.get().into_iter().map(|s| {
                        let key = s.key.clone();
                        view! { <option value=s.key.clone() selected=move || chosen() == key>{s.name.clone()}</option> }
                    }).collect_view()}
                </select>
                <label for="privacy-by">{move || c.t(Key::FindBy)}</label>
                <select id="privacy-by" on:change=move |e| {
                    by.set(Selector::parse(&event_target_value(&e)).unwrap_or_default());
                    changed();
                }>
                    {Selector::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=move || by.get() == s>{move || c.t(selector_key(s))}</option>
                    }).collect_view()}
                </select>
                <label for="privacy-value">{move || c.t(selector_key(by.get()))}</label>
                <input id="privacy-value" required autocomplete="off" spellcheck="false"
                    type=move || if by.get() == Selector::Email { "email" } else { "text" }
                    prop:value=move || value.get()
                    on:input=move |e| { value.set(event_target_value(&e)); changed() } />
                <div class="row buttons">
                    <button type="submit" class="primary" disabled=move || busy.get()>{move || c.t(Key::ExportBtn)}</button>
                    <button type="button" class="danger" disabled=move || busy.get() aria-expanded=move || asking.get().to_string()
                        aria-describedby="erase-explain" on:click=ask>
                        {move || c.t(Key::EraseEllipsis)}
                    </button>
                </div>
                <p id="erase-explain" class="hint">{move || c.t(Key::EraseExplain)}</p>
            </form>
            <Show when=move || asking.get()>
                <div class="confirm" role="group" aria-labelledby="erase-question"
                    on:keydown=move |e: leptos::ev::KeyboardEvent| { if e.key() == "Escape" { asking.set(false) } }>
                    <p id="erase-question" class="question">
                        {move || fill(c.t(Key::EraseAsk), &[("site", &site_name(chosen()))])}
                    </p>
                    <button type="button" class="danger" on:click=erase>{move || c.t(Key::EraseForGood)}</button>
                    <button type="button" id="erase-cancel" class="secondary" on:click=move |_| asking.set(false)>
                        {move || c.t(Key::Cancel)}
                    </button>
                </div>
            </Show>
            <div id="privacy-outcome" class="outcome" role="status" tabindex="-1">
                {move || failed.get().map(|f| view! { <p class="error">{f}</p> })}
                {move || shown.get().map(|s| {
                    let file = privacy::file_name(&s.site);
                    view! {
                        <div class="card export">
                            <h2>{move || c.t(Key::ExportTitle)}</h2>
                            {counts(c, s.summary)}
                            {s.summary.is_empty().then(|| view! { <p>{move || c.t(Key::NothingStored)}</p> })}
                            {s.url.map(|url| view! {
                                <a class="button secondary" href=url download=file.clone()>{move || c.t(Key::DownloadJson)}" ("{file.clone()}")"</a>
                            })}
                        </div>
                    }
                })}
                {move || erased.get().map(|r| {
                    let summary = Summary {
                        conversations: r.conversations as usize,
                        messages: r.messages as usize,
                        tickets: r.tickets as usize,
                        mail: r.mail as usize,
                    };
                    let at = crate::time::minute_utc(&r.erased_at);
                    view! {
                        <div class="card erased">
                            <h2>{move || c.t(Key::ErasedTitle)}</h2>
                            {counts(c, summary)}
                            <p>{move || fill(c.t(Key::ErasedAt), &[("time", &at)])}</p>
                        </div>
                    }
                })}
            </div>
        </section>
    }
}
