//! Fault switches: a test arms a fault for the next N requests to a path, and the sandbox
//! misbehaves on cue (ARCHITECTURE.md habit 8). Only in development mode; otherwise the routes
//! do not exist.
//!
//! Status and delay faults are applied by [`apply_faults`], a middleware in front of the API, so
//! they work on every endpoint. Stream faults (drop, byte-by-byte, stall) are taken by the
//! `POST /messages` handler itself, so a `GET /messages` history load in between cannot use them
//! up.

use std::time::Duration;

use axum::extract::{OriginalUri, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use dialoge_api::error::ErrorCode;
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ApiJson};
use crate::state::AppState;
use crate::streaming::StreamFaults;

/// `POST /sandbox/faults` body: what to break, where, and how many times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRequest {
    /// The request path it applies to, exactly (no query), e.g. `/api/v1/chat/messages`.
    pub path: String,
    /// Only requests with this method (any method when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The fault.
    #[serde(flatten)]
    pub fault: Fault,
    /// How many matching requests it applies to (default 1).
    #[serde(default = "one")]
    pub count: u32,
}

fn one() -> u32 {
    1
}

fn two() -> usize {
    2
}

/// One kind of misbehaviour, tagged by `fault`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fault", rename_all = "snake_case")]
pub enum Fault {
    /// Answer with this status and the contract's envelope instead of handling the request.
    Status {
        /// 401, 403, 409, 429, 500 or any other 4xx/5xx.
        status: u16,
        /// Seconds for `Retry-After` (429 only; default 1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<u64>,
    },
    /// Wait this long before handling the request.
    Delay {
        /// Milliseconds.
        ms: u64,
    },
    /// End the message stream after this many events, with no terminal event.
    Drop {
        /// Events sent before the body ends.
        after_events: usize,
    },
    /// Write the message stream one byte per chunk.
    ByteByByte,
    /// After `after_events` events, send only keep-alive comments for `ms`, then go on.
    Stall {
        /// Milliseconds of silence (keep-alives only).
        ms: u64,
        /// Events sent before the stall (default 2: both `status` events).
        #[serde(default = "two")]
        after_events: usize,
    },
}

impl Fault {
    fn is_stream_fault(&self) -> bool {
        matches!(
            self,
            Self::Drop { .. } | Self::ByteByByte | Self::Stall { .. }
        )
    }
}

/// `GET`/`POST /sandbox/faults` response: everything still armed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FaultList {
    /// Armed faults in arming order.
    pub faults: Vec<FaultRequest>,
}

/// The armed faults.
#[derive(Debug, Default)]
pub struct FaultBoard {
    armed: Vec<FaultRequest>,
}

impl FaultBoard {
    /// Takes one use of every armed fault matching the request, `stream` choosing between the
    /// stream faults and the others.
    fn take(&mut self, method: &Method, path: &str, stream: bool) -> Vec<Fault> {
        let mut taken = Vec::new();
        for armed in &mut self.armed {
            let method_matches = armed
                .method
                .as_deref()
                .is_none_or(|wanted| wanted.eq_ignore_ascii_case(method.as_str()));
            if armed.path == path
                && method_matches
                && armed.fault.is_stream_fault() == stream
                && armed.count > 0
            {
                armed.count -= 1;
                taken.push(armed.fault.clone());
            }
        }
        self.armed.retain(|armed| armed.count > 0);
        taken
    }

    /// The stream faults for one `POST` stream on `path`.
    pub fn take_stream_faults(&mut self, path: &str) -> StreamFaults {
        let mut faults = StreamFaults::default();
        for fault in self.take(&Method::POST, path, true) {
            match fault {
                Fault::Drop { after_events } => faults.drop_after_events = Some(after_events),
                Fault::ByteByByte => faults.byte_by_byte = true,
                Fault::Stall { ms, after_events } => {
                    faults.stall = Some((after_events, Duration::from_millis(ms)));
                }
                Fault::Status { .. } | Fault::Delay { .. } => {}
            }
        }
        faults
    }

    fn list(&self) -> FaultList {
        FaultList {
            faults: self.armed.clone(),
        }
    }
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
    let faults = state.faults().take(request.method(), &path, false);
    let mut status_error = None;
    for fault in faults {
        match fault {
            Fault::Delay { ms } => tokio::time::sleep(Duration::from_millis(ms)).await,
            Fault::Status {
                status,
                retry_after,
            } => {
                status_error = Some(injected_error(status, retry_after));
            }
            Fault::Drop { .. } | Fault::ByteByByte | Fault::Stall { .. } => {}
        }
    }
    match status_error {
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
pub async fn post_fault(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<FaultRequest>,
) -> Result<(StatusCode, Json<FaultList>), ApiError> {
    validate(&request)?;
    let mut board = state.faults();
    board.armed.push(request);
    Ok((StatusCode::CREATED, Json(board.list())))
}

/// `GET /sandbox/faults`: what is armed.
pub async fn get_faults(State(state): State<AppState>) -> Json<FaultList> {
    Json(state.faults().list())
}

/// `DELETE /sandbox/faults`: disarms everything.
pub async fn delete_faults(State(state): State<AppState>) -> Json<FaultList> {
    let mut board = state.faults();
    board.armed.clear();
    Json(board.list())
}

fn validate(request: &FaultRequest) -> Result<(), ApiError> {
    let mut problems = crate::error::Problems::default();
    if !request.path.starts_with('/') || request.path.contains('?') {
        problems.add(
            "path",
            "A path starts with '/' and has no query, e.g. /api/v1/chat/messages",
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn arm(board: &mut FaultBoard, json: &str) {
        board.armed.push(serde_json::from_str(json).unwrap());
    }

    #[test]
    fn a_fault_is_used_up_after_count_matching_requests() {
        let mut board = FaultBoard::default();
        arm(
            &mut board,
            r#"{"path":"/a","fault":"status","status":500,"count":2}"#,
        );
        assert_eq!(board.take(&Method::GET, "/b", false), vec![]);
        assert_eq!(board.take(&Method::GET, "/a", false).len(), 1);
        assert_eq!(board.take(&Method::POST, "/a", false).len(), 1);
        assert_eq!(board.take(&Method::GET, "/a", false), vec![]);
    }

    #[test]
    fn stream_faults_are_not_taken_by_other_requests() {
        let mut board = FaultBoard::default();
        arm(
            &mut board,
            r#"{"path":"/m","fault":"drop","after_events":3}"#,
        );
        assert_eq!(board.take(&Method::GET, "/m", false), vec![]);
        let faults = board.take_stream_faults("/m");
        assert_eq!(faults.drop_after_events, Some(3));
        assert_eq!(board.take_stream_faults("/m"), StreamFaults::default());
    }

    #[test]
    fn a_method_filter_limits_the_fault() {
        let mut board = FaultBoard::default();
        arm(
            &mut board,
            r#"{"path":"/m","method":"post","fault":"delay","ms":5}"#,
        );
        assert_eq!(board.take(&Method::GET, "/m", false), vec![]);
        assert_eq!(
            board.take(&Method::POST, "/m", false),
            vec![Fault::Delay { ms: 5 }]
        );
    }

    #[test]
    fn the_stall_defaults_to_after_the_status_events() {
        let request: FaultRequest =
            serde_json::from_str(r#"{"path":"/m","fault":"stall","ms":100}"#).unwrap();
        assert_eq!(
            request.fault,
            Fault::Stall {
                ms: 100,
                after_events: 2
            }
        );
        assert_eq!(request.count, 1);
    }
}
