//! Small browser helpers: clock, storage, title, sound, desktop notifications, focus.

use wasm_bindgen::JsCast;

pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

pub fn session_get(key: &str) -> Option<String> {
    session()?.get_item(key).ok().flatten()
}

pub fn session_set(key: &str, value: &str) {
    if let Some(s) = session() {
        let _ = s.set_item(key, value);
    }
}

/// The agent's sound choice outlives the tab (sessionStorage would forget it at sign-in).
fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

const SOUND_KEY: &str = "handoff-console-sound";

/// Whether the agent turned the chime on (off until they do: a sound nobody asked for in an
/// open-plan office is not a feature).
pub fn sound_on() -> bool {
    local().and_then(|s| s.get_item(SOUND_KEY).ok().flatten()).is_some_and(|v| v == "on")
}

pub fn set_sound(on: bool) {
    if let Some(s) = local() {
        let _ = s.set_item(SOUND_KEY, if on { "on" } else { "off" });
    }
}

pub fn session_remove(key: &str) {
    if let Some(s) = session() {
        let _ = s.remove_item(key);
    }
}

pub fn set_title(title: &str) {
    if let Some(d) = web_sys::window().and_then(|w| w.document()) {
        d.set_title(title);
    }
}

/// The tab's icon: the console's mark, with the number of waiting chats on it when there are
/// any (seen in a row of tabs where the title is cut off). An SVG data URL: the console's CSP
/// allows `img-src data:`.
pub fn set_badge(waiting: usize) {
    let Some(d) = web_sys::window().and_then(|w| w.document()) else { return };
    let Ok(Some(link)) = d.query_selector("link[rel=icon]") else { return };
    let badge = match waiting {
        0 => String::new(),
        n => format!(
            "<circle cx='22' cy='10' r='10' fill='%23b42318'/><text x='22' y='14.5' font-size='13' font-family='Arial' font-weight='700' text-anchor='middle' fill='white'>{}</text>",
            if n > 9 { "9+".to_string() } else { n.to_string() }
        ),
    };
    let svg = format!(
        "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'><rect x='2' y='6' width='22' height='20' rx='5' fill='%231f5130'/>{badge}</svg>"
    );
    let _ = link.set_attribute("href", &svg);
}

pub fn set_lang(locale: &str) {
    if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = el.set_attribute("lang", locale);
    }
}

pub fn languages() -> Vec<String> {
    let Some(w) = web_sys::window() else { return vec![] };
    w.navigator().languages().iter().filter_map(|v| v.as_string()).collect()
}

/// A short two-note chime through WebAudio (nothing if the browser blocks audio).
pub fn chime() {
    if !sound_on() {
        return;
    }
    let Ok(ctx) = web_sys::AudioContext::new() else { return };
    let t = ctx.current_time();
    for (i, freq) in [880.0f32, 1320.0].into_iter().enumerate() {
        let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else { return };
        osc.set_type(web_sys::OscillatorType::Sine);
        osc.frequency().set_value(freq);
        let start = t + i as f64 * 0.12;
        gain.gain().set_value(0.0);
        let _ = gain.gain().linear_ramp_to_value_at_time(0.15, start + 0.01);
        let _ = gain.gain().linear_ramp_to_value_at_time(0.0, start + 0.11);
        let _ = osc.connect_with_audio_node(&gain);
        let _ = gain.connect_with_audio_node(&ctx.destination());
        let _ = osc.start_with_when(start);
        let _ = osc.stop_with_when(start + 0.12);
    }
}

pub fn notifications_granted() -> bool {
    web_sys::Notification::permission() == web_sys::NotificationPermission::Granted
}

pub fn notifications_supported() -> bool {
    js_sys::Reflect::has(&js_sys::global(), &"Notification".into()).unwrap_or(false)
}

pub fn request_notifications() {
    if notifications_supported() {
        let _ = web_sys::Notification::request_permission();
    }
}

/// A desktop notification when permitted and the tab is hidden.
pub fn desktop_notify(title: &str, body: &str) {
    if !notifications_supported() || !notifications_granted() {
        return;
    }
    let hidden = web_sys::window().and_then(|w| w.document()).map(|d| d.hidden()).unwrap_or(false);
    if !hidden {
        return;
    }
    let opts = web_sys::NotificationOptions::new();
    opts.set_body(body);
    let _ = web_sys::Notification::new_with_options(title, &opts);
}

pub fn focus(id: &str) {
    let el = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id));
    if let Some(el) = el.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

/// Copies text to the clipboard (`navigator.clipboard.writeText`, through `Reflect` so the
/// console needs no unstable web-sys API); `false` when the browser offers no clipboard here
/// (an insecure origin, say): the text stays selectable.
pub fn copy_text(text: &str) -> bool {
    use js_sys::{Function, Reflect};
    let Some(nav) = web_sys::window().map(|w| w.navigator()) else { return false };
    let Ok(clipboard) = Reflect::get(&nav, &"clipboard".into()) else { return false };
    let write =
        Reflect::get(&clipboard, &"writeText".into()).ok().and_then(|f| f.dyn_into::<Function>().ok());
    match write {
        Some(f) if !clipboard.is_undefined() => f.call1(&clipboard, &text.into()).is_ok(),
        _ => false,
    }
}

/// An object URL for `text` as a file of type `mime` (a download link's `href`); revoke it with
/// [`revoke_url`] once it is no longer offered.
pub fn blob_url(text: &str, mime: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

pub fn revoke_url(url: &str) {
    let _ = web_sys::Url::revoke_object_url(url);
}
