//! Code most visitors never run, in a wasm chunk of its own that is fetched when first needed.
//!
//! With the `split` feature (the release build, see `scripts/split.mjs`), the functions behind
//! [`Extras`] and everything only they reach (forms, upload and handover markers, products,
//! tables, the rating form and the header menu, with their view types) leave the main wasm:
//! `wasm-split` moves them into a chunk that [`extras`] fetches on first use, once, and that the
//! panel prefetches when it opens. Without the feature (tests, debug builds) the same calls run
//! in place, so every caller is written once, against the async seam.
//!
//! A chunk hands out plain function pointers: a pointer made inside the chunk is an index into
//! the shared function table that the chunk fills when it is instantiated, so nothing in the
//! main wasm names the chunk's code.

use std::cell::Cell;

use leptos::prelude::*;

use crate::services::Services;
use crate::state::live::LivePart;
use crate::view::menu::MenuState;

/// The entry points of the `extras` chunk.
#[derive(Clone, Copy)]
pub struct Extras {
    /// A part that asks for something: a form, an upload, a handover; products and tables.
    pub part: fn(LivePart) -> AnyView,
    /// The config's form shown before the first message.
    pub session_form: fn(String) -> AnyView,
    /// The quiet rating at the end of a conversation.
    pub quiet_rating: fn(Services) -> AnyView,
    /// The header menu's open list and its dialogs (rating, export, deletion).
    pub menu: fn(Services, RwSignal<MenuState>) -> AnyView,
    /// The livechat's banner, its waiting form and its feedback form.
    pub livechat: fn(Services) -> AnyView,
}

/// The chunk could not be fetched (offline, or the server refused it). Not cached: the next
/// use tries again.
#[derive(Debug)]
pub struct LoadFailed;

#[cfg(feature = "split")]
impl From<leptos::wasm_split::SplitLoaderError> for LoadFailed {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        LoadFailed
    }
}

fn extras_table() -> Extras {
    Extras {
        part: crate::view::parts::asking_part_view,
        session_form: crate::view::parts::forms::session_form_view,
        quiet_rating: crate::view::rating::quiet_rating_view,
        menu: crate::view::menu::menu_view,
        livechat: crate::view::livechat::livechat_view,
    }
}

#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(extras, wasm_split_path = ::leptos::wasm_split, fallible)]
fn load_extras() -> Result<Extras, LoadFailed> {
    Ok(extras_table())
}

#[cfg(not(feature = "split"))]
async fn load_extras() -> Result<Extras, LoadFailed> {
    Ok(extras_table())
}

thread_local! {
    static EXTRAS: Cell<Option<Extras>> = const { Cell::new(None) };
}

/// The chunk if it has arrived (then a view can render it at once, with no empty frame).
#[cfg(feature = "split")]
pub fn extras_now() -> Option<Extras> {
    EXTRAS.with(Cell::get)
}

/// Without the split the code is always here.
#[cfg(not(feature = "split"))]
pub fn extras_now() -> Option<Extras> {
    Some(extras_table())
}

/// The chunk, fetched on first use (concurrent callers share one fetch).
pub async fn extras() -> Result<Extras, LoadFailed> {
    if let Some(x) = extras_now() {
        return Ok(x);
    }
    let x = load_extras().await?;
    EXTRAS.with(|c| c.set(Some(x)));
    Ok(x)
}

/// Fetches the chunk ahead of need (the panel opened: the visitor is about to use it).
pub fn prefetch(svc: Services) {
    if extras_now().is_none() {
        svc.spawn(async {
            let _ = extras().await;
        });
    }
}

#[derive(Clone, Copy)]
enum Slot {
    Waiting,
    Ready(Extras),
    Failed,
}

/// A view drawn by the chunk: nothing while it is on its way (usually prefetched, so never
/// seen), then `render`'s view; if the fetch fails, a retry button in its place.
pub fn deferred(render: impl Fn(Extras) -> AnyView + Send + Sync + 'static) -> AnyView {
    if let Some(x) = extras_now() {
        return render(x);
    }
    // Only a mounted widget gets here (a part rendered alone has no chunk to wait for).
    let Some(svc) = crate::services::use_services() else {
        return ().into_any();
    };
    let slot = RwSignal::new(Slot::Waiting);
    let fetch = move || {
        svc.spawn(async move {
            let got = extras().await;
            slot.try_set(got.map_or(Slot::Failed, Slot::Ready));
        })
    };
    fetch();
    let t = move || svc.ui.lang().get().t();
    let retry = move |_| {
        slot.set(Slot::Waiting);
        fetch();
    };
    (move || match slot.get() {
        Slot::Ready(x) => render(x),
        Slot::Waiting => ().into_any(),
        Slot::Failed => view! {
            <span role="alert" data-testid="chunk-failed">
                <span class="dlg-error">{move || t().error_generic}</span>
                " "
                <button type="button" class="dlg-retry" data-testid="chunk-retry" on:click=retry>
                    {move || t().retry}
                </button>
            </span>
        }
        .into_any(),
    })
    .into_any()
}
