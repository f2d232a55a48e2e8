//! A `setTimeout` future, for waiting out `Retry-After` without blocking anything. It resolves
//! early when the signal aborts, so a stop or destroy never waits for a timer.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

/// Sleeps `ms` milliseconds (or until `signal` aborts).
pub async fn sleep(ms: u32, signal: Option<&AbortSignal>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            &resolve,
            ms.min(i32::MAX as u32) as i32,
        );
        if let Some(signal) = signal {
            let on_abort = Closure::once_into_js(move || {
                let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
            });
            let _ = signal.add_event_listener_with_callback("abort", on_abort.unchecked_ref());
        }
    });
    let _ = JsFuture::from(promise).await;
}
