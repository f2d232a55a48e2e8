//! `dialoge-sandbox`: a scriptable emulator of the Dialoge Chatbot API (CONTRACT.md sections 1–9)
//! and of OpenDialog's Chat API v3 (OPENDIALOG.md, under `/chat-api`) for developing and testing
//! the widget, plus the demo shop page that embeds it and an agent console for livechat.
//!
//! [`app`] merges the routers of [`routes`] over an [`AppState`] (and starts the background sweep
//! and the auto agent once); `main` only parses flags and binds. Request layers, outermost first:
//! body limit → CORS (API and sandbox routes) → fault switches (API, the shop's token endpoint
//! and the webhook inbox) → handlers; `/chat-api` has its own per-scenario CORS with
//! credentials in place of the shared one. Every response body is a `dialoge-api` type or the
//! contract's error envelope ([`error::ApiError`]) — on `/chat-api`, an OpenDialog wire type or
//! a Laravel error ([`opendialog::laravel`]); nothing builds JSON by hand.
//!
//! Modules form layers that only depend downwards (the README has the map):
//! foundation (`clock`, `tz`, `token`, `signing`, `options`, `chatbot`, `error`, `opendialog`) → pure logic
//! (`scenarios`, `wording`) → domain (`stores`) → `streaming` → `mapping` → `state` → effects
//! (`auth`, `delivery`, `auto_agent`, `background`) → `routes` → this file.
//!
//! The sandbox must never be exposed as a real service: its signing key and API keys are public.

pub mod auth;
mod auto_agent;
mod background;
pub mod chatbot;
pub mod clock;
mod delivery;
pub mod error;
mod mapping;
pub mod opendialog;
pub mod options;
pub mod routes;
pub mod scenarios;
pub mod signing;
pub mod state;
pub mod stores;
pub mod streaming;
pub mod token;
pub mod tz;
pub mod wording;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::header::{
    AUTHORIZATION, CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE,
    RETRY_AFTER,
};
use axum::http::{HeaderName, HeaderValue, Method};
use axum::response::Redirect;
use axum::routing::get;
use axum::{middleware, Router};
use tower::ServiceBuilder;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

pub use clock::{Clock, Timestamp};
pub use options::{ChatbotKey, SandboxOptions, CLOSED_BOT_API_KEY, SHOP_BOT_API_KEY};
pub use state::AppState;

/// The whole sandbox: API, fault switches (in development mode), demo shop and widget files.
pub fn app(state: AppState) -> Router {
    background::start(&state);
    let options = state.options().clone();
    let faults = middleware::from_fn_with_state(state.clone(), routes::faults::apply_faults);

    let api = Router::new()
        .merge(routes::auth::router())
        .merge(routes::visitor::router())
        .merge(routes::messages::router())
        .merge(routes::actions::router())
        .merge(routes::settings::router())
        .merge(routes::livechat::router())
        .merge(routes::attachments::router())
        .merge(routes::agent::router())
        .merge(routes::webhooks::router())
        .fallback(error::api_not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(faults.clone())
        .layer(cors(&options.allowed_origins));

    let mut router = Router::new()
        .nest("/api/v1/chat", api)
        .merge(
            routes::visitor::trailing_slash_router()
                .layer(faults.clone())
                .layer(cors(&options.allowed_origins)),
        )
        .merge(routes::shop::router())
        .merge(routes::shop::token_router().layer(faults.clone()))
        // OpenDialog's Chat API v3 beside the Dialoge API: its own CORS (per scenario, with
        // credentials) outside the fault switches.
        .nest(
            "/chat-api",
            routes::opendialog::router().layer(faults.clone()).layer(
                middleware::from_fn_with_state(state.clone(), routes::opendialog::cors),
            ),
        )
        .route("/healthz", get(|| async { "ok" }))
        // The branding studio ships inside the built widget folder (so a shop can host it next
        // to the widget); here it is one short address away.
        .route(
            "/studio",
            get(|| async { Redirect::temporary("/widget/studio/") }),
        )
        // The built folder as a CDN serves it: the `.br`/`.gz` twins the build writes, by
        // `Accept-Encoding`; a file asked for with its version (`?v=…`, as the loader asks for
        // the app) is cached for a year, anything else (the loader itself, which a shop's tag
        // names without one) is `no-cache`, revalidated with `Last-Modified`. Its pages (the
        // development page, the studio) run under the same strict CSP as the shop's; the
        // header is ignored on scripts, styles and wasm.
        .nest_service(
            "/widget",
            ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::if_not_present(
                    CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(routes::CSP),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    CACHE_CONTROL,
                    HeaderValue::from_static("no-cache"),
                ))
                .layer(middleware::from_fn(versioned_for_long))
                .service(
                    ServeDir::new(&options.widget_dir)
                        .precompressed_br()
                        .precompressed_gzip(),
                ),
        );

    if options.dev_mode {
        let sandbox = Router::new()
            .merge(routes::faults::router())
            .merge(routes::agent::dev_router())
            .merge(routes::opendialog::dev_router())
            // A test can make the inbox fail (and watch the retries) with a fault.
            .merge(routes::webhooks::inbox_router().layer(faults))
            .layer(cors(&options.allowed_origins));
        router = router
            .nest("/sandbox", sandbox)
            .merge(routes::console::router());
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

/// A widget file asked for with its version (`?v=…`): the same URL never names other bytes,
/// so it may be kept for a year without asking again.
async fn versioned_for_long(
    request: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    let versioned = request
        .uri()
        .query()
        .is_some_and(|q| q.split('&').any(|p| p.starts_with("v=")));
    let mut response = next.run(request).await;
    if versioned && response.status().is_success() {
        response.headers_mut().insert(
            CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
    }
    response
}
