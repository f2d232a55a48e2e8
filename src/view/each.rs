//! One keyed list and one conditional for the whole widget.
//!
//! Leptos's `<For>` and `<Show>` are generic over their closures and views, so each use compiled
//! into its own copy of the keyed diff (about 6 KB of wasm per `<For>`) or of the memo and its
//! branches. Here the closures are boxed and the rows' views are `AnyView`, so every list shares
//! one `<For>` and every conditional one memo; a call site only adds the closures it writes.
//! The behaviour is Leptos's own: the same keyed diff, each row under its own owner, a
//! condition memoized so its view is built only when it flips.

use leptos::prelude::*;

/// One row of a keyed list: its key and how to draw it. `draw` runs only for a key that is new
/// to the list; a row whose key was there already keeps its DOM.
pub struct Row {
    key: u64,
    draw: Box<dyn FnOnce() -> AnyView + Send>,
}

impl Row {
    pub fn new(key: u64, draw: impl FnOnce() -> AnyView + Send + 'static) -> Row {
        Row {
            key,
            draw: Box::new(draw),
        }
    }
}

type Rows = Box<dyn Fn() -> Vec<Row> + Send + Sync>;

/// A keyed list: `rows` is read reactively; a row is drawn when its key appears, moved when it
/// moves and dropped (with its owner) when it goes.
pub fn keyed(rows: impl Fn() -> Vec<Row> + Send + Sync + 'static) -> AnyView {
    keyed_boxed(Box::new(rows))
}

fn keyed_boxed(rows: Rows) -> AnyView {
    view! { <For each=rows key=|r: &Row| r.key children=|r: Row| (r.draw)() /> }.into_any()
}

type When = Box<dyn Fn() -> bool + Send + Sync>;
type Draw = Box<dyn Fn() -> AnyView + Send + Sync>;

/// `children` while `when` holds (Leptos's `<Show>`).
pub fn show(
    when: impl Fn() -> bool + Send + Sync + 'static,
    children: impl Fn() -> AnyView + Send + Sync + 'static,
) -> AnyView {
    show_boxed(Box::new(when), Box::new(children), None)
}

/// `children` while `when` holds, else `fallback`.
pub fn show_or(
    when: impl Fn() -> bool + Send + Sync + 'static,
    children: impl Fn() -> AnyView + Send + Sync + 'static,
    fallback: impl Fn() -> AnyView + Send + Sync + 'static,
) -> AnyView {
    show_boxed(Box::new(when), Box::new(children), Some(Box::new(fallback)))
}

fn show_boxed(when: When, children: Draw, fallback: Option<Draw>) -> AnyView {
    // Memoized, so the view is rebuilt only when the condition flips, not whenever a signal
    // it reads changes.
    let when = Memo::new(move |_| when());
    (move || {
        if when.get() {
            Some(children())
        } else {
            fallback.as_ref().map(|f| f())
        }
    })
    .into_any()
}
