//! The client's livechat machine: stale states dropped, messages merged once, poll cadence.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dialoge_api::livechat_sync::{next_poll_delay_ms, LivechatSync, StateChange};
use dialoge_api::{LivechatState, LivechatStatus, Message};

fn state(status: &str, version: u64, agent: Option<&str>) -> LivechatState {
    let agent = agent
        .map(|a| format!(r#","active_agent":{{"agent_id":"{a}","display_name":"{a}"}}"#))
        .unwrap_or_default();
    serde_json::from_str(&format!(
        r#"{{"status":"{status}","livechat_session_id":"s1","state_version":{version},"updated_at":"t"{agent}}}"#
    ))
    .unwrap()
}

fn msg(id: &str, seq: Option<u64>) -> Message {
    let seq = seq
        .map(|s| format!(r#","sequence_number":{s}"#))
        .unwrap_or_default();
    serde_json::from_str(&format!(
        r#"{{"message_id":"{id}","role":"agent","parts":[],"created_at":"t"{seq}}}"#
    ))
    .unwrap()
}

#[test]
fn a_state_with_a_lower_version_than_the_applied_one_is_dropped() {
    let mut m = LivechatSync::new();
    assert_eq!(
        m.apply_state(state("waiting", 3, None)),
        StateChange::Status
    );
    assert_eq!(
        m.apply_state(state("active", 5, Some("alice"))),
        StateChange::Status
    );
    assert_eq!(m.apply_state(state("waiting", 4, None)), StateChange::Stale);
    assert_eq!(m.status(), LivechatStatus::Active);
}

#[test]
fn typing_changes_are_details_and_an_agent_change_is_a_status_change() {
    let mut m = LivechatSync::new();
    m.apply_state(state("active", 1, Some("alice")));
    let mut typing = state("active", 2, Some("alice"));
    typing.is_agent_typing = true;
    assert_eq!(m.apply_state(typing), StateChange::Details);
    assert_eq!(
        m.apply_state(state("active", 3, Some("bob"))),
        StateChange::Status
    );
    assert_eq!(m.apply_state(state("closed", 4, None)), StateChange::Status);
}

#[test]
fn messages_merge_by_sequence_number_without_duplicates_in_order() {
    let mut m = LivechatSync::new();
    let fresh = m.merge(vec![msg("b", Some(2)), msg("a", Some(1))]);
    assert_eq!(
        fresh
            .iter()
            .map(|m| m.message_id.as_str())
            .collect::<Vec<_>>(),
        ["a", "b"]
    );
    // A poll that overlaps the sync, and the echo of a send, add nothing twice.
    let fresh = m.merge(vec![
        msg("b", Some(2)),
        msg("c", Some(3)),
        msg("a", Some(1)),
    ]);
    assert_eq!(
        fresh
            .iter()
            .map(|m| m.message_id.as_str())
            .collect::<Vec<_>>(),
        ["c"]
    );
    assert!(m.merge(vec![msg("c", Some(3))]).is_empty());
    assert_eq!(m.last_sequence(), 3);
}

#[test]
fn merging_sorts_by_sequence_number_and_keeps_the_order_of_equal_ones() {
    let mut m = LivechatSync::new();
    let fresh = m.merge(vec![
        msg("x", None),
        msg("c", Some(3)),
        msg("y", None),
        msg("a", Some(1)),
        msg("b", Some(2)),
        msg("z", None),
    ]);
    assert_eq!(
        fresh
            .iter()
            .map(|m| m.message_id.as_str())
            .collect::<Vec<_>>(),
        ["a", "b", "c", "x", "y", "z"]
    );
}

#[test]
fn a_message_without_a_sequence_number_is_merged_once_by_id() {
    let mut m = LivechatSync::new();
    assert_eq!(m.merge(vec![msg("x", None)]).len(), 1);
    assert!(m.merge(vec![msg("x", None)]).is_empty());
    assert_eq!(m.last_sequence(), 0);
}

#[test]
fn polling_follows_the_sdk_cadence_backs_off_and_pauses() {
    let waiting = LivechatStatus::Waiting;
    let active = LivechatStatus::Active;
    assert_eq!(next_poll_delay_ms(&waiting, 0, true, true), Some(2_000));
    assert_eq!(next_poll_delay_ms(&active, 0, true, true), Some(3_000));
    let backoff: Vec<_> = (1..=7)
        .map(|f| next_poll_delay_ms(&active, f, true, true).unwrap())
        .collect();
    assert_eq!(
        backoff,
        [2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]
    );
    assert_eq!(
        next_poll_delay_ms(&active, 0, false, true),
        None,
        "page hidden"
    );
    assert_eq!(
        next_poll_delay_ms(&active, 0, true, false),
        None,
        "panel closed"
    );
    assert_eq!(
        next_poll_delay_ms(&LivechatStatus::Closed, 0, true, true),
        None
    );
    assert_eq!(
        next_poll_delay_ms(&LivechatStatus::Inactive, 0, true, true),
        None
    );
}

#[test]
fn a_second_session_starts_afresh_even_when_the_server_counts_from_the_start_again() {
    let mut m = LivechatSync::new();
    m.apply_state(state("active", 9, Some("alice")));
    assert_eq!(
        m.merge(vec![msg("a1", Some(11)), msg("a2", Some(12))])
            .len(),
        2
    );
    m.apply_state(state("closed", 10, None));
    // The next handover: session s2, version 1, sequence numbers from 1.
    let mut second = state("waiting", 1, None);
    second.livechat_session_id = Some("s2".into());
    assert_eq!(m.apply_state(second.clone()), StateChange::Status);
    assert_eq!(m.status(), LivechatStatus::Waiting);
    assert_eq!(
        m.last_sequence(),
        0,
        "asks from the start of the new session"
    );
    let fresh = m.merge(vec![msg("b1", Some(1)), msg("b2", Some(2))]);
    assert_eq!(fresh.len(), 2, "its messages are new");
    // Within the new session, versions order states again.
    let mut newer = state("active", 2, Some("bob"));
    newer.livechat_session_id = Some("s2".into());
    assert_eq!(m.apply_state(newer), StateChange::Status);
    assert_eq!(m.apply_state(second), StateChange::Stale);
    // Messages already seen stay seen.
    assert!(m.merge(vec![msg("b2", Some(2))]).is_empty());
}

#[test]
fn the_visitors_own_send_does_not_hide_the_agent_messages_before_it() {
    let mut m = LivechatSync::new();
    m.apply_state(state("active", 2, Some("bo")));
    // The send's answer (sequence 3) arrives before the first sync.
    m.mark_seen("v3");
    assert_eq!(m.last_sequence(), 0);
    let fresh = m.merge(vec![
        msg("j1", Some(1)),
        msg("a2", Some(2)),
        msg("v3", Some(3)),
    ]);
    let ids: Vec<&str> = fresh.iter().map(|x| x.message_id.as_str()).collect();
    assert_eq!(
        ids,
        ["j1", "a2"],
        "the agent's earlier messages show; the own one not twice"
    );
    assert_eq!(m.last_sequence(), 3, "and the next sync asks after it");
}
