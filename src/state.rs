//! The widget's plain data: which screen is shown, what the chat shows, and what the customer
//! did (to restore the chat after a reload).
//!
//! No Leptos here: the components keep these in signals and the logic lives in
//! [`crate::widget::Ui`].

use crate::live::Live;
use handoff_bot::{QuickReply, Reply};
use handoff_protocol::Handoff;

/// Who a chat message is from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speaker {
    Bot,
    Customer,
    /// The widget itself, e.g. "a person will take over".
    System,
    /// A person from the site's team (their name is in [`Message::name`]).
    Agent,
}

impl Speaker {
    pub fn class(self) -> &'static str {
        match self {
            Speaker::Bot => "hf-msg hf-msg--bot",
            Speaker::Customer => "hf-msg hf-msg--customer",
            Speaker::System => "hf-msg hf-msg--system",
            Speaker::Agent => "hf-msg hf-msg--agent",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: u32,
    pub speaker: Speaker,
    pub text: String,
    pub quick_replies: Vec<QuickReply>,
    /// Article ids shown as cards under the message.
    pub articles: Vec<String>,
    /// The agent's name (agent messages).
    pub name: String,
    /// The client id of a customer message to the desk (see [`Live::outbox`]); empty otherwise.
    pub client: String,
}

/// What the chat shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChatState {
    pub messages: Vec<Message>,
    next_id: u32,
    /// Set once the bot handed the conversation to a person; the desk picks it up from here.
    pub handoff: Option<Handoff>,
    /// Bot messages waiting behind the typing indicator (part of the chat's state rather than a
    /// signal of its own: every signal type is code of its own in the wasm).
    pub typing: u32,
    /// The conversation with the desk once the bot handed it over (see [`crate::live`]).
    pub live: Live,
}

impl ChatState {
    /// A chat that starts with the bot's greeting.
    pub fn new(greeting: Reply) -> ChatState {
        let mut chat = ChatState::default();
        chat.push_reply(greeting);
        chat
    }

    /// Starts over with a new greeting. Message ids keep counting so the view sees new messages.
    pub fn restart(&mut self, greeting: Reply) {
        self.messages.clear();
        self.handoff = None;
        self.push_reply(greeting);
    }

    fn push(
        &mut self,
        speaker: Speaker,
        text: String,
        quick_replies: Vec<QuickReply>,
        articles: Vec<String>,
    ) -> &mut Message {
        let id = self.next_id;
        self.next_id += 1;
        self.messages.push(Message {
            id,
            speaker,
            text,
            quick_replies,
            articles,
            name: String::new(),
            client: String::new(),
        });
        let last = self.messages.len() - 1;
        &mut self.messages[last]
    }

    /// A message from a person of the site's team.
    pub fn push_agent(&mut self, name: &str, text: &str) {
        self.push(Speaker::Agent, text.to_string(), vec![], vec![]).name = name.to_string();
    }

    /// A customer message to the desk, queued under `client` until the desk has it.
    pub fn push_outgoing(&mut self, client: String, text: &str) {
        self.push(Speaker::Customer, text.to_string(), vec![], vec![]).client = client.clone();
        self.live.outbox.push((client, text.to_string()));
        // The message ends the typing notice on the desk's side.
        self.live.typing.message_sent();
        self.live.typing_out = None;
    }

    /// Is this message still waiting to reach the desk?
    pub fn is_pending(&self, id: u32) -> bool {
        self.messages.iter().any(|m| {
            m.id == id && !m.client.is_empty() && self.live.outbox.iter().any(|(c, _)| *c == m.client)
        })
    }

    pub fn push_customer(&mut self, text: &str) {
        self.push(Speaker::Customer, text.to_string(), vec![], vec![]);
    }

    pub fn push_reply(&mut self, reply: Reply) {
        self.push(Speaker::Bot, reply.text, reply.quick_replies, reply.articles);
    }

    pub fn push_system(&mut self, text: String) {
        self.push(Speaker::System, text, vec![], vec![]);
    }

    /// Has the customer written anything yet?
    pub fn customer_spoke(&self) -> bool {
        self.messages.iter().any(|m| m.speaker == Speaker::Customer)
    }

    /// Quick replies are offered only under the newest message: older ones are answered.
    pub fn is_last(&self, id: u32) -> bool {
        self.messages.last().is_some_and(|m| m.id == id)
    }
}

/// The screen inside the open panel.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Screen {
    /// Search and categories.
    #[default]
    Portal,
    /// One article, by id (shown in the current locale).
    Article(String),
    Chat,
}

impl Screen {
    /// The "Help" tab covers the portal and its articles.
    pub fn is_help(&self) -> bool {
        !matches!(self, Screen::Chat)
    }
}

/// Something the customer did that changes the conversation, in order. Replaying these against
/// the same site rebuilds the conversation exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The conversation started in this locale (always the first event).
    Start(String),
    /// A message (typed or a quick reply).
    Say(String),
    /// "No" under an article.
    Unhelpful(String),
    /// "Still need help? Chat with us" under an article.
    FromArticle(String),
    /// The language picker.
    Locale(String),
    /// The desk opened conversation `id` for the handoff; `token` opens it (see [`crate::live`]).
    Desk(String, String),
    /// A persisted event of the desk's stream: its id, type and JSON data.
    Remote(i64, String, String),
    /// The offline form: name, email, message.
    Ticket(String, String, String),
    /// The desk stored the ticket: its number and when to expect an answer (RFC 3339, may be empty).
    Ticketed(String, String),
    /// The satisfaction rating after a resolution (score 0: none), its comment, and the address
    /// for a copy of the conversation ("": none).
    Rate(u8, String, String),
    /// "Stop waiting": back to the bot.
    Cancel,
}
