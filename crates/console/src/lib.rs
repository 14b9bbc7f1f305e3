//! The Handoff agent console: agents and supervisors work the desk's handoffs in the browser.
//!
//! Served by the desk at `/console/`; talks only to the desk's agent API (`/v1/agent/...`,
//! session cookie + `X-CSRF-Token`) and the agent event stream. Screens switch with signals
//! (no router). Everything a customer typed is inserted as text nodes, never as HTML.
//!
//! The pure logic ([`sla`], [`queue`], [`time`], [`backoff`], [`i18n`], [`detail`], [`timeline`], [`ticket_filter`], [`privacy`], [`settings`]) compiles natively and
//! is unit-tested with `cargo test -p handoff-console`; the UI ([`app`], `components`, `api`)
//! is wasm-only, so the workspace's native test step never builds Leptos for the host.

pub mod backoff;
pub mod detail;
pub mod i18n;
pub mod insights;
pub mod privacy;
pub mod queue;
pub mod settings;
pub mod sla;
pub mod ticket_filter;
pub mod time;
pub mod timeline;

#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
mod browser;
#[cfg(target_arch = "wasm32")]
mod components;

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    leptos::mount::mount_to_body(app::App);
}
