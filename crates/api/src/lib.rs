//! Wire types of the Dialoge Chatbot API v1 (see `CONTRACT.md`), the incremental SSE parser and the
//! delta reducer: the pure core shared by the widget (wasm) and the sandbox server (native).
//!
//! This crate is plain data and plain functions. It must never do I/O, read the clock, log, spawn,
//! or panic on any input the network can produce: unknown fields are ignored, unknown enum values
//! and union members are kept as `Other`/`Unknown`, and malformed input becomes an error value.
//! It stays small (serde, serde_json, thiserror, and its own `FromJson` and `ToJson` derives)
//! because every kilobyte ships to shoppers' browsers: see [`json`] for why types are read
//! through `FromJson`, and [`write`] for why request bodies are written through `ToJson`.
//!
//! Layers that use it: `transport` turns bytes into [`SseEvent`]s and [`StreamEvent`]s, `state`
//! feeds them to a [`MessageBuilder`], the sandbox emits through the same types so both sides
//! agree by construction. For the same reason the contract's input rules (what a form, an
//! upload or a message may hold) are written once, in [`rules`], and checked by both; and the
//! livechat follower's decisions are a pure step machine ([`livechat_follow`]) the widget runs.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

// The derives' generated code names `::dialoge_api::json` and `::dialoge_api::write`, also
// inside this crate.
extern crate self as dialoge_api;

#[macro_use]
mod wire_enum;

pub mod actions;
pub mod auth;
pub mod config;
pub mod error;
pub mod history;
pub mod json;
pub mod livechat;
pub mod livechat_follow;
pub mod livechat_sync;
pub mod map;
pub mod message;
pub mod opendialog;
pub mod parse;
pub mod reducer;
pub mod rules;
pub mod send;
pub mod sse;
pub mod stream;
mod tagged;
pub mod value;
pub mod webhook;
pub mod write;

pub use actions::*;
pub use auth::*;
pub use config::*;
pub use dialoge_api_derive::{FromJson, ToJson};
pub use error::*;
pub use history::*;
pub use json::{from_json, FromJson};
pub use livechat::*;
pub use map::SortedMap;
pub use message::*;
pub use reducer::*;
pub use send::*;
pub use sse::*;
pub use stream::*;
pub use webhook::*;
pub use write::{to_json, ToJson};

/// `skip_serializing_if` helper: keeps serialized JSON compact by leaving out defaulted blocks.
pub(crate) fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}
