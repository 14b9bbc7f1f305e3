//! Small browser helpers.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Waits `ms` milliseconds (a JS timer, so the page stays responsive).
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// The browser's clock in milliseconds since 1970.
pub fn now() -> i64 {
    js_sys::Date::now() as i64
}

/// The address of the page the customer is on: in the embed frame, the host page's (which
/// embed/frame.js writes into `data-page`), else this page's.
pub fn page_url() -> Option<String> {
    root_attr("data-page").or_else(|| web_sys::window()?.location().href().ok())
}

/// An attribute of the widget's root element: what the desk's page or embed/frame.js tell the
/// widget (`data-page`, `data-department`, `data-customer`).
pub fn root_attr(name: &str) -> Option<String> {
    root()?.get_attribute(name)
}

/// The element the widget is mounted on (`<div id="handoff-root">`).
pub fn root() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.get_element_by_id("handoff-root")
}

/// The customer's language preferences, most important first: the language they picked in the
/// widget before, the browser's (`navigator.languages`), then the page's `<html lang>`. The
/// browser's come before the page's: a page written in English (or our own frame page) says
/// nothing about what its visitor reads. What the host page sets explicitly (`data-locale`,
/// `setLocale`) comes before all of these (see `Options::preferred`).
pub fn page_locales() -> Vec<String> {
    // Remembered by embed/preload.js (localStorage), which runs before the widget.
    let mut out: Vec<String> =
        root_attr("data-chosen-locale").filter(|l| !l.is_empty()).into_iter().collect();
    let Some(w) = web_sys::window() else { return out };
    for l in w.navigator().languages().iter() {
        if let Some(s) = l.as_string() {
            out.push(s);
        }
    }
    if let Some(lang) = w.document().and_then(|d| d.document_element()).and_then(|e| e.get_attribute("lang"))
    {
        if !lang.trim().is_empty() {
            out.push(lang.trim().to_string());
        }
    }
    out
}

/// Focuses the element with this id once the current render has reached the page. By id, not
/// by `NodeRef`: every node ref type and every closure type here is code of its own in the wasm.
pub fn focus_later(id: String) {
    leptos::prelude::request_animation_frame(move || {
        if let Some(el) = by_id(&id) {
            let _ = el.focus();
        }
    });
}

/// An element of the page by id.
pub fn by_id(id: &str) -> Option<web_sys::HtmlElement> {
    use wasm_bindgen::JsCast;
    web_sys::window()?.document()?.get_element_by_id(id)?.dyn_into().ok()
}

pub fn log_error(msg: &str) {
    web_sys::console::error_1(&JsValue::from_str(msg));
}

/// An RFC 3339 time as the customer's local date and time in `locale` ("" stays "").
pub fn local_time(rfc3339: &str, locale: &str) -> String {
    if rfc3339.is_empty() {
        return String::new();
    }
    let date = js_sys::Date::new(&JsValue::from_str(rfc3339));
    let opts = js_sys::Object::new();
    for (k, v) in [("dateStyle", "medium"), ("timeStyle", "short")] {
        let _ = js_sys::Reflect::set(&opts, &k.into(), &v.into());
    }
    date.to_locale_string(locale, &opts).into()
}

/// The fields of a submitted form.
pub fn form_data(target: &web_sys::EventTarget) -> Option<web_sys::FormData> {
    use wasm_bindgen::JsCast;
    web_sys::FormData::new_with_form(target.dyn_ref::<web_sys::HtmlFormElement>()?).ok()
}

/// `crypto.randomUUID()`: 122 random bits from the browser's CSPRNG; empty where the browser
/// has none (outside a secure context). Called through `Reflect` so that no binding is linked.
pub fn random_uuid() -> String {
    let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).unwrap_or_default();
    let crypto = get(&js_sys::global(), "crypto");
    get(&crypto, "randomUUID")
        .dyn_into::<js_sys::Function>()
        .ok()
        .and_then(|f| f.call0(&crypto).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}
