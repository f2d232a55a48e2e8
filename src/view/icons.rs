//! The widget's icons: the path outlines `view::dom::icon` draws (24×24, decorative). Built node
//! by node like all of the view: nothing is assigned as HTML, so a page enforcing Trusted Types
//! (`require-trusted-types-for 'script'`) runs the widget too.

pub const CHAT: &str =
    "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";
pub use super::dom::CLOSE_PATH as CLOSE;
pub const ATTACH: &str = "M16.5 6.5l-7.8 7.8a2 2 0 0 0 2.8 2.8l7.8-7.8a4 4 0 0 0-5.7-5.7L5.8 11.4a6 6 0 0 0 8.5 8.5l6.4-6.4";
pub const SEND: &str = "M3 20l18-8L3 4v6l12 2-12 2z";
/// A rounded square (the stop button).
pub const STOP: &str = "M8 6h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2z";
/// Three dots (the menu).
pub const MORE: &str = "M5 10a2 2 0 1 1 0 4a2 2 0 1 1 0-4zM12 10a2 2 0 1 1 0 4a2 2 0 1 1 0-4zM19 10a2 2 0 1 1 0 4a2 2 0 1 1 0-4z";
pub const PERSON: &str = "M12 3a7 7 0 0 0-7 7v5a2 2 0 0 0 2 2h1v-6H7v-1a5 5 0 0 1 10 0v1h-1v6h1v1a2 2 0 0 1-2 2h-2v2h2a4 4 0 0 0 4-4v-1a2 2 0 0 0 2-2v-5a7 7 0 0 0-7-7z";
