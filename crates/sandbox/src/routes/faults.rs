//! Routes: the fault switches (development mode only) — `POST`/`GET`/`DELETE /sandbox/faults`
//! to arm, list and disarm, and [`apply_faults`], the middleware that applies armed status and
//! delay faults in front of the API (OpenDialog's `/chat-api/*` too, answered in Laravel's
//! shape), the shop's token endpoint and the webhook inbox. Stream faults are taken by
//! `POST /messages` itself. The board they are kept on is [`crate::stores::faults`].

use std::time::Duration;

use axum::extract::{OriginalUri, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use dialoge_api::error::ErrorCode;

use crate::error::{ApiError, ApiJson, Problems};
use crate::opendialog::laravel::LaravelError;
use crate::state::AppState;
use crate::stores::faults::{Fault, FaultList, FaultRequest, SeenList};

/// `/faults`, relative to `/sandbox`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/faults",
            post(post_fault).get(get_faults).delete(delete_faults),
        )
        .route("/requests", get(get_seen).delete(delete_seen))
        .route("/replies", post(post_reply))
}

/// `POST /sandbox/replies` body: the parts the next assistant turn answers with.
#[derive(Debug, serde::Deserialize)]
struct ScriptedReply {
    parts: Vec<dialoge_api::message::Part>,
}

/// `POST /sandbox/replies`: the next assistant turn answers with exactly these parts (streamed
/// like any reply), whatever the visitor wrote — so a test can send any content, hostile
/// included. Queued in order; `DELETE /sandbox/faults` drops what is left.
async fn post_reply(
    State(state): State<AppState>,
    ApiJson(reply): ApiJson<ScriptedReply>,
) -> StatusCode {
    state.faults().script_reply(reply.parts);
    StatusCode::NO_CONTENT
}

/// Middleware: applies armed status and delay faults before the request reaches its handler.
pub async fn apply_faults(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !state.options().dev_mode || request.method() == Method::OPTIONS {
        return next.run(request).await;
    }
    // Inside the nested API router the URI is relative to the nest; faults name full paths.
    let path = request.extensions().get::<OriginalUri>().map_or_else(
        || request.uri().path().to_owned(),
        |original| original.path().to_owned(),
    );
    let now = state.clock().now().unix_millis();
    let faults = {
        let mut board = state.faults();
        let faults = board.take_request_faults(request.method().as_str(), &path);
        board.saw(now, request.method().as_str(), &path, &faults);
        faults
    };
    let mut status_error = None;
    let mut status_fault = None;
    for fault in faults {
        match fault {
            Fault::Delay { ms } => tokio::time::sleep(Duration::from_millis(ms)).await,
            Fault::Status {
                status,
                retry_after,
            } => {
                status_error = Some(injected_error(status, retry_after));
                status_fault = Some((status, retry_after));
            }
            Fault::Drop { .. } | Fault::ByteByByte | Fault::Stall { .. } => {}
        }
    }
    match status_error {
        // OpenDialog's paths answer like Laravel would, so a client sees the shape it expects.
        Some(_) if path.starts_with("/chat-api/") => {
            let (status, retry_after) = status_fault.unwrap_or((500, None));
            LaravelError::injected(status, retry_after).into_response()
        }
        Some(error) => error.into_response(),
        None => next.run(request).await,
    }
}

fn injected_error(status: u16, retry_after: Option<u64>) -> ApiError {
    let message = format!("Injected fault: HTTP {status}");
    match ErrorCode::from_status(status) {
        ErrorCode::RateLimited => ApiError::rate_limited(message, Some(retry_after.unwrap_or(1))),
        code if code.status() == status => ApiError::new(code, message),
        _ => ApiError::other(
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            "injected",
            message,
        ),
    }
}

/// `POST /sandbox/faults`: arms a fault.
async fn post_fault(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<FaultRequest>,
) -> Result<(StatusCode, Json<FaultList>), ApiError> {
    validate(&request)?;
    let mut board = state.faults();
    board.arm(request);
    Ok((StatusCode::CREATED, Json(board.list())))
}

/// `GET /sandbox/faults`: what is armed.
async fn get_faults(State(state): State<AppState>) -> Json<FaultList> {
    Json(state.faults().list())
}

/// `GET /sandbox/requests`: every request the fault middleware saw (API, token endpoint,
/// `/chat-api`), oldest first.
async fn get_seen(State(state): State<AppState>) -> Json<SeenList> {
    Json(state.faults().seen())
}

/// `DELETE /sandbox/requests`: forgets them.
async fn delete_seen(State(state): State<AppState>) -> Json<SeenList> {
    let mut board = state.faults();
    board.forget_seen();
    Json(board.seen())
}

/// `DELETE /sandbox/faults`: disarms everything.
async fn delete_faults(State(state): State<AppState>) -> Json<FaultList> {
    let mut board = state.faults();
    board.clear();
    Json(board.list())
}

fn validate(request: &FaultRequest) -> Result<(), ApiError> {
    let mut problems = Problems::default();
    if !request.path.starts_with('/') || request.path.contains('?') {
        problems.add(
            "path",
            "A path starts with '/' and has no query, e.g. /api/v1/chat/messages",
        );
    }
    // A `*` only as the last character: a prefix (see `FaultRequest::path`), nothing globbier.
    if request.path.trim_end_matches('*').contains('*') || request.path.ends_with("**") {
        problems.add(
            "path",
            "A '*' may only end the path, e.g. /api/v1/chat/livechat/attachments/*",
        );
    }
    if request.count == 0 {
        problems.add("count", "count must be at least 1");
    }
    if let Some(method) = &request.method {
        if Method::from_bytes(method.as_bytes()).is_err() {
            problems.add("method", "Not an HTTP method");
        }
    }
    match request.fault {
        Fault::Status { status, .. } if !(400..=599).contains(&status) => {
            problems.add("status", "status must be an error status (400-599)");
        }
        Fault::Delay { ms } | Fault::Stall { ms, .. } if ms > 600_000 => {
            problems.add("ms", "ms must be at most 600000 (10 minutes)");
        }
        _ => {}
    }
    problems.into_result()
}
