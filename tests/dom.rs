//! Browser tests of the plain-DOM helpers the messages and forms are built with (`view::dom`): the keyed
//! list keeps its host's children in step, and what a row made is cleaned up when the row goes
//! and when the list's owner goes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use dialoge_widget::reactive::*;
use dialoge_widget::view::dom;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn texts(host: &web_sys::Element) -> Vec<String> {
    let nodes = host.child_nodes();
    (0..nodes.length())
        .filter_map(|i| nodes.item(i))
        .map(|n| n.text_content().unwrap_or_default())
        .collect()
}

/// Mounting sets up the task executor, which effects run on.
fn start() {
    let body = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .body()
        .unwrap();
    dom::mount(&body, || None);
}

#[wasm_bindgen_test]
async fn a_list_appends_replaces_and_truncates_and_cleans_up_its_rows() {
    start();
    let owner = Owner::new();
    let cleaned = Arc::new(AtomicUsize::new(0));
    let (host, keys) = owner.with(|| {
        let host: web_sys::Element = dom::el("div").into();
        let keys = RwSignal::new(vec![1u64, 2, 3]);
        let count = cleaned.clone();
        dom::list(
            &host,
            Box::new(move || keys.get()),
            Box::new(move |i| {
                let count = count.clone();
                on_cleanup(move || {
                    count.fetch_add(1, Ordering::SeqCst);
                });
                let key = keys.with_untracked(|k| k[i]);
                Some(dom::text_node(&format!("row {key}")))
            }),
        );
        (host, keys)
    });
    // Drawn at once, synchronously.
    assert_eq!(texts(&host), ["row 1", "row 2", "row 3"]);

    // Each change: the keys, then what the host shows and how many rows were cleaned up.
    let steps: [(&[u64], &[&str], usize, &str); 3] = [
        (
            &[1, 2, 3, 4],
            &["row 1", "row 2", "row 3", "row 4"],
            0,
            "appending draws the new row only",
        ),
        (
            &[1, 5, 3, 4],
            &["row 1", "row 5", "row 3", "row 4"],
            1,
            "the replaced row is cleaned up",
        ),
        (&[1], &["row 1"], 4, "rows past the end are cleaned up"),
    ];
    for (next, shown, gone, why) in steps {
        keys.set(next.to_vec());
        dialoge_widget::reactive::tick().await;
        assert_eq!(texts(&host), shown, "{why}");
        assert_eq!(cleaned.load(Ordering::SeqCst), gone, "{why}");
    }

    // The list lives in an effect its owner holds: letting the owner go must clean the last
    // row too (a strong handle from the list back to its owner would keep it alive for good).
    drop(owner);
    dialoge_widget::reactive::tick().await;
    assert_eq!(
        cleaned.load(Ordering::SeqCst),
        5,
        "the owner's end cleans up every row"
    );
}

