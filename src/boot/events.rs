//! Events to the host page: every event is a `CustomEvent` named `dialoge:<event>` on `window`
//! with the payload in `detail` (EMBED.md section 3). The loader's `Dialoge('on', …)` listens
//! to these, so this is the only event plumbing there is.

use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit};

/// Dispatches `dialoge:<name>` with `detail`.
pub fn emit(name: &str, detail: &JsValue) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let init = CustomEventInit::new();
    init.set_detail(detail);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(&format!("dialoge:{name}"), &init) {
        let _ = window.dispatch_event(&event);
    }
}

/// Dispatches `dialoge:<name>` with a serde value as a plain JS object (snake_case, as on the wire).
pub fn emit_json<T: serde::Serialize>(name: &str, value: &T) {
    let detail = serde_json::to_string(value)
        .ok()
        .and_then(|s| js_sys::JSON::parse(&s).ok())
        .unwrap_or(JsValue::NULL);
    emit(name, &detail);
}
