//! Loads a site's bundle (made by `handoff-bot export`) with the browser's own fetch.

use handoff_bot::Engine;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

/// Downloads and compiles the bundle at `url`; the error is for the console, not the customer.
pub async fn load(url: &str) -> Result<Engine, String> {
    // JS's own toString ("TypeError: Failed to fetch"): the release build compiles `{:?}` to
    // nothing (-Zfmt-debug=none, see xtask/src/dist.rs).
    let js = |e: JsValue| String::from(js_sys::Object::from(e).to_string());
    let window = web_sys::window().ok_or("no window")?;
    let resp: Response =
        JsFuture::from(window.fetch_with_str(url)).await.map_err(js)?.dyn_into().map_err(js)?;
    if !resp.ok() {
        return Err(format!("{url}: HTTP {}", resp.status()));
    }
    let text = JsFuture::from(resp.text().map_err(js)?)
        .await
        .map_err(js)?
        .as_string()
        .ok_or("the bundle is not text")?;
    handoff_bot::engine_from_bundle(&text)
        .map_err(|problems| problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; "))
}
