//! One conditional for the whole widget.
//!
//! Leptos's `<Show>` is generic over its closures and views, so each use compiled into its own
//! copy of the memo and its branches. Here the closures are boxed and the views are `AnyView`,
//! so every conditional shares one memo; a call site only adds the closures it writes. The
//! behaviour is Leptos's own: a condition memoized so its view is built only when it flips.
//! (Keyed lists are `view::dom::list`: the transcript's lists never reorder, and Leptos's `<For>`
//! was about 6 KB of wasm for the one list left on it.)

use leptos::prelude::*;

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
