//! The Dialoge chat widget: Leptos CSR compiled to WebAssembly, mounted by `dialoge.js` in an
//! open shadow root on a shop's page.
//!
//! Data flows one way: [`transport`] turns bytes into typed events → [`state`] applies them to
//! signals → [`view`] renders and sends intents to the [`controller`], which calls transport.
//! [`boot`] reads the script tag's options and carries `window.Dialoge` commands.

pub mod boot;
pub mod controller;
pub mod i18n;
pub mod state;
pub mod transport;
pub mod view;

pub use boot::{mount, options::Options, Widget};
