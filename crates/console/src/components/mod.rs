//! The console's screens and parts, one job per file.

pub mod account;
pub mod actions;
pub mod composer;
pub mod context_panel;
pub mod conversation;
pub mod embed_info;
pub mod events;
pub mod insights;
pub mod login;
pub mod message_list;
pub mod privacy;
pub mod queue_list;
pub mod settings;
pub mod shell;
pub mod sla_badge;
pub mod supervisor;
pub mod team;
pub mod tickets;
pub mod topbar;
