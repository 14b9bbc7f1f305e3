//! The handoff under the chat log: where the request stands (searching, place in the queue,
//! who is in the chat, reconnecting), the offline form, and the rating with the offer of a copy
//! by e-mail (either may be sent alone).
//!
//! Written for a small wasm (every closure type is code of its own): every part is always there
//! and hidden by one shared flag closure ([`Ui::flag`]), buttons use the shared click handler,
//! and the forms are plain HTML forms the browser validates and [`Ui::on_submit`] reads.

use crate::i18n::{fill, Key};
use crate::live::Phase;
use crate::widget::{use_ui, Action, Form};
use leptos::prelude::*;

#[component]
pub fn Handoff() -> impl IntoView {
    let ui = use_ui();
    // The status line: one text for every phase, announced politely as it changes.
    let status = move || {
        let (phase, dept) = ui.chat.with(|c| (c.live.phase.clone(), c.live.department.clone()));
        let dept = ui.site_name(|s| &s.departments, &dept);
        let t = |k| ui.t(k);
        let searching = fill(t(Key::Searching), &[("department", &dept)]);
        match phase {
            Phase::Connecting => searching,
            Phase::Queued { position, wait_secs } => format!(
                "{searching} {} {} {}",
                fill(t(Key::QueuePosition), &[("n", &position.to_string())]),
                fill(t(Key::QueueWait), &[("m", &wait_secs.div_ceil(60).max(1).to_string())]),
                t(Key::Connecting),
            ),
            Phase::Assigned { agent } => fill(t(Key::WithAgent), &[("name", &agent), ("department", &dept)]),
            Phase::Offline { reason } => {
                let why = match reason.as_str() {
                    "outside_hours" => t(Key::OfflineHours).to_string(),
                    "over_max_wait" => t(Key::OfflineBusy).to_string(),
                    "no_agent_online" => fill(t(Key::OfflineNobody), &[("department", &dept)]),
                    _ => t(Key::OfflineUnreachable).to_string(),
                };
                format!("{why} {}", t(Key::LeaveMessage))
            }
            Phase::Rating | Phase::Off => String::new(),
        }
    };
    let field = move |key: Key, name: &'static str, kind: &'static str| {
        view! {
            <label class="hf-field">
                <span>{ui.tr(key)}</span>
                <input class="hf-input" name=name type=kind required maxlength="200" />
            </label>
        }
    };
    let stars = (1..=5u8)
        .map(|n| {
            view! {
                <label class="hf-star">
                    <input type="radio" name="score" value=n.to_string() />
                    <span aria-hidden="true">"★"</span>
                    <span class="hf-sr">{n}</span>
                </label>
            }
        })
        .collect_view();

    view! {
        <div class="hf-handoff" hidden=ui.flag(|c| c.live.phase == Phase::Off)>
            <p class="hf-reconnecting" role="status" hidden=ui.flag(|c| !c.live.reconnecting)>
                {ui.tr(Key::Reconnecting)}
            </p>
            <p class="hf-status" role="status" hidden=ui.flag(|c| c.live.phase == Phase::Rating)>
                <span class="hf-waiting-dot" aria-hidden="true"></span>
                {status}
            </p>
            <button
                type="button"
                class="hf-button hf-button--quiet hf-cancel"
                hidden=ui.flag(|c| c.live.cancel || !matches!(c.live.phase, Phase::Queued { .. } | Phase::Connecting))
                on:click=ui.on_click(Action::Cancel)
            >
                {ui.tr(Key::StopWaiting)}
            </button>
            <form
                class="hf-ticket"
                hidden=ui.flag(|c| c.live.ticket.is_some() || !matches!(c.live.phase, Phase::Offline { .. }))
                on:submit=ui.on_submit(Form::Ticket)
            >
                {field(Key::Name, "name", "text")}
                {field(Key::Email, "email", "email")}
                <label class="hf-field">
                    <span>{ui.tr(Key::YourMessage)}</span>
                    <textarea class="hf-input" name="message" rows="3" required maxlength="4000"></textarea>
                </label>
                <div class="hf-row">
                    <button type="submit" class="hf-button">{ui.tr(Key::SendTicket)}</button>
                    <button type="button" class="hf-button hf-button--quiet" on:click=ui.on_click(Action::Cancel)>
                        {ui.tr(Key::BackToAssistant)}
                    </button>
                </div>
            </form>
            <p class="hf-status" role="status" hidden=ui.flag(|c| c.live.ticket.is_none())>
                {ui.tr(Key::TicketSending)}
            </p>
            <form class="hf-rating" hidden=ui.flag(|c| c.live.phase != Phase::Rating) on:submit=ui.on_submit(Form::Rating)>
                <fieldset>
                    <legend>{ui.tr(Key::RateTitle)}</legend>
                    <div class="hf-stars">{stars}</div>
                </fieldset>
                <label class="hf-field">
                    <span>{ui.tr(Key::Comment)}</span>
                    <textarea class="hf-input" name="comment" rows="2" maxlength="4000"></textarea>
                </label>
                // Shown only where the desk sends mail (it marks the widget page `data-mail`; see
                // style/widget.css). An address needs a dot in its domain, as the desk checks.
                <label class="hf-field hf-copy">
                    <span>{ui.tr(Key::CopyEmail)}</span>
                    <input class="hf-input" name="email" type="email" pattern=".+@.+[.].+" maxlength="200" autocomplete="email" />
                </label>
                <div class="hf-row">
                    <button type="submit" class="hf-button">{ui.tr(Key::Send)}</button>
                    <button type="button" class="hf-button hf-button--quiet" on:click=ui.on_click(Action::SkipRating)>
                        {ui.tr(Key::Skip)}
                    </button>
                </div>
            </form>
        </div>
    }
}
