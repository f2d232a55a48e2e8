//! Following a livechat: which request comes next, when to wait, when to stop — and that no
//! sequence of answers makes the follower ask in a tight loop.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dialoge_api::livechat_follow::{Answer, Follower, Step, GLANCE_MS, PAUSE_CHECK_MS};
use dialoge_api::livechat_sync::{BACKOFF_MS, POLL_ACTIVE_MS, POLL_WAITING_MS, SYNC_WAIT_MS};
use dialoge_api::LivechatStatus::{self, Active, Closed, Inactive, Waiting};

const LOOKING: (bool, bool) = (true, true);

fn next(f: &mut Follower, status: LivechatStatus, seq: u64) -> Step {
    f.next(&status, seq, LOOKING.0, LOOKING.1)
}

fn fresh_sync(after_sequence: u64) -> Step {
    Step::Sync {
        after_sequence,
        cursor: None,
        wait_ms: None,
    }
}

fn held_sync(after_sequence: u64, cursor: &str) -> Step {
    Step::Sync {
        after_sequence,
        cursor: Some(cursor.into()),
        wait_ms: Some(SYNC_WAIT_MS),
    }
}

fn synced(cursor: Option<&str>) -> Answer {
    Answer::Synced {
        cursor: cursor.map(Into::into),
    }
}

/// A follower that has synced once and holds `cursor`.
fn following(cursor: &str) -> Follower {
    let mut f = Follower::new();
    assert_eq!(next(&mut f, Waiting, 0), fresh_sync(0));
    f.answered(synced(Some(cursor)));
    f
}

/// A follower that fell back to polling and polled once successfully.
fn polling() -> Follower {
    let mut f = Follower::new();
    next(&mut f, Waiting, 0);
    f.answered(Answer::SyncUnsupported);
    assert_eq!(next(&mut f, Waiting, 0), Step::Poll { after_sequence: 0 });
    f.answered(Answer::Polled);
    f
}

#[test]
fn the_first_step_asks_whatever_the_status_and_whoever_is_looking() {
    for status in [Inactive, Waiting, Active, Closed] {
        for (open, visible) in [(true, true), (false, true), (true, false), (false, false)] {
            let mut f = Follower::new();
            assert_eq!(
                f.next(&status, 7, open, visible),
                fresh_sync(7),
                "{status:?} open={open} visible={visible}"
            );
        }
    }
}

#[test]
fn after_the_first_answer_a_status_that_is_not_open_stops_the_follower() {
    for status in [Inactive, Closed] {
        let mut f = following("c1");
        assert_eq!(next(&mut f, status.clone(), 0), Step::Stop, "{status:?}");
        let mut f = Follower::new();
        next(&mut f, Waiting, 0);
        f.answered(Answer::Failed);
        assert_eq!(next(&mut f, status.clone(), 0), Step::Stop, "{status:?}");
    }
}

#[test]
fn a_sync_that_returns_a_cursor_is_followed_at_once_by_a_held_sync() {
    let mut f = following("c1");
    assert_eq!(next(&mut f, Waiting, 3), held_sync(3, "c1"));
    f.answered(synced(Some("c2")));
    assert_eq!(next(&mut f, Active, 5), held_sync(5, "c2"));
}

#[test]
fn a_sync_without_a_cursor_waits_the_poll_cadence_before_a_fresh_sync() {
    let table = [(Waiting, POLL_WAITING_MS), (Active, POLL_ACTIVE_MS)];
    for (status, ms) in table {
        let mut f = following("c1");
        assert_eq!(next(&mut f, status.clone(), 0), held_sync(0, "c1"));
        f.answered(synced(None));
        assert_eq!(next(&mut f, status.clone(), 0), Step::Wait { ms });
        assert_eq!(next(&mut f, status.clone(), 1), fresh_sync(1));
    }
}

#[test]
fn no_sync_on_the_server_switches_to_polling_at_once_and_for_good() {
    let mut f = Follower::new();
    assert_eq!(next(&mut f, Inactive, 0), fresh_sync(0));
    f.answered(Answer::SyncUnsupported);
    assert!(f.is_polling());
    // Nothing is known yet: the fallback poll asks before judging the status.
    assert_eq!(
        f.next(&Inactive, 0, false, false),
        Step::Poll { after_sequence: 0 }
    );
    f.answered(Answer::Polled);
    assert_eq!(
        next(&mut f, Waiting, 2),
        Step::Wait {
            ms: POLL_WAITING_MS
        }
    );
    assert_eq!(next(&mut f, Waiting, 2), Step::Poll { after_sequence: 2 });
    f.answered(Answer::Polled);
    assert_eq!(next(&mut f, Active, 2), Step::Wait { ms: POLL_ACTIVE_MS });
    assert_eq!(next(&mut f, Active, 2), Step::Poll { after_sequence: 2 });
}

