//! Browser tests of the widget's reactive core (`reactive`): effects track what they read and
//! run again in one batch after writes, owners clean up what was made under them, values that
//! are gone say so, contexts are found up the tree.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use dialoge_widget::reactive::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn an_effect_runs_again_once_per_batch_of_writes_to_what_it_read() {
    let owner = Owner::new();
    let runs = Rc::new(Cell::new(0));
    let seen = Rc::new(RefCell::new(Vec::new()));
    let (a, b, unread) = owner.with(|| {
        let a = RwSignal::new(1);
        let b = RwSignal::new(10);
        let unread = RwSignal::new(0);
        let (runs, seen) = (runs.clone(), seen.clone());
        watch(Box::new(move || {
            runs.set(runs.get() + 1);
            seen.borrow_mut()
                .push(a.get() + b.get() + unread.get_untracked());
        }));
        (a, b, unread)
    });
    // `watch` runs at once.
    assert_eq!(runs.get(), 1);
    assert_eq!(*seen.borrow(), [11]);

    // Two writes, one run, after the batch.
    a.set(2);
    b.update(|b| *b += 10);
    assert_eq!(runs.get(), 1, "nothing runs before the batch");
    tick().await;
    assert_eq!(runs.get(), 2);
    assert_eq!(*seen.borrow(), [11, 22]);

    // A value read untracked wakes nothing.
    unread.set(5);
    tick().await;
    assert_eq!(runs.get(), 2);

    // Cleaning the owner up stops the effect and frees its signals.
    owner.cleanup();
    assert_eq!(a.try_get_untracked(), None);
    a.set(3);
    tick().await;
    assert_eq!(runs.get(), 2);
}

#[wasm_bindgen_test]
async fn an_effect_follows_what_its_latest_run_read() {
    let owner = Owner::new();
    let runs = Rc::new(Cell::new(0));
    let (which, a, b) = owner.with(|| {
        let which = RwSignal::new(true);
        let a = RwSignal::new(0);
        let b = RwSignal::new(0);
        let runs = runs.clone();
        watch(Box::new(move || {
            runs.set(runs.get() + 1);
            if which.get() {
                a.track();
            } else {
                b.track();
            }
        }));
        (which, a, b)
    });
    b.set(1);
    tick().await;
    assert_eq!(runs.get(), 1, "b was not read");
    which.set(false);
    tick().await;
    assert_eq!(runs.get(), 2);
    a.set(1);
    tick().await;
    assert_eq!(runs.get(), 2, "a is not read any more");
    b.set(2);
    tick().await;
    assert_eq!(runs.get(), 3);
    drop(owner);
}

#[wasm_bindgen_test]
async fn a_deferred_effect_first_runs_after_the_current_work() {
    let owner = Owner::new();
    let runs = Rc::new(Cell::new(0));
    let s = owner.with(|| {
        let s = RwSignal::new(0);
        let runs = runs.clone();
        effect(Box::new(move || {
            s.track();
            runs.set(runs.get() + 1);
        }));
        s
    });
    assert_eq!(runs.get(), 0);
    tick().await;
    assert_eq!(runs.get(), 1);
    s.set(1);
    tick().await;
    assert_eq!(runs.get(), 2);
    drop(owner);
}

#[wasm_bindgen_test]
async fn what_a_run_made_is_cleaned_up_before_the_next_run_and_with_the_owner() {
    let owner = Owner::new();
    let cleaned = Rc::new(Cell::new(0));
    let inner: Rc<RefCell<Vec<RwSignal<u32>>>> = Rc::default();
    let s = owner.with(|| {
        let s = RwSignal::new(0u32);
        let (cleaned, inner) = (cleaned.clone(), inner.clone());
        watch(Box::new(move || {
            let n = s.get();
            inner.borrow_mut().push(RwSignal::new(n));
            let cleaned = cleaned.clone();
            on_cleanup(move || cleaned.set(cleaned.get() + 1));
        }));
        s
    });
    assert_eq!(cleaned.get(), 0);
    s.set(1);
    tick().await;
    assert_eq!(
        cleaned.get(),
        1,
        "the first run's cleanup ran before the second run"
    );
    let made = inner.borrow().clone();
    assert_eq!(
        made[0].try_get_untracked(),
        None,
        "the first run's signal is gone"
    );
    assert_eq!(made[1].try_get_untracked(), Some(1));
    // Dropping the last handle on the owner cleans it up as well.
    drop(owner);
    assert_eq!(cleaned.get(), 2);
    assert_eq!(made[1].try_get_untracked(), None);
    assert_eq!(
        s.try_set(5),
        Some(5),
        "a set on a value that is gone hands it back"
    );
}

#[wasm_bindgen_test]
async fn child_owners_go_with_their_parent_and_contexts_are_found_up_the_tree() {
    let parent = Owner::new();
    let child = parent.child();
    let stored = child.with(|| StoredValue::new(String::from("kept")));
    assert_eq!(stored.try_get_value().as_deref(), Some("kept"));
    parent.with(|| provide_context(42u32));
    let grandchild = child.child();
    assert_eq!(grandchild.with(use_context::<u32>), Some(42));
    assert_eq!(grandchild.with(use_context::<u64>), None, "by type");
    assert_eq!(use_context::<u32>(), None, "outside the tree");
    let weak = child.downgrade();
    drop(child);
    assert!(
        weak.upgrade().is_none(),
        "a child with no handle left is gone"
    );
    assert_eq!(stored.try_get_value(), None, "and what it held with it");
    // A value made with no owner stays.
    let kept = unowned(|| RwSignal::new(1));
    parent.cleanup();
    assert_eq!(kept.try_get_untracked(), Some(1));
}

#[wasm_bindgen_test]
async fn an_effect_that_ends_its_own_owner_stops_cleanly() {
    let holder = Rc::new(RefCell::new(None::<Owner>));
    let owner = Owner::new();
    holder.borrow_mut().replace(owner.clone());
    let runs = Rc::new(Cell::new(0));
    let s = unowned(|| RwSignal::new(0));
    owner.with(|| {
        let (holder, runs) = (holder.clone(), runs.clone());
        watch(Box::new(move || {
            runs.set(runs.get() + 1);
            if s.get() == 1 {
                // Ends the owner that holds this very effect, mid-run.
                if let Some(o) = holder.borrow_mut().take() {
                    o.cleanup();
                }
            }
        }));
    });
    drop(owner);
    s.set(1);
    tick().await;
    assert_eq!(runs.get(), 2);
    s.set(2);
    tick().await;
    assert_eq!(runs.get(), 2, "a stopped effect does not run again");
}

#[wasm_bindgen_test]
async fn a_signal_read_on_every_run_of_an_effect_woken_by_another_keeps_one_entry() {
    // An effect re-run 1,000 times by `ticks` that also reads `steady` (never written): after
    // the runs `steady` holds one subscription, and a write of it still wakes it exactly once.
    let owner = Owner::new();
    let runs = Rc::new(Cell::new(0));
    let (ticks, steady) = owner.with(|| {
        let ticks = RwSignal::new(0u32);
        let steady = RwSignal::new(0u32);
        let runs = runs.clone();
        watch(Box::new(move || {
            ticks.track();
            steady.track();
            steady.track();
            runs.set(runs.get() + 1);
        }));
        (ticks, steady)
    });
    for i in 1..=1000u32 {
        ticks.set(i);
        tick().await;
    }
    assert_eq!(runs.get(), 1001);
    assert_eq!(steady.readers(), 1, "one entry, not one per run");
    steady.set(1);
    tick().await;
    assert_eq!(runs.get(), 1002);
    drop(owner);
}
