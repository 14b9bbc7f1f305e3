//! The handoff's plain logic (src/live/state.rs): what the widget sends next and what each desk
//! event does to the chat. The browser side is tested end to end in e2e/tests/widget-handoff.spec.js.

#![cfg(target_arch = "wasm32")]

use handoff_widget::live::{DeskEvent, Job, Notice, Phase};
use handoff_widget::state::{ChatState, Speaker};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn message(author: &str, text: &str, client_id: &str) -> DeskEvent {
    DeskEvent::Message {
        author: author.into(),
        name: "Ana".into(),
        text: text.into(),
        client_id: client_id.into(),
    }
}

fn status(status: &str, position: u32, reason: &str) -> DeskEvent {
    DeskEvent::Status { status: status.into(), position, wait_secs: 120, reason: reason.into() }
}

/// A chat whose handoff to `orders` the desk has accepted into its queue.
fn queued() -> ChatState {
    let mut chat = ChatState::default();
    chat.live.begin("orders");
    assert_eq!(chat.live.next_job(), Some(Job::Start));
    chat.live.conv = Some(("c1".into(), "t1".into()));
    assert_eq!(chat.live.next_job(), Some(Job::Handoff));
    chat.live.answered("queued", 2, 120, "", "");
    chat
}

#[wasm_bindgen_test]
fn messages_wait_for_the_handoff_then_go_out_in_order_and_an_echo_is_not_shown_twice() {
    let mut chat = ChatState::default();
    chat.live.begin("orders");
    chat.push_outgoing("c3".into(), "first");
    chat.push_outgoing("c4".into(), "second");
    // Nothing before the desk has the conversation and the handoff.
    assert_eq!(chat.live.next_job(), Some(Job::Start));
    chat.live.conv = Some(("c1".into(), "t1".into()));
    assert_eq!(chat.live.next_job(), Some(Job::Handoff));
    chat.live.answered("queued", 1, 60, "", "");
    assert_eq!(chat.live.phase, Phase::Queued { position: 1, wait_secs: 60 });
    assert_eq!(chat.live.next_job(), Some(Job::Send("c3".into(), "first".into())));
    let first = chat.messages[0].id;
    assert!(chat.is_pending(first));
    // The desk's echo of the first one acknowledges it; the second is next.
    assert_eq!(chat.desk(message("customer", "first", "c3")), None);
    assert!(!chat.is_pending(first));
    assert_eq!(chat.messages.len(), 2, "the echo is not shown again");
    assert_eq!(chat.live.next_job(), Some(Job::Send("c4".into(), "second".into())));
    // A customer message the widget does not know (another tab) is shown.
    chat.desk(message("customer", "from another tab", "x9"));
    assert_eq!(chat.messages.last().map(|m| m.text.as_str()), Some("from another tab"));
}

#[wasm_bindgen_test]
fn an_agent_joins_writes_escalates_and_resolves() {
    let mut chat = queued();
    assert_eq!(chat.desk(status("queued", 1, "")), None);
    assert_eq!(chat.live.phase, Phase::Queued { position: 1, wait_secs: 120 });
    assert_eq!(
        chat.desk(DeskEvent::Joined("Ana".into())),
        Some(Notice::Joined("Ana".into(), "orders".into()))
    );
    assert_eq!(chat.live.phase, Phase::Assigned { agent: "Ana".into() });
    chat.desk(DeskEvent::Typing(true));
    assert!(chat.live.agent_typing);
    chat.desk(message("agent", "<b>Hi</b>", ""));
    let last = chat.messages.last().unwrap();
    assert_eq!((last.speaker, last.name.as_str(), last.text.as_str()), (Speaker::Agent, "Ana", "<b>Hi</b>"));
    assert!(!chat.live.agent_typing, "a message ends the typing indicator");
    assert_eq!(chat.desk(DeskEvent::Escalated { to_tier: "supervisor".into() }), Some(Notice::Escalated));
    assert_eq!(
        chat.desk(DeskEvent::Transferred { to_department: "billing".into() }),
        Some(Notice::Transferred("billing".into()))
    );
    assert_eq!(chat.live.department, "billing");
    assert_eq!(chat.desk(DeskEvent::Resolved), Some(Notice::Resolved));
    assert_eq!(chat.live.phase, Phase::Rating);
    assert!(!chat.live.phase.is_live(), "after the resolution the customer's messages go to the bot");
}

