//! The widget in a real browser (headless Chromium), driven like a customer would: mounted into
//! a fresh element with the real demo site, opened, typed into, clicked.
//!
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p handoff-widget --target wasm32-unknown-unknown`

#![cfg(target_arch = "wasm32")]

use handoff_widget::{mount, Options};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{
    Event, EventInit, HtmlElement, HtmlSelectElement, HtmlTextAreaElement, KeyboardEvent, KeyboardEventInit,
};

mod common;
use common::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The demo site, compiled by build.rs from content/demo.
const DEMO: &str = include_str!(concat!(env!("OUT_DIR"), "/demo-site.bundle"));

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn engine() -> handoff_bot::Engine {
    assert!(
        !DEMO.is_empty(),
        "content/demo is invalid: run `cargo run -p handoff-bot -- check content/demo`"
    );
    handoff_bot::engine_from_bundle(DEMO).expect("the demo bundle compiles")
}

fn new_root() -> HtmlElement {
    let root: HtmlElement = document().create_element("div").unwrap().dyn_into().unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    root
}

/// Mounts a widget for the demo site in `locale` into a new element and returns that element.
fn widget(locale: &str) -> HtmlElement {
    let root = new_root();
    mount(root.clone(), engine(), Options { locale: Some(locale.into()), persist: false, desk: None });
    root
}

/// Polls until `selector` matches something.
async fn wait_el(root: &HtmlElement, selector: &str) -> HtmlElement {
    for _ in 0..60 {
        if let Some(el) = find(root, selector) {
            return el;
        }
        sleep(50).await;
    }
    panic!("nothing matches {selector}");
}

fn event(name: &str) -> Event {
    let init = EventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    Event::new_with_event_init_dict(name, &init).unwrap()
}

fn key(name: &str, shift: bool) -> KeyboardEvent {
    let init = KeyboardEventInit::new();
    init.set_key(name);
    init.set_shift_key(shift);
    init.set_bubbles(true);
    init.set_cancelable(true);
    KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap()
}

async fn open(root: &HtmlElement) {
    get(root, ".hf-launcher").click();
    sleep(20).await;
}

async fn open_chat(root: &HtmlElement) {
    open(root).await;
    all(root, ".hf-tab")[1].click();
    sleep(20).await;
}

/// Types `message` into the composer and presses Enter.
async fn type_text(root: &HtmlElement, message: &str) -> HtmlTextAreaElement {
    let ta: HtmlTextAreaElement = get(root, ".hf-textarea").dyn_into().unwrap();
    ta.set_value(message);
    ta.dispatch_event(&event("input")).unwrap();
    sleep(10).await;
    ta
}

async fn say(root: &HtmlElement, message: &str) {
    let ta = type_text(root, message).await;
    ta.dispatch_event(&key("Enter", false)).unwrap();
    sleep(10).await;
}

async fn search(root: &HtmlElement, query: &str) {
    let input: web_sys::HtmlInputElement = get(root, ".hf-search input[type=search]").dyn_into().unwrap();
    input.set_value(query);
    input.dispatch_event(&event("input")).unwrap();
    sleep(20).await;
}

#[wasm_bindgen_test]
async fn launcher_opens_the_dialog_and_escape_returns_focus() {
    let root = widget("en");
    let launcher = get(&root, ".hf-launcher");
    let panel = get(&root, ".hf-panel");
    assert_eq!(launcher.get_attribute("aria-expanded").as_deref(), Some("false"));
    assert_eq!(launcher.get_attribute("aria-controls"), Some(panel.id()));
    assert!(panel.hidden());
    assert_eq!(panel.get_attribute("role").as_deref(), Some("dialog"));
    assert_eq!(panel.get_attribute("aria-modal").as_deref(), Some("false"));
    let title = get(&root, &format!("#{}", panel.get_attribute("aria-labelledby").unwrap()));
    assert_eq!(text(&title), "Fernhill Outdoor");

    open(&root).await;
    assert!(!panel.hidden());
    assert_eq!(launcher.get_attribute("aria-expanded").as_deref(), Some("true"));

    get(&root, ".hf-search input").dispatch_event(&key("Escape", false)).unwrap();
    sleep(100).await;
    assert!(panel.hidden());
    assert_eq!(launcher.get_attribute("aria-expanded").as_deref(), Some("false"));
    let active: HtmlElement = document().active_element().unwrap().unchecked_into();
    assert!(active == launcher, "focus returns to the launcher");
}

#[wasm_bindgen_test]
async fn english_order_question_asks_for_the_order_number() {
    let root = widget("en");
    open_chat(&root).await;
    assert_eq!(get(&root, ".hf-log").get_attribute("role").as_deref(), Some("log"));
    assert_eq!(get(&root, ".hf-log").get_attribute("aria-live").as_deref(), Some("polite"));
    say(&root, "Where is my order?").await;
    wait_for(&root, ".hf-msg--customer", "Where is my order?").await;
    // The typing indicator shows first, for screen readers too.
    assert!(!get(&root, ".hf-typing").hidden());
    assert_eq!(text(&get(&root, ".hf-typing")), "Assistant is typing…");
    wait_for(&root, ".hf-msg--bot", "order number").await;
    sleep(50).await;
    assert!(get(&root, ".hf-typing").hidden());
    // Every message has a speaker label for screen readers.
    let labels: Vec<String> = all(&root, ".hf-msg .hf-sr").iter().map(text).collect();
    assert!(labels.iter().any(|l| l.starts_with("You")));
    assert!(labels.iter().any(|l| l.starts_with("Assistant")));
}

#[wasm_bindgen_test]
async fn german_order_question_asks_for_the_bestellnummer() {
    let root = widget("de");
    open_chat(&root).await;
    say(&root, "Wo ist meine Bestellung?").await;
    wait_for(&root, ".hf-msg--bot", "Bestellnummer").await;
    say(&root, "FH-123456").await;
    wait_for(&root, ".hf-msg--bot", "FH-123456").await;
}

/// The bot's first reply to `message` in a new conversation, straight from the engine.
fn expected_reply(locale: &str, message: &str) -> String {
    let e = engine();
    let (mut conv, _) = e.start(locale);
    e.reply(&mut conv, message).replies.first().expect("the bot answers").text.clone()
}

#[wasm_bindgen_test]
async fn czech_and_bulgarian_customers_are_answered_in_their_language() {
    let root = widget("cs");
    open_chat(&root).await;
    assert_eq!(text(&get(&root, ".hf-send")), "Odeslat");
    say(&root, "Kde je moje objednávka?").await;
    let answer = text(&wait_for(&root, ".hf-msg--bot", "objednávky").await);
    assert!(answer.ends_with(&expected_reply("cs", "Kde je moje objednávka?")), "{answer}");

    let root = widget("bg");
    open_chat(&root).await;
    assert_eq!(text(&get(&root, ".hf-send")), "Изпрати");
    say(&root, "Къде е моята поръчка?").await;
    let answer = text(&wait_for(&root, ".hf-msg--bot", "поръчката").await);
    assert!(answer.ends_with(&expected_reply("bg", "Къде е моята поръчка?")), "{answer}");
}

#[wasm_bindgen_test]
async fn asking_for_a_person_hands_off_with_the_department() {
    let root = widget("en");
    open_chat(&root).await;
    say(&root, "I want to talk to a person").await;
    let notice = wait_for(&root, ".hf-msg--system", "You asked to talk to a person").await;
    // One calm line: the reason. No tier name, no promise the desk may not keep (after hours).
    let notice = text(&notice);
    assert!(notice.ends_with("You asked to talk to a person."), "{notice}");
    assert!(!notice.contains("Support agent") && !notice.contains("kept"), "{notice}");
    wait_for(&root, ".hf-waiting", "Waiting for Orders").await;
    // The bot is silent now, but the customer can still write: messages are kept for the agent.
    let bot_before = all(&root, ".hf-msg--bot").len();
    say(&root, "My parcel never arrived").await;
    wait_for(&root, ".hf-msg--customer", "My parcel never arrived").await;
    sleep(600).await;
    assert_eq!(all(&root, ".hf-msg--bot").len(), bot_before);
}

#[wasm_bindgen_test]
async fn german_handoff_speaks_german() {
    let root = widget("de");
    open_chat(&root).await;
    say(&root, "Ich möchte mit einem Menschen sprechen").await;
    let notice = text(&wait_for(&root, ".hf-msg--system", "Sie möchten mit einem Menschen sprechen").await);
    assert!(notice.ends_with("Sie möchten mit einem Menschen sprechen."), "{notice}");
    // The department is named where the request stands.
    wait_for(&root, ".hf-waiting", "Bestellungen").await;
}

#[wasm_bindgen_test]
async fn markup_in_a_message_is_shown_literally() {
    let root = widget("en");
    open_chat(&root).await;
    say(&root, "<b>bold</b> <img src=x onerror=alert(1)>").await;
    let msg = wait_for(&root, ".hf-msg--customer", "<b>bold</b>").await;
    assert!(msg.query_selector("b").unwrap().is_none());
    assert!(msg.query_selector("img").unwrap().is_none());
    assert!(text(&msg).contains("<img src=x onerror=alert(1)>"));
}

#[wasm_bindgen_test]
async fn composer_counts_characters_and_only_sends_text() {
    let root = widget("en");
    open_chat(&root).await;
    let send = get(&root, ".hf-send");
    assert!(send.has_attribute("disabled"), "send is disabled while empty");
    let counter = get(&root, ".hf-counter");
    assert_eq!(text(&counter), "1000 characters left");
    assert!(!counter.has_attribute("aria-live"));
    let ta: HtmlTextAreaElement = get(&root, ".hf-textarea").dyn_into().unwrap();
    assert_eq!(ta.max_length(), 1000);
    let label = get(&root, &format!("label[for='{}']", ta.id()));
    assert_eq!(text(&label), "Your message");

    // Shift+Enter does not send.
    type_text(&root, "hello").await;
    ta.dispatch_event(&key("Enter", true)).unwrap();
    sleep(20).await;
    assert!(all(&root, ".hf-msg--customer").is_empty());
    assert!(!send.has_attribute("disabled"));
    assert_eq!(text(&counter), "995 characters left");

    type_text(&root, &"x".repeat(950)).await;
    assert_eq!(text(&counter), "50 characters left");
    assert_eq!(counter.get_attribute("aria-live").as_deref(), Some("polite"));

    // Whitespace alone is not sent; the send button sends.
    type_text(&root, "   ").await;
    assert!(send.has_attribute("disabled"));
    type_text(&root, "Hello there").await;
    send.click();
    wait_for(&root, ".hf-msg--customer", "Hello there").await;
    assert_eq!(ta.value(), "");
}

/// The title of the engine's best article for a portal search.
fn best_hit(locale: &str, query: &str) -> String {
    let e = engine();
    let hit =
        e.search(locale, query, 8).into_iter().next().unwrap_or_else(|| panic!("no article for {query:?}"));
    e.site().articles[hit.article].title.clone()
}

#[wasm_bindgen_test]
async fn portal_search_finds_articles_and_opens_them() {
    let root = widget("en");
    open(&root).await;
    // Without a query the portal lists categories with their articles.
    assert!(!all(&root, ".hf-category").is_empty());
    let input: web_sys::HtmlInputElement = get(&root, ".hf-search input[type=search]").dyn_into().unwrap();
    let label = get(&root, &format!("label[for='{}']", input.id()));
    assert_eq!(text(&label), "Search help articles");

    search(&root, "backpack").await;
    let title = best_hit("en", "backpack");
    let hit = wait_for(&root, ".hf-results .hf-article-link", &title).await;
    assert_eq!(
        text(&all(&root, ".hf-results .hf-article-link")[0]),
        title,
        "results keep the engine's ranking"
    );
    assert!(all(&root, ".hf-results .hf-article-link").len() <= 8);
    hit.click();
    let h2 = wait_el(&root, ".hf-article h2").await;
    assert_eq!(text(&h2), title);
    assert!(!all(&root, ".hf-article-body p, .hf-article-body li").is_empty());
    // Links in articles open in a new tab without handing over the opener.
    for a in all(&root, ".hf-article a") {
        assert_eq!(a.get_attribute("target").as_deref(), Some("_blank"));
        assert_eq!(a.get_attribute("rel").as_deref(), Some("noopener noreferrer"));
    }
    get(&root, ".hf-back").click();
    wait_el(&root, ".hf-results .hf-article-link").await;

    // Typos and missing diacritics still find the article.
    search(&root, "retrun").await;
    wait_for(&root, ".hf-results .hf-article-link", &best_hit("en", "retrun")).await;
    assert_eq!(best_hit("en", "retrun"), best_hit("en", "return"));
    // Nonsense finds nothing, and says so.
    search(&root, "zzqxv").await;
    wait_for(&root, ".hf-empty", "No articles match").await;

    let root = widget("de");
    open(&root).await;
    search(&root, "rucksendung").await;
    let title = best_hit("de", "Rücksendung");
    wait_for(&root, ".hf-results .hf-article-link", &title).await;
}

#[wasm_bindgen_test]
async fn unhelpful_article_leads_to_the_chat_offer_and_a_person() {
    let root = widget("en");
    open(&root).await;
    get(&root, ".hf-category .hf-article-link").click();
    wait_el(&root, ".hf-article h2").await;
    wait_for(&root, ".hf-feedback", "Was this helpful?").await;
    let no = all(&root, ".hf-feedback button").into_iter().find(|b| text(b) == "No").expect("a No button");
    no.click();
    wait_for(&root, ".hf-msg--bot", "didn't help").await;
    assert!(!get(&root, ".hf-chat").hidden(), "the chat is shown");
    let talk = wait_for(&root, ".hf-quick-reply", "Talk to a person").await;
    talk.click();
    wait_for(&root, ".hf-msg--system", "The help article did not answer your question").await;
}

#[wasm_bindgen_test]
async fn still_need_help_opens_the_chat() {
    let root = widget("en");
    open(&root).await;
    get(&root, ".hf-category .hf-article-link").click();
    wait_el(&root, ".hf-article h2").await;
    let yes = all(&root, ".hf-feedback button").into_iter().find(|b| text(b) == "Yes").unwrap();
    yes.click();
    wait_for(&root, ".hf-feedback", "Thank you for your feedback").await;
    wait_for(&root, ".hf-still button", "Chat with us").await.click();
    sleep(50).await;
    assert!(!get(&root, ".hf-chat").hidden());
    assert_eq!(all(&root, ".hf-tab")[1].get_attribute("aria-pressed").as_deref(), Some("true"));
}

#[wasm_bindgen_test]
async fn switching_the_language_changes_the_interface_and_articles() {
    let root = widget("en");
    open(&root).await;
    assert_eq!(text(&all(&root, ".hf-tab")[0]), "Help");
    let first_en = text(&get(&root, ".hf-category .hf-article-link"));
    let select: HtmlSelectElement = get(&root, ".hf-locale select").dyn_into().unwrap();
    let label = get(&root, &format!("label[for='{}']", select.id()));
    assert_eq!(text(&label), "Language");
    assert_eq!(select.value(), "en");
    select.set_value("de");
    select.dispatch_event(&event("change")).unwrap();
    wait_for(&root, ".hf-tab", "Hilfe").await;
    assert_eq!(text(&label), "Sprache");
    assert_eq!(get(&root, ".hf-widget").get_attribute("lang").as_deref(), Some("de"));
    assert_ne!(text(&get(&root, ".hf-category .hf-article-link")), first_en);
    all(&root, ".hf-tab")[1].click();
    wait_for(&root, ".hf-send", "Senden").await;
    // The greeting follows while the customer has not written yet, and the bot answers in German.
    let greeting = engine().site().settings.site.greeting["de"].clone();
    let shown: Vec<String> = all(&root, ".hf-msg").iter().map(text).collect();
    assert_eq!(shown, vec![format!("Assistent: {greeting}")]);
    say(&root, "Wo ist meine Bestellung?").await;
    wait_for(&root, ".hf-msg--bot", "Bestellnummer").await;
    // Later switches keep the conversation.
    select.set_value("pt");
    select.dispatch_event(&event("change")).unwrap();
    wait_for(&root, ".hf-send", "Enviar").await;
    wait_for(&root, ".hf-msg--customer", "Wo ist meine Bestellung?").await;
}

#[wasm_bindgen_test]
async fn bot_answers_render_links_safely() {
    let root = widget("en");
    open_chat(&root).await;
    for a in all(&root, ".hf-log a") {
        assert_eq!(a.get_attribute("rel").as_deref(), Some("noopener noreferrer"));
    }
    // Whatever the customer types, it never becomes a link.
    say(&root, "[click](https://evil.example)").await;
    let msg = wait_for(&root, ".hf-msg--customer", "[click](https://evil.example)").await;
    assert!(msg.query_selector("a").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn article_cards_in_the_chat_open_the_article() {
    // What the bot will answer, straight from the engine, to know which cards to expect.
    let e = engine();
    let (mut conv, _) = e.start("en");
    let said = ["Where is my order?", "FH-123456"];
    let cards: Vec<String> =
        said.iter().flat_map(|m| e.reply(&mut conv, m).replies).flat_map(|r| r.articles).collect();
    let id = cards.first().expect("the order answer links an article");
    let title = e.site().article(id, "en").expect("the linked article exists").title.clone();

    let root = widget("en");
    open_chat(&root).await;
    for m in said {
        say(&root, m).await;
        sleep(400).await;
    }
    let card = wait_for(&root, ".hf-card", &title).await;
    // The answer's Markdown link is a real link, opening in a new tab.
    let links = all(&root, ".hf-msg--bot a");
    assert!(!links.is_empty(), "the order answer links the customer account");
    for a in links {
        assert!(a.get_attribute("href").unwrap().starts_with("https://"));
        assert_eq!(a.get_attribute("target").as_deref(), Some("_blank"));
        assert_eq!(a.get_attribute("rel").as_deref(), Some("noopener noreferrer"));
    }
    assert_eq!(card.tag_name(), "BUTTON");
    card.click();
    let h2 = wait_el(&root, ".hf-article h2").await;
    assert_eq!(text(&h2), title);
    assert_eq!(all(&root, ".hf-tab")[0].get_attribute("aria-pressed").as_deref(), Some("true"));
}

#[wasm_bindgen_test]
async fn a_reload_restores_the_conversation() {
    let key = engine().site().settings.site.key.clone();
    handoff_widget::storage::clear(&key);
    let first = new_root();
    mount(first.clone(), engine(), Options { locale: Some("de".into()), persist: true, desk: None });
    open_chat(&first).await;
    say(&first, "Wo ist meine Bestellung?").await;
    wait_for(&first, ".hf-msg--bot", "Bestellnummer").await;
    say(&first, "Ich möchte mit einem Menschen sprechen").await;
    wait_for(&first, ".hf-waiting", "Bestellungen").await;

    // The "next page": a new widget with the same storage shows the same chat at once.
    let second = new_root();
    mount(second.clone(), engine(), Options { locale: Some("en".into()), persist: true, desk: None });
    sleep(20).await;
    assert!(!get(&second, ".hf-chat").hidden(), "a returning customer sees the chat");
    let before: Vec<String> = all(&first, ".hf-msg").iter().map(text).collect();
    let after: Vec<String> = all(&second, ".hf-msg").iter().map(text).collect();
    assert_eq!(before, after);
    assert!(text(&get(&second, ".hf-waiting")).contains("Bestellungen"));
    assert_eq!(text(&get(&second, ".hf-send")), "Senden");
    handoff_widget::storage::clear(&key);
}

#[wasm_bindgen_test]
async fn arriving_messages_keep_the_log_and_the_customers_draft() {
    let root = widget("en");
    open_chat(&root).await;
    let greeting = get(&root, ".hf-msg");
    say(&root, "Where is my order?").await;
    // The customer starts the next message while the bot is still typing.
    let ta = type_text(&root, "FH-12").await;
    ta.focus().unwrap();
    ta.set_selection_range(2, 2).unwrap();
    wait_for(&root, ".hf-msg--bot", "order number").await;
    sleep(50).await;
    // The new answer was appended: the messages already shown (and announced) are the same
    // nodes, and the draft keeps its text, the focus and the caret.
    assert!(get(&root, ".hf-msg").is_same_node(Some(&greeting)));
    assert_eq!(all(&root, ".hf-msg").len(), 3);
    let log = get(&root, ".hf-log");
    assert!(log.last_element_child().unwrap().class_list().contains("hf-typing"));
    let active = document().active_element().expect("something has the focus");
    assert!(active.is_same_node(Some(&ta)), "the composer keeps the focus");
    assert_eq!(ta.value(), "FH-12");
    assert_eq!(ta.selection_start().unwrap(), Some(2));
}

#[wasm_bindgen_test]
async fn an_open_article_follows_the_language_and_old_quick_replies_go_away() {
    let root = widget("en");
    open(&root).await;
    get(&root, ".hf-category .hf-article-link").click();
    let h2 = wait_el(&root, ".hf-article h2").await;
    let title_en = text(&h2);
    let select: HtmlSelectElement = get(&root, ".hf-locale select").dyn_into().unwrap();
    select.set_value("de");
    select.dispatch_event(&event("change")).unwrap();
    wait_for(&root, ".hf-back", "Zurück").await;
    sleep(20).await;
    let title_de = text(&get(&root, ".hf-article h2"));
    assert_ne!(title_de, title_en, "the article is shown in German");
    assert_eq!(all(&root, ".hf-article h2").len(), 1);
    assert!(!all(&root, ".hf-article-body p, .hf-article-body li").is_empty());

    // "No": the chat offers a person; once answered, that offer is no longer shown.
    let no = all(&root, ".hf-feedback button").into_iter().find(|b| text(b) == "Nein").expect("a No button");
    no.click();
    let talk = wait_for(&root, ".hf-quick-reply", "").await;
    let quick = talk.parent_element().unwrap();
    assert!(!quick.has_attribute("hidden"));
    say(&root, "Wo ist meine Bestellung?").await;
    wait_for(&root, ".hf-msg--bot", "Bestellnummer").await;
    assert!(quick.has_attribute("hidden"), "quick replies of an answered message are hidden");
}
