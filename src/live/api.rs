//! The desk's customer routes (docs/protocol.md), over gloo-net. Bodies are built and read with
//! the browser's own `JSON` (no serde_json in the wasm: it would cost more than this whole file).

use gloo_net::http::{Request, RequestBuilder};
use handoff_protocol::lite::{JsonRead, JsonWrite};
use js_sys::{Array, Object, Reflect, JSON};
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

/// A browser JSON value for [`handoff_protocol::lite`], which knows the v1 field names and is
/// tested natively against the desk's serde types (a newtype: the traits and `JsValue` are
/// both from other crates).
pub struct Js(pub JsValue);

impl JsonRead for Js {
    fn get(&self, key: &str) -> Js {
        Js(Reflect::get(&self.0, &key.into()).unwrap_or(JsValue::NULL))
    }
    fn text(&self) -> String {
        self.0.as_string().unwrap_or_default()
    }
    /// Never formatted as a float: that would bring the float printing code (about 19 KB) into
    /// the wasm.
    fn number(&self) -> u64 {
        self.0.as_f64().unwrap_or(0.0) as u64
    }
    fn flag(&self) -> bool {
        self.0.as_bool() == Some(true)
    }
}

impl JsonWrite for Js {
    fn object() -> Js {
        Js(Object::new().into())
    }
    fn text(s: &str) -> Js {
        Js(JsValue::from_str(s))
    }
    fn number(n: f64) -> Js {
        Js(JsValue::from_f64(n))
    }
    fn flag(b: bool) -> Js {
        Js(JsValue::from_bool(b))
    }
    fn list(items: impl Iterator<Item = Js>) -> Js {
        Js(items.map(|j| j.0).collect::<Array>().into())
    }
    fn set(self, key: &str, value: Js) -> Js {
        let _ = Reflect::set(&self.0, &key.into(), &value.0);
        self
    }
}

/// The parsed JSON text (null when it is not JSON).
pub fn parse(json: &str) -> Js {
    Js(JSON::parse(json).unwrap_or(JsValue::NULL))
}

/// `POST {base}{path}` with a JSON body (and the conversation token); the parsed answer (`null`
/// for an empty one).
pub async fn post(base: &str, path: &str, token: &str, body: Js) -> Result<Js, Failure> {
    let json: String = JSON::stringify(&body.0).map(String::from).unwrap_or_else(|_| "{}".into());
    let mut req: RequestBuilder =
        Request::post(&format!("{base}{path}")).header("Content-Type", "application/json");
    if !token.is_empty() {
        req = req.header("Authorization", &format!("Bearer {token}"));
    }
    let resp =
        req.body(json).map_err(|_| Failure::Retry(None))?.send().await.map_err(|_| Failure::Retry(None))?;
    let status = resp.status();
    let body = resp.text().await.unwrap_or_default();
    let parsed = if body.is_empty() { Js(JsValue::NULL) } else { parse(&body) };
    match status {
        200..=299 => Ok(parsed),
        429 => {
            let secs = resp.headers().get("Retry-After").and_then(|s| s.parse::<i32>().ok());
            Err(Failure::Retry(secs.map(|s| s * 1000)))
        }
        400..=499 => Err(Failure::Refused(status, parsed.get("error").text())),
        _ => Err(Failure::Retry(None)),
    }
}
