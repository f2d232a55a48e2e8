//! View: Leptos components. They read signals and dispatch intents to the controller; they never
//! parse JSON or talk HTTP. API text only ever becomes text nodes (no inner HTML anywhere).

pub mod livechat;
pub mod menu;
pub mod messages;
pub mod number;
pub mod parts;
pub mod shell;
pub mod url;
