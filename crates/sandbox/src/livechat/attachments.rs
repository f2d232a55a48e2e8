//! Livechat attachments: signed, expiring URLs and `GET /livechat/attachments/{id}?token=…`.
//!
//! The token is `{expiry unix seconds}.{hex HMAC-SHA256 of "attachment:{id}:{expiry}"}` under
//! the sandbox's signing key, so an `<img src>` works without a Bearer header and a URL stops
//! working on its own. URLs are minted each time a message is shown and never stored: a client
//! holding an expired one refetches the message (CONTRACT.md section 8). Expired or tampered
//! links are 403, deleted attachments 404, both as the error envelope.

use std::time::{Duration, UNIX_EPOCH};

use axum::extract::{Path, Query, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE,
    X_CONTENT_TYPE_OPTIONS,
};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

use crate::clock::rfc3339;
use crate::error::ApiError;
use crate::state::AppState;

/// Mints signed URLs that all expire at the same moment.
pub(crate) struct Signer {
    base: String,
    secret: Vec<u8>,
    expires_unix: u64,
    expires_text: String,
}

impl Signer {
    /// URLs on `origin` valid for the configured lifetime from now.
    pub fn new(state: &AppState, origin: &str) -> Self {
        let expires = state.clock().now() + state.options().attachment_url_ttl;
        let expires_unix = expires
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Self {
            base: origin.trim_end_matches('/').to_owned(),
            secret: state.options().jwt_secret.clone(),
            expires_unix,
            // Whole seconds, so `url_expires_at` is exactly when the token stops working.
            expires_text: rfc3339(UNIX_EPOCH + Duration::from_secs(expires_unix)),
        }
    }

    /// The URL of attachment `id` and when it expires.
    pub fn sign(&self, id: &str) -> (String, String) {
        let token = format!(
            "{}.{}",
            self.expires_unix,
            hex(&mac(&self.secret, id, self.expires_unix))
        );
        (
            format!(
                "{}/api/v1/chat/livechat/attachments/{id}?token={token}",
                self.base
            ),
            self.expires_text.clone(),
        )
    }
}

fn mac(secret: &[u8], id: &str, expires: u64) -> Vec<u8> {
    match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mut mac) => {
            mac.update(format!("attachment:{id}:{expires}").as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        // HMAC takes keys of any length; an empty signature simply never verifies.
        Err(_) => Vec::new(),
    }
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Query of the attachment URL.
#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// `GET /api/v1/chat/livechat/attachments/{attachment_id}?token=…`: the bytes.
pub async fn get_attachment(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<TokenQuery>,
) -> Result<Response, ApiError> {
    let refused = || {
        ApiError::forbidden(
            "This attachment link is not valid; fetch the message again for a fresh one",
        )
    };
    let (expires, signature) = query.token.split_once('.').ok_or_else(refused)?;
    let expires: u64 = expires.parse().map_err(|_| refused())?;
    let signature = unhex(signature).ok_or_else(refused)?;
    let verified = Hmac::<Sha256>::new_from_slice(&state.options().jwt_secret)
        .map(|mut mac| {
            mac.update(format!("attachment:{id}:{expires}").as_bytes());
            // Constant-time comparison.
            mac.verify_slice(&signature).is_ok()
        })
        .unwrap_or(false);
    if !verified {
        return Err(refused());
    }
    let expires_at = UNIX_EPOCH + Duration::from_secs(expires);
    if expires_at <= state.clock().now() {
        return Err(ApiError::forbidden(format!(
            "This attachment link expired at {}; fetch the message again for a fresh one",
            rfc3339(expires_at)
        )));
    }
    let (bytes, mime, filename) = {
        let store = state.livechat();
        let attachment = store
            .attachments
            .get(&id)
            .ok_or_else(|| ApiError::not_found("This attachment was deleted"))?;
        (
            attachment.bytes.clone(),
            attachment.mime.clone(),
            attachment.filename.clone(),
        )
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    let content_type = HeaderValue::from_str(&mime)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    let inline = mime.starts_with("image/");
    headers.insert(CONTENT_TYPE, content_type);
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // An uploaded HTML or SVG file opened directly must not run as a page of this origin.
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=60"),
    );
    let disposition = format!(
        "{}; filename=\"{}\"",
        if inline { "inline" } else { "attachment" },
        safe_filename(&filename)
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// A file name that fits in a quoted header value: ASCII letters, digits and `.-_ ` only.
fn safe_filename(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    if cleaned.trim().is_empty() {
        "attachment".to_owned()
    } else {
        cleaned
    }
}
