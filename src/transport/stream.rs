//! Server-Sent Events over `fetch()`: `EventSource` cannot POST or send headers, so the
//! response body is read chunk by chunk, fed to the incremental parser of `dialoge-api`, and
//! each frame is decoded into a typed [`StreamEvent`]. A malformed frame is logged and skipped;
//! a body that ends without `done` or `error` is reported as dropped, never as an answer.

use dialoge_api::sse::{SseEvent, SseParser};
use dialoge_api::stream::StreamEvent;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStreamDefaultReader, Response};

use super::{js_error, ApiError};

/// How a stream ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamEnd {
    /// A `done` or `error` event arrived (the server's word on the turn).
    Terminal,
    /// The body ended first: a dropped connection.
    Dropped,
}

/// Reads the whole stream, calling `on_event` for each event in order (with its frame, for
/// whoever wants the data as the server wrote it).
pub async fn read_events(
    resp: &Response,
    mut on_event: impl FnMut(StreamEvent, &SseEvent),
) -> Result<StreamEnd, ApiError> {
    let content_type = resp
        .headers()
        .get("Content-Type")
        .ok()
        .flatten()
        .unwrap_or_default();
    if !content_type.starts_with("text/event-stream") {
        return Err(ApiError::Protocol(format!(
            "expected text/event-stream, got '{content_type}'"
        )));
    }
    let body = resp
        .body()
        .ok_or_else(|| ApiError::Protocol("stream response has no body".into()))?;
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut parser = SseParser::new();
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(js_error)?;
        let done = js_sys::Reflect::get(&chunk, &JsValue::from_str("done"))
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(true);
        if done {
            return Ok(StreamEnd::Dropped);
        }
        let value = js_sys::Reflect::get(&chunk, &JsValue::from_str("value"))
            .map_err(|_| ApiError::Protocol("stream chunk without value".into()))?;
        let bytes = js_sys::Uint8Array::new(&value).to_vec();
        for frame in parser.push(&bytes) {
            if let Some(event) = decode(&frame) {
                let terminal = matches!(event, StreamEvent::Done(_) | StreamEvent::Error(_));
                on_event(event, &frame);
                if terminal {
                    // The server closes after a terminal event; don't wait for it.
                    let _ = reader.cancel();
                    return Ok(StreamEnd::Terminal);
                }
            }
        }
    }
}

/// One frame as a typed event; a malformed one is logged and skipped. Every stream (the
/// network's, the preview's scripted one) decodes through here, so the decoder is in the wasm
/// once.
#[inline(never)]
pub fn decode(frame: &SseEvent) -> Option<StreamEvent> {
    match StreamEvent::from_sse(&frame.event, &frame.data) {
        Ok(event) => Some(event),
        Err(e) => {
            log_skipped(&frame.event, &e.to_string());
            None
        }
    }
}

/// The message of a `done` frame as the page's own JSON object: the host page's `message` event
/// carries it as the server wrote it (unknown fields included), and the wasm needs no serializer
/// for messages just for that.
pub fn raw_message(frame: &SseEvent) -> wasm_bindgen::JsValue {
    js_sys::JSON::parse(&frame.data)
        .and_then(|v| js_sys::Reflect::get(&v, &"message".into()))
        .unwrap_or(wasm_bindgen::JsValue::NULL)
}

fn log_skipped(name: &str, why: &str) {
    web_sys::console::warn_1(&JsValue::from_str(&format!(
        "[dialoge] skipped malformed '{name}' event: {why}"
    )));
}
