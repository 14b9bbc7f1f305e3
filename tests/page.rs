//! The widget as a page starts it (`handoff_widget::start` on `#handoff-root`): it downloads the
//! site's bundle for the visitor's locale only, takes over the download embed/preload.js began
//! before the wasm arrived, fetches another locale on a language switch, and apologises when the
//! site cannot be loaded. The network is a stand-in (`serve`) that records every request.
//!
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p handoff-widget --target wasm32-unknown-unknown`

#![cfg(target_arch = "wasm32")]

use handoff_widget::fetch::Source;
use handoff_widget::Options;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{
    Event, EventInit, HtmlElement, HtmlSelectElement, HtmlTextAreaElement, KeyboardEvent, KeyboardEventInit,
};

mod common;
use common::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The demo site's bundles as `handoff-bot export` writes them (build.rs).
const EN: &str = include_str!(concat!(env!("OUT_DIR"), "/demo-en.bundle"));
const DE: &str = include_str!(concat!(env!("OUT_DIR"), "/demo-de.bundle"));
const CS: &str = include_str!(concat!(env!("OUT_DIR"), "/demo-cs.bundle"));
const PRELOAD: &str = include_str!("../embed/preload.js");
const LOCALES: &str = "en de cs bg pt tl";

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Answers the page's `fetch` calls from `routes` (url, body), 404 for anything else, instead of
/// the network; returns the list every requested URL is appended to.
fn serve(routes: &[(&str, &str)]) -> js_sys::Array {
    assert!(routes.iter().all(|(_, body)| !body.is_empty()), "content/demo is invalid");
    let map = js_sys::Map::new();
    for (url, body) in routes {
        map.set(&JsValue::from_str(url), &JsValue::from_str(body));
    }
    let log = js_sys::Array::new();
    let install = js_sys::Function::new_with_args(
        "map, log",
        "window.fetch = (url) => { log.push(String(url)); const b = map.get(String(url)); \
         return Promise.resolve(b === undefined ? new Response('', { status: 404 }) : new Response(b)); };",
    );
    install.call2(&JsValue::NULL, &map, &log).unwrap();
    log
}

fn requested(log: &js_sys::Array) -> Vec<String> {
    log.iter().map(|v| v.as_string().unwrap()).collect()
}

/// The page's widget root for the demo site's bundles in /sites/demo; a stored conversation of
/// an earlier test is forgotten.
fn page_root(locale: Option<&str>) -> HtmlElement {
    handoff_widget::storage::clear("demo");
    let root: HtmlElement = document().create_element("div").unwrap().dyn_into().unwrap();
    root.set_id("handoff-root");
    root.set_attribute("data-site", "/sites/demo").unwrap();
    root.set_attribute("data-locales", LOCALES).unwrap();
    root.set_attribute("data-default-locale", "en").unwrap();
    if let Some(l) = locale {
        root.set_attribute("data-locale", l).unwrap();
    }
    document().body().unwrap().append_child(&root).unwrap();
    root
}

fn preload() {
    js_sys::Function::new_no_args(PRELOAD).call0(&JsValue::NULL).unwrap();
}

fn event(name: &str) -> Event {
    let init = EventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    Event::new_with_event_init_dict(name, &init).unwrap()
}

fn key(name: &str) -> KeyboardEvent {
    let init = KeyboardEventInit::new();
    init.set_key(name);
    init.set_bubbles(true);
    init.set_cancelable(true);
    KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap()
}

async fn choose_language(root: &HtmlElement, locale: &str) {
    let select: HtmlSelectElement = get(root, ".hf-locale select").dyn_into().unwrap();
    select.set_value(locale);
    select.dispatch_event(&event("change")).unwrap();
    sleep(20).await;
}

async fn say(root: &HtmlElement, message: &str) {
    let ta: HtmlTextAreaElement = get(root, ".hf-textarea").dyn_into().unwrap();
    ta.set_value(message);
    ta.dispatch_event(&event("input")).unwrap();
    sleep(10).await;
    ta.dispatch_event(&key("Enter")).unwrap();
    sleep(10).await;
}

#[wasm_bindgen_test]
fn preload_and_widget_pick_the_same_bundle() {
    let html = document().document_element().unwrap();
    let lang_before = html.get_attribute("lang");
    serve(&[]);
    // (data-locales, data-default-locale, data-locale, <html lang>, the visitor's earlier pick)
    let cases = [
        (LOCALES, "en", Some("de"), "", None),
        (LOCALES, "en", Some("pt-BR"), "de", None),
        (LOCALES, "en", Some("fil"), "", None),
        (LOCALES, "en", Some("FR"), "cs-CZ", None),
        (LOCALES, "en", None, " BG_bg ", None),
        (LOCALES, "de", Some(" "), "xx", None),
        ("de cs", "en", None, "fr", None),
        ("de  cs", "cs", Some("zz"), "", None),
        ("tl", "", Some("en"), "en", None),
        (LOCALES, "en", None, "de", Some("bg")),
        (LOCALES, "en", Some("cs"), "de", Some("bg")),
        (LOCALES, "en", None, "de", Some("much-too-long-to-be-a-locale")),
    ];
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    for (locales, default, locale, lang, chosen) in cases {
        let root = page_root(locale);
        root.set_attribute("data-locales", locales).unwrap();
        root.set_attribute("data-default-locale", default).unwrap();
        html.set_attribute("lang", lang).unwrap();
        match chosen {
            Some(c) => storage.set_item("handoff-widget:locale", c).unwrap(),
            None => storage.remove_item("handoff-widget:locale").unwrap(),
        }
        preload();
        let early = js_sys::Reflect::get(&root, &"handoffBundle".into()).unwrap();
        let early = js_sys::Reflect::get(&early, &"url".into()).unwrap().as_string().unwrap();
        let source = Source::from_page().unwrap();
        let preferred = Options { locale: locale.map(str::to_string), ..Default::default() }.preferred();
        assert_eq!(
            early,
            source.url(&source.first(&preferred)),
            "{locales:?} {default:?} {locale:?} {lang:?} {chosen:?}"
        );
        root.remove();
    }
    storage.remove_item("handoff-widget:locale").unwrap();
    match lang_before {
        Some(l) => html.set_attribute("lang", &l).unwrap(),
        None => html.remove_attribute("lang").unwrap(),
    }
}

#[wasm_bindgen_test]
async fn the_widget_takes_over_the_early_download_of_its_locale() {
    let log = serve(&[("/sites/demo/de.bundle", DE)]);
    let root = page_root(Some("de"));
    preload();
    handoff_widget::start();
    get(&root, ".hf-launcher").click();
    wait_for(&root, ".hf-tab", "Hilfe").await;
    // One download, begun by the page, and only the visitor's language.
    assert_eq!(requested(&log), ["/sites/demo/de.bundle"]);
    root.remove();
}

#[wasm_bindgen_test]
async fn without_an_early_download_the_widget_fetches_its_locale_itself() {
    let log = serve(&[("/sites/demo/cs.bundle", CS)]);
    let root = page_root(Some("cs"));
    handoff_widget::start();
    get(&root, ".hf-launcher").click();
    wait_for(&root, ".hf-tab", "Nápověda").await;
    assert_eq!(requested(&log), ["/sites/demo/cs.bundle"]);
    root.remove();
}

#[wasm_bindgen_test]
async fn a_language_switch_downloads_that_locale_and_the_bot_speaks_it() {
    let log = serve(&[("/sites/demo/en.bundle", EN), ("/sites/demo/de.bundle", DE)]);
    let root = page_root(Some("en"));
    preload();
    handoff_widget::start();
    get(&root, ".hf-launcher").click();
    wait_for(&root, ".hf-tab", "Help").await;
    all(&root, ".hf-tab")[1].click();
    sleep(20).await;
    choose_language(&root, "de").await;
    wait_for(&root, ".hf-tab", "Hilfe").await;
    assert_eq!(requested(&log), ["/sites/demo/en.bundle", "/sites/demo/de.bundle"]);
    say(&root, "Wo ist meine Bestellung?").await;
    wait_for(&root, ".hf-msg--bot", "Bestellnummer").await;
    // Both languages are loaded now: switching back downloads nothing.
    choose_language(&root, "en").await;
    wait_for(&root, ".hf-tab", "Help").await;
    say(&root, "Where is my order?").await;
    wait_for(&root, ".hf-msg--bot", "order number").await;
    assert_eq!(requested(&log).len(), 2);
    root.remove();
}

#[wasm_bindgen_test]
async fn a_switch_whose_bundle_cannot_be_loaded_keeps_the_language() {
    let log = serve(&[("/sites/demo/en.bundle", EN)]);
    let root = page_root(Some("en"));
    handoff_widget::start();
    get(&root, ".hf-launcher").click();
    wait_for(&root, ".hf-tab", "Help").await;
    choose_language(&root, "de").await;
    sleep(100).await;
    assert_eq!(requested(&log), ["/sites/demo/en.bundle", "/sites/demo/de.bundle"]);
    wait_for(&root, ".hf-tab", "Help").await;
    let select: HtmlSelectElement = get(&root, ".hf-locale select").dyn_into().unwrap();
    assert_eq!(select.value(), "en", "the picker shows the language still in use");
    root.remove();
}

#[wasm_bindgen_test]
async fn a_reload_loads_the_bundles_of_the_stored_conversation() {
    let log = serve(&[("/sites/demo/en.bundle", EN), ("/sites/demo/de.bundle", DE)]);
    let root = page_root(Some("en"));
    handoff_widget::start();
    get(&root, ".hf-launcher").click();
    wait_for(&root, ".hf-tab", "Help").await;
    choose_language(&root, "de").await;
    wait_for(&root, ".hf-tab", "Hilfe").await;
    all(&root, ".hf-tab")[1].click();
    say(&root, "Wo ist meine Bestellung?").await;
    wait_for(&root, ".hf-msg--bot", "Bestellnummer").await;
    sleep(400).await;
    root.remove();

    // The next page of the shop: the same preferences, the stored German conversation.
    let log_after = serve(&[("/sites/demo/en.bundle", EN), ("/sites/demo/de.bundle", DE)]);
    let root: HtmlElement = document().create_element("div").unwrap().dyn_into().unwrap();
    root.set_id("handoff-root");
    for (k, v) in [("data-site", "/sites/demo"), ("data-locales", LOCALES), ("data-locale", "en")] {
        root.set_attribute(k, v).unwrap();
    }
    document().body().unwrap().append_child(&root).unwrap();
    handoff_widget::start();
    get(&root, ".hf-launcher").click();
    wait_for(&root, ".hf-msg--bot", "Bestellnummer").await;
    wait_for(&root, ".hf-send", "Senden").await;
    assert_eq!(requested(&log_after), ["/sites/demo/en.bundle", "/sites/demo/de.bundle"]);
    assert_eq!(requested(&log).len(), 2);
    handoff_widget::storage::clear("demo");
    root.remove();
}

#[wasm_bindgen_test]
async fn the_page_widget_apologises_when_its_site_cannot_be_loaded() {
    serve(&[]);
    let root = page_root(Some("cs"));
    handoff_widget::start();
    get(&root, ".hf-launcher").click();
    let notice = wait_for(&root, ".hf-notice", "Nápovědu se nepodařilo načíst").await;
    assert_eq!(notice.get_attribute("role").as_deref(), Some("alert"));
    root.remove();

    // A page that names no locales cannot say which bundle to load: the same apology.
    let root = page_root(Some("cs"));
    root.remove_attribute("data-locales").unwrap();
    handoff_widget::start();
    get(&root, ".hf-launcher").click();
    wait_for(&root, ".hf-notice", "Nápovědu se nepodařilo načíst").await;
    root.remove();
}

#[wasm_bindgen_test]
async fn the_launcher_and_panel_stay_while_the_site_loads() {
    serve(&[("/sites/demo/de.bundle", DE)]);
    let root = page_root(Some("de"));
    handoff_widget::start();
    // Opened at once, while the site is still loading.
    let launcher = get(&root, ".hf-launcher");
    launcher.click();
    // Once loaded, the same launcher and the same open dialog show the widget.
    wait_for(&root, ".hf-tab", "Hilfe").await;
    assert!(get(&root, ".hf-launcher").is_same_node(Some(&launcher)));
    assert_eq!(launcher.get_attribute("aria-expanded").as_deref(), Some("true"));
    let panel = get(&root, ".hf-panel");
    assert!(!panel.hidden());
    assert_eq!(panel.get_attribute("role").as_deref(), Some("dialog"));
    let title = get(&root, &format!("#{}", panel.get_attribute("aria-labelledby").unwrap()));
    assert_eq!(text(&title), "Fernhill Outdoor");
    // Escape closes it and gives the focus back to the launcher.
    panel.dispatch_event(&key("Escape")).unwrap();
    sleep(50).await;
    assert!(panel.hidden());
    assert!(document().active_element().unwrap().is_same_node(Some(&launcher)));
    root.remove();
}
