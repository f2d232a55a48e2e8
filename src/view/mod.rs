//! View: Leptos components. They read signals and dispatch intents to the controller; they never
//! parse JSON or talk HTTP. API text only ever becomes text nodes (no inner HTML anywhere).

pub mod attachments;
pub mod banners;
pub mod dom;
pub mod files;
pub mod header;
pub mod icons;
pub mod intro;
pub mod livechat;
pub mod look;
pub mod menu;
pub mod messages;
pub mod number;
pub mod parts;
pub mod rating;
pub mod shell;
pub mod teaser;
pub mod theme;
pub mod url;
