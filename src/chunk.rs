//! The chat itself, in a wasm chunk of its own that is fetched on the intent to open it.
//!
//! With the `split` feature (the release build, see `scripts/split.mjs`), the functions behind
//! [`Extras`] and everything only they reach leave the main wasm: `wasm-split` moves them into a
//! chunk. The app every page view fetches keeps the launcher, teasers, branding and the page's
//! API; the chunk has the open panel's content, history, an assistant's turn (the send, the
//! answer's stream and its reducer), forms and the other parts, the rating, the header menu and
//! the livechat (its banner, follower, sends and handover). It is fetched once: on a pointer
//! over or focus on the launcher ([`prefetch`]), when a view first needs it ([`deferred`]) or
//! when a service does ([`ready`], [`then`]). Without the feature (tests, debug builds) the same
//! calls run in place, so every caller is written once, against the seam.
//!
//! A chunk hands out plain function pointers: a pointer made inside the chunk is an index into
//! the shared function table that the chunk fills when it is instantiated, so nothing in the
//! main wasm names the chunk's code. The seam sits beside the layers rather than in one: views
//! and services both call through it.

use std::future::Future;
use std::pin::Pin;

use crate::reactive::*;

use dialoge_api::livechat::LivechatStatus;

use crate::services::conversation::{Conversation, TurnOutcome};
use crate::services::livechat::Livechat;
use crate::services::Services;
use crate::state::conversation::Entry;
use crate::view::attachments::Attachments;
use crate::view::dom;
use web_sys::Element;

/// The entry points of the `extras` chunk.
#[derive(Clone, Copy)]
pub struct Extras {
    /// The open panel's content: header, banners, messages, status line and composer.
    pub panel: fn(Services, Attachments, &Element),
    /// A history page: the request and what it shows (see `Conversation::load_history`).
    pub history: fn(Conversation, Option<String>, bool),
    /// An assistant's turn for the visitor's message: the send, the answer's stream and its
    /// reducer. Only a visitor who writes needs it.
    pub turn: fn(Conversation, Entry) -> Turn,
    /// The branding preview's scripted answer (it streams like a turn).
    pub play_sample: fn(Conversation),
    /// OpenDialog's opening of the conversation (it streams like a turn).
    #[cfg(feature = "opendialog")]
    pub greet: fn(Conversation),
    /// A livechat session found on opening (waiting, active or closed): shown, and followed
    /// while open.
    pub live_resumed: fn(Livechat, LivechatStatus),
    /// What the follower in another tab learned (state, page, after).
    pub live_heard: fn(Livechat, String, String, u64),
    /// The visitor's message to the agent; the callback runs once it is through or failed.
    pub live_send: fn(Livechat, Entry, Then),
    /// A person took over during a turn: the message goes to them (callback as above).
    pub live_adopt: fn(Livechat, Entry, Then) -> Task,
    /// "Talk to a person" from the header.
    pub live_request: fn(Livechat),
}

/// What fetching the chunk needs of the widget: the mount's life (the fetch belongs to it) and
/// the language (for the host page's error event). Services, the conversation and the
/// livechat each can give it.
#[derive(Clone, Copy)]
pub struct Host {
    pub env: crate::services::Shared,
    pub ui: crate::services::ui::Ui,
}

impl From<Services> for Host {
    fn from(svc: Services) -> Host {
        svc.host()
    }
}

/// A turn in progress, as [`Extras::turn`] hands it out.
pub type Turn = Pin<Box<dyn Future<Output = TurnOutcome>>>;
/// Other work in progress that the caller awaits.
pub type Task = Pin<Box<dyn Future<Output = ()>>>;
/// What runs once a message is through (or failed): the messages held meanwhile go next.
pub type Then = Box<dyn FnOnce()>;
/// Work that waits for the chunk.
type Waiting = Box<dyn FnOnce(Extras)>;

/// The chunk could not be fetched (offline, or the server refused it). Not cached: the next
/// use tries again.
#[derive(Debug)]
pub struct LoadFailed;

