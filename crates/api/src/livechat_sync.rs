//! The client's livechat machine, pure: which state to keep (never an older `state_version`),
//! which messages are new (merged by `sequence_number`, never twice), and when to poll next
//! (the official SDKs' cadence with backoff, paused while nobody is looking). Time and
//! visibility are passed in; nothing here awaits, fetches or reads a clock.

use crate::{LivechatState, LivechatStatus, Message};

/// Poll every 2 s while waiting for an agent.
pub const POLL_WAITING_MS: u32 = 2_000;
/// Poll every 3 s while an agent is active.
pub const POLL_ACTIVE_MS: u32 = 3_000;
/// Back-off after consecutive failures: 2, 4, 8, 16, then 30 s.
pub const BACKOFF_MS: [u32; 5] = [2_000, 4_000, 8_000, 16_000, 30_000];
/// How long one held `/livechat/sync` request may wait (the contract's cap).
pub const SYNC_WAIT_MS: u32 = 20_000;

/// What the widget knows of the visitor's livechat.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LivechatSync {
    state: Option<LivechatState>,
    last_sequence: u64,
    seen_ids: Vec<String>,
}

/// What applying a state changed, for the view and the host page's `livechat` event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateChange {
    /// Older than what was applied: dropped.
    Stale,
    /// Same status and agent; only details (typing, timestamps) moved.
    Details,
    /// Status or agent changed: tell the host page.
    Status,
}

impl LivechatSync {
    /// An empty machine (no session known).
    pub fn new() -> Self {
        Self::default()
    }

    /// The latest applied state.
    pub fn state(&self) -> Option<&LivechatState> {
        self.state.as_ref()
    }

    /// The current status (`inactive` before any state).
    pub fn status(&self) -> LivechatStatus {
        self.state
            .as_ref()
            .map(|s| s.status.clone())
            .unwrap_or_default()
    }

    /// The highest sequence number merged, for `after_sequence_number`.
    pub fn last_sequence(&self) -> u64 {
        self.last_sequence
    }

    /// Applies a state unless it is older than the one applied (`state_version` decides). A
    /// state of another session (a second handover) starts afresh: the server may count its
    /// versions and sequence numbers from the start again.
    pub fn apply_state(&mut self, state: LivechatState) -> StateChange {
        let new_session = matches!(
            (&self.state, &state.livechat_session_id),
            (Some(LivechatState { livechat_session_id: Some(old), .. }), Some(new)) if old != new
        );
        if new_session {
            self.last_sequence = 0;
            self.state = Some(state);
            return StateChange::Status;
        }
        let change = match &self.state {
            Some(current) if state.state_version < current.state_version => {
                return StateChange::Stale
            }
            Some(current)
                if current.status == state.status
                    && current.livechat_session_id == state.livechat_session_id
                    && current.active_agent == state.active_agent =>
            {
                StateChange::Details
            }
            _ => StateChange::Status,
        };
        self.state = Some(state);
        change
    }

    /// Merges messages from any source (sync, poll, a send's echo); returns only the new ones,
    /// in sequence order. Messages are new by `sequence_number` above the last merged, or — for
    /// a message without one — by an id not seen before.
    pub fn merge(&mut self, mut messages: Vec<Message>) -> Vec<Message> {
        // A stable insertion sort rather than `sort_by_key`: pages are small and nearly always
        // in order already (then it is one pass), and it keeps core's stable sort (~3 KB of
        // wasm) out of the widget.
        let key = |m: &Message| m.sequence_number.unwrap_or(u64::MAX);
        for i in 1..messages.len() {
            let mut j = i;
            while j > 0 && key(&messages[j - 1]) > key(&messages[j]) {
                messages.swap(j - 1, j);
                j -= 1;
            }
        }
        let mut fresh = Vec::new();
        for m in messages {
            if let Some(seq) = m.sequence_number {
                if seq <= self.last_sequence {
                    continue;
                }
                // Even a message shown already (the visitor's own send) moves the cursor on.
                self.last_sequence = seq;
            }
            if self.seen_ids.contains(&m.message_id) {
                continue;
            }
            self.seen_ids.push(m.message_id.clone());
            fresh.push(m);
        }
        fresh
    }

    /// A message already shown by other means (the answer to the visitor's own send): never
    /// shown again, but unlike [`LivechatSync::merge`] it does not move `last_sequence`, so the
    /// messages before it that a sync has yet to bring are not skipped.
    pub fn mark_seen(&mut self, message_id: &str) {
        if !self.seen_ids.iter().any(|id| id == message_id) {
            self.seen_ids.push(message_id.to_owned());
        }
    }

    /// Forgets everything (a new visitor).
    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

/// When to ask again, in ms, or `None` to stop until something changes: nothing open to
/// follow, the page hidden, or the chat panel closed (resync at once when that ends).
pub fn next_poll_delay_ms(
    status: &LivechatStatus,
    consecutive_failures: u32,
    page_visible: bool,
    panel_open: bool,
) -> Option<u32> {
    if !status.is_open() || !page_visible || !panel_open {
        return None;
    }
    if consecutive_failures > 0 {
        let i = (consecutive_failures as usize - 1).min(BACKOFF_MS.len() - 1);
        return Some(BACKOFF_MS[i]);
    }
    Some(match status {
        LivechatStatus::Waiting => POLL_WAITING_MS,
        _ => POLL_ACTIVE_MS,
    })
}