#[wasm_bindgen_test]
async fn a_place_draws_on_a_flip_only_keeps_its_spot_and_cleans_up() {
    start();
    let owner = Owner::new();
    let drawn = Arc::new(AtomicUsize::new(0));
    let cleaned = Arc::new(AtomicUsize::new(0));
    let (host, value) = owner.with(|| {
        let host: web_sys::Element = dom::el("div").into();
        dom::text(&host, "before");
        // Shown while the value is odd; the value changes more often than that.
        let value = RwSignal::new(1u32);
        let (drawn, cleaned) = (drawn.clone(), cleaned.clone());
        dom::when(
            &host,
            Box::new(move || value.get() % 2 == 1),
            Box::new(move || {
                drawn.fetch_add(1, Ordering::SeqCst);
                let cleaned = cleaned.clone();
                on_cleanup(move || {
                    cleaned.fetch_add(1, Ordering::SeqCst);
                });
                let el = dom::el("b");
                dom::text(&el, "shown");
                Some(el.into())
            }),
        );
        dom::text(&host, "after");
        (host, value)
    });
    let shown = |host: &web_sys::Element| host.text_content().unwrap_or_default();
    assert_eq!(
        shown(&host),
        "beforeshownafter",
        "drawn at once, in its place"
    );

    // Each change: the value, then what the host shows, draws and clean-ups so far.
    let steps: [(u32, &str, usize, usize, &str); 4] = [
        (3, "beforeshownafter", 1, 0, "still shown: not redrawn"),
        (4, "beforeafter", 1, 1, "hidden: taken out and cleaned up"),
        (6, "beforeafter", 1, 1, "still hidden: nothing drawn"),
        (
            7,
            "beforeshownafter",
            2,
            1,
            "shown again, back in its place",
        ),
    ];
    for (next, text, draws, cleanups, why) in steps {
        value.set(next);
        dialoge_widget::reactive::tick().await;
        assert_eq!(shown(&host), text, "{why}");
        assert_eq!(drawn.load(Ordering::SeqCst), draws, "{why}");
        assert_eq!(cleaned.load(Ordering::SeqCst), cleanups, "{why}");
    }

    drop(owner);
    dialoge_widget::reactive::tick().await;
    assert_eq!(
        cleaned.load(Ordering::SeqCst),
        2,
        "the owner's end cleans up what is shown"
    );
}

#[wasm_bindgen_test]
async fn a_keyed_place_draws_again_only_when_its_key_changes() {
    start();
    let owner = Owner::new();
    let drawn = Arc::new(AtomicUsize::new(0));
    let cleaned = Arc::new(AtomicUsize::new(0));
    let (host, key, other) = owner.with(|| {
        let host: web_sys::Element = dom::el("div").into();
        dom::text(&host, "[");
        // The key, and a signal the key function also reads that does not change it.
        let key = RwSignal::new(Some("a"));
        let other = RwSignal::new(0u32);
        let (drawn, cleaned) = (drawn.clone(), cleaned.clone());
        dom::place(
            &host,
            Box::new(move || {
                other.track();
                key.get().map(str::to_owned)
            }),
            Box::new(move |key: &str| {
                drawn.fetch_add(1, Ordering::SeqCst);
                let cleaned = cleaned.clone();
                on_cleanup(move || {
                    cleaned.fetch_add(1, Ordering::SeqCst);
                });
                let el = dom::el("b");
                dom::text(&el, key);
                Some(el.into())
            }),
        );
        dom::text(&host, "]");
        (host, key, other)
    });
    let shown = |host: &web_sys::Element| host.text_content().unwrap_or_default();
    assert_eq!(shown(&host), "[a]", "drawn at once, in its place");

    other.set(1);
    dialoge_widget::reactive::tick().await;
    assert_eq!(
        (shown(&host).as_str(), drawn.load(Ordering::SeqCst)),
        ("[a]", 1),
        "same key: not redrawn"
    );

    key.set(Some("b"));
    dialoge_widget::reactive::tick().await;
    assert_eq!(
        shown(&host),
        "[b]",
        "a new key: drawn again in the same spot"
    );
    assert_eq!(
        (drawn.load(Ordering::SeqCst), cleaned.load(Ordering::SeqCst)),
        (2, 1)
    );

    key.set(None);
    dialoge_widget::reactive::tick().await;
    assert_eq!(shown(&host), "[]", "no key: nothing");
    assert_eq!(
        (drawn.load(Ordering::SeqCst), cleaned.load(Ordering::SeqCst)),
        (2, 2)
    );

    key.set(Some("c"));
    dialoge_widget::reactive::tick().await;
    drop(owner);
    dialoge_widget::reactive::tick().await;
    assert_eq!(
        cleaned.load(Ordering::SeqCst),
        3,
        "the owner's end cleans up what is shown"
    );
}