#[cfg(feature = "split")]
impl From<wasm_split_helpers::SplitLoaderError> for LoadFailed {
    fn from(_: wasm_split_helpers::SplitLoaderError) -> Self {
        LoadFailed
    }
}

fn extras_table() -> Extras {
    Extras {
        panel: crate::view::shell::panel_view,
        history: crate::services::conversation::fetch_history,
        turn: crate::services::conversation::run_turn,
        play_sample: crate::services::conversation::play_sample,
        #[cfg(feature = "opendialog")]
        greet: crate::services::conversation::greet,
        live_resumed: crate::services::livechat::resumed,
        live_heard: crate::services::livechat::heard,
        live_send: crate::services::livechat::send,
        live_adopt: crate::services::livechat::adopt,
        live_request: crate::services::livechat::request,
    }
}

#[cfg(feature = "split")]
#[wasm_split_helpers::wasm_split(extras, wasm_split_path = ::wasm_split_helpers, fallible)]
fn load_extras() -> Result<Extras, LoadFailed> {
    Ok(extras_table())
}

#[cfg(not(feature = "split"))]
async fn load_extras() -> Result<Extras, LoadFailed> {
    Ok(extras_table())
}

/// Where the chunk is. One state for the whole page (the chunk is loaded once per page), read by
/// every view waiting for it: one success readies them all, one failure fails them all, and a
/// retry from any of them is one new attempt.
#[derive(Clone, Copy)]
enum Load {
    Idle,
    Loading,
    Ready(Extras),
    Failed,
}

