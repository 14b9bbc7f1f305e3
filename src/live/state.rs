//! The conversation with the desk as plain data: where the handoff stands, what still has to be
//! sent, and how each event of the desk's stream changes the chat. No browser and no Leptos here;
//! [`super::client`] does the I/O and [`crate::widget::Ui`] keeps this in its chat signal.

use crate::state::ChatState;
use handoff_protocol::typing::Reporter;

/// Where the handoff stands, as the customer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Phase {
    /// The bot answers (no handoff, or it is over).
    #[default]
    Off,
    /// The bot handed over; the desk has not answered yet.
    Connecting,
    /// Waiting for a person: 1-based place in the queue and the desk's estimate.
    Queued { position: u32, wait_secs: u64 },
    /// A person is in the chat.
    Assigned { agent: String },
    /// Nobody can take it now: the ticket form. The reason is the desk's (`outside_hours`,
    /// `over_max_wait`, `no_agent_online`) or `unreachable` (the desk did not answer; the widget
    /// keeps trying in the background).
    Offline { reason: String },
    /// Resolved: the rating form.
    Rating,
}

impl Phase {
    /// Is a person on the way or in the chat (the customer's messages go to the desk)?
    pub fn is_live(&self) -> bool {
        matches!(self, Phase::Connecting | Phase::Queued { .. } | Phase::Assigned { .. })
    }
}

/// One event of the desk's customer stream (docs/protocol.md), decoded: the type and its field
/// names live in handoff_protocol::lite.
pub use handoff_protocol::lite::DeskEvent;

/// A line the widget says about the handoff; [`crate::widget::Ui`] words it in the customer's
/// language with the site's names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Agent name and department id.
    Joined(String, String),
    /// Passed up the escalation path (told without the tier's name, which is the team's).
    Escalated,
    /// Department id.
    Transferred(String),
    Resolved,
    /// Back with the bot: `true` when the customer left the queue, `false` when the agent handed
    /// the conversation back.
    BackToBot(bool),
    /// The desk refused a message (e.g. the conversation was closed meanwhile).
    NotSent,
}

/// Something the widget has to tell the desk, in the order [`Live::next_job`] picks them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    Start,
    Handoff,
    Cancel,
    Ticket(String, String, String),
    Send(String, String),
    Rate(u8, String),
    /// A copy of the conversation by e-mail, to this address.
    Copy(String),
    /// The customer is (`true`) or stopped (`false`) typing.
    Typing(bool),
}

/// The desk's side of the chat.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Live {
    /// Conversation id and token, once the desk opened one.
    pub conv: Option<(String, String)>,
    /// The `client_key` of the start request, kept across its retries (client.rs).
    pub key: String,
    pub phase: Phase,
    /// The desk has the handoff (its answer or a status event arrived).
    pub handed_off: bool,
    /// The department the request is with now.
    pub department: String,
    /// The id of the last persisted stream event applied (the stream resumes after it).
    pub last_event: i64,
    /// Customer messages not yet acknowledged by the desk: client id and text, in order.
    pub outbox: Vec<(String, String)>,
    /// The offline form, until the desk stored it.
    pub ticket: Option<(String, String, String)>,
    /// A rating to send (score 1-5 and comment).
    pub rating: Option<(u8, String)>,
    /// The address to mail a copy of the conversation to, until the desk has it.
    pub copy_to: Option<String>,
    /// "Stop waiting" was pressed and the desk does not know yet.
    pub cancel: bool,
    pub agent_typing: bool,
    /// Counts the agent's typing notices, so that the timer hiding one does not hide a newer.
    pub agent_typing_seen: u32,
    /// The customer's typing, throttled (handoff_protocol::typing).
    pub typing: Reporter,
    /// A typing notice to send (the newest wins; an older one never goes out).
    pub typing_out: Option<bool>,
    /// The stream or a request failed; the widget is retrying.
    pub reconnecting: bool,
    /// The desk refused the conversation for good (e.g. this page's origin is not allowed):
    /// nothing more is tried.
    pub refused: bool,
}

impl Live {
    /// The bot handed over to `department`: a fresh desk conversation is needed.
    pub fn begin(&mut self, department: &str) {
        *self = Live { department: department.to_string(), phase: Phase::Connecting, ..Live::default() };
    }

    /// Back to the bot: forget the desk conversation (its stream closes).
    pub fn end(&mut self) {
        *self = Live::default();
    }

