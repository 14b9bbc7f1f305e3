//! Handoff's customer widget: a self-service help portal and a chatbot that answers from the
//! site's own content, and hands the conversation to a person when it should.
//!
//! The page includes `<div id="handoff-root" data-site="sites/demo" data-locales="en de"
//! data-default-locale="en" data-locale="">` (plus `data-mode="frame"` or `"page"` when the desk
//! serves it embedded; docs/embedding.md); on start the widget fetches the site's bundle for the
//! visitor's locale (see [`fetch`]), compiles it with [`handoff_bot::Engine`] and mounts itself
//! there. Everything runs in the browser: no server is asked anything until a person
//! takes over.
//!
//! Nothing is ever inserted as HTML: every text, including content and customer messages, goes
//! into the page as text nodes.

pub mod components;
pub mod dom;
pub mod fetch;
pub mod i18n;
pub mod live;
pub mod state;
pub mod storage;
pub mod widget;

use components::shell::{Load, Shell};
use handoff_bot::Engine;
use leptos::prelude::*;
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// How to mount the widget.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The locale to use when the site supports it; otherwise the customer's earlier choice, the
    /// browser's languages, then `<html lang>` ([`dom::page_locales`]).
    pub locale: Option<String>,
    /// Keep the conversation in `sessionStorage` so a reload continues it.
    pub persist: bool,
    /// The desk to hand conversations to ("" for the page's own origin); `None`: the bot only.
    pub desk: Option<String>,
}

impl Options {
    /// The locales to pick from, best first: `locale`, then the page's (see [`dom::page_locales`]).
    pub fn preferred(&self) -> Vec<String> {
        self.locale.iter().filter(|l| !l.trim().is_empty()).cloned().chain(dom::page_locales()).collect()
    }
}

/// Mounts a widget for an already compiled site into `el` (used by the tests and by pages that
/// bring their own bundle).
pub fn mount(el: web_sys::HtmlElement, engine: Engine, opts: Options) {
    let preferred = opts.preferred();
    let persist = opts.persist;
    let desk = opts.desk;
    let engine = Arc::new(engine);
    leptos::mount::mount_to(el, move || {
        let status = RwSignal::new(Load::Ready(engine));
        view! { <Shell status=status preferred=preferred persist=persist desk=desk /> }
    })
    .forget();
}

/// Starts the widget on a page that has `<div id="handoff-root" data-site="..."
/// data-locales="...">` (see [`fetch`]); does nothing on a page without one.
#[wasm_bindgen(start)]
pub fn start() {
    let Some(el) = dom::root().and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) else {
        return;
    };
    // The desk serves the widget (the embed frame, the portal, `cargo xtask run`), so by default
    // it is this page's own origin; `data-desk` names another.
    let desk = Some(el.get_attribute("data-desk").unwrap_or_default());
    let opts = Options { locale: el.get_attribute("data-locale"), persist: true, desk };
    let preferred = opts.preferred();
    // `data-mode="frame"` (the embed loader's iframe, /widget/<site>) and `"page"` (the portal,
    // /help/<site>) start open; the desk's embed/frame.css hides the launcher there.
    let open = matches!(el.get_attribute("data-mode").as_deref(), Some("frame" | "page"));
    let wanted = preferred.clone();
    leptos::mount::mount_to(el, move || {
        let status = RwSignal::new(Load::Loading);
        leptos::task::spawn_local(async move {
            status.set(match fetch::engine(&wanted, None).await {
                Ok(engine) => Load::Ready(Arc::new(engine)),
                Err(e) => {
                    dom::log_error(&format!("Handoff widget: could not load the site: {e}"));
                    Load::Failed
                }
            });
        });
        view! { <Shell status=status preferred=preferred persist=opts.persist desk=opts.desk open=open /> }
    })
    .forget();
}
