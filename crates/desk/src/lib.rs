//! The Handoff desk: receives the bot's handoff from the widget and carries the conversation up
//! the escalation path (bot -> agent -> supervisor -> manager) and across departments until it
//! is resolved. See docs/protocol.md for the wire protocol.
//!
//! - [`config`], [`telemetry`], [`startup`]: reading `handoff.toml`, logs, building the server.
//! - [`routes`]: thin HTTP handlers; [`desk`]: the behaviour; [`db`]: storage behind a trait.
//! - [`routing`], [`hours`], [`sla`]: the pure rules (who gets what, when we are open, when a
//!   clock runs out), unit-tested on their own.

pub mod bidi;
pub mod client_ip;
pub mod clock;
pub mod config;
pub mod coordination;
pub mod db;
pub mod desk;
pub mod embed;
pub mod error;
pub mod extract;
pub mod hours;
pub mod hub;
pub mod identity;
pub mod insights;
pub mod limits;
pub mod login_backoff;
pub mod mail;
pub mod metrics;
pub mod passwords;
pub mod policy;
pub mod ratelimit;
pub mod routes;
pub mod routing;
pub mod secret;
pub mod server;
pub mod site_settings;
pub mod sites;
pub mod sla;
pub mod startup;
pub mod telemetry;