    /// The next request for the desk, if any.
    pub fn next_job(&self) -> Option<Job> {
        if self.refused {
            return None;
        }
        let waiting = self.phase.is_live() || self.phase == Phase::Offline { reason: "unreachable".into() };
        let Some(_) = &self.conv else {
            return waiting.then_some(Job::Start);
        };
        if self.cancel {
            return Some(Job::Cancel);
        }
        if !self.handed_off && waiting {
            return Some(Job::Handoff);
        }
        if let (Some((n, e, m)), Phase::Offline { .. }) = (&self.ticket, &self.phase) {
            return Some(Job::Ticket(n.clone(), e.clone(), m.clone()));
        }
        if let Some((client, text)) = self.outbox.first().filter(|_| self.handed_off) {
            return Some(Job::Send(client.clone(), text.clone()));
        }
        // Only an agent in the chat reads it.
        if let (Some(typing), Phase::Assigned { .. }) = (self.typing_out, &self.phase) {
            return Some(Job::Typing(typing));
        }
        let rate = self.rating.as_ref().map(|(s, c)| Job::Rate(*s, c.clone()));
        rate.or_else(|| self.copy_to.clone().map(Job::Copy))
    }

    /// The rating or the copy was sent (or refused): back to the bot once both are.
    pub fn end_after(&mut self, job: &Job) {
        match job {
            Job::Rate(..) => self.rating = None,
            Job::Copy(_) => self.copy_to = None,
            _ => {}
        }
        if self.rating.is_none() && self.copy_to.is_none() {
            self.end();
        }
    }

    /// The customer changed the draft at `now` (ms): true when a typing notice is due.
    pub fn draft_changed(&mut self, has_text: bool, now: i64) -> bool {
        if !matches!(self.phase, Phase::Assigned { .. }) {
            return false;
        }
        self.typing.input(has_text, now).map(|t| self.typing_out = Some(t)).is_some()
    }

    /// The desk's answer to the handoff (or to `GET` state): `status` and its details.
    pub fn answered(&mut self, status: &str, position: u32, wait_secs: u64, agent: &str, reason: &str) {
        self.handed_off = true;
        self.phase = match status {
            "queued" => Phase::Queued { position, wait_secs },
            "assigned" => Phase::Assigned { agent: agent.to_string() },
            "offline" => Phase::Offline { reason: reason.to_string() },
            _ => return,
        };
        self.on_live();
    }

    /// A ticket written while the desk was unreachable becomes a message once a person is on
    /// the way after all.
    fn on_live(&mut self) {
        if self.phase.is_live() {
            if let Some((_, _, message)) = self.ticket.take() {
                self.outbox.push((format!("t{}", self.outbox.len()), message));
            }
        }
    }
}

impl ChatState {
    /// Applies one event of the desk's stream; the returned notice is shown as a system line.
    pub fn desk(&mut self, event: DeskEvent) -> Option<Notice> {
        let live = &mut self.live;
        if event != DeskEvent::Typing(true) && event != DeskEvent::Typing(false) {
            live.handed_off = true;
        }
        match event {
            DeskEvent::Message { author, name, text, client_id } => {
                if author == "agent" {
                    live.agent_typing = false;
                    self.push_agent(&name, &text);
                } else if author == "customer" {
                    let known = !client_id.is_empty() && self.messages.iter().any(|m| m.client == client_id);
                    self.live.outbox.retain(|(c, _)| *c != client_id);
                    if !known {
                        // Sent from another tab, or before a reload lost the local copy.
                        self.push_customer(&text);
                    }
                }
                None
            }
            DeskEvent::Status { status, position, wait_secs, reason } => match status.as_str() {
                "queued" => {
                    live.phase = Phase::Queued { position, wait_secs };
                    live.on_live();
                    None
                }
                "failed" => {
                    live.phase = Phase::Offline { reason };
                    None
                }
                "returned_to_bot" => {
                    live.end();
                    self.handoff = None;
                    Some(Notice::BackToBot(reason == "cancelled"))
                }
                // `accepted` comes with `agent.joined`, `completed` with `resolved`.
                _ => None,
            },
            DeskEvent::Joined(agent) => {
                live.phase = Phase::Assigned { agent: agent.clone() };
                live.on_live();
                Some(Notice::Joined(agent, live.department.clone()))
            }
            DeskEvent::Left(_) => {
                live.agent_typing = false;
                None
            }
            DeskEvent::Escalated { .. } => Some(Notice::Escalated),
            DeskEvent::Transferred { to_department } => {
                live.department = to_department.clone();
                Some(Notice::Transferred(to_department))
            }
            DeskEvent::Typing(typing) => {
                live.agent_typing = typing;
                live.agent_typing_seen = live.agent_typing_seen.wrapping_add(1);
                None
            }
            DeskEvent::Resolved => {
                live.phase = Phase::Rating;
                live.agent_typing = false;
                live.outbox.clear();
                Some(Notice::Resolved)
            }
        }
    }
}
