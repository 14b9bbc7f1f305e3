//! Supervisors and managers: every queue of their departments with each agent's load, the
//! waiting conversations, SLA breaches now, escalations and why; take over or reassign.

use super::sla_badge::SlaBadge;
use crate::app::{ctx, load_overview, open, Ctx};
use crate::i18n::{fill, Key};
use crate::time::hh_mm;
use handoff_protocol::v1::{ConversationSummary, FailedMail, SupervisorOverview};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;

fn reassign(c: Ctx, id: String, agent_id: i64) {
    spawn_local(async move {
        match crate::api::act(&id, "reassign", json!({ "agent_id": agent_id })).await {
            Ok(_) => {
                load_overview(c);
                crate::app::reload(c);
            }
            Err(e) => c.fail(e),
        }
    });
}

fn rows(c: Ctx, list: Vec<ConversationSummary>, o: &SupervisorOverview, table_id: &'static str) -> AnyView {
    if list.is_empty() {
        return view! { <p class="empty">{c.t(Key::None)}</p> }.into_any();
    }
    let agents = o.agents.clone();
    view! {
        <table class="grid" id=table_id>
            <thead><tr>
                <th scope="col">"#"</th>
                <th scope="col">{c.t(Key::Department)}</th>
                <th scope="col">{c.t(Key::Tier)}</th>
                <th scope="col">{c.t(Key::Priority)}</th>
                <th scope="col">{c.t(Key::Agents)}</th>
                <th scope="col">"SLA"</th>
                <th scope="col">{c.t(Key::ReassignTo)}</th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|s| {
                    let id = s.conversation_id.clone();
                    let short: String = id.chars().take(6).collect();
                    let owner = s.agent_id.and_then(|a| agents.iter().find(|x| x.id == a)).map(|a| a.name.clone()).unwrap_or_default();
                    let me = c.me.with_untracked(|m| m.as_ref().map(|m| m.id)).unwrap_or_default();
                    let pick = RwSignal::new(None::<i64>);
                    let (id1, id2, id3) = (id.clone(), id.clone(), id.clone());
                    let select_id = format!("{table_id}-to-{short}");
                    let select_for = select_id.clone();
                    view! {
                        <tr>
                            <td><button type="button" class="link" on:click=move |_| open(c, id1.clone())>"#"{short}</button></td>
                            <td>{c.department(&s.site_key, s.department.as_deref().unwrap_or_default())}</td>
                            <td>{s.tier.clone()}</td>
                            <td>{s.priority.clone()}</td>
                            <td>{owner}</td>
                            <td><SlaBadge conversation=s.clone()/></td>
                            <td><div class="row">
                                <button type="button" class="secondary" on:click=move |_| reassign(c, id2.clone(), me)>{c.t(Key::TakeOver)}</button>
                                <label for=select_for class="sr-only">{c.t(Key::ReassignTo)}</label>
                                <select id=select_id on:change=move |e| pick.set(event_target_value(&e).parse().ok())>
                                    <option value="">"—"</option>
                                    {agents.iter().filter(|a| a.id != me).map(|a| view! { <option value=a.id.to_string()>{a.name.clone()}</option> }).collect_view()}
                                </select>
                                <button type="button" class="secondary" on:click=move |_| if let Some(a) = pick.get_untracked() { reassign(c, id3.clone(), a) }>{c.t(Key::Reassign)}</button>
                            </div></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// Mail to customers the desk could not deliver: so that a supervisor learns of a broken SMTP
/// relay from the console, not from a customer who never got an answer.
fn mail_table(c: Ctx, list: Vec<FailedMail>) -> AnyView {
    if list.is_empty() {
        return view! { <p class="empty">{c.t(Key::None)}</p> }.into_any();
    }
    view! {
        <table class="grid" id="failing-mail">
            <thead><tr>
                <th scope="col">{c.t(Key::When)}</th>
                <th scope="col">{c.t(Key::MailTo)}</th>
                <th scope="col">{c.t(Key::MailSubject)}</th>
                <th scope="col">{c.t(Key::Status)}</th>
                <th scope="col">{c.t(Key::MailAttempts)}</th>
                <th scope="col">{c.t(Key::MailLastError)}</th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|m| {
                    let kind = c.t(match m.kind.as_str() {
                        "answer" => Key::MailAnswer,
                        "transcript" => Key::MailTranscript,
                        "ticket_notice" => Key::MailTicketNotice,
                        _ => Key::MailReceipt,
                    });
                    let status = match m.next_attempt_at.as_deref() {
                        Some(at) if m.status == "pending" => fill(c.t(Key::MailRetrying), &[("time", &hh_mm(at))]),
                        _ => c.t(Key::MailGivenUp).to_string(),
                    };
                    view! {
                        <tr>
                            <td>{hh_mm(&m.created_at)}</td>
                            <td>{m.to}</td>
                            <td>{format!("{kind}: {}", m.subject)}</td>
                            <td>{status}</td>
                            <td>{m.attempts}</td>
                            <td class="why">{m.last_error.unwrap_or_default()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

fn load_mail(c: Ctx, mail: RwSignal<Vec<FailedMail>>) {
    spawn_local(async move {
        match crate::api::failing_mail().await {
            Ok(m) if mail.with_untracked(|old| *old != m) => mail.set(m),
            Ok(_) => {}
            Err(e) => c.fail(e),
        }
    });
}

#[component]
pub fn SupervisorView() -> impl IntoView {
    let c = ctx();
    let mail = RwSignal::new(Vec::<FailedMail>::new());
    load_overview(c);
    load_mail(c, mail);
    let poll = set_interval_with_handle(
        move || {
            load_overview(c);
            load_mail(c, mail);
        },
        std::time::Duration::from_secs(3),
    );
    on_cleanup(move || {
        if let Ok(h) = poll {
            h.clear();
        }
    });
    move || {
        let Some(o) = c.overview.get() else {
            return view! { <p class="empty">{c.t(Key::Loading)}</p> }.into_any();
        };
        view! {
            <div class="supervisor">
                <h1>{c.t(Key::Supervisor)}</h1>
                <section aria-labelledby="sup-agents">
                    <h2 id="sup-agents">{c.t(Key::Agents)}</h2>
                    <table class="grid">
                        <thead><tr>
                            <th scope="col">{c.t(Key::Name)}</th>
                            <th scope="col">{c.t(Key::Tier)}</th>
                            <th scope="col">{c.t(Key::Department)}</th>
                            <th scope="col">{c.t(Key::Presence)}</th>
                            <th scope="col">{c.t(Key::Active)}</th>
                        </tr></thead>
                        <tbody>
                            {o.agents.iter().map(|a| {
                                let pct = (a.active * 100).checked_div(a.capacity).unwrap_or(100).min(100);
                                view! {
                                    <tr>
                                        <td>{a.name.clone()}</td>
                                        <td>{a.tier.clone()}</td>
                                        <td>{a.departments.join(", ")}</td>
                                        <td><span class=format!("dot presence-{}", a.presence.as_str())>{a.presence.as_str()}</span></td>
                                        <td>
                                            <span class="loadbar" role="img" aria-label=format!("{} / {}", a.active, a.capacity)>
                                                <span style=format!("width:{pct}%")></span>
                                            </span>
                                            {format!(" {} / {}", a.active, a.capacity)}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
                <section aria-labelledby="sup-breaches">
                    <h2 id="sup-breaches">{c.t(Key::Breaches)}" "<span class="count">{o.breaches.len()}</span></h2>
                    {rows(c, o.breaches.clone(), &o, "breaches")}
                </section>
                <section aria-labelledby="sup-queued">
                    <h2 id="sup-queued">{c.t(Key::Queue)}" "<span class="count">{o.queued.len()}</span></h2>
                    {rows(c, o.queued.clone(), &o, "queued")}
                </section>
                <section aria-labelledby="sup-assigned">
                    <h2 id="sup-assigned">{c.t(Key::InProgress)}" "<span class="count">{o.assigned.len()}</span></h2>
                    {rows(c, o.assigned.clone(), &o, "assigned")}
                </section>
                <section aria-labelledby="sup-mail">
                    <h2 id="sup-mail">{c.t(Key::MailTrouble)}" "<span class="count">{move || mail.with(Vec::len)}</span></h2>
                    {move || mail_table(c, mail.get())}
                </section>
                <section aria-labelledby="sup-esc">
                    <h2 id="sup-esc">{c.t(Key::Escalations)}</h2>
                    {if o.escalations.is_empty() {
                        view! { <p class="empty">{c.t(Key::None)}</p> }.into_any()
                    } else {
                        view! {
                            <table class="grid" id="escalations">
                                <thead><tr>
                                    <th scope="col">{c.t(Key::When)}</th>
                                    <th scope="col">"#"</th>
                                    <th scope="col">{c.t(Key::Department)}</th>
                                    <th scope="col">{c.t(Key::Tier)}</th>
                                    <th scope="col">{c.t(Key::Why)}</th>
                                </tr></thead>
                                <tbody>
                                    {o.escalations.iter().map(|e| {
                                        let id = e.conversation_id.clone();
                                        let short: String = id.chars().take(6).collect();
                                        let tiers = match (&e.entry.from_tier, &e.entry.to_tier) {
                                            (Some(f), Some(t)) if f != t => format!("{f} → {t}"),
                                            (_, Some(t)) => t.clone(),
                                            _ => String::new(),
                                        };
                                        view! {
                                            <tr>
                                                <td>{hh_mm(&e.entry.at)}</td>
                                                <td><button type="button" class="link" on:click=move |_| open(c, id.clone())>"#"{short}</button></td>
                                                <td>{e.department.as_deref().map(|d| c.department(&e.site_key, d))}</td>
                                                <td>{tiers}</td>
                                                <td class="why">{format!("{}: {}", e.entry.kind, e.entry.reason)}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }}
                </section>
            </div>
        }
        .into_any()
    }
}
