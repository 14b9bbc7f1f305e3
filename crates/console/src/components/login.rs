//! Sign-in form.

use crate::api;
use crate::app::{ctx, signed_in};
use crate::i18n::Key;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn Login() -> impl IntoView {
    let c = ctx();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::login(&email.get_untracked(), &password.get_untracked()).await {
                Ok(me) => {
                    c.me.set(Some(me));
                    signed_in(c);
                }
                Err(e) if e.status == 401 => error.set(Some(c.t(Key::BadCredentials).to_string())),
                Err(e) if e.code == "account_deactivated" => {
                    error.set(Some(c.t(Key::AccountDeactivated).to_string()))
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <main class="login">
            <form class="card login-card" on:submit=submit>
                <h1>{move || c.t(Key::AppName)}</h1>
                <h2>{move || c.t(Key::SignInTitle)}</h2>
                <label for="login-email">{move || c.t(Key::Email)}</label>
                <input id="login-email" type="email" autocomplete="username" required
                    prop:value=move || email.get() on:input=move |e| email.set(event_target_value(&e)) />
                <label for="login-password">{move || c.t(Key::Password)}</label>
                <input id="login-password" type="password" autocomplete="current-password" required
                    prop:value=move || password.get() on:input=move |e| password.set(event_target_value(&e)) />
                <p class="error" role="alert">{move || error.get()}</p>
                <button type="submit" class="primary" disabled=move || busy.get()>{move || c.t(Key::SignIn)}</button>
                <super::topbar::LanguagePicker id="login-language"/>
            </form>
        </main>
    }
}
