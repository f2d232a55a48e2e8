//! Foundation layer: what the sandbox knows about OpenDialog's Chat API v3
//! (`shared/api/OPENDIALOG.md`), the second backend the widget can front.
//!
//! - [`wire`]: the request and response bodies as Rust types (sandbox-side for now; the widget's
//!   adapter may move them to `dialoge-api` later).
//! - [`laravel`]: the one place OpenDialog's Laravel-shaped errors (`{message, errors?}`) are
//!   built, with their statuses (401, 403, 404, 405, 419, 422, 429, 5xx).
//! - [`definition`]: the scripted scenario file (`chatbots/opendialog.json`): scenario ids,
//!   appKeys, security switches, the configuration and the replies, and how a reply is picked.
//!
//! Like every foundation module these never touch the app state, the stores, a clock or a lock;
//! the time comes in as a value.

pub mod definition;
pub mod laravel;
pub mod wire;
