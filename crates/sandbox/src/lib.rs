//! `dialoge-sandbox`: a scriptable emulator of the Dialoge Chatbot API (CONTRACT.md sections 1–7)
//! for developing and testing the widget, plus the demo shop page that embeds it.
//!
//! [`app`] builds the whole router from an [`AppState`]; `main` only parses flags and binds.
//! Layers, outermost first: body limit → CORS (API and fault routes) → fault switches (API and the
//! shop's token endpoint) → handlers. Every response body is a `dialoge-api` type or the
//! contract's error envelope ([`error::ApiError`]); nothing builds JSON by hand.
//!
//! The sandbox must never be exposed as a real service: its signing key and API keys are public.

pub mod actions;
pub mod auth;
pub mod chatbot;
pub mod clock;
pub mod error;
pub mod faults;
pub mod messages;
pub mod options;
pub mod scenarios;
pub mod shop;
pub mod state;
pub mod streaming;
pub mod token;
pub mod visitor;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::header::{AUTHORIZATION, CONTENT_DISPOSITION, CONTENT_TYPE, HOST, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
use axum::routing::{delete, get, patch, post};
use axum::{middleware, Router};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;

pub use clock::Clock;
pub use options::{ChatbotKey, SandboxOptions, CLOSED_BOT_API_KEY, SHOP_BOT_API_KEY};
pub use state::AppState;

/// The whole sandbox: API, fault switches (in development mode), demo shop and widget files.
pub fn app(state: AppState) -> Router {
    let options = state.options().clone();
    let faults = middleware::from_fn_with_state(state.clone(), faults::apply_faults);

    let api = Router::new()
        .route("/", delete(visitor::delete_visitor))
        .route("/auth", post(auth::post_auth))
        .route("/auth/reset", post(auth::post_auth_reset))
        .route("/config", get(visitor::get_config))
        .route(
            "/messages",
            post(messages::post_messages).get(messages::get_messages),
        )
        .route("/actions", post(actions::post_action))
        .route("/rate", post(visitor::post_rate))
        .route("/export", get(visitor::get_export))
        .route("/session", get(visitor::get_session))
        .route("/forms/{form_id}", get(visitor::get_form))
        .route("/forms/{form_id}/values", patch(visitor::patch_form_values))
        .route("/banners", get(visitor::get_banners))
        .fallback(error::api_not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(faults.clone())
        .layer(cors(&options.allowed_origins));

    let mut router = Router::new()
        .nest("/api/v1/chat", api)
        // `DELETE /` of the contract, for clients that join the base URL and "/" literally.
        .merge(
            Router::new()
                .route("/api/v1/chat/", delete(visitor::delete_visitor))
                .layer(faults.clone())
                .layer(cors(&options.allowed_origins)),
        )
        .route("/", get(shop::home))
        .route("/products/{slug}", get(shop::product))
        .route("/privacy", get(shop::privacy))
        .route("/shop/shop.css", get(shop::stylesheet))
        .route("/shop/shop.js", get(shop::script))
        .route("/shop/img/{name}", get(shop::image))
        .route("/shop/files/size-chart.pdf", get(shop::size_chart))
        .route("/shop/chat-token", post(shop::chat_token).layer(faults))
        .route("/healthz", get(|| async { "ok" }))
        .nest_service("/widget", ServeDir::new(&options.widget_dir));

    if options.dev_mode {
        let sandbox = Router::new()
            .route(
                "/faults",
                post(faults::post_fault)
                    .get(faults::get_faults)
                    .delete(faults::delete_faults),
            )
            .layer(cors(&options.allowed_origins));
        router = router.nest("/sandbox", sandbox);
    }

    router
        .fallback(error::api_not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(DefaultBodyLimit::max(options.body_limit_bytes))
        .with_state(state)
}

/// CORS for the configured origins. Patterns may use `*` (`http://localhost:*`); a lone `*`
/// allows every origin. No credentials: visitor calls carry a Bearer token, not cookies.
fn cors(origins: &[String]) -> CorsLayer {
    let patterns: Arc<Vec<String>> = Arc::new(origins.to_vec());
    let allow = AllowOrigin::predicate(move |origin: &HeaderValue, _| {
        let origin = origin.to_str().unwrap_or_default();
        patterns
            .iter()
            .any(|pattern| pattern == "*" || dialoge_api::config::glob_match(pattern, origin))
    });
    CorsLayer::new()
        .allow_origin(allow)
        .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
        .allow_headers([
            AUTHORIZATION,
            CONTENT_TYPE,
            HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([RETRY_AFTER, CONTENT_DISPOSITION])
        .max_age(Duration::from_secs(600))
}

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
