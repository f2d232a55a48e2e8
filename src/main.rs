//! Entry point of the widget's wasm module. The loader (`dialoge.js`) initialises the module and
//! calls [`mount`]; the returned [`App`] carries `window.Dialoge` commands.

use wasm_bindgen::prelude::*;

/// The allocator: talc's, sized for wasm (it grows the memory itself). The standard library's
/// dlmalloc compiled to 1.2 KB brotli more in the shipped widget.
#[cfg(target_family = "wasm")]
#[global_allocator]
// SAFETY: `new_global` assumes one thread, and the widget's wasm runs on the page's main thread
// only (no workers, no shared memory). talc only claims pages it grew itself, so a
// `memory.grow` by anything else cannot confuse it.
static ALLOC: talc::TalckWasm = unsafe { talc::TalckWasm::new_global() };

fn main() {
    // Intentionally empty: mounting waits for the loader, which knows the shadow root.
}

/// The mounted widget as the loader sees it.
#[wasm_bindgen]
pub struct App(dialoge_widget::Widget);

#[wasm_bindgen]
impl App {
    /// `window.Dialoge(name, arg)` after load.
    pub fn command(&mut self, name: &str, arg: JsValue) {
        self.0.command(name, arg);
    }
}

/// Mounts the widget into `root` with the script tag's options (camelCased `data-*`).
#[wasm_bindgen]
pub fn mount(root: web_sys::HtmlElement, options: JsValue) -> Result<App, JsValue> {
    let query = dialoge_widget::window()
        .location()
        .search()
        .unwrap_or_default();
    let options = dialoge_widget::Options::from_js(&options, &query)
        .map_err(|e| JsValue::from_str(&format!("[dialoge] {e}")))?;
    Ok(App(dialoge_widget::mount(root, options)))
}
