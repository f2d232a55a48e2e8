//! Routes: CORS for `/chat-api/*` — with credentials, because anonymous authentication and CSRF
//! ride on cookies, and per scenario, because each scenario has its own allow-list (or none).
//! tower-http's layer cannot decide per scenario, so this middleware does it:
//!
//! - A preflight names no scenario (its custom headers carry no values), so it is answered for
//!   an origin any scenario would take, allowing the three OpenDialog headers, `Content-Type`
//!   and every CSRF header name in use [I].
//! - A real request from a page whose origin its scenario does not list is refused with 403
//!   and no `Access-Control-Allow-Origin`, so the browser hides even that.
//! - The sandbox's own origin (a page it serves itself) always passes; a request without an
//!   `Origin` (curl, tests) is not a CORS request at all.
//!
//! The allow-list decisions are the store's; this module only reads and writes headers.

use axum::extract::{Request, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_METHOD, ORIGIN, VARY,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::super::origin_of;
use crate::opendialog::laravel::LaravelError;
use crate::opendialog::wire::{SCENARIO_ID_HEADER, USER_ID_HEADER};
use crate::state::AppState;

/// Middleware in front of the `/chat-api` router (outside the fault switches, so an injected
/// error is readable by the page too).
pub async fn cors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(origin) = request
        .headers()
        .get(ORIGIN)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
    else {
        return next.run(request).await;
    };
    let same_origin = origin_of(request.headers()) == origin;
    let preflight = request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(ACCESS_CONTROL_REQUEST_METHOD);

    if preflight {
        let (allowed, csrf_headers) = {
            let store = state.opendialog();
            (
                same_origin || store.preflight_allows(&origin),
                store.csrf_headers(),
            )
        };
        if !allowed {
            return LaravelError::origin_not_allowed(&origin).into_response();
        }
        let mut response = StatusCode::NO_CONTENT.into_response();
        let headers = response.headers_mut();
        allow(headers, &origin);
        headers.insert(
            ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST, OPTIONS"),
        );
        let mut names = vec![
            "authorization".to_owned(),
            "content-type".to_owned(),
            USER_ID_HEADER.to_owned(),
            SCENARIO_ID_HEADER.to_owned(),
        ];
        names.extend(csrf_headers);
        if let Ok(value) = HeaderValue::from_str(&names.join(", ")) {
            headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, value);
        }
        headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
        return response;
    }

    let scenario = request
        .headers()
        .get(SCENARIO_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(|value| value.trim().to_owned());
    let allowed = same_origin
        || state
            .opendialog()
            .origin_allowed(scenario.as_deref(), &origin);
    if !allowed {
        return LaravelError::origin_not_allowed(&origin).into_response();
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    allow(headers, &origin);
    headers.insert(
        ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("content-disposition, retry-after"),
    );
    response
}

/// The headers every allowed answer carries: this origin (never `*`, which credentials forbid).
fn allow(headers: &mut HeaderMap, origin: &str) {
    if let Ok(value) = HeaderValue::from_str(origin) {
        headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, value);
    }
    headers.insert(
        ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderValue::from_static("true"),
    );
    headers.append(VARY, HeaderValue::from_static("origin"));
}
