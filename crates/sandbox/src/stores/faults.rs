//! Domain layer: the fault switches a test arms for the next N requests to a path, so the
//! sandbox misbehaves on cue (ARCHITECTURE.md habit 8).
//!
//! [`FaultBoard`] only keeps and hands out faults; applying them is the routes layer's business
//! (`routes::faults`). Status and delay faults are taken by a middleware in front of the API;
//! stream faults (drop, byte-by-byte, stall) by the `POST /messages` handler itself, so a
//! `GET /messages` history load in between cannot use them up. Like every store it never locks,
//! awaits or touches HTTP.
//!
//! The board also keeps the sandbox's own record of the requests it saw (`GET /sandbox/requests`),
//! so a test can assert what reached the server — not only what a browser says it sent.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// `POST /sandbox/faults` body: what to break, where, and how many times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRequest {
    /// The request path it applies to, exactly (no query), e.g. `/api/v1/chat/messages`; or,
    /// ending in `*`, every path that starts with what comes before it, e.g.
    /// `/api/v1/chat/livechat/attachments/*` (a signed attachment's path carries an id a test
    /// cannot know before the agent has sent the file and the visitor's browser loads it).
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

/// The stream fault switches that apply to one stream.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreamFaults {
    /// End the body after this many events, with no terminal event.
    pub drop_after_events: Option<usize>,
    /// Write every byte as its own chunk.
    pub byte_by_byte: bool,
    /// After this many events, send only keep-alives for this long.
    pub stall: Option<(usize, Duration)>,
}

impl Fault {
    /// How the request record names it: `status 429`, `delay 2000`, `drop after 5`, ….
    pub fn describe(&self) -> String {
        match self {
            Self::Status { status, .. } => format!("status {status}"),
            Self::Delay { ms } => format!("delay {ms}"),
            Self::Drop { after_events } => format!("drop after {after_events}"),
            Self::ByteByByte => "byte_by_byte".to_owned(),
            Self::Stall { ms, .. } => format!("stall {ms}"),
        }
    }

    fn is_stream_fault(&self) -> bool {
        matches!(
            self,
            Self::Drop { .. } | Self::ByteByByte | Self::Stall { .. }
        )
    }
}

/// Whether an armed fault's `path` names this request path: exactly, or as a prefix when it
/// ends in `*`.
fn path_matches(pattern: &str, path: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix),
        None => pattern == path,
    }
}

/// `GET`/`POST /sandbox/faults` response: everything still armed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FaultList {
    /// Armed faults in arming order.
    pub faults: Vec<FaultRequest>,
}

/// Most requests the record keeps; the oldest go first (a long demo session must not grow it).
pub const MAX_SEEN: usize = 10_000;

/// One request the sandbox saw, in the order it arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    /// Arrival, milliseconds since the epoch (sandbox clock).
    pub at_ms: i64,
    pub method: String,
    /// The path without its query.
    pub path: String,
    /// The status or delay fault applied to it, if any (`"status 429"`, `"delay 2000"`), so a
    /// test can tell which request a fault hit and what the client did next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
}

/// `GET /sandbox/requests` response.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SeenList {
    /// Oldest first.
    pub requests: Vec<Seen>,
}

/// The armed faults, and the record of requests seen.
#[derive(Debug, Default)]
pub struct FaultBoard {
    armed: Vec<FaultRequest>,
    seen: std::collections::VecDeque<Seen>,
    /// Replies a test scripted verbatim, for the next assistant turns in order.
    scripted: std::collections::VecDeque<Vec<dialoge_api::message::Part>>,
}

impl FaultBoard {
    /// Arms a fault (after it was validated).
    pub fn arm(&mut self, request: FaultRequest) {
        self.armed.push(request);
    }

    /// Queues a reply the next assistant turn gives instead of its scenario's.
    pub fn script_reply(&mut self, parts: Vec<dialoge_api::message::Part>) {
        self.scripted.push_back(parts);
    }

