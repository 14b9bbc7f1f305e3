//! The handoff in the widget: from the bot to a person at the desk and back (issue 5).
//!
//! [`state`] is the plain logic (what to send next, what each desk event means), [`client`]
//! the browser side (requests with gloo-net, the event stream), [`api`] and [`wire`] the JSON.

pub mod api;
pub mod client;
pub mod state;
pub mod wire;

pub use state::{DeskEvent, Job, Live, Notice, Phase};
