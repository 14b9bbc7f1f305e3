//! Finding and waiting for elements of a mounted widget, shared by the browser tests.

#![allow(dead_code)] // Each test file uses its own part of these.

use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

pub fn find(root: &HtmlElement, selector: &str) -> Option<HtmlElement> {
    root.query_selector(selector).unwrap().map(|e| e.dyn_into().unwrap())
}

pub fn get(root: &HtmlElement, selector: &str) -> HtmlElement {
    find(root, selector).unwrap_or_else(|| panic!("no element matches {selector}"))
}

pub fn all(root: &HtmlElement, selector: &str) -> Vec<HtmlElement> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length()).map(|i| list.item(i).unwrap().dyn_into().unwrap()).collect()
}

pub fn text(el: &HtmlElement) -> String {
    el.text_content().unwrap_or_default()
}

pub async fn sleep(ms: i32) {
    handoff_widget::dom::sleep(ms).await;
}

/// Polls up to three seconds until `selector` holds `expected` (case-insensitive).
pub async fn wait_for(root: &HtmlElement, selector: &str, expected: &str) -> HtmlElement {
    let want = expected.to_lowercase();
    for _ in 0..60 {
        for el in all(root, selector) {
            if text(&el).to_lowercase().contains(&want) {
                return el;
            }
        }
        sleep(50).await;
    }
    let seen: Vec<String> = all(root, selector).iter().map(text).collect();
    panic!("no {selector} contains {expected:?}; found: {seen:#?}");
}
