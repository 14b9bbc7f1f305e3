//! The moves on the open conversation: claim; transfer to another department (functional);
//! escalate to the next tier with a note (hierarchical); hand back to the bot; resolve.

use crate::app::{act, ctx};
use crate::i18n::Key;
use handoff_protocol::v1::{ConversationStatus, ConversationSummary};
use leptos::prelude::*;
use serde_json::json;

/// The site's other departments (transfer targets).
fn departments(c: crate::app::Ctx, site: &str, current: &str) -> Vec<String> {
    c.sites.with_untracked(|all| {
        all.iter()
            .find(|s| s.key == site)
            .map(|s| s.departments.iter().map(|d| d.id.clone()).filter(|d| d != current).collect())
            .unwrap_or_default()
    })
}

#[component]
pub fn Actions(summary: ConversationSummary, mine: bool) -> impl IntoView {
    let c = ctx();
    let id = summary.conversation_id.clone();
    let current = summary.department.clone().unwrap_or_default();
    let queued = summary.status == ConversationStatus::Queued;
    let site = summary.site_key.clone();
    let target = RwSignal::new(departments(c, &site, &current).first().cloned().unwrap_or_default());
    let esc_note = RwSignal::new(String::new());
    let (i1, i2, i3, i4, i5) = (id.clone(), id.clone(), id.clone(), id.clone(), id.clone());
    let i6 = id.clone();
    // A supervisor looking at someone else's conversation can take it over.
    let take_over = !mine && !queued && summary.status == ConversationStatus::Assigned && c.is_supervisor();
    let me = c.me.with_untracked(|m| m.as_ref().map(|m| m.id)).unwrap_or_default();
    view! {
        <div class="actions" role="group" aria-label=move || c.t(Key::Work)>
            {queued.then(|| view! {
                <button type="button" class="primary" aria-keyshortcuts="Alt+C"
                    on:click=move |_| act(c, i1.clone(), "claim", json!({}))>{move || c.t(Key::Claim)}</button>
            })}
            {take_over.then(|| view! {
                <button type="button" class="primary"
                    on:click=move |_| act(c, i6.clone(), "reassign", json!({"agent_id": me}))>{move || c.t(Key::TakeOver)}</button>
            })}
            {mine.then(|| view! {
                <span class="field-inline">
                    <label for="transfer-to">{move || c.t(Key::Department)}</label>
                    <select id="transfer-to" on:change=move |e| target.set(event_target_value(&e))>
                        {departments(c, &site, &current).into_iter().map(|d| {
                            let name = c.department(&site, &d);
                            view! { <option value=d>{name}</option> }
                        }).collect_view()}
                    </select>
                    <button type="button" class="secondary"
                        on:click=move |_| act(c, i2.clone(), "transfer", json!({"department": target.get_untracked()}))>
                        {move || c.t(Key::Transfer)}
                    </button>
                </span>
                <span class="field-inline">
                    <label for="escalate-note">{move || c.t(Key::EscalateNote)}</label>
                    <input id="escalate-note" type="text" prop:value=move || esc_note.get()
                        on:input=move |e| esc_note.set(event_target_value(&e)) />
                    <button type="button" class="secondary"
                        on:click=move |_| act(c, i3.clone(), "escalate", json!({"note": esc_note.get_untracked()}))>
                        {move || c.t(Key::Escalate)}
                    </button>
                </span>
                <button type="button" class="secondary"
                    on:click=move |_| act(c, i4.clone(), "handback", json!({"note": ""}))>{move || c.t(Key::HandBack)}</button>
                <button type="button" class="primary" aria-keyshortcuts="Alt+R"
                    on:click=move |_| act(c, i5.clone(), "resolve", json!({}))>{move || c.t(Key::Resolve)}</button>
            })}
        </div>
    }
}
