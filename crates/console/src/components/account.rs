//! The agent's own account (issue 20): changing the password (every other session ends) and
//! the sessions signed in as them, each of which they can end (a forgotten browser elsewhere).

use crate::api;
use crate::app::{ctx, Ctx};
use crate::i18n::Key;
use handoff_protocol::admin::{PasswordChange, SessionInfo};
use leptos::prelude::*;
use leptos::task::spawn_local;

fn load(c: Ctx, sessions: RwSignal<Vec<SessionInfo>>) {
    spawn_local(async move {
        match api::sessions().await {
            Ok(list) => sessions.set(list),
            Err(e) => c.fail(e),
        }
    });
}

/// A refused password change or choice in the agent's language; other refusals as the desk
/// words them.
pub fn password_problem(c: Ctx, e: &api::ApiError) -> String {
    match e.code.as_str() {
        "wrong_password" => c.t(Key::WrongPassword).to_string(),
        "weak_password" => c.t(Key::WeakPassword).to_string(),
        "same_password" => c.t(Key::SamePassword).to_string(),
        _ => e.message.clone(),
    }
}

#[component]
pub fn AccountView() -> impl IntoView {
    let c = ctx();
    let sessions = RwSignal::new(Vec::<SessionInfo>::new());
    load(c, sessions);
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    // What the last change did: Ok(()) changed, Err(the desk's reason).
    let outcome = RwSignal::new(None::<Result<(), String>>);
    let change = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = PasswordChange { current: current.get_untracked(), new: new.get_untracked() };
        spawn_local(async move {
            match api::change_password(&req).await {
                Ok(()) => {
                    current.set(String::new());
                    new.set(String::new());
                    outcome.set(Some(Ok(())));
                    load(c, sessions);
                }
                Err(e) if e.status == 401 => c.fail(e),
                Err(e) => outcome.set(Some(Err(password_problem(c, &e)))),
            }
        });
    };
    let end = move |id: String| {
        spawn_local(async move {
            match api::end_session(&id).await {
                Ok(()) => load(c, sessions),
                Err(e) => c.fail(e),
            }
        });
    };
    view! {
        <section class="account" aria-labelledby="account-h">
            <h1 id="account-h">{move || c.t(Key::MyAccount)}</h1>
            <h2>{move || c.t(Key::ChangePassword)}</h2>
            <form class="add-agent" on:submit=change>
                <label for="current-password">{move || c.t(Key::CurrentPassword)}</label>
                <input id="current-password" type="password" required autocomplete="current-password"
                    prop:value=move || current.get() on:input=move |e| current.set(event_target_value(&e)) />
                <label for="new-password">{move || c.t(Key::NewPassword)}</label>
                <input id="new-password" type="password" required minlength="10" autocomplete="new-password"
                    aria-describedby="new-password-rule" prop:value=move || new.get()
                    on:input=move |e| new.set(event_target_value(&e)) />
                <p id="new-password-rule" class="hint">{move || c.t(Key::PasswordRule)}</p>
                <button type="submit" class="primary">{move || c.t(Key::ChangePassword)}</button>
                <p role="status" class=move || if matches!(outcome.get(), Some(Err(_))) { "error" } else { "done" }>
                    {move || outcome.get().map(|o| match o {
                        Ok(()) => c.t(Key::PasswordChanged).to_string(),
                        Err(why) => why,
                    })}
                </p>
            </form>
            <h2>{move || c.t(Key::Sessions)}</h2>
            <ul class="sessions">
                {move || sessions.get().into_iter().map(|s| {
                    let id = s.id.clone();
                    view! {
                        <li>
                            <span>{crate::time::minute(&s.created_at)}</span>
                            {if s.current {
                                view! { <strong>" "{c.t(Key::ThisSession)}</strong> }.into_any()
                            } else {
                                view! {
                                    " "
                                    <button type="button" class="secondary" on:click=move |_| end(id.clone())>
                                        {c.t(Key::EndSession)}
                                    </button>
                                }.into_any()
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
