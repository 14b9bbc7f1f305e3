//! The desk's customer routes (docs/protocol.md), over gloo-net. Bodies are built and read with
//! the browser's own `JSON` (no serde_json in the wasm: it would cost more than this whole file).

use gloo_net::http::{Request, RequestBuilder};
use js_sys::{Object, Reflect, JSON};
use wasm_bindgen::JsValue;

/// Why a request did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// No answer (network down, desk restarting) or 5xx/429: try again later (after the given
    /// milliseconds when the desk said so).
    Retry(Option<i32>),
    /// The desk refused it (4xx): its `error` code. Sending it again would not help.
    Refused(u16, String),
}

/// A JSON object under construction.
pub struct Body(Object);

impl Body {
    pub fn new() -> Body {
        Body(Object::new())
    }

    pub fn set(self, key: &str, value: impl Into<JsValue>) -> Body {
        let _ = Reflect::set(&self.0, &key.into(), &value.into());
        self
    }

    pub fn value(self) -> JsValue {
        self.0.into()
    }
}

impl Default for Body {
    fn default() -> Self {
        Body::new()
    }
}

/// A field of a parsed JSON object as a string (empty when missing or not a string).
pub fn text(obj: &JsValue, key: &str) -> String {
    Reflect::get(obj, &key.into()).ok().and_then(|v| v.as_string()).unwrap_or_default()
}

/// A whole-number field (0 when missing). Never formatted as a float: that would bring the float
/// printing code (about 19 KB) into the wasm.
pub fn number(obj: &JsValue, key: &str) -> u64 {
    Reflect::get(obj, &key.into()).ok().and_then(|v| v.as_f64()).unwrap_or(0.0) as u64
}

/// A nested object field.
pub fn field(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &key.into()).unwrap_or(JsValue::NULL)
}

pub fn parse(json: &str) -> JsValue {
    JSON::parse(json).unwrap_or(JsValue::NULL)
}

/// `POST {base}{path}` with a JSON body (and the conversation token); the parsed answer (`null`
/// for an empty one).
pub async fn post(base: &str, path: &str, token: &str, body: JsValue) -> Result<JsValue, Failure> {
    let json: String = JSON::stringify(&body).map(String::from).unwrap_or_else(|_| "{}".into());
    let mut req: RequestBuilder =
        Request::post(&format!("{base}{path}")).header("Content-Type", "application/json");
    if !token.is_empty() {
        req = req.header("Authorization", &format!("Bearer {token}"));
    }
    let resp =
        req.body(json).map_err(|_| Failure::Retry(None))?.send().await.map_err(|_| Failure::Retry(None))?;
    let status = resp.status();
    let body = resp.text().await.unwrap_or_default();
    let parsed = if body.is_empty() { JsValue::NULL } else { parse(&body) };
    match status {
        200..=299 => Ok(parsed),
        429 => {
            let secs = resp.headers().get("Retry-After").and_then(|s| s.parse::<i32>().ok());
            Err(Failure::Retry(secs.map(|s| s * 1000)))
        }
        400..=499 => Err(Failure::Refused(status, text(&parsed, "error"))),
        _ => Err(Failure::Retry(None)),
    }
}
