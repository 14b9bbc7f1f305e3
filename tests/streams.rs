//! The small wasm-streams replacement in patches/wasm-streams (see its Cargo.toml for why),
//! in a real browser: Rust streams become JS ReadableStreams and back, with errors, as
//! server_fn uses them.

#![cfg(target_arch = "wasm32")]

use futures_util::{stream, StreamExt};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use wasm_streams::ReadableStream;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn a_rust_stream_round_trips_through_a_js_readable_stream() {
    let items = stream::iter([Ok(JsValue::from(1)), Ok(JsValue::from("two")), Ok(JsValue::from(3))]);
    let raw: web_sys::ReadableStream = ReadableStream::from_stream(items).into_raw();
    let back: Vec<Result<JsValue, JsValue>> = ReadableStream::from_raw(raw).into_stream().collect().await;
    let back: Vec<JsValue> = back.into_iter().map(|r| r.expect("no error")).collect();
    assert_eq!(back, vec![JsValue::from(1), JsValue::from("two"), JsValue::from(3)]);
}

#[wasm_bindgen_test]
async fn an_error_in_the_rust_stream_errors_the_js_stream_once() {
    let items =
        stream::iter([Ok(JsValue::from("first")), Err(JsValue::from("broken")), Ok(JsValue::from("never"))]);
    let raw = ReadableStream::from_stream(items).into_raw();
    let back: Vec<Result<JsValue, JsValue>> = ReadableStream::from_raw(raw).into_stream().collect().await;
    assert_eq!(back.len(), 2, "{back:?}");
    assert_eq!(back[0], Ok(JsValue::from("first")));
    assert_eq!(back[1], Err(JsValue::from("broken")));
}

#[wasm_bindgen_test]
async fn a_response_body_is_read_as_chunks() {
    let response = web_sys::Response::new_with_opt_str(Some("hello, stream")).expect("a response");
    let body = response.body().expect("a body");
    let chunks: Vec<Result<JsValue, JsValue>> = ReadableStream::from_raw(body).into_stream().collect().await;
    let mut bytes = Vec::new();
    for chunk in chunks {
        bytes.extend(js_sys::Uint8Array::new(&chunk.expect("no error")).to_vec());
    }
    assert_eq!(String::from_utf8(bytes).unwrap(), "hello, stream");
}
