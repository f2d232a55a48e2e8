//! The pure core of the widget's second backend, OpenDialog's Chat API v3 (see
//! `OPENDIALOG.md`): the wire types the widget reads ([`wire`]), the request bodies it sends
//! ([`request`]), and the conversion of OpenDialog's HTML-escaped, Markdown-flavoured message
//! text into the widget's rich text ([`rich_text`]).
//!
//! Like the rest of this crate it is plain data and plain functions: it must never do I/O, read
//! the clock, draw random numbers (ids are the caller's arguments), log, or panic on any input
//! the network can produce. Where the contract is only inferred, reading is tolerant: unknown
//! keys are ignored, odd optional fields read as absent, unknown message types are kept as
//! [`BotBody::Unknown`], and an unreadable entry of an answer is skipped and reported
//! ([`SkippedEntry`]) rather than failing the whole answer. It must never produce markup:
//! [`rich_text`] only ever yields text, bold, strike and allowed-scheme link spans.

pub mod request;
pub mod text;
pub mod wire;

pub use request::*;
pub use text::{decode_entities, is_allowed_url, rich_text};
pub use wire::*;
