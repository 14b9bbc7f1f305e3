//! The team (issue 20), for managers and supervisors: the agents they administer with their
//! tier, departments, capacity and presence; a form that adds a colleague (the password the desk
//! makes up is shown once, here); deactivation, which signs the agent out at once and puts their
//! chats back in the queue, and reactivation. Who may change whom is the desk's rule.

use crate::api;
use crate::app::{ctx, Ctx};
use crate::i18n::{fill, Key};
use handoff_protocol::admin::{AgentUpdate, NewAgent, SessionInfo};
use handoff_protocol::v1::{AgentInfo, NamedItem};
use leptos::prelude::*;
use leptos::task::spawn_local;

fn name_in(item: &NamedItem, locale: &str) -> String {
    item.name.get(locale).or_else(|| item.name.get("en")).cloned().unwrap_or_else(|| item.id.clone())
}

fn load(c: Ctx, agents: RwSignal<Vec<AgentInfo>>) {
    spawn_local(async move {
        match api::team().await {
            Ok(list) => agents.set(list),
            Err(e) => c.fail(e),
        }
    });
}

/// The sessions of one agent, each of which the manager can end (a lost laptop, a shared
/// computer): listed under the agent's row while open.
#[component]
fn AgentSessions(id: i64, name: String) -> impl IntoView {
    let c = ctx();
    let list = RwSignal::new(None::<Vec<SessionInfo>>);
    let problem = RwSignal::new(None::<String>);
    let load = move || {
        spawn_local(async move {
            match api::agent_sessions(id).await {
                Ok(l) => list.set(Some(l)),
                Err(e) if e.status == 401 => c.fail(e),
                Err(e) => problem.set(Some(e.message)),
            }
        });
    };
    load();
    let end = move |session: String| {
        spawn_local(async move {
            match api::end_agent_session(id, &session).await {
                Ok(()) => load(),
                Err(e) if e.status == 401 => c.fail(e),
                Err(e) => problem.set(Some(e.message)),
            }
        });
    };
    let heading = format!("sessions-{id}-h");
    view! {
        <div class="agent-sessions" role="region" aria-labelledby=heading.clone()>
            <h2 id=heading.clone() class="small">{move || fill(c.t(Key::SessionsOf), &[("name", &name)])}</h2>
            {move || match list.get() {
                None => view! { <p class="loading">{move || c.t(Key::Loading)}</p> }.into_any(),
                Some(l) if l.is_empty() => view! { <p class="empty">{move || c.t(Key::NoSessions)}</p> }.into_any(),
                Some(l) => view! {
                    <ul class="sessions">
                        {l.into_iter().map(|s| {
                            let (from, until) = (crate::time::minute_utc(&s.created_at), crate::time::minute_utc(&s.expires_at));
                            let label = from.clone();
                            let sid = s.id.clone();
                            view! {
                                <li>
                                    <span>{move || fill(c.t(Key::SessionSpan), &[("from", &from), ("until", &until)])}</span>
                                    " "
                                    <button type="button" class="secondary"
                                        aria-label=move || fill(c.t(Key::ActionOn), &[("action", c.t(Key::EndOne)), ("what", &label)])
                                        on:click=move |_| end(sid.clone())>
                                        {move || c.t(Key::EndOne)}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <p class="error" role="alert">{move || problem.get()}</p>
        </div>
    }
}

#[component]
pub fn TeamView() -> impl IntoView {
    let c = ctx();
    let agents = RwSignal::new(Vec::<AgentInfo>::new());
    load(c, agents);
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let tier = RwSignal::new(String::from("agent"));
    let departments = RwSignal::new(Vec::<String>::new());
    let capacity = RwSignal::new(String::from("3"));
    let password = RwSignal::new(String::new());
    // Who was just added, and the password the desk made up for them (shown this once).
    let created = RwSignal::new(None::<(String, Option<String>)>);
    let problem = RwSignal::new(None::<String>);
    // The agent whose sessions are listed under their row.
    let sessions_of = RwSignal::new(None::<i64>);
    let site = move || c.sites.with(|s| s.first().cloned());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = NewAgent {
            email: email.get_untracked(),
            name: name.get_untracked(),
            tier: tier.get_untracked(),
            departments: departments.get_untracked(),
            capacity: capacity.get_untracked().trim().parse().ok(),
            password: Some(password.get_untracked()).filter(|p| !p.is_empty()),
        };
        spawn_local(async move {
            match api::create_agent(&req).await {
                Ok(made) => {
                    problem.set(None);
                    created.set(Some((made.agent.email, made.password)));
                    for s in [email, name, password] {
                        s.set(String::new());
                    }
                    departments.set(Vec::new());
                    load(c, agents);
                }
                Err(e) if e.status == 401 => c.fail(e),
                Err(e) => problem.set(Some(super::account::password_problem(c, &e))),
            }
        });
    };
    let toggle = move |a: AgentInfo| {
        spawn_local(async move {
            match api::set_agent_active(a.id, a.deactivated).await {
                Ok(_) => load(c, agents),
                Err(e) => c.fail(e),
            }
        });
    };
    let set_capacity = move |id: i64, n: u32| {
        spawn_local(async move {
            match api::update_agent(id, &AgentUpdate { capacity: Some(n), ..AgentUpdate::default() }).await {
                Ok(_) => load(c, agents),
                Err(e) => c.fail(e),
            }
        });
    };
    let tiers = move || {
        // People's tiers: the ladder above the bot.
        site().map(|s| s.tiers.into_iter().skip(1).collect::<Vec<_>>()).unwrap_or_default()
    };
    let department_boxes = move || {
        let l = c.locale.get();
        site()
            .map(|s| s.departments)
            .unwrap_or_default()
            .into_iter()
            .map(|d| {
                let id = d.id.clone();
                let for_id = format!("new-dept-{}", d.id);
                let label = name_in(&d, &l);
                let checked = {
                    let id = id.clone();
                    move || departments.with(|ds| ds.contains(&id))
                };
                view! {
                    <span class="field-inline">
                        <input type="checkbox" id=for_id.clone() prop:checked=checked
                            on:change=move |e| {
                                let on = event_target_checked(&e);
                                let id = id.clone();
                                departments.update(|ds| {
                                    ds.retain(|x| *x != id);
                                    if on {
                                        ds.push(id);
                                    }
                                });
                            } />
                        <label for=for_id>{label}</label>
                    </span>
                }
            })
            .collect_view()
    };
    let row = move |a: AgentInfo| {
        let l = c.locale.get();
        let site_key = site().map(|s| s.key).unwrap_or_default();
        let depts: Vec<String> = a.departments.iter().map(|d| c.department(&site_key, d)).collect();
        let tier_name = site()
            .and_then(|s| s.tiers.into_iter().find(|t| t.id == a.tier))
            .map(|t| name_in(&t, &l))
            .unwrap_or_else(|| a.tier.clone());
        let me = c.me.with(|m| m.as_ref().map(|m| m.id)) == Some(a.id);
        let (status, action) = if a.deactivated {
            (Key::Deactivated, Key::Reactivate)
        } else {
            (Key::ActiveAccount, Key::Deactivate)
        };
        let cap_id = format!("cap-{}", a.id);
        let who = a.name.clone();
        let id = a.id;
        let target = a.clone();
        let sessions_name = a.name.clone();
        let open = move || sessions_of.get() == Some(id);
        let sessions_label = fill(c.t(Key::SessionsOf), &[("name", &who)]);
        view! {
            <tr class=if a.deactivated { "deactivated" } else { "" }>
                <th scope="row">{a.name.clone()}</th>
                <td>{a.email.clone()}</td>
                <td>{tier_name}</td>
                <td>{depts.join(", ")}</td>
                <td>
                    <label for=cap_id.clone() class="sr-only">{fill(c.t(Key::CapacityOf), &[("name", &who)])}</label>
                    <input id=cap_id type="number" min="0" max="100" class="capacity" prop:value=a.capacity.to_string()
                        disabled=a.deactivated
                        on:change=move |e| { if let Ok(n) = event_target_value(&e).parse::<u32>() { set_capacity(id, n) } } />
                </td>
                <td><span class=format!("dot presence-{}", a.presence.as_str())>{a.presence.as_str()}</span></td>
                <td>{c.t(status)}</td>
                <td><div class="row">
                    <button type="button" class="secondary" aria-expanded=move || open().to_string()
                        aria-controls=format!("sessions-{id}") aria-label=sessions_label
                        on:click=move |_| sessions_of.update(|s| *s = if *s == Some(id) { None } else { Some(id) })>
                        {c.t(Key::AgentSessions)}
                    </button>
                    <Show when=move || !me>
                        <button type="button" class="secondary"
                            aria-label=fill(c.t(Key::ActionFor), &[("action", c.t(action)), ("name", &who)])
                            on:click={
                                let target = target.clone();
                                move |_| toggle(target.clone())
                            }>
                            {c.t(action)}
                        </button>
                    </Show>
                </div></td>
            </tr>
            <tr id=format!("sessions-{id}") class="sessions-row" hidden=move || !open()>
                <td colspan="8">
                    <Show when=open>
                        <AgentSessions id=id name=sessions_name.clone()/>
                    </Show>
                </td>
            </tr>
        }
    };
    view! {
        <section class="team" aria-labelledby="team-h">
            <h1 id="team-h">{move || c.t(Key::Team)}</h1>
            <table class="grid">
                <caption class="sr-only">{move || c.t(Key::Team)}</caption>
                <thead><tr>
                    <th scope="col">{move || c.t(Key::Name)}</th>
                    <th scope="col">{move || c.t(Key::Email)}</th>
                    <th scope="col">{move || c.t(Key::Tier)}</th>
                    <th scope="col">{move || c.t(Key::Departments)}</th>
                    <th scope="col">{move || c.t(Key::Capacity)}</th>
                    <th scope="col">{move || c.t(Key::Presence)}</th>
                    <th scope="col">{move || c.t(Key::Account)}</th>
                    <th scope="col"><span class="sr-only">{move || c.t(Key::Actions)}</span></th>
                </tr></thead>
                <tbody>{move || agents.get().into_iter().map(row).collect_view()}</tbody>
            </table>

            <h2>{move || c.t(Key::AddAgent)}</h2>
            <form class="add-agent" on:submit=add>
                <label for="new-email">{move || c.t(Key::Email)}</label>
                <input id="new-email" type="email" required autocomplete="off" prop:value=move || email.get()
                    on:input=move |e| email.set(event_target_value(&e)) />
                <label for="new-name">{move || c.t(Key::Name)}</label>
                <input id="new-name" type="text" required prop:value=move || name.get()
                    on:input=move |e| name.set(event_target_value(&e)) />
                <label for="new-tier">{move || c.t(Key::Tier)}</label>
                <select id="new-tier" on:change=move |e| tier.set(event_target_value(&e))>
                    {move || {
                        let l = c.locale.get();
                        tiers().into_iter().map(|t| {
                            let selected = tier.get_untracked() == t.id;
                            view! { <option value=t.id.clone() selected=selected>{name_in(&t, &l)}</option> }
                        }).collect_view()
                    }}
                </select>
                <fieldset>
                    <legend>{move || c.t(Key::Departments)}</legend>
                    {department_boxes}
                </fieldset>
                <label for="new-capacity">{move || c.t(Key::Capacity)}</label>
                <input id="new-capacity" type="number" min="0" max="100" prop:value=move || capacity.get()
                    on:input=move |e| capacity.set(event_target_value(&e)) />
                <label for="new-password">{move || c.t(Key::FirstPassword)}</label>
                <input id="new-password" type="password" autocomplete="new-password" minlength="10"
                    aria-describedby="new-password-hint" prop:value=move || password.get()
                    on:input=move |e| password.set(event_target_value(&e)) />
                <p id="new-password-hint" class="hint">{move || c.t(Key::FirstPasswordHint)}</p>
                <button type="submit" class="primary">{move || c.t(Key::AddAgent)}</button>
                <p class="error" role="alert">{move || problem.get()}</p>
            </form>
            <div role="status" class="created">
                {move || created.get().map(|(who, shown)| match shown {
                    Some(p) => view! {
                        <p>{fill(c.t(Key::AgentAddedWith), &[("email", &who)])}" "<code class="new-password">{p}</code></p>
                        <p class="hint">{c.t(Key::ShownOnce)}</p>
                    }.into_any(),
                    None => view! { <p>{fill(c.t(Key::AgentAdded), &[("email", &who)])}</p> }.into_any(),
                })}
            </div>
        </section>
    }
}