#[test]
fn polling_keeps_its_cadence_and_stops_when_the_chat_is_no_longer_open() {
    let mut f = polling();
    assert_eq!(
        next(&mut f, Waiting, 0),
        Step::Wait {
            ms: POLL_WAITING_MS
        }
    );
    assert_eq!(next(&mut f, Closed, 0), Step::Stop);
}

#[test]
fn failures_back_off_two_four_eight_sixteen_then_thirty_seconds() {
    for mut f in [following("c1"), polling()] {
        let mut waits = Vec::new();
        for _ in 0..7 {
            let step = next(&mut f, Active, 0);
            let step = match step {
                Step::Wait { ms } if ms == POLL_ACTIVE_MS => next(&mut f, Active, 0),
                other => other,
            };
            assert!(
                matches!(step, Step::Sync { .. } | Step::Poll { .. }),
                "{step:?}"
            );
            f.answered(Answer::Failed);
            let Step::Wait { ms } = next(&mut f, Active, 0) else {
                panic!("a failure is followed by a wait")
            };
            waits.push(ms);
        }
        assert_eq!(
            waits,
            [
                BACKOFF_MS[0],
                BACKOFF_MS[1],
                BACKOFF_MS[2],
                BACKOFF_MS[3],
                BACKOFF_MS[4],
                BACKOFF_MS[4],
                BACKOFF_MS[4]
            ]
        );
        assert_eq!(f.failures(), 7);
    }
}

#[test]
fn a_failed_sync_drops_its_cursor_and_a_success_resets_the_back_off() {
    let mut f = following("c1");
    assert_eq!(next(&mut f, Active, 0), held_sync(0, "c1"));
    f.answered(Answer::Failed);
    assert_eq!(next(&mut f, Active, 0), Step::Wait { ms: BACKOFF_MS[0] });
    assert_eq!(next(&mut f, Active, 0), fresh_sync(0));
    f.answered(synced(Some("c9")));
    assert_eq!(f.failures(), 0);
    assert_eq!(next(&mut f, Active, 4), held_sync(4, "c9"));
}

#[test]
fn nobody_looking_pauses_without_a_request_and_resyncs_from_scratch_on_return() {
    for (open, visible) in [(false, true), (true, false), (false, false)] {
        let mut f = following("c1");
        for _ in 0..3 {
            assert_eq!(
                f.next(&Active, 0, open, visible),
                Step::Wait { ms: PAUSE_CHECK_MS }
            );
        }
        assert_eq!(next(&mut f, Active, 6), fresh_sync(6), "resync at once");
    }
}

#[test]
fn a_closed_panel_on_a_page_in_view_glances_now_and_then_a_hidden_page_never() {
    let ticks = GLANCE_MS.div_ceil(PAUSE_CHECK_MS);
    // Closed panel, page in view: pause checks, then one fresh (never held) sync, and again.
    let mut f = following("c1");
    for round in 0..2 {
        for _ in 1..ticks {
            assert_eq!(
                f.next(&Active, 3, false, true),
                Step::Wait { ms: PAUSE_CHECK_MS }
            );
        }
        assert_eq!(
            f.next(&Active, 3, false, true),
            fresh_sync(3),
            "glance {round}"
        );
        f.answered(synced(Some("c2")));
    }
    // Failing glances back off like any request (the longest back-off is above the glance).
    let mut f = following("c1");
    for _ in 0..5 {
        while f.next(&Active, 0, false, true) == (Step::Wait { ms: PAUSE_CHECK_MS }) {}
        f.answered(Answer::Failed);
    }
    let mut waits = 0;
    while f.next(&Active, 0, false, true) == (Step::Wait { ms: PAUSE_CHECK_MS }) {
        waits += 1;
    }
    assert!(waits * PAUSE_CHECK_MS >= BACKOFF_MS[BACKOFF_MS.len() - 1] - PAUSE_CHECK_MS);
    // A hidden page never asks, open or not.
    for open in [true, false] {
        let mut f = following("c1");
        for _ in 0..3 * ticks {
            assert_eq!(
                f.next(&Waiting, 0, open, false),
                Step::Wait { ms: PAUSE_CHECK_MS }
            );
        }
    }
}

#[test]
fn a_pause_replaces_the_pending_wait_so_the_return_is_immediate() {
    let mut f = polling();
    assert_eq!(
        f.next(&Waiting, 0, false, true),
        Step::Wait { ms: PAUSE_CHECK_MS }
    );
    assert_eq!(next(&mut f, Waiting, 0), Step::Poll { after_sequence: 0 });
}

#[test]
fn a_closed_status_stops_even_while_nobody_is_looking() {
    let mut f = following("c1");
    assert_eq!(f.next(&Closed, 0, false, false), Step::Stop);
}

#[test]
fn an_unanswered_request_counts_as_failed() {
    let mut f = following("c1");
    assert_eq!(next(&mut f, Active, 0), held_sync(0, "c1"));
    assert_eq!(next(&mut f, Active, 0), Step::Wait { ms: BACKOFF_MS[0] });
    assert_eq!(f.failures(), 1);
}