#[wasm_bindgen_test]
fn the_rating_and_the_copy_go_out_one_after_the_other_then_the_bot_is_back() {
    let mut chat = queued();
    chat.desk(DeskEvent::Resolved);
    chat.live.rating = Some((4, "ok".into()));
    chat.live.copy_to = Some("jana@example.cz".into());
    let rate = chat.live.next_job().expect("the rating first");
    assert_eq!(rate, Job::Rate(4, "ok".into()));
    chat.live.end_after(&rate);
    assert!(chat.live.conv.is_some(), "kept for the copy");
    let copy = chat.live.next_job().expect("then the copy");
    assert_eq!(copy, Job::Copy("jana@example.cz".into()));
    chat.live.end_after(&copy);
    assert_eq!((chat.live.conv.clone(), chat.live.next_job()), (None, None));
    // The copy alone, without a rating.
    let mut chat = queued();
    chat.desk(DeskEvent::Resolved);
    chat.live.copy_to = Some("a@b.cz".into());
    let copy = chat.live.next_job().expect("the copy");
    assert_eq!(copy, Job::Copy("a@b.cz".into()));
    chat.live.end_after(&copy);
    assert_eq!((chat.live.conv.clone(), chat.live.next_job()), (None, None));
}

#[wasm_bindgen_test]
fn cancel_and_hand_back_return_to_the_bot() {
    let mut chat = queued();
    chat.live.cancel = true;
    assert_eq!(chat.live.next_job(), Some(Job::Cancel));
    assert_eq!(chat.desk(status("returned_to_bot", 0, "cancelled")), Some(Notice::BackToBot(true)));
    assert_eq!(chat.live.phase, Phase::Off);
    assert_eq!(chat.live.next_job(), None);
    let mut chat = queued();
    assert_eq!(chat.desk(status("returned_to_bot", 0, "")), Some(Notice::BackToBot(false)));
}

#[wasm_bindgen_test]
fn offline_offers_the_ticket_and_a_ticket_written_while_unreachable_becomes_a_message() {
    let mut chat = queued();
    chat.desk(status("failed", 0, "no_agent_online"));
    assert_eq!(chat.live.phase, Phase::Offline { reason: "no_agent_online".into() });
    chat.live.ticket = Some(("Jana".into(), "jana@example.cz".into(), "Call me".into()));
    assert_eq!(
        chat.live.next_job(),
        Some(Job::Ticket("Jana".into(), "jana@example.cz".into(), "Call me".into()))
    );

    // The desk could not be reached: the widget keeps trying to start, the form is filled in
    // meanwhile, and once a person is on the way after all it goes out as a message.
    let mut chat = ChatState::default();
    chat.live.begin("orders");
    chat.live.phase = Phase::Offline { reason: "unreachable".into() };
    chat.live.ticket = Some(("Jana".into(), "jana@example.cz".into(), "Call me".into()));
    assert_eq!(chat.live.next_job(), Some(Job::Start));
    chat.live.conv = Some(("c1".into(), "t1".into()));
    assert_eq!(chat.live.next_job(), Some(Job::Handoff));
    chat.live.answered("queued", 1, 60, "", "");
    assert_eq!(chat.live.ticket, None);
    assert!(matches!(chat.live.next_job(), Some(Job::Send(_, text)) if text == "Call me"));
}

#[wasm_bindgen_test]
fn a_desk_that_refuses_for_good_is_not_asked_again() {
    let mut chat = ChatState::default();
    chat.live.begin("orders");
    chat.live.refused = true;
    assert_eq!(chat.live.next_job(), None);
}

#[wasm_bindgen_test]
fn the_customers_typing_goes_out_only_to_an_agent_throttled_and_ends_with_the_message() {
    let mut chat = queued();
    // Queued: nobody reads it, nothing is sent.
    assert!(!chat.live.draft_changed(true, 0));
    assert_eq!(chat.live.next_job(), None);
    chat.desk(DeskEvent::Joined("Ana".into()));
    assert!(chat.live.draft_changed(true, 1_000));
    assert_eq!(chat.live.next_job(), Some(Job::Typing(true)));
    chat.live.typing_out = None; // sent
    assert!(!chat.live.draft_changed(true, 1_500), "throttled");
    // An emptied draft: `false` once.
    assert!(chat.live.draft_changed(false, 2_000));
    assert_eq!(chat.live.next_job(), Some(Job::Typing(false)));
    chat.live.typing_out = None;
    assert!(!chat.live.draft_changed(false, 2_100));
    // Typing again, then sending: the message goes, no typing notice after it.
    assert!(chat.live.draft_changed(true, 20_000));
    chat.push_outgoing("c9".into(), "hello");
    assert_eq!(chat.live.next_job(), Some(Job::Send("c9".into(), "hello".into())));
    chat.desk(message("customer", "hello", "c9"));
    assert_eq!(chat.live.next_job(), None);
}

#[wasm_bindgen_test]
fn the_agents_typing_shows_until_their_message_and_counts_each_notice() {
    let mut chat = queued();
    chat.desk(DeskEvent::Joined("Ana".into()));
    let seen = chat.live.agent_typing_seen;
    chat.desk(DeskEvent::Typing(true));
    assert!(chat.live.agent_typing);
    assert_ne!(chat.live.agent_typing_seen, seen, "a renewal restarts the timer that hides it");
    chat.desk(message("agent", "Hi", ""));
    assert!(!chat.live.agent_typing);
}
