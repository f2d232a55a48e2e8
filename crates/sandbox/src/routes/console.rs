//! Routes: the agent console (`/console`, development mode): a plain page where a person takes a waiting
//! livechat session and chats as the agent, with the widget open in another tab.
//!
//! It is a client of the public API like any agent system: API-key endpoints for the session
//! list, the notification count and its profile, and `/livechat/agent/*` with a session token.
//! Only the token comes from a development helper (`/sandbox/livechat/sessions/{id}/token`),
//! because a real one only travels in the handover webhook. The page has no inline script or
//! style and is served under the demo shop's strict CSP.

use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::CSP;
use crate::state::AppState;

/// The console page and its files (development mode only).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console", get(page))
        .route("/console/console.js", get(script))
        .route("/console/console.css", get(stylesheet))
}

fn asset(content_type: &'static str, body: &'static str, csp: bool) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if csp {
        headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    }
    response
}

/// `GET /console`.
async fn page() -> Response {
    asset(
        "text/html; charset=utf-8",
        include_str!("../../assets/console/console.html"),
        true,
    )
}

/// `GET /console/console.js`.
async fn script() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../../assets/console/console.js"),
        false,
    )
}

/// `GET /console/console.css`.
async fn stylesheet() -> Response {
    asset(
        "text/css; charset=utf-8",
        include_str!("../../assets/console/console.css"),
        false,
    )
}
