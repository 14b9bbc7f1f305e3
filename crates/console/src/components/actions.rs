//! The moves on the open conversation: claim; transfer to another department (functional);
//! escalate to the next tier with a note (hierarchical); hand back to the bot; resolve.
//!
//! Nothing moves a chat away on one click: Transfer needs a department chosen (none is
//! preselected) and both Transfer and Escalate ask to confirm, with a note for whoever gets it.
//! A move that cannot work says why before the click (Claim when the agent is full or not
//! online). After a move that takes the chat away, [`leave`] says what happened and opens the
//! next conversation.

use crate::app::{act, ctx, leave, Ctx};
use crate::i18n::{fill, Key};
use handoff_protocol::v1::{ConversationStatus, ConversationSummary, Presence};
use leptos::prelude::*;
use serde_json::json;

/// The site's other departments (transfer targets).
fn departments(c: Ctx, site: &str, current: &str) -> Vec<String> {
    c.sites.with_untracked(|all| {
        all.iter()
            .find(|s| s.key == site)
            .map(|s| s.departments.iter().map(|d| d.id.clone()).filter(|d| d != current).collect())
            .unwrap_or_default()
    })
}

/// Why this agent cannot claim now, if they cannot.
fn claim_blocked(c: Ctx) -> Option<String> {
    c.me.with(|m| {
        let m = m.as_ref()?;
        if m.presence != Presence::Online {
            return Some(c.t(Key::NotOnline).to_string());
        }
        (m.active >= m.capacity).then(|| {
            fill(
                c.t(Key::AtCapacity),
                &[("active", &m.active.to_string()), ("capacity", &m.capacity.to_string())],
            )
        })
    })
}

/// The move waiting for the agent's confirmation.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ask {
    Transfer,
    Escalate,
}

#[component]
pub fn Actions(summary: ConversationSummary, mine: bool) -> impl IntoView {
    let c = ctx();
    let id = summary.conversation_id.clone();
    let current = summary.department.clone().unwrap_or_default();
    let queued = summary.status == ConversationStatus::Queued;
    let site = summary.site_key.clone();
    // A supervisor looking at someone else's conversation can take it over.
    let take_over = !mine && !queued && summary.status == ConversationStatus::Assigned && c.is_supervisor();
    if !queued && !take_over && !mine {
        // Resolved, with the bot, or someone else's: nothing to do here, so no empty bar.
        return ().into_any();
    }
    let target = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let ask = RwSignal::new(None::<Ask>);
    let me = c.me.with_untracked(|m| m.as_ref().map(|m| m.id)).unwrap_or_default();
    let targets = departments(c, &site, &current);
    let (i_claim, i_take, i_back, i_resolve, i_confirm) =
        (id.clone(), id.clone(), id.clone(), id.clone(), id);
    let (site_confirm, site_options) = (site.clone(), site.clone());
    let confirm = move || {
        let text = note.get_untracked();
        let note_value = (!text.trim().is_empty()).then_some(text);
        match ask.get_untracked() {
            Some(Ask::Transfer) => {
                let dep = target.get_untracked();
                let done =
                    fill(c.t(Key::DoneTransferred), &[("department", &c.department(&site_confirm, &dep))]);
                leave(
                    c,
                    i_confirm.clone(),
                    "transfer",
                    json!({ "department": dep, "note": note_value }),
                    done,
                );
            }
            Some(Ask::Escalate) => {
                let done = c.t(Key::DoneEscalated).to_string();
                leave(
                    c,
                    i_confirm.clone(),
                    "escalate",
                    json!({ "note": note_value.unwrap_or_default() }),
                    done,
                );
            }
            None => {}
        }
        ask.set(None);
    };
    let open_ask = move |a: Ask| {
        note.set(String::new());
        ask.set(Some(a));
        request_animation_frame(|| crate::browser::focus("move-note"));
    };
    let question = move || match ask.get() {
        Some(Ask::Transfer) => {
            fill(c.t(Key::TransferAsk), &[("department", &c.department(&site, &target.get()))])
        }
        Some(Ask::Escalate) => c.t(Key::EscalateAsk).to_string(),
        None => String::new(),
    };
    view! {
        <div class="actions" role="group" aria-label=move || c.t(Key::Work)>
            {queued.then(|| view! {
                <button type="button" class="primary" aria-keyshortcuts="Alt+C"
                    disabled=move || claim_blocked(c).is_some()
                    aria-describedby="claim-why"
                    on:click=move |_| act(c, i_claim.clone(), "claim", json!({}))>{move || c.t(Key::Claim)}</button>
                <span id="claim-why" class="why">{move || claim_blocked(c)}</span>
            })}
            {take_over.then(|| view! {
                <button type="button" class="primary"
                    on:click=move |_| act(c, i_take.clone(), "reassign", json!({"agent_id": me}))>{move || c.t(Key::TakeOver)}</button>
            })}
            {mine.then(|| view! {
                <span class="field-inline">
                    <label for="transfer-to">{move || c.t(Key::Department)}</label>
                    <select id="transfer-to" prop:value=move || target.get()
                        on:change=move |e| target.set(event_target_value(&e))>
                        <option value="">{move || c.t(Key::ChooseDepartment)}</option>
                        {targets.into_iter().map(|d| {
                            let name = c.department(&site_options, &d);
                            view! { <option value=d>{name}</option> }
                        }).collect_view()}
                    </select>
                    <button type="button" class="secondary" disabled=move || target.with(String::is_empty)
                        on:click=move |_| open_ask(Ask::Transfer)>
                        {move || c.t(Key::TransferEllipsis)}
                    </button>
                </span>
                <button type="button" class="secondary" on:click=move |_| open_ask(Ask::Escalate)>
                    {move || c.t(Key::EscalateEllipsis)}
                </button>
                <button type="button" class="secondary"
                    on:click=move |_| leave(c, i_back.clone(), "handback", json!({"note": ""}), c.t(Key::DoneHandedBack).to_string())>
                    {move || c.t(Key::HandBack)}
                </button>
                <button type="button" class="primary" aria-keyshortcuts="Alt+R"
                    on:click=move |_| leave(c, i_resolve.clone(), "resolve", json!({}), c.t(Key::DoneResolved).to_string())>
                    {move || c.t(Key::Resolve)}
                </button>
            })}
        </div>
        <Show when=move || ask.with(Option::is_some)>
            {
            let (confirm, question) = (confirm.clone(), question.clone());
            view! {
            <form class="confirm" role="group" aria-labelledby="move-question"
                on:submit=move |e| { e.prevent_default(); confirm() }
                on:keydown=move |e: leptos::ev::KeyboardEvent| { if e.key() == "Escape" { ask.set(None) } }>
                <p id="move-question" class="question">{question}</p>
                <label for="move-note">{move || match ask.get() {
                    Some(Ask::Escalate) => c.t(Key::EscalateNote),
                    _ => c.t(Key::TransferNote),
                }}</label>
                <input id="move-note" type="text" maxlength="2000" prop:value=move || note.get()
                    on:input=move |e| note.set(event_target_value(&e)) />
                <button type="submit" class="primary">{move || c.t(Key::Confirm)}</button>
                <button type="button" class="secondary" on:click=move |_| ask.set(None)>{move || c.t(Key::Cancel)}</button>
            </form>
            }
            }
        </Show>
    }
    .into_any()
}
