//! View: Leptos components. They read signals and dispatch intents to the controller; they never
//! parse JSON or talk HTTP. API text only ever becomes text nodes (no inner HTML anywhere).

pub mod files;
pub mod messages;
pub mod parts;
pub mod rating;
pub mod shell;
pub mod url;
