//! Token handshake bodies (CONTRACT.md section 1). These calls are made with the chatbot API key,
//! so in production only the site owner's backend sends them; the widget only sees the token.

use serde::Serialize;

use crate::FromJson;

/// `POST /auth` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct AuthRequest {
    /// The chatbot the visitor talks to.
    pub chatbot_id: String,
    /// (ours) Re-issue a token for this visitor, so conversation and history survive expiry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_id: Option<String>,
}

/// `POST /auth/reset` body: trades a visitor token for a fresh visitor identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct AuthResetRequest {
    /// The current (possibly expired) visitor token.
    pub visitor_token: String,
}

/// `{"token": "<JWT>"}`, the answer of `/auth` and `/auth/reset`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct TokenResponse {
    /// The visitor token (a JWT), sent as `Authorization: Bearer`.
    pub token: String,
}

/// The JWT payload of a visitor token. The widget may read it unverified (only to refresh
/// before `exp`); only the server verifies it. Missing claims default so a foreign token still
/// parses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct TokenClaims {
    /// The visitor id.
    pub sub: String,
    /// The chatbot this token is for.
    #[serde(default)]
    pub chatbot_id: String,
    /// Expiry, seconds since the Unix epoch.
    pub exp: u64,
    /// Issued at, seconds since the Unix epoch.
    #[serde(default)]
    pub iat: u64,
    /// The conversation this token is bound to (tokens from `done.visitor_token`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<String>,
}

impl TokenClaims {
    /// Whether the token is expired at `now` (seconds since the epoch), with `leeway_secs` of
    /// margin so a refresh happens before the server starts refusing it.
    pub fn expires_within(&self, now: u64, leeway_secs: u64) -> bool {
        now.saturating_add(leeway_secs) >= self.exp
    }
}