/// A step of a list test: the keys, what the host shows, draws and clean-ups so far, and why.
type ListStep = (
    &'static [u64],
    &'static [&'static str],
    usize,
    usize,
    &'static str,
);

#[wasm_bindgen_test]
async fn a_list_among_other_children_takes_rows_in_at_the_start_and_draws_only_new_ones() {
    start();
    let owner = Owner::new();
    let drawn = Arc::new(AtomicUsize::new(0));
    let cleaned = Arc::new(AtomicUsize::new(0));
    let (host, keys) = owner.with(|| {
        let host: web_sys::Element = dom::el("div").into();
        dom::text(&host, "intro");
        let end = dom::text_node("");
        host.append_child(&end).unwrap();
        dom::text(&host, "footer");
        let keys = RwSignal::new(vec![3u64, 4]);
        let (drawn, cleaned) = (drawn.clone(), cleaned.clone());
        dom::list_before(
            &host,
            Some(end),
            Box::new(move || keys.get()),
            Box::new(move |i| {
                drawn.fetch_add(1, Ordering::SeqCst);
                let cleaned = cleaned.clone();
                on_cleanup(move || {
                    cleaned.fetch_add(1, Ordering::SeqCst);
                });
                let key = keys.with_untracked(|k| k[i]);
                Some(dom::text_node(&format!("row {key}")))
            }),
        );
        (host, keys)
    });
    let shown = |host: &web_sys::Element| {
        let mut t = texts(host);
        t.retain(|s| !s.is_empty());
        t
    };
    assert_eq!(shown(&host), ["intro", "row 3", "row 4", "footer"]);

    // Each change: the keys, then what the host shows, draws and clean-ups so far.
    let steps: [ListStep; 4] = [
        (
            &[1, 2, 3, 4],
            &["intro", "row 1", "row 2", "row 3", "row 4", "footer"],
            4,
            0,
            "older rows go in above, drawing only themselves",
        ),
        (
            &[1, 2, 3, 4, 5],
            &[
                "intro", "row 1", "row 2", "row 3", "row 4", "row 5", "footer",
            ],
            5,
            0,
            "a new row at the end goes before what follows the list",
        ),
        (
            &[1, 3, 4, 5],
            &["intro", "row 1", "row 3", "row 4", "row 5", "footer"],
            5,
            1,
            "a row that went is removed alone",
        ),
        (
            &[],
            &["intro", "footer"],
            5,
            5,
            "an empty list leaves the other children",
        ),
    ];
    for (next, text, draws, cleanups, why) in steps {
        keys.set(next.to_vec());
        dialoge_widget::reactive::tick().await;
        assert_eq!(shown(&host), text, "{why}");
        assert_eq!(drawn.load(Ordering::SeqCst), draws, "{why}");
        assert_eq!(cleaned.load(Ordering::SeqCst), cleanups, "{why}");
    }
    drop(owner);
}

#[wasm_bindgen_test]
fn an_element_spec_sets_its_tag_and_fixed_attributes() {
    let el = dom::el("button|type=button|class=dlg-a dlg-b|disabled|aria-label=a=b");
    assert_eq!(el.tag_name(), "BUTTON");
    assert_eq!(el.get_attribute("type").as_deref(), Some("button"));
    // A value keeps its spaces, and everything after the first `=`.
    assert_eq!(el.get_attribute("class").as_deref(), Some("dlg-a dlg-b"));
    assert_eq!(el.get_attribute("aria-label").as_deref(), Some("a=b"));
    // A name alone is present with an empty value.
    assert_eq!(el.get_attribute("disabled").as_deref(), Some(""));
    assert_eq!(el.get_attribute_names().length(), 4);

    let with = dom::el_with("p|class=x", &[("id", "dyn|amic")]);
    assert_eq!(with.get_attribute("class").as_deref(), Some("x"));
    // Values given at run time are taken whole, `|` included.
    assert_eq!(with.get_attribute("id").as_deref(), Some("dyn|amic"));
}
