//! Foundation layer: the HMAC-SHA256 signatures the sandbox makes — signed, expiring livechat
//! attachment URLs and the `x-di-signature` of webhook deliveries — and the lowercase hex they
//! are written in.
//!
//! An attachment token is `{expiry unix seconds}.{hex HMAC-SHA256 of "attachment:{id}:{expiry}"}`
//! under the sandbox's signing key, so an `<img src>` works without a Bearer header and a URL
//! stops working on its own. Pure: keys and times come in as values; it never reads a clock or
//! the app state.

use dialoge_api::webhook::signing_payload;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::clock::Timestamp;

/// Mints signed attachment URLs that all expire at the same moment.
pub struct Signer {
    base: String,
    secret: Vec<u8>,
    expires_unix: u64,
    expires_text: String,
}

impl Signer {
    /// URLs on `origin`, signed with `secret`, valid until `expires` (cut to the whole second).
    pub fn new(secret: &[u8], origin: &str, expires: Timestamp) -> Self {
        let expires_unix = expires.unix_secs();
        Self {
            base: origin.trim_end_matches('/').to_owned(),
            secret: secret.to_vec(),
            expires_unix,
            // Whole seconds, so `url_expires_at` is exactly when the token stops working.
            expires_text: Timestamp::from_unix_secs(expires_unix).rfc3339(),
        }
    }

    /// The URL of attachment `id` and when it expires.
    pub fn sign(&self, id: &str) -> (String, String) {
        let token = format!(
            "{}.{}",
            self.expires_unix,
            hex(&attachment_mac(&self.secret, id, self.expires_unix))
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

/// Why an attachment token does not open the attachment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkError {
    /// Malformed or signed with another key.
    Invalid,
    /// Genuine, but past its expiry.
    Expired(Timestamp),
}

/// Checks the `token` of attachment `id`'s URL at `now`.
pub fn verify_attachment(
    secret: &[u8],
    id: &str,
    token: &str,
    now: Timestamp,
) -> Result<(), LinkError> {
    let (expires, signature) = token.split_once('.').ok_or(LinkError::Invalid)?;
    let expires: u64 = expires.parse().map_err(|_| LinkError::Invalid)?;
    let signature = unhex(signature).ok_or(LinkError::Invalid)?;
    let verified = Hmac::<Sha256>::new_from_slice(secret)
        .map(|mut mac| {
            mac.update(format!("attachment:{id}:{expires}").as_bytes());
            // Constant-time comparison.
            mac.verify_slice(&signature).is_ok()
        })
        .unwrap_or(false);
    if !verified {
        return Err(LinkError::Invalid);
    }
    let expires_at = Timestamp::from_unix_secs(expires);
    if expires_at <= now {
        return Err(LinkError::Expired(expires_at));
    }
    Ok(())
}

fn attachment_mac(secret: &[u8], id: &str, expires: u64) -> Vec<u8> {
    match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mut mac) => {
            mac.update(format!("attachment:{id}:{expires}").as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        // HMAC takes keys of any length; an empty signature simply never verifies.
        Err(_) => Vec::new(),
    }
}

/// The `x-di-signature` of a webhook body: lowercase hex HMAC-SHA256 of `"{timestamp}.{body}"`.
pub fn webhook_signature(secret: &[u8], timestamp: u64, body: &[u8]) -> String {
    match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mut mac) => {
            mac.update(&signing_payload(timestamp, body));
            hex(&mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    }
}

/// Lowercase hex.
fn hex(bytes: &[u8]) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_signed_link_opens_until_it_expires_and_a_tampered_one_never() {
        let now = Timestamp::from_unix_secs(1_000);
        let signer = Signer::new(b"key", "http://host/", now + Duration::from_secs(60));
        let (url, expires_at) = signer.sign("att_1");
        assert_eq!(expires_at, "1970-01-01T00:17:40.000Z");
        let token = url.split_once("token=").map(|(_, t)| t).unwrap_or_default();
        assert_eq!(verify_attachment(b"key", "att_1", token, now), Ok(()));
        assert_eq!(
            verify_attachment(b"key", "att_2", token, now),
            Err(LinkError::Invalid)
        );
        let later = now + Duration::from_secs(60);
        assert_eq!(
            verify_attachment(b"key", "att_1", token, later),
            Err(LinkError::Expired(later))
        );
    }
}
