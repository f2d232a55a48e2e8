//! `dialoge-sandbox`: a scriptable emulator of the Dialoge Chatbot API (CONTRACT.md sections 1–9)
//! for developing and testing the widget, plus the demo shop page that embeds it and an agent
//! console for livechat.
//!
//! [`app`] builds the whole router from an [`AppState`] (and starts the background sweep and the
//! auto agent once); `main` only parses flags and binds.
//! Layers, outermost first: body limit → CORS (API and fault routes) → fault switches (API and the
//! shop's token endpoint) → handlers. Every response body is a `dialoge-api` type or the
//! contract's error envelope ([`error::ApiError`]); nothing builds JSON by hand.
//!
//! The sandbox must never be exposed as a real service: its signing key and API keys are public.

pub mod actions;
pub mod auth;
mod background;
pub mod chatbot;
pub mod clock;
pub mod console;
pub mod error;
pub mod faults;
pub mod livechat;
pub mod messages;
pub mod options;
pub mod scenarios;
pub mod shop;
pub mod state;
pub mod streaming;
pub mod token;
pub mod tz;
pub mod visitor;
pub mod webhooks;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::header::{AUTHORIZATION, CONTENT_DISPOSITION, CONTENT_TYPE, HOST, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
use axum::routing::{delete, get, patch, post, put};
use axum::{middleware, Router};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;

pub use clock::Clock;
pub use options::{ChatbotKey, SandboxOptions, CLOSED_BOT_API_KEY, SHOP_BOT_API_KEY};
pub use state::AppState;

/// The whole sandbox: API, fault switches (in development mode), demo shop and widget files.
pub fn app(state: AppState) -> Router {
    background::start(&state);
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
        .merge(livechat_routes())
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
            .route(
                "/livechat/sessions/{session_id}/token",
                get(livechat::agent::dev_session_token),
            )
            .route(
                "/webhook-inbox",
                post(webhooks::inbox_post)
                    .get(webhooks::inbox_get)
                    .delete(webhooks::inbox_delete)
                    // A test can make the inbox fail (and watch the retries) with a fault.
                    .layer(middleware::from_fn_with_state(
                        state.clone(),
                        faults::apply_faults,
                    )),
            )
            .layer(cors(&options.allowed_origins));
        router = router
            .nest("/sandbox", sandbox)
            .route("/console", get(console::page))
            .route("/console/console.js", get(console::script))
            .route("/console/console.css", get(console::stylesheet));
    }

    router
        .fallback(error::api_not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(DefaultBodyLimit::max(options.body_limit_bytes))
        .with_state(state)
}

/// CONTRACT.md section 8 and 9: the visitor's livechat, the agent API, setup and events.
fn livechat_routes() -> Router<AppState> {
    use livechat::{agent, attachments, settings, visitor as live};
    Router::new()
        .route(
            "/livechat/settings",
            put(settings::put_settings).get(settings::get_settings),
        )
        .route("/livechat/handover", post(live::post_handover))
        .route("/livechat/state", get(live::get_state))
        .route(
            "/livechat/messages",
            get(live::get_messages).post(live::post_message),
        )
        .route("/livechat/typing", post(live::post_typing))
        .route("/livechat/close", post(live::post_close))
        .route("/livechat/feedback", post(live::post_feedback))
        .route("/livechat/sync", get(live::get_sync))
        .route(
            "/livechat/attachments/{attachment_id}",
            get(attachments::get_attachment),
        )
        .route("/livechat/agent/context", get(agent::get_context))
        .route("/livechat/agent/messages", post(agent::post_message))
        .route("/livechat/agent/typing", post(agent::post_typing))
        .route("/livechat/agent/close", post(agent::post_close))
        .route("/livechat/agents/{agent_id}", put(agent::put_agent))
        .route("/livechat/sessions", get(agent::get_sessions))
        .route(
            "/livechat/notifications/count",
            get(agent::get_notification_count),
        )
        .route(
            "/webhooks",
            put(webhooks::put_webhooks)
                .get(webhooks::get_webhooks)
                .delete(webhooks::delete_webhooks),
        )
        .route("/events", get(webhooks::list_events))
        .route("/events/{event_id}", get(webhooks::get_event))
        .route("/events/{event_id}/replay", post(webhooks::replay_event))
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
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
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
