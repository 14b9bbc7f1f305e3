//! The bar at the top: screens, presence and capacity, language, notifications, sign out.

use crate::api;
use crate::app::{ctx, load_overview, load_tickets, Screen};
use crate::browser;
use crate::i18n::{self, fill, Key, LOCALES};
use handoff_protocol::v1::Presence;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn LanguagePicker(id: &'static str) -> impl IntoView {
    let c = ctx();
    view! {
        <span class="field-inline">
            <label for=id>{move || c.t(Key::Language)}</label>
            <select id=id on:change=move |e| c.locale.set(event_target_value(&e))>
                {LOCALES.iter().map(|l| view! {
                    <option value=*l selected=move || c.locale.get() == *l>{i18n::language_name(l)}</option>
                }).collect_view()}
            </select>
        </span>
    }
}

#[component]
pub fn Topbar() -> impl IntoView {
    let c = ctx();
    let tab = move |screen: Screen, key: Key| {
        view! {
            <button type="button" class="tab"
                aria-current=move || (c.screen.get() == screen).then_some("page")
                on:click=move |_| {
                    c.screen.set(screen);
                    match screen {
                        Screen::Supervisor => load_overview(c),
                        Screen::Tickets => load_tickets(c),
                        _ => {}
                    }
                }>
                {move || c.t(key)}
            </button>
        }
    };
    let set_presence = move |p: Presence| {
        spawn_local(async move {
            match api::presence(p, None).await {
                Ok(me) => c.me.set(Some(me)),
                Err(e) => c.fail(e),
            }
        });
    };
    let set_capacity = move |n: u32| {
        let p = c.me.with_untracked(|m| m.as_ref().map(|m| m.presence)).unwrap_or(Presence::Online);
        spawn_local(async move {
            match api::presence(p, Some(n)).await {
                Ok(me) => c.me.set(Some(me)),
                Err(e) => c.fail(e),
            }
        });
    };
    let sign_out = move |_| {
        spawn_local(async move {
            super::events::forget();
            api::logout().await;
            c.me.set(None);
            // The next person to sign in here may be an agent: start on the work screen.
            c.screen.set(Screen::Work);
            c.open_id.set(None);
            c.detail.set(None);
        });
    };
    let presence = move || c.me.with(|m| m.as_ref().map(|m| m.presence)).unwrap_or(Presence::Offline);
    let load = move || {
        c.me.with(|m| {
            m.as_ref().map(|m| {
                fill(
                    c.t(Key::Load),
                    &[("active", &m.active.to_string()), ("capacity", &m.capacity.to_string())],
                )
            })
        })
    };
    view! {
            <header class="topbar">
                <span class="brand">{move || c.t(Key::AppName)}</span>
                <nav class="tabs" aria-label=move || c.t(Key::AppName)>
                    {tab(Screen::Work, Key::Work)}
                    <Show when=move || c.is_supervisor()>{tab(Screen::Supervisor, Key::Supervisor)}</Show>
                    <Show when=move || c.is_supervisor()>{tab(Screen::Insights, Key::Insights)}</Show>
                    <Show when=move || c.is_supervisor()>{tab(Screen::Embed, Key::EmbedTab)}</Show>
                    <Show when=move || c.is_supervisor()>{tab(Screen::Team, Key::TeamTab)}</Show>
                    <Show when=move || c.is_supervisor()>{tab(Screen::Privacy, Key::PrivacyTab)}</Show>
                    <Show when=move || c.is_supervisor()>{tab(Screen::Settings, Key::SettingsTab)}</Show>
                    {tab(Screen::Tickets, Key::Tickets)}
                    {tab(Screen::Account, Key::MyAccount)}
                </nav>
    <span class="me">{move || c.me.with(|m| m.as_ref().map(|m| format!("{} · {}", m.name, m.tier)))}</span>
                <span class="field-inline">
                    <label for="presence">{move || c.t(Key::Presence)}</label>
                    <select id="presence" class=move || format!("presence-{}", presence().as_str())
                        on:change=move |e| { if let Some(p) = Presence::parse(&event_target_value(&e)) { set_presence(p) } }>
                        {[(Presence::Online, Key::Online), (Presence::Away, Key::Away), (Presence::Offline, Key::Offline)]
                            .into_iter()
                            .map(|(p, k)| view! { <option value=p.as_str() selected=move || presence() == p>{move || c.t(k)}</option> })
                            .collect_view()}
                    </select>
                </span>
                <span class="field-inline">
                    <label for="capacity">{move || c.t(Key::Capacity)}</label>
                    <input id="capacity" type="number" min="0" max="100" class="capacity"
                        prop:value=move || c.me.with(|m| m.as_ref().map(|m| m.capacity.to_string()).unwrap_or_default())
                        on:change=move |e| { if let Ok(n) = event_target_value(&e).parse::<u32>() { set_capacity(n) } } />
                </span>
                <span class="load" aria-live="polite">{load}</span>
                <LanguagePicker id="language"/>
                <span class="field-inline">
                    <input id="sound" type="checkbox" prop:checked=browser::sound_on()
                        on:change=move |e| browser::set_sound(event_target_checked(&e)) />
                    <label for="sound">{move || c.t(Key::Sound)}</label>
                </span>
                <Show when=|| browser::notifications_supported() && !browser::notifications_granted()>
                    <button type="button" class="secondary icon" on:click=|_| browser::request_notifications()
                        aria-label=move || c.t(Key::Notifications) title=move || c.t(Key::Notifications)>
                        <svg aria-hidden="true" width="16" height="16" viewBox="0 0 24 24" fill="currentColor">
                            <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1z"/>
                        </svg>
                    </button>
                </Show>
                <button type="button" class="secondary" on:click=sign_out>{move || c.t(Key::SignOut)}</button>
            </header>
            <Show when=move || !c.connected.get()>
                <p class="banner" role="alert">{move || c.t(Key::Reconnecting)}</p>
            </Show>
            <Show when=move || c.error.with(Option::is_some)>
                <p class="banner error" role="alert">{move || c.error.get()}</p>
            </Show>
        }
}
