//! HS256 JSON Web Tokens for visitors: signing and verifying, nothing else.
//!
//! Hand-rolled on `hmac` + `sha2` because a visitor token is one fixed header and the
//! [`TokenClaims`] of the api crate; a JWT framework would add algorithm negotiation the sandbox
//! must never do (it accepts exactly `HS256`). Expiry is not checked here: callers decide, because
//! the shop's token endpoint deliberately accepts an expired token to re-issue for the same visitor.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use dialoge_api::auth::TokenClaims;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

#[derive(Serialize, Deserialize)]
struct Header {
    alg: String,
    typ: String,
}

/// Why a string is not a token this sandbox issued.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    /// Not three base64url segments of JSON.
    #[error("the token is not a well-formed JWT")]
    Malformed,
    /// Any algorithm but HS256 (notably `none`) is refused outright.
    #[error("the token's algorithm is not HS256")]
    WrongAlgorithm,
    /// Signed with another key, or altered.
    #[error("the token's signature does not match")]
    BadSignature,
    /// The signing key was refused by HMAC (it accepts any length, so this is not expected).
    #[error("the signing key is unusable")]
    Key,
}

/// Signs `claims` into a compact JWT.
pub fn sign(claims: &TokenClaims, secret: &[u8]) -> Result<String, TokenError> {
    let header = Header {
        alg: "HS256".to_owned(),
        typ: "JWT".to_owned(),
    };
    // Serializing plain structs of strings and integers cannot fail; an empty segment would
    // only make the token unverifiable, never unsafe.
    let header = serde_json::to_vec(&header).unwrap_or_default();
    let payload = serde_json::to_vec(claims).unwrap_or_default();
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let signature = mac(secret, signing_input.as_bytes())?
        .finalize()
        .into_bytes();
    Ok(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature)
    ))
}

/// Checks the signature (in constant time) and returns the claims, expired or not.
pub fn verify(token: &str, secret: &[u8]) -> Result<TokenClaims, TokenError> {
    let mut segments = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) = (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) else {
        return Err(TokenError::Malformed);
    };
    let header: Header = decode_json(header)?;
    if header.alg != "HS256" {
        return Err(TokenError::WrongAlgorithm);
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| TokenError::Malformed)?;
    let signing_input_len = token.len() - signature_segment_len(token);
    let signing_input = token.get(..signing_input_len).unwrap_or_default();
    mac(secret, signing_input.as_bytes())?
        .verify_slice(&signature)
        .map_err(|_| TokenError::BadSignature)?;
    decode_json(payload)
}

/// Length of the last segment plus its dot, so the signing input is the token's own bytes.
fn signature_segment_len(token: &str) -> usize {
    token.rsplit('.').next().map_or(0, |last| last.len() + 1)
}

fn decode_json<T: for<'de> Deserialize<'de>>(segment: &str) -> Result<T, TokenError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| TokenError::Malformed)?;
    serde_json::from_slice(&bytes).map_err(|_| TokenError::Malformed)
}

fn mac(secret: &[u8], input: &[u8]) -> Result<HmacSha256, TokenError> {
    let mut mac = HmacSha256::new_from_slice(secret).map_err(|_| TokenError::Key)?;
    mac.update(input);
    Ok(mac)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn claims() -> TokenClaims {
        TokenClaims {
            sub: "v_1".to_owned(),
            chatbot_id: "shop-bot".to_owned(),
            exp: 4_102_444_800,
            iat: 4_102_441_200,
            conversation_id: None,
        }
    }

    #[test]
    fn a_signed_token_verifies_to_the_same_claims() {
        let token = sign(&claims(), b"secret").unwrap();
        assert_eq!(verify(&token, b"secret").unwrap(), claims());
    }

    #[test]
    fn a_token_signed_with_another_key_is_refused() {
        let token = sign(&claims(), b"secret").unwrap();
        assert_eq!(verify(&token, b"other"), Err(TokenError::BadSignature));
    }

    #[test]
    fn an_altered_payload_is_refused() {
        let token = sign(&claims(), b"secret").unwrap();
        let mut parts: Vec<&str> = token.split('.').collect();
        let mut forged = claims();
        forged.sub = "v_2".to_owned();
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).unwrap());
        parts[1] = &payload;
        assert_eq!(
            verify(&parts.join("."), b"secret"),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn the_none_algorithm_is_refused() {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims()).unwrap());
        let token = format!("{header}.{payload}.");
        assert_eq!(verify(&token, b"secret"), Err(TokenError::WrongAlgorithm));
    }

    #[test]
    fn garbage_is_malformed() {
        assert_eq!(verify("not a token", b"s"), Err(TokenError::Malformed));
        assert_eq!(verify("a.b.c.d", b"s"), Err(TokenError::Malformed));
    }
}
