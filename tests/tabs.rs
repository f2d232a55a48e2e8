//! Browser tests of what several tabs of one visitor share: the channel between tabs, the one
//! follower's Web Lock, and merging another tab's turns into the transcript.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::Cell;
use std::rc::Rc;

use dialoge_api::message::{Message, Part, Role, TextPart};
use dialoge_widget::boot::options::StorageKind;
use dialoge_widget::life::sleep;
use dialoge_widget::reactive::*;
use dialoge_widget::state::conversation::Transcript;
use dialoge_widget::transport::tabs::{Note, Tabs};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn message(id: &str, role: Role, text: &str) -> Message {
    Message {
        message_id: id.to_owned(),
        role,
        agent: None,
        parts: vec![Part::Text(TextPart {
            part_id: None,
            text: text.to_owned(),
        })],
        created_at: String::new(),
        sequence_number: None,
    }
}

fn ids(t: &Transcript) -> Vec<Option<String>> {
    t.entries()
        .with_untracked(|e| e.iter().map(|x| x.message_id().get_untracked()).collect())
}

#[wasm_bindgen_test]
async fn another_tabs_turns_are_appended_once_after_what_is_shown() {
    let owner = Owner::new();
    let t = owner.with(Transcript::new);
    owner.with(|| {
        t.prepend(&[
            message("u1", Role::User, "first"),
            message("a1", Role::Assistant, "answer one"),
        ])
    });
    // This tab's own message, not named by the server yet, and one from another tab.
    owner.with(|| {
        t.push_user(&[Part::Text(TextPart {
            part_id: None,
            text: "mine".into(),
        })])
    });
    let page = [
        message("u1", Role::User, "first"),
        message("a1", Role::Assistant, "answer one"),
        message("u2", Role::User, "mine"),
        message("a2", Role::Assistant, "answer two"),
        message("u3", Role::User, "from the other tab"),
        message("a3", Role::Assistant, "answer three"),
    ];
    let added = owner.with(|| t.merge_newest(&page));
    assert_eq!(
        added, 3,
        "answer two, the other tab's message and its answer"
    );
    assert_eq!(
        ids(&t),
        ["u1", "a1", "u2", "a2", "u3", "a3"]
            .map(|s| Some(s.to_owned()))
            .to_vec(),
        "the own message got its id instead of a second entry"
    );
    // The same page again changes nothing.
    assert_eq!(owner.with(|| t.merge_newest(&page)), 0);
    assert_eq!(ids(&t).len(), 6);
}

#[wasm_bindgen_test]
async fn a_page_older_than_what_is_shown_adds_nothing() {
    let owner = Owner::new();
    let t = owner.with(Transcript::new);
    owner.with(|| {
        t.prepend(&[
            message("u1", Role::User, "first"),
            message("a1", Role::Assistant, "answer one"),
            message("u2", Role::User, "second"),
            message("a2", Role::Assistant, "answer two"),
        ])
    });
    let older = [
        message("u1", Role::User, "first"),
        message("a1", Role::Assistant, "answer one"),
    ];
    assert_eq!(owner.with(|| t.merge_newest(&older)), 0);
    assert_eq!(ids(&t).len(), 4);
}

#[wasm_bindgen_test]
async fn a_note_reaches_the_other_tab_and_not_the_sender() {
    let a = Tabs::open(StorageKind::Local, "tabs-test-note").expect("a channel");
    let b = Tabs::open(StorageKind::Local, "tabs-test-note").expect("a channel");
    let live = Note::Live {
        state: r#"{"status":"active"}"#.into(),
        page: r#"{"messages":[]}"#.into(),
        after: 17,
    };
    a.post(&live);
    a.post(&Note::Turn);
    assert_eq!(b.next().await, live);
    assert_eq!(b.next().await, Note::Turn);
    // The sender hears nothing of its own notes.
    b.post(&Note::Reset);
    assert_eq!(a.next().await, Note::Reset);
}

#[wasm_bindgen_test]
fn tabs_share_nothing_without_local_storage() {
    assert!(Tabs::open(StorageKind::Session, "tabs-test-none").is_none());
    assert!(Tabs::open(StorageKind::None, "tabs-test-none").is_none());
}

#[wasm_bindgen_test]
async fn one_follower_at_a_time_and_the_next_takes_over() {
    let a = Rc::new(Tabs::open(StorageKind::Local, "tabs-test-lock").expect("a channel"));
    let b = Rc::new(Tabs::open(StorageKind::Local, "tabs-test-lock").expect("a channel"));
    let first = a.follower_lock(None).await.expect("Web Locks in Chromium");
    let granted = Rc::new(Cell::new(false));
    let (flag, waiter) = (granted.clone(), b.clone());
    wasm_bindgen_futures::spawn_local(async move {
        let held = waiter.follower_lock(None).await;
        flag.set(held.is_some());
        drop(held);
    });
    sleep(100).await;
    assert!(
        !granted.get(),
        "the second waits while the first holds the lock"
    );
    drop(first);
    for _ in 0..50 {
        if granted.get() {
            break;
        }
        sleep(20).await;
    }
    assert!(granted.get(), "released: the second follows now");
}
