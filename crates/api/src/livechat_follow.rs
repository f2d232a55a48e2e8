//! Following a livechat, as a pure step machine: what to ask the server next (a held
//! `/livechat/sync`, a plain poll of state and messages, a wait, or nothing more), decided from
//! the livechat status, whether anyone is looking, and how the last request went.
//!
//! The widget executes the steps (fetches, sleeps) and reports each request's outcome back;
//! this module must never fetch, sleep, read a clock or look at the page. Its promise: **no
//! sequence of answers makes it ask in a tight loop.** Between two requests there is always a
//! [`Step::Wait`], except after a sync that returned a cursor (the next sync is held by the
//! server) and once, right after the server said it has no sync (the fallback poll).

use crate::livechat_sync::{next_poll_delay_ms, BACKOFF_MS, SYNC_WAIT_MS};
use crate::LivechatStatus;

/// How often a paused follower (panel closed or page hidden) looks again.
pub const PAUSE_CHECK_MS: u32 = 300;
/// With the panel closed on a page in view, the follower still glances this often (slower than
/// the open cadence, never a held request), so an agent who joins or writes raises the
/// launcher's unread badge.
pub const GLANCE_MS: u32 = 10_000;

/// What the widget does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `GET /livechat/sync?after_sequence_number=…`, with `&cursor=…&wait_ms=…` when both are
    /// given (a held request); answer with [`Answer::Synced`], [`Answer::SyncUnsupported`] on a
    /// 404 or [`Answer::Failed`].
    Sync {
        /// `after_sequence_number`.
        after_sequence: u64,
        /// The cursor of the previous sync, if any.
        cursor: Option<String>,
        /// How long the server may hold the request (with a cursor only).
        wait_ms: Option<u32>,
    },
    /// `GET /livechat/state` and `GET /livechat/messages?after_sequence_number=…`; answer with
    /// [`Answer::Polled`] or [`Answer::Failed`].
    Poll {
        /// `after_sequence_number`.
        after_sequence: u64,
    },
    /// Sleep this long, then ask for the next step.
    Wait {
        /// Milliseconds.
        ms: u32,
    },
    /// Nothing open to follow: end the follower.
    Stop,
}

/// How the request of the last step went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The sync answered (state and messages applied), with the cursor for the next one.
    Synced {
        /// `sync_cursor` of the response.
        cursor: Option<String>,
    },
    /// The sync answered 404: this server has no sync; poll instead.
    SyncUnsupported,
    /// Both polls answered (state and messages applied).
    Polled,
    /// The request failed (network, 5xx, an unreadable body, …).
    Failed,
}

/// The request a step asked for, until it is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asked {
    Sync,
    Poll,
}

/// The follower's memory between steps. Drive it with [`Follower::next`] and, after a
/// [`Step::Sync`] or [`Step::Poll`], [`Follower::answered`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Follower {
    /// Ask without judging status or visibility: at the start (nothing is known yet) and right
    /// after falling back to polling.
    ask_first: bool,
    /// The server has no sync: poll.
    polling: bool,
    /// The last sync's cursor; dropped when paused or failed, so the next sync is a fresh one.
    cursor: Option<String>,
    /// Failures in a row, for the back-off.
    failures: u32,
    /// The request of the last step, not yet answered.
    asked: Option<Asked>,
    /// The last answer calls for a wait (cadence or back-off) before the next request.
    must_wait: bool,
    /// Pause checks since the last glance (panel closed, page in view).
    glance_ticks: u32,
}

impl Default for Follower {
    fn default() -> Self {
        Follower {
            ask_first: true,
            polling: false,
            cursor: None,
            failures: 0,
            asked: None,
            must_wait: false,
            glance_ticks: 0,
        }
    }
}

impl Follower {
    /// A follower that has not asked anything yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the server turned out to have no sync (the follower polls).
    pub fn is_polling(&self) -> bool {
        self.polling
    }

    /// Failed requests in a row.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// The next step. `status` is the livechat status now, `last_sequence` the highest
    /// sequence number merged (from [`crate::livechat_sync::LivechatSync`]); `panel_open` and
    /// `page_visible` say whether anyone is looking.
    ///
    /// A request step left unanswered counts as failed: asking again at once could loop.
    pub fn next(
        &mut self,
        status: &LivechatStatus,
        last_sequence: u64,
        panel_open: bool,
        page_visible: bool,
    ) -> Step {
        if self.asked.is_some() {
            self.answered(Answer::Failed);
        }
        if !self.ask_first {
            if !status.is_open() {
                return Step::Stop;
            }
            if !(panel_open && page_visible) {
                // Paused: nobody sees it. On return, resync at once and from scratch.
                self.cursor = None;
                self.must_wait = false;
                // A page in view with the panel closed still glances now and then (backing
                // off like any request on failures); a hidden page never asks.
                let every = self.failures.checked_sub(1).map_or(GLANCE_MS, |i| {
                    GLANCE_MS.max(BACKOFF_MS[(i as usize).min(BACKOFF_MS.len() - 1)])
                });
                self.glance_ticks = self.glance_ticks.saturating_add(1);
                if !page_visible || self.glance_ticks.saturating_mul(PAUSE_CHECK_MS) < every {
                    return Step::Wait { ms: PAUSE_CHECK_MS };
                }
                self.glance_ticks = 0;
                return self.ask(last_sequence);
            }
            self.glance_ticks = 0;
            if self.must_wait {
                self.must_wait = false;
                let ms = next_poll_delay_ms(status, self.failures, page_visible, panel_open)
                    .unwrap_or(BACKOFF_MS[0]);
                return Step::Wait { ms };
            }
        }
        self.ask_first = false;
        self.ask(last_sequence)
    }

    /// The request step: a poll, or a sync (held when there is a cursor).
    fn ask(&mut self, last_sequence: u64) -> Step {
        if self.polling {
            self.asked = Some(Asked::Poll);
            Step::Poll {
                after_sequence: last_sequence,
            }
        } else {
            self.asked = Some(Asked::Sync);
            let cursor = self.cursor.clone();
            let wait_ms = cursor.is_some().then_some(SYNC_WAIT_MS);
            Step::Sync {
                after_sequence: last_sequence,
                cursor,
                wait_ms,
            }
        }
    }

    /// How the request of the last step went. An answer with no request outstanding is
    /// ignored; one that does not fit the request (a poll "synced") is read as what it can
    /// mean, and never as a reason to ask again at once.
    pub fn answered(&mut self, answer: Answer) {
        let Some(asked) = self.asked.take() else {
            return;
        };
        match (asked, answer) {
            (
                Asked::Sync,
                Answer::Synced {
                    cursor: Some(cursor),
                },
            ) => {
                // The next sync is held by the server: it is the cadence itself.
                self.failures = 0;
                self.cursor = Some(cursor);
                self.must_wait = false;
            }
            (_, Answer::Synced { .. } | Answer::Polled) => {
                // Without a cursor the next sync would return at once: wait like a poll.
                self.failures = 0;
                self.cursor = None;
                self.must_wait = true;
            }
            (Asked::Sync, Answer::SyncUnsupported) => {
                // Nothing is known from this server yet: poll before judging, at once. This
                // happens once: a polling follower never syncs again.
                self.polling = true;
                self.cursor = None;
                self.ask_first = true;
                self.must_wait = false;
            }
            (Asked::Poll, Answer::SyncUnsupported) | (_, Answer::Failed) => {
                self.failures = self.failures.saturating_add(1);
                // The cursor may be what failed; a fresh sync always works.
                self.cursor = None;
                self.must_wait = true;
            }
        }
    }
}