#[test]
fn answers_that_do_not_fit_the_request_never_make_it_ask_at_once() {
    // A poll "synced" with a cursor: read as a plain success.
    let mut f = polling();
    next(&mut f, Active, 0);
    assert_eq!(next(&mut f, Active, 0), Step::Poll { after_sequence: 0 });
    f.answered(synced(Some("c1")));
    assert_eq!(next(&mut f, Active, 0), Step::Wait { ms: POLL_ACTIVE_MS });
    // A poll answered "no sync": read as a failure.
    assert_eq!(next(&mut f, Active, 0), Step::Poll { after_sequence: 0 });
    f.answered(Answer::SyncUnsupported);
    assert_eq!(next(&mut f, Active, 0), Step::Wait { ms: BACKOFF_MS[0] });
    // A sync answered "polled": a success without a cursor.
    let mut f = following("c1");
    next(&mut f, Active, 0);
    f.answered(Answer::Polled);
    assert_eq!(next(&mut f, Active, 0), Step::Wait { ms: POLL_ACTIVE_MS });
    // An answer with nothing asked is ignored.
    let mut f = following("c1");
    f.answered(Answer::SyncUnsupported);
    assert!(!f.is_polling());
    assert_eq!(next(&mut f, Active, 0), held_sync(0, "c1"));
}

// ------------------------------------------------------------------------------------------------
// The invariant, under random drive

/// xorshift64*: a few lines of deterministic noise, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[test]
fn no_sequence_of_statuses_visibility_and_answers_makes_it_ask_in_a_tight_loop() {
    for seed in [1u64, 0x9E37_79B9_7F4A_7C15, 42, 7_777_777] {
        let mut rng = Rng(seed);
        let mut f = Follower::new();
        // Why the previous request may be followed by another one without a wait.
        let mut free_pass = false;
        let mut requested_since_wait = false;
        let mut fallbacks = 0;
        let mut counts = [0u32; 4];
        for _ in 0..100_000 {
            let status = match rng.below(10) {
                0 => Inactive,
                1 => Closed,
                2..=5 => Waiting,
                _ => Active,
            };
            let (open, visible) = (rng.below(8) != 0, rng.below(8) != 0);
            let step = f.next(&status, rng.below(1_000), open, visible);
            let request = matches!(step, Step::Sync { .. } | Step::Poll { .. });
            counts[match step {
                Step::Sync { .. } => 0,
                Step::Poll { .. } => 1,
                Step::Wait { .. } => 2,
                Step::Stop => 3,
            }] += 1;
            match &step {
                Step::Wait { ms } => {
                    assert!(*ms >= PAUSE_CHECK_MS, "{step:?}");
                    requested_since_wait = false;
                }
                Step::Sync {
                    cursor, wait_ms, ..
                } => {
                    assert_eq!(cursor.is_some(), wait_ms.is_some(), "{step:?}");
                    assert!(!f.is_polling());
                }
                _ => {}
            }
            if request {
                assert!(
                    !requested_since_wait || free_pass,
                    "two requests without a wait in between: {step:?}"
                );
                requested_since_wait = true;
                free_pass = false;
                // Usually answered; sometimes not at all (the next step must cope).
                let answer = match rng.below(12) {
                    0 => None,
                    1..=3 => Some(Answer::Failed),
                    4 => Some(Answer::SyncUnsupported),
                    5 => Some(synced(None)),
                    6 => Some(Answer::Polled),
                    _ => Some(synced(Some("c"))),
                };
                if let Some(answer) = answer {
                    let fell_back =
                        answer == Answer::SyncUnsupported && matches!(step, Step::Sync { .. });
                    free_pass = (answer == synced(Some("c")) && matches!(step, Step::Sync { .. }))
                        || fell_back;
                    fallbacks += u32::from(fell_back);
                    f.answered(answer);
                }
            }
            // An answer nobody asked for (nothing is outstanding after a wait) is ignored.
            if !request && rng.below(50) == 0 {
                f.answered(Answer::SyncUnsupported);
            }
            if step == Step::Stop && rng.below(4) == 0 {
                f = Follower::new();
                free_pass = false;
                requested_since_wait = false;
            }
        }
        assert!(
            counts.iter().all(|&n| n > 1_000),
            "every kind of step was exercised: {counts:?}"
        );
        assert!(fallbacks >= 1);
    }
}

#[test]
fn a_follower_falls_back_to_polling_at_most_once() {
    let mut f = Follower::new();
    let mut immediate = 0;
    let mut last_was_request = false;
    for i in 0..1_000 {
        let step = next(&mut f, Active, i);
        let request = matches!(step, Step::Sync { .. } | Step::Poll { .. });
        if request && last_was_request {
            immediate += 1;
        }
        last_was_request = request;
        if request {
            f.answered(Answer::SyncUnsupported);
        }
    }
    assert_eq!(
        immediate, 1,
        "only the fallback poll follows without a wait"
    );
    assert!(f.is_polling());
}
