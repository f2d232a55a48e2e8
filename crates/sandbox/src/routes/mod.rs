//! Routes layer: the HTTP surface, one module per area, each exposing `router()` with its own
//! paths; [`crate::app`] merges them. A handler reads the request, checks its shape (422s name
//! the field), calls a store transition under one short lock, hands any webhook drafts to
//! [`crate::delivery`] after letting go, and answers with a `dialoge-api` type or an
//! [`ApiError`].
//!
//! Route modules never import each other; what several of them need lives here. Nothing below
//! this layer may depend on it.

pub mod actions;
pub mod agent;
pub mod attachments;
pub mod auth;
pub mod console;
pub mod faults;
pub mod livechat;
pub mod messages;
pub mod opendialog;
pub mod settings;
pub mod shop;
pub mod visitor;
pub mod webhooks;

use axum::http::header::HOST;
use axum::http::HeaderMap;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use bytes::Bytes;
use dialoge_api::actions::{Action, ContactForm};
use dialoge_api::livechat::LivechatSettings;
use dialoge_api::message::FormField;
use dialoge_api::rules::{self, Values};
use dialoge_api::send::InputPart;
use serde::de::DeserializeOwned;

use crate::error::{parse_json, ApiError};
use crate::signing::Signer;
use crate::state::AppState;
use crate::stores::livechat::{max_attachment_bytes, Prepared};
use crate::wording::{check, Context};

/// [`CSP`] as a literal, so [`TRUSTED_TYPES_CSP`] can extend it at compile time.
macro_rules! strict_csp {
    () => {
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: https:; connect-src 'self'"
    };
}

/// The Content-Security-Policy of the demo pages and the console (EMBED.md section 4).
pub const CSP: &str = strict_csp!();

/// The Trusted Types demo page's policy (`GET /trusted-types`): [`CSP`], and every DOM sink that
/// can run script (`innerHTML`, `script.src`, `eval`, …) takes only typed values while no policy
/// may be created — so no code on the page can turn a string into one.
pub const TRUSTED_TYPES_CSP: &str = concat!(
    strict_csp!(),
    "; require-trusted-types-for 'script'; trusted-types 'none'"
);

/// Longest close reason.
const MAX_REASON_CHARS: usize = 500;

/// The sandbox's own origin as the client addressed it (`http://<Host>`): scenario links and
/// images, the config's avatar and the demo page's `data-api-base` use it, so everything works on
/// whatever host and port the sandbox was reached at. A Host header with characters that do not
/// belong in a host name falls back to `http://localhost`.
pub(crate) fn origin_of(headers: &HeaderMap) -> String {
    let host = headers
        .get(HOST)
        .and_then(|value| value.to_str().ok())
        .filter(|host| {
            !host.is_empty()
                && host.len() <= 255
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// Mints attachment URLs on the host the request reached, valid for the configured lifetime.
fn signer(state: &AppState, headers: &HeaderMap) -> Signer {
    Signer::new(
        &state.options().jwt_secret,
        &origin_of(headers),
        state.now() + state.options().attachment_url_ttl,
    )
}

/// Reads an optional JSON body: empty means the type's default.
fn optional_json<T: DeserializeOwned + Default>(body: &Bytes) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        Ok(T::default())
    } else {
        parse_json(body)
    }
}

/// Checks a close reason's length.
fn check_reason(reason: Option<&String>) -> Result<(), ApiError> {
    if reason.is_some_and(|r| r.chars().count() > MAX_REASON_CHARS) {
        return Err(ApiError::invalid(
            "reason",
            format!("The reason is longer than {MAX_REASON_CHARS} characters"),
        ));
    }
    Ok(())
}

/// The visible, non-file, filled values (trimmed) with their fields, in the form's order:
/// exactly what the widget sends for these values ([`rules::contact_action`] decides).
fn accepted_values(fields: &[FormField], values: &Values) -> Vec<(FormField, String)> {
    let Action::ContactForm(ContactForm {
        fields: mut sent, ..
    }) = rules::contact_action(fields, values, Vec::new())
    else {
        return Vec::new();
    };
    fields
        .iter()
        .filter_map(|field| sent.remove(&field.key).map(|value| (field.clone(), value)))
        .collect()
}

/// Checks an outgoing message's parts ([`rules::check_message_parts`]): `POST /messages`, the
/// visitor's and the agent's livechat messages.
fn check_parts(parts: &[InputPart]) -> Result<(), ApiError> {
    check(rules::check_message_parts(parts), &Context::parts(parts))
}

/// Checks outgoing livechat parts — their own checks ([`check_parts`]), then against the
/// livechat settings ([`rules::check_livechat_uploads`]): visitors need attachments switched
/// on, everyone stays within the size limit — and decodes the uploads.
fn prepare(
    parts: &[InputPart],
    settings: &LivechatSettings,
    visitor: bool,
) -> Result<Vec<Prepared>, ApiError> {
    check_parts(parts)?;
    let allowed = !visitor || settings.attachments_enabled;
    check(
        rules::check_livechat_uploads(parts, allowed, max_attachment_bytes(settings)),
        &Context::livechat(parts),
    )?;
    let mut prepared = Vec::with_capacity(parts.len());
    for (index, part) in parts.iter().enumerate() {
        let (data, mime, filename, image) = match part {
            InputPart::Text { text } => {
                prepared.push(Prepared::Text(text.clone()));
                continue;
            }
            InputPart::Image {
                data,
                mime,
                filename,
            } => (data, mime, filename, true),
            InputPart::File {
                data,
                mime,
                filename,
            } => (data, mime, filename, false),
        };
        // Checked above; a failure here would be a disagreement between the two decoders.
        let bytes = STANDARD.decode(data).map_err(|_| {
            ApiError::invalid(
                format!("message.parts.{index}.data"),
                "The upload is not valid base64",
            )
        })?;
        prepared.push(Prepared::Upload {
            image,
            bytes: Bytes::from(bytes),
            mime: mime.clone(),
            filename: filename.clone(),
        });
    }
    Ok(prepared)
}
