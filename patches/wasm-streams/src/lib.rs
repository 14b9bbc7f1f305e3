//! The part of wasm-streams 0.5 that server_fn uses (see Cargo.toml for why this exists):
//! [`ReadableStream::from_stream`], [`ReadableStream::from_raw`], [`ReadableStream::into_raw`]
//! and [`ReadableStream::into_stream`], with the same signatures and behaviour.

use futures_util::stream::{self, Stream, StreamExt};
use js_sys::{Object, Promise, Reflect};
use std::cell::RefCell;
use std::pin::Pin;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::{ReadableStreamDefaultController, ReadableStreamDefaultReader};

pub mod readable {
    pub use super::ReadableStream;

    /// The raw JavaScript types, as in wasm-streams.
    pub mod sys {
        pub use web_sys::ReadableStream;
    }
}

type Items = Pin<Box<dyn Stream<Item = Result<JsValue, JsValue>>>>;

/// A JavaScript `ReadableStream`, convertible to and from a Rust [`Stream`].
#[derive(Debug)]
pub struct ReadableStream {
    raw: web_sys::ReadableStream,
}

impl ReadableStream {
    /// Wraps a JavaScript stream.
    pub fn from_raw(raw: web_sys::ReadableStream) -> Self {
        ReadableStream { raw }
    }

    /// A JavaScript stream that pulls its chunks from `stream`: each `pull()` of the stream's
    /// consumer takes the next item; an `Err` errors the stream, the end closes it.
    pub fn from_stream<St>(stream: St) -> Self
    where
        St: Stream<Item = Result<JsValue, JsValue>> + 'static,
    {
        let items: Rc<RefCell<Items>> = Rc::new(RefCell::new(Box::pin(stream)));
        let pull = Closure::<dyn FnMut(ReadableStreamDefaultController) -> Promise>::new(
            move |controller: ReadableStreamDefaultController| {
                let items = Rc::clone(&items);
                future_to_promise(async move {
                    // JS calls pull() again only after this promise settled: one borrow at a time.
                    let next = std::future::poll_fn(|cx| items.borrow_mut().as_mut().poll_next(cx)).await;
                    match next {
                        Some(Ok(chunk)) => controller.enqueue_with_chunk(&chunk)?,
                        Some(Err(e)) => return Err(e),
                        None => controller.close()?,
                    }
                    Ok(JsValue::UNDEFINED)
                })
            },
        );
        let source = Object::new();
        // into_js_value: the JS garbage collector owns the closure from here.
        Reflect::set(&source, &"pull".into(), &pull.into_js_value()).expect_throw("setting pull");
        let raw = web_sys::ReadableStream::new_with_underlying_source(&source).expect_throw("ReadableStream");
        ReadableStream { raw }
    }

    pub fn as_raw(&self) -> &web_sys::ReadableStream {
        &self.raw
    }

    pub fn into_raw(self) -> web_sys::ReadableStream {
        self.raw
    }

    /// The stream's chunks as a Rust [`Stream`]; a read error is yielded once, then it ends.
    pub fn into_stream(self) -> impl Stream<Item = Result<JsValue, JsValue>> {
        let reader: Option<ReadableStreamDefaultReader> = self.raw.get_reader().dyn_into().ok();
        stream::unfold(reader, |reader| async move {
            let r = reader?;
            match JsFuture::from(r.read()).await {
                Ok(result) => {
                    let done = Reflect::get(&result, &"done".into()).ok()?.as_bool().unwrap_or(true);
                    if done {
                        return None;
                    }
                    let value = Reflect::get(&result, &"value".into()).unwrap_or(JsValue::UNDEFINED);
                    Some((Ok(value), Some(r)))
                }
                Err(e) => Some((Err(e), None)),
            }
        })
        .boxed_local()
    }
}
