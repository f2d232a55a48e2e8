//! The Dialoge chat widget: plain DOM under its own small reactive core (`reactive`), compiled
//! to WebAssembly and mounted by `dialoge.js` in an open shadow root on a shop's page.
//!
//! Data flows one way: a [`backend`] (over [`transport`]) turns the service's bytes into typed
//! events → [`services`] apply them to [`state`] and own every signal → [`view`] renders and calls
//! the services' intents. [`boot`] reads the script tag's options and carries `window.Dialoge`
//! commands; every async task runs on a [`life::Life`], so destroy and reset stop all of it.

pub mod backend;
pub mod boot;
pub mod i18n;
pub mod life;
pub mod reactive;
pub mod services;
pub mod state;
pub mod transport;
pub mod view;

pub use boot::{mount, options::Options, Widget};

/// The page's window. The widget runs on a page, never in a worker, so the global object is a
/// `Window` and is not checked for one (web-sys's `window()` asks with an `instanceof` and
/// leaves every caller a `None` path the widget never takes).
pub fn window() -> web_sys::Window {
    wasm_bindgen::JsCast::unchecked_into(js_sys::global())
}
