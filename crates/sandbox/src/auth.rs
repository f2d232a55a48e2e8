//! Effects layer: credentials (CONTRACT.md section 1). The token-issuing logic `/auth` and the
//! shop's token endpoint share, and the extractors that turn a request's credentials into who is
//! asking, or the right 401/403: [`VisitorAuth`] (Bearer visitor token), [`ApiKeyAuth`] (HTTP
//! Basic API key) and [`AgentAuth`] (Bearer livechat session token).
//!
//! It reads the app state and the clock but defines no endpoint; the routes use it.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use dialoge_api::auth::{AuthRequest, TokenClaims, TokenResponse};

use crate::chatbot::ChatbotDefinition;
use crate::clock::Timestamp;
use crate::error::ApiError;
use crate::state::AppState;
use crate::stores::visitors::Visitor;
use crate::token;

/// The core of `/auth`, shared with the shop's token endpoint (which holds the key server-side).
pub fn authenticate(
    state: &AppState,
    api_key: &str,
    request: &AuthRequest,
) -> Result<TokenResponse, ApiError> {
    let chatbot_id = chatbot_for_key(state, api_key)?;
    if request.chatbot_id != chatbot_id {
        return Err(ApiError::forbidden(format!(
            "This API key belongs to chatbot {chatbot_id}, not {}",
            request.chatbot_id
        )));
    }
    issue(state, &chatbot_id, request.visitor_id.as_deref()).map(|token| TokenResponse { token })
}

pub(crate) fn chatbot_for_key(state: &AppState, api_key: &str) -> Result<String, ApiError> {
    state
        .options()
        .chatbot_for_key(api_key)
        .map(|key| key.chatbot_id.clone())
        .ok_or_else(|| ApiError::unauthorized("Unknown API key"))
}

/// Issues a token for `visitor_id` (or a new visitor). A known visitor's token is bound to their
/// conversation, so a re-issued token continues it; a deleted visitor's id is never reused.
pub fn issue(
    state: &AppState,
    chatbot_id: &str,
    visitor_id: Option<&str>,
) -> Result<String, ApiError> {
    if let Some(id) = visitor_id {
        check_visitor_id(id)?;
    }
    let now = state.now();
    let mut store = state.store();
    let visitor_id = match visitor_id {
        Some(id) if !store.deleted.contains(id) => id.to_owned(),
        _ => new_visitor_id(),
    };
    let visitor = store
        .visitors
        .entry(visitor_id.clone())
        .or_insert_with(|| Visitor::new(chatbot_id, now));
    if visitor.chatbot_id != chatbot_id {
        return Err(ApiError::conflict(format!(
            "Visitor {visitor_id} belongs to another chatbot"
        )));
    }
    let claims = TokenClaims {
        sub: visitor_id,
        chatbot_id: chatbot_id.to_owned(),
        iat: now.unix_secs(),
        exp: now.unix_secs() + state.options().token_ttl.as_secs(),
        conversation_id: visitor.conversation_id.clone(),
    };
    sign(state, &claims)
}

/// Signs claims with the sandbox's key.
pub fn sign(state: &AppState, claims: &TokenClaims) -> Result<String, ApiError> {
    token::sign(claims, &state.options().jwt_secret)
        .map_err(|_| ApiError::internal("Could not sign the visitor token"))
}

fn new_visitor_id() -> String {
    format!("v_{}", uuid::Uuid::new_v4().simple())
}

fn check_visitor_id(id: &str) -> Result<(), ApiError> {
    let valid = !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'));
    if valid {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "visitor_id",
            "A visitor id is 1 to 128 characters of letters, digits, '_', '-', '.' or ':'",
        ))
    }
}

/// The API key from `Authorization: Basic base64(key:)`.
pub(crate) fn basic_api_key(headers: &HeaderMap) -> Result<String, ApiError> {
    let missing = || {
        ApiError::unauthorized(
            "Missing API key: send it as the HTTP Basic user name with an empty password",
        )
    };
    let value = headers.get(AUTHORIZATION).ok_or_else(missing)?;
    let value = value.to_str().map_err(|_| missing())?;
    let Some(encoded) = strip_scheme(value, "basic") else {
        return Err(ApiError::unauthorized(
            "This endpoint takes the API key as HTTP Basic credentials, not a Bearer token",
        ));
    };
    let decoded = STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| ApiError::unauthorized("Malformed HTTP Basic credentials"))?;
    let key = decoded
        .split_once(':')
        .map_or(decoded.as_str(), |(user, _)| user);
    if key.is_empty() {
        return Err(missing());
    }
    Ok(key.to_owned())
}

