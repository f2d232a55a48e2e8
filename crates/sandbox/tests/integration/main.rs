//! Integration tests of the sandbox: each starts `app()` on a random port (`spawn_app`) and talks
//! HTTP to it, reading streams with the api crate's SSE parser and reducer. One binary, many
//! modules, so the workspace links it once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod actions;
mod agent;
mod auth;
mod common;
mod embed_page;
mod errors;
mod faults;
mod fixtures;
mod livechat;
mod livechat_active;
mod messages;
mod opendialog;
mod scenarios;
mod shop;
mod visitor;
mod webhooks;