    /// The next scripted reply, if a test queued one.
    pub fn take_scripted_reply(&mut self) -> Option<Vec<dialoge_api::message::Part>> {
        self.scripted.pop_front()
    }

    /// Disarms everything (scripted replies too).
    pub fn clear(&mut self) {
        self.armed.clear();
        self.scripted.clear();
    }

    /// Records a request that arrived at `at_ms`, with the faults applied to it.
    pub fn saw(&mut self, at_ms: i64, method: &str, path: &str, faults: &[Fault]) {
        if self.seen.len() >= MAX_SEEN {
            self.seen.pop_front();
        }
        let applied: Vec<String> = faults.iter().map(Fault::describe).collect();
        self.seen.push_back(Seen {
            at_ms,
            method: method.to_owned(),
            path: path.to_owned(),
            fault: (!applied.is_empty()).then(|| applied.join(", ")),
        });
    }

    /// The requests seen, oldest first.
    pub fn seen(&self) -> SeenList {
        SeenList {
            requests: self.seen.iter().cloned().collect(),
        }
    }

    /// Forgets the requests seen.
    pub fn forget_seen(&mut self) {
        self.seen.clear();
    }

    /// Takes one use of every armed status or delay fault matching the request.
    pub fn take_request_faults(&mut self, method: &str, path: &str) -> Vec<Fault> {
        self.take(method, path, false)
    }

    /// Takes one use of every armed fault matching the request, `stream` choosing between the
    /// stream faults and the others.
    fn take(&mut self, method: &str, path: &str, stream: bool) -> Vec<Fault> {
        let mut taken = Vec::new();
        for armed in &mut self.armed {
            let method_matches = armed
                .method
                .as_deref()
                .is_none_or(|wanted| wanted.eq_ignore_ascii_case(method));
            if path_matches(&armed.path, path)
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
        for fault in self.take("POST", path, true) {
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

    /// What is armed.
    pub fn list(&self) -> FaultList {
        FaultList {
            faults: self.armed.clone(),
        }
    }
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
        assert_eq!(board.take("GET", "/b", false), vec![]);
        assert_eq!(board.take("GET", "/a", false).len(), 1);
        assert_eq!(board.take("POST", "/a", false).len(), 1);
        assert_eq!(board.take("GET", "/a", false), vec![]);
    }

    #[test]
    fn stream_faults_are_not_taken_by_other_requests() {
        let mut board = FaultBoard::default();
        arm(
            &mut board,
            r#"{"path":"/m","fault":"drop","after_events":3}"#,
        );
        assert_eq!(board.take("GET", "/m", false), vec![]);
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
        assert_eq!(board.take("GET", "/m", false), vec![]);
        assert_eq!(
            board.take("POST", "/m", false),
            vec![Fault::Delay { ms: 5 }]
        );
    }

    #[test]
    fn a_trailing_star_matches_every_path_under_the_prefix() {
        let mut board = FaultBoard::default();
        arm(
            &mut board,
            r#"{"path":"/a/files/*","fault":"status","status":403,"count":2}"#,
        );
        assert_eq!(board.take("GET", "/a/files", false), vec![]);
        assert_eq!(board.take("GET", "/a/other/x", false), vec![]);
        assert_eq!(board.take("GET", "/a/files/att_1", false).len(), 1);
        assert_eq!(board.take("GET", "/a/files/att_2/x", false).len(), 1);
        assert_eq!(board.take("GET", "/a/files/att_3", false), vec![]);
    }

    #[test]
    fn without_a_star_the_path_is_exact() {
        let mut board = FaultBoard::default();
        arm(
            &mut board,
            r#"{"path":"/a/files","fault":"status","status":500}"#,
        );
        assert_eq!(board.take("GET", "/a/files/att_1", false), vec![]);
        assert_eq!(board.take("GET", "/a/files", false).len(), 1);
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