/// The credentials after an auth scheme, matched case-insensitively (`Bearer`, `bearer`).
fn strip_scheme<'a>(value: &'a str, scheme: &str) -> Option<&'a str> {
    let (given, rest) = value.split_once(' ')?;
    given.eq_ignore_ascii_case(scheme).then_some(rest)
}

/// A request authenticated with a valid, unexpired visitor token of a chatbot this sandbox
/// serves, whose visitor has not been deleted.
#[derive(Debug, Clone)]
pub struct VisitorAuth {
    /// The verified claims.
    pub claims: TokenClaims,
    /// The token's chatbot.
    pub chatbot: std::sync::Arc<ChatbotDefinition>,
}

impl VisitorAuth {
    /// The visitor id (`sub`).
    pub fn visitor_id(&self) -> &str {
        &self.claims.sub
    }
}

impl FromRequestParts<AppState> for VisitorAuth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let value = parts.headers.get(AUTHORIZATION).ok_or_else(|| {
            ApiError::unauthorized("Missing Authorization header: expected a Bearer visitor token")
        })?;
        let token = value
            .to_str()
            .ok()
            .and_then(|value| strip_scheme(value, "bearer"))
            .map(str::trim)
            .ok_or_else(|| {
                ApiError::unauthorized("Authorization must be a Bearer visitor token")
            })?;
        let claims = token::verify(token, &state.options().jwt_secret)
            .map_err(|error| ApiError::unauthorized(format!("Invalid visitor token: {error}")))?;
        if claims.exp <= state.clock().unix_secs() {
            let expired_at = Timestamp::from_unix_secs(claims.exp);
            return Err(ApiError::unauthorized(format!(
                "The visitor token expired at {expired_at}; get a new one from the site's token endpoint"
            )));
        }
        let chatbot = state.chatbot(&claims.chatbot_id).ok_or_else(|| {
            ApiError::forbidden(format!("Chatbot {} is not available", claims.chatbot_id))
        })?;
        {
            let now = state.now();
            let mut store = state.store();
            // A valid token whose visitor is unknown outlived a sandbox restart: the visitor
            // starts over with an empty history rather than being locked out.
            let visitor = store.enter(&claims.sub, &claims.chatbot_id, now)?;
            if visitor.chatbot_id != claims.chatbot_id {
                return Err(ApiError::forbidden(
                    "The visitor token is for another chatbot",
                ));
            }
        }
        Ok(Self { claims, chatbot })
    }
}

/// A request authenticated with a chatbot API key (HTTP Basic): the setup, agent-profile,
/// session-list and event endpoints of the agent system's backend.
#[derive(Debug, Clone)]
pub struct ApiKeyAuth {
    /// The chatbot the key belongs to.
    pub chatbot_id: String,
}

impl FromRequestParts<AppState> for ApiKeyAuth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let api_key = basic_api_key(&parts.headers)?;
        let chatbot_id = chatbot_for_key(state, &api_key)?;
        Ok(Self { chatbot_id })
    }
}

/// The credentials of `Authorization: Bearer …`, or the 401 naming what was expected.
pub(crate) fn bearer<'a>(headers: &'a HeaderMap, expected: &str) -> Result<&'a str, ApiError> {
    let value = headers.get(AUTHORIZATION).ok_or_else(|| {
        ApiError::unauthorized(format!(
            "Missing Authorization header: expected a Bearer {expected}"
        ))
    })?;
    value
        .to_str()
        .ok()
        .and_then(|value| strip_scheme(value, "bearer"))
        .map(str::trim)
        .ok_or_else(|| ApiError::unauthorized(format!("Authorization must be a Bearer {expected}")))
}

/// A request authenticated with a livechat session token: it may act on this session only.
#[derive(Debug, Clone)]
pub struct AgentAuth {
    /// The one session the token is for.
    pub session_id: String,
    /// Its chatbot.
    pub chatbot_id: String,
    /// Its visitor.
    pub visitor_id: String,
}

impl FromRequestParts<AppState> for AgentAuth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(&parts.headers, "livechat session token")?;
        let now = state.now();
        let store = state.livechat();
        let entry = store
            .tokens
            .get(token)
            .ok_or_else(|| ApiError::unauthorized("Unknown livechat session token"))?;
        if entry.expires <= now {
            return Err(ApiError::unauthorized(format!(
                "The livechat session token expired at {}",
                entry.expires
            )));
        }
        let session = store.sessions.get(&entry.session_id).ok_or_else(|| {
            ApiError::unauthorized("The livechat session of this token no longer exists")
        })?;
        Ok(Self {
            session_id: session.id.clone(),
            chatbot_id: session.chatbot_id.clone(),
            visitor_id: session.visitor_id.clone(),
        })
    }
}
