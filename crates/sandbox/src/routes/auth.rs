//! Routes: the API-key endpoints `/auth` and `/auth/reset` (CONTRACT.md section 1). Issuing and
//! checking tokens is [`crate::auth`]'s business.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use dialoge_api::auth::{AuthRequest, AuthResetRequest, TokenResponse};

use crate::auth::{authenticate, basic_api_key, chatbot_for_key, issue};
use crate::error::{ApiError, ApiJson};
use crate::state::AppState;
use crate::token;

/// `/auth` and `/auth/reset`, relative to the API base.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth", post(post_auth))
        .route("/auth/reset", post(post_auth_reset))
}

/// `POST /api/v1/chat/auth`: API key → visitor token.
async fn post_auth(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<AuthRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    let api_key = basic_api_key(&headers)?;
    authenticate(&state, &api_key, &request).map(Json)
}

/// `POST /api/v1/chat/auth/reset`: a fresh visitor identity for the holder of an old token.
async fn post_auth_reset(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<AuthResetRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    let api_key = basic_api_key(&headers)?;
    let chatbot_id = chatbot_for_key(&state, &api_key)?;
    // Expired tokens are fine here: "start a new conversation" after a long pause is normal.
    let claims =
        token::verify(&request.visitor_token, &state.options().jwt_secret).map_err(|error| {
            ApiError::invalid(
                "visitor_token",
                format!("Not a visitor token of this API: {error}"),
            )
        })?;
    if claims.chatbot_id != chatbot_id {
        return Err(ApiError::forbidden(format!(
            "The visitor token is for chatbot {}, but this API key belongs to {chatbot_id}",
            claims.chatbot_id
        )));
    }
    issue(&state, &chatbot_id, None).map(|token| Json(TokenResponse { token }))
}