thread_local! {
    static LOAD: RwSignal<Load> = unowned(|| RwSignal::new(Load::Idle));
    /// Work waiting for the chunk ([`then`]), run when it arrives, however many attempts that
    /// takes.
    static WAITING: std::cell::RefCell<Vec<Waiting>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The chunk has arrived: every view waiting on the state draws, and the waiting work runs.
fn arrived(x: Extras) {
    load_state().set(Load::Ready(x));
    let work = WAITING.with(|w| std::mem::take(&mut *w.borrow_mut()));
    for w in work {
        w(x);
    }
}

fn load_state() -> RwSignal<Load> {
    LOAD.with(|s| *s)
}

/// The chunk if it has arrived (then a view can render it at once, with no empty frame).
#[cfg(feature = "split")]
fn extras_now() -> Option<Extras> {
    match load_state().get_untracked() {
        Load::Ready(x) => Some(x),
        _ => None,
    }
}

/// Without the split the code is always here.
#[cfg(not(feature = "split"))]
fn extras_now() -> Option<Extras> {
    Some(extras_table())
}

/// Whether the chunk has arrived (tracked: a view drawing it can wait for it). Always, without
/// the split.
pub fn is_here() -> bool {
    cfg!(not(feature = "split")) || matches!(load_state().get(), Load::Ready(_))
}

/// Starts fetching the chunk unless it is here or on its way. The fetch belongs to the mount
/// (a reset of the conversation does not end it; destroy does). A failure is said to the host
/// page (`dialoge:error`, `where: "load"`) and left for the next use or a retry to try again.
fn start(host: Host) {
    let state = load_state();
    if matches!(state.get_untracked(), Load::Loading | Load::Ready(_)) {
        return;
    }
    let Some(env) = host.env.get() else {
        state.set(Load::Failed);
        return;
    };
    state.set(Load::Loading);
    env.life.spawn(async move {
        let mut pending = Pending(true);
        let got = load_extras().await;
        pending.0 = false;
        if got.is_err() {
            let t = host.ui.lang().get_untracked().t();
            crate::boot::events::HostEvent::Error {
                code: "chunk_unavailable",
                message: t.error_generic,
                retryable: true,
                place: crate::boot::events::Where::Load,
            }
            .emit();
        }
        match got {
            Ok(x) => arrived(x),
            Err(_) => load_state().set(Load::Failed),
        }
    });
}

/// Puts the state back to `Idle` when the fetching task is dropped before it settled (the mount
/// was destroyed midway), so the next mount starts a fetch instead of waiting for this one.
struct Pending(bool);

impl Drop for Pending {
    fn drop(&mut self) {
        if self.0 {
            load_state().set(Load::Idle);
        }
    }
}

/// Fetches the chunk ahead of need, once (a pointer over the launcher): it starts a fetch only
/// if none was tried yet (after a failure, an open, a send or a retry tries again).
pub fn prefetch(host: impl Into<Host>) {
    if matches!(load_state().get_untracked(), Load::Idle) {
        start(host.into());
    }
}

/// The chunk, fetched first if it is not here: a fetch already on its way is joined (the split
/// loader runs one attempt at a time for all its callers), and a failure is said to the host page
/// once, as for the views. For the services, whose work waits on it.
pub async fn ready(host: impl Into<Host>) -> Result<Extras, LoadFailed> {
    if let Some(x) = extras_now() {
        return Ok(x);
    }
    start(host.into());
    let got = load_extras().await;
    // This call may have made the attempt that worked (after the first one failed): the views
    // waiting on the shared state draw now too.
    if let Ok(x) = got {
        if extras_now().is_none() {
            arrived(x);
        }
    }
    got
}

/// Runs `work` with the chunk: at once if it is here, else once it has arrived, after a retry
/// if this fetch fails (a view's retry, the next send). Work of a conversation that has ended
/// by then (a reset) is dropped.
pub fn then(host: impl Into<Host>, work: impl FnOnce(Extras) + 'static) {
    if let Some(x) = extras_now() {
        work(x);
        return;
    }
    let host = host.into();
    let Some(life) = host.env.get().map(|env| env.conversation_life()) else {
        return;
    };
    WAITING.with(|w| {
        w.borrow_mut().push(Box::new(move |x| {
            if !life.is_over() {
                work(x);
            }
        }))
    });
    start(host);
}

/// What the chunk draws into a host element.
pub type Render = Box<dyn Fn(Extras, &Element)>;

/// What the chunk draws into `host` (the open panel's content): while the chunk is on its way, a
/// loading state (busy, with its words for screen readers); then what `render` draws; if the
/// fetch fails, an alert with a retry in its place.
pub fn deferred(host: &Element, render: Render) {
    if let Some(x) = extras_now() {
        render(x, host);
        return;
    }
    // Only a mounted widget gets here.
    let Some(svc) = crate::services::use_services() else {
        return;
    };
    start(svc.into());
    let state = load_state();
    let host_el = host.clone();
    dom::place(
        host,
        Box::new(move || {
            let key = match state.get() {
                Load::Ready(_) => "ready",
                Load::Failed => "failed",
                Load::Idle | Load::Loading => "busy",
            };
            Some(key.to_owned())
        }),
        Box::new(move |_: &str| match state.get_untracked() {
            // For good: drawn after the place's mark, under the place's owner.
            Load::Ready(x) => {
                render(x, &host_el);
                None
            }
            Load::Failed => failed(svc),
            Load::Idle | Load::Loading => busy(svc),
        }),
    );
}

/// The panel's loading state.
fn busy(svc: Services) -> Option<Element> {
    let div: Element =
        dom::el("div|class=dlg-panel-busy|data-testid=panel-busy|role=status|aria-busy=true")
            .into();
    crate::view::say(svc, &div, |t| t.loading);
    Some(div)
}

/// The chunk did not arrive: an alert with a retry.
fn failed(svc: Services) -> Option<Element> {
    let div: Element =
        dom::el("div|class=dlg-panel-busy|role=alert|data-testid=chunk-failed").into();
    let span: Element = dom::el("span|class=dlg-error").into();
    crate::view::say(svc, &span, |t| t.error_generic);
    dom::add(&div, &span);
    dom::text(&div, " ");
    let button: Element =
        dom::el("button|type=button|class=dlg-retry|data-testid=chunk-retry").into();
    crate::view::say(svc, &button, |t| t.retry);
    dom::add(&div, &button);
    dom::on(&button, "click", Box::new(move |_| start(svc.into())));
    Some(div)
}
