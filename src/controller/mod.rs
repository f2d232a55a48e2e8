//! The controller: the one place where the view's intents (send, retry, stop, open…) meet
//! transport and state. It runs the async work so that state never awaits and the view never
//! fetches. Shared with components through Leptos context as a `Copy` handle.

mod actions;
pub mod branding;
pub mod livechat;
pub mod privacy;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use dialoge_api::config::Config;
use dialoge_api::history::HistoryPage;
use dialoge_api::send::{Context, OutgoingMessage, SendMessage};
use dialoge_api::stream::StreamErrorEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortController;

use crate::boot::events;
use crate::boot::options::Options;
use crate::i18n::Lang;
use crate::state::conversation::{Applied, Conversation, Entry, EntryState, Outgoing, TurnApplier};
use crate::transport::client::ApiClient;
use crate::transport::storage::Store;
use crate::transport::stream::{read_events, StreamEnd};
use crate::transport::timer::sleep;
use crate::transport::ApiError;
pub use actions::{MarkerState, RATING_DELAY_MS};

/// What the status line says.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Idle,
    Connecting,
    Thinking,
    /// Rate limited: trying again by itself in this many seconds.
    Waiting {
        seconds: u32,
    },
    /// Plain words for the visitor; `retry` names the visitor message to send again.
    Error {
        message: String,
        retry: Option<u64>,
    },
}

/// Non-`Send` pieces: the API client, storage, and the in-flight request's abort handle.
pub struct Inner {
    pub options: Options,
    pub api: ApiClient,
    pub store: Rc<Store>,
    pub inflight: RefCell<Option<AbortController>>,
    /// `Dialoge('setContext', {...})`: sent with every following message.
    pub context: RefCell<serde_json::Map<String, serde_json::Value>>,
    /// The livechat machine (pure; see `dialoge_api::livechat_sync`).
    pub livechat: RefCell<dialoge_api::livechat_sync::LivechatSync>,
    /// A livechat follower task is running.
    pub livechat_running: std::cell::Cell<bool>,
    /// The widget was destroyed: background loops stop.
    pub destroyed: std::cell::Cell<bool>,
    /// Visitor typing announcements (see `livechat_typing`).
    pub typing_generation: std::cell::Cell<u32>,
    pub typing_sent_at: std::cell::Cell<f64>,
    /// Config and history have been asked for (once per mount).
    pub started: std::cell::Cell<bool>,
}

/// The widget's shared handle: signals plus the non-`Send` inner part.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub open: RwSignal<bool>,
    pub launcher_visible: RwSignal<bool>,
    pub unread: RwSignal<u32>,
    pub lang: RwSignal<Lang>,
    pub status: RwSignal<Status>,
    pub busy: RwSignal<bool>,
    pub draft: RwSignal<String>,
    pub config: RwSignal<Option<Arc<Config>>>,
    pub branding: branding::Branding,
    pub convo: Conversation,
    /// A history page is on its way (sends wait for the first one, so nothing is duplicated).
    pub history_loading: RwSignal<bool>,
    /// Where the next older history page starts; `None` when there is none.
    pub history_cursor: RwSignal<Option<String>>,
    /// The livechat banner's signals.
    pub livechat: livechat::LivechatView,
    pub markers: MarkerState,
    inner: StoredValue<Rc<Inner>, LocalStorage>,
}

/// The controller from context (`None` outside a mounted widget, e.g. in isolated tests).
pub fn use_ctx() -> Option<Ctx> {
    use_context::<Ctx>()
}

const DRAFT_KEY: &str = "draft";
/// Messages per history page.
const HISTORY_PAGE: u32 = 20;
/// How many times a 429 is waited out before it is shown as an error.
const MAX_RATE_LIMIT_WAITS: u32 = 3;

impl Ctx {
    pub fn new(options: Options, store: Rc<Store>, api: ApiClient) -> Ctx {
        let lang = Lang::pick([
            options.language.as_deref(),
            web_sys::window()
                .and_then(|w| w.navigator().language())
                .as_deref(),
        ]);
        let draft = store.get(DRAFT_KEY).unwrap_or_default();
        Ctx {
            open: RwSignal::new(options.open),
            launcher_visible: RwSignal::new(!options.hidden),
            unread: RwSignal::new(0),
            lang: RwSignal::new(lang),
            status: RwSignal::new(Status::Idle),
            busy: RwSignal::new(false),
            draft: RwSignal::new(draft),
            config: RwSignal::new(None),
            branding: branding::Branding::new(),
            convo: Conversation::new(),
            history_loading: RwSignal::new(false),
            history_cursor: RwSignal::new(None),
            livechat: livechat::LivechatView::default(),
            markers: MarkerState::new(&store),
            inner: StoredValue::new_local(Rc::new(Inner {
                options,
                api,
                store,
                inflight: RefCell::new(None),
                started: std::cell::Cell::new(false),
                livechat: RefCell::new(Default::default()),
                livechat_running: std::cell::Cell::new(false),
                destroyed: std::cell::Cell::new(false),
                typing_generation: std::cell::Cell::new(0),
                typing_sent_at: std::cell::Cell::new(0.0),
                context: RefCell::new(serde_json::Map::new()),
            })),
        }
    }

    pub(crate) fn inner(&self) -> Option<Rc<Inner>> {
        self.inner.try_get_value()
    }

    /// The API base, for resolving host-less URLs.
    pub fn api_base(&self) -> String {
        self.inner()
            .map(|i| i.api.base().to_owned())
            .unwrap_or_default()
    }

    /// Launcher in the left corner (`data-position="left"`).
    pub fn is_left(&self) -> bool {
        self.inner()
            .is_some_and(|i| i.options.position == crate::boot::options::Position::Left)
    }

    /// BCP 47 tag of the UI language (for `Intl`).
    pub fn lang_tag(&self) -> &'static str {
        match self.lang.get_untracked() {
            Lang::En => "en",
            Lang::Da => "da",
        }
    }

    /// The bot's display name (config), for the header and the dialog's label.
    pub fn bot_name(&self) -> String {
        self.config
            .get()
            .map(|c| c.display.name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "Chat".to_owned())
    }

    /// Keeps the composer draft across reloads.
    pub fn set_draft(&self, text: String) {
        if let Some(inner) = self.inner() {
            if text.is_empty() {
                inner.store.remove(DRAFT_KEY);
            } else {
                inner.store.set(DRAFT_KEY, &text);
            }
        }
        self.draft.set(text);
    }

    pub fn set_open(&self, open: bool) {
        if self.open.get_untracked() == open {
            return;
        }
        self.open.set(open);
        if open {
            self.unread.set(0);
            self.ensure_started();
        }
        events::emit(if open { "open" } else { "close" }, &js_sys::Object::new());
    }

    /// First open: retry branding if the boot fetch failed (branding.rs), and load the
    /// conversation so far (history, a livechat to resume) when this visitor has one.
    fn ensure_started(&self) {
        self.fetch_config();
        let Some(inner) = self.inner() else { return };
        if inner.started.replace(true) || inner.options.preview {
            return;
        }
        if inner.api.has_token() {
            self.load_history(None);
            self.resume_livechat();
        }
    }

    /// Loads one page of history: the latest (`cursor` = `None`) or the one before `cursor`.
    pub fn load_history(&self, cursor: Option<String>) {
        let Some(inner) = self.inner() else { return };
        if self.history_loading.get_untracked() {
            return;
        }
        let ctx = *self;
        ctx.history_loading.set(true);
        spawn_local(async move {
            let path = match &cursor {
                None => format!("/messages?limit={HISTORY_PAGE}"),
                Some(c) => format!(
                    "/messages?limit={HISTORY_PAGE}&cursor={}",
                    String::from(js_sys::encode_uri_component(c))
                ),
            };
            match inner.api.get_json::<HistoryPage>(&path, None).await {
                Ok(page) => {
                    ctx.history_cursor.set(page.next_cursor.clone());
                    ctx.convo.prepend(&page.into_chronological());
                }
                // A failed history load loses nothing: the visitor can still write.
                Err(e) => log(&format!("history: {e}")),
            }
            ctx.history_loading.set(false);
        });
    }

    /// Loads the page before the oldest shown, if there is one (scrolled to the top).
    pub fn load_older(&self) {
        if let Some(cursor) = self.history_cursor.get_untracked() {
            self.load_history(Some(cursor));
        }
    }

    /// Sends the visitor's text as a new turn.
    pub fn send_text(&self, text: String) {
        let text = text.trim().to_owned();
        if text.is_empty() || self.busy.get_untracked() {
            return;
        }
        let outgoing = Outgoing {
            text,
            idempotency_key: new_idempotency_key(),
        };
        let entry = self.convo.push_user(outgoing);
        if self.livechat_active() {
            self.livechat_send(entry);
        } else {
            self.run_turn(entry);
        }
    }

    /// Sends a failed visitor message again, with the same idempotency key.
    pub fn retry(&self, key: u64) {
        if self.busy.get_untracked() {
            return;
        }
        let entry = self
            .convo
            .entries
            .with_untracked(|e| e.iter().find(|x| x.key == key).cloned());
        if let Some(entry) = entry {
            // A partial answer after it is replaced by the full (replayed) one.
            let later: Vec<u64> = self.convo.entries.with_untracked(|e| {
                e.iter()
                    .skip_while(|x| x.key != key)
                    .skip(1)
                    .filter(|x| x.outgoing.is_none())
                    .map(|x| x.key)
                    .collect()
            });
            if self.livechat_active() {
                self.livechat_send(entry);
                return;
            }
            for k in later {
                self.convo.remove(k);
            }
            self.run_turn(entry);
        }
    }

    /// The stop button: aborts the answer in flight.
    pub fn stop(&self) {
        if let Some(inner) = self.inner() {
            if let Some(ac) = inner.inflight.borrow_mut().take() {
                ac.abort();
            }
        }
    }

    fn run_turn(&self, entry: Entry) {
        let Some(inner) = self.inner() else { return };
        let Some(outgoing) = entry.outgoing.clone() else {
            return;
        };
        let Ok(ac) = AbortController::new() else {
            return;
        };
        let signal = ac.signal();
        if let Some(old) = inner.inflight.borrow_mut().replace(ac) {
            old.abort();
        }
        let ctx = *self;
        ctx.busy.set(true);
        ctx.status.set(Status::Connecting);
        entry.state.set(EntryState::Sending);
        spawn_local(async move {
            // The first history page goes first, so this turn is never shown twice.
            while ctx.history_loading.get_untracked() && !signal.aborted() {
                sleep(50, Some(&signal)).await;
            }
            let body = SendMessage {
                message: OutgoingMessage {
                    parts: ctx.outgoing_parts(entry.key, &outgoing.text),
                },
                context: page_context(&inner.context.borrow()),
            };
            let mut waits = 0;
            let result = loop {
                match inner
                    .api
                    .open_stream(&body, &outgoing.idempotency_key, &signal)
                    .await
                {
                    Ok(resp) => {
                        entry.state.set(EntryState::Sent);
                        let mut applier = TurnApplier::new(ctx.convo);
                        let end = read_events(&resp, |event| match applier.apply(event) {
                            Ok(applied) => ctx.on_applied(applied),
                            Err(why) => log(&format!("skipped a delta: {why}")),
                        })
                        .await;
                        break (end, applier.entry().cloned());
                    }
                    // 429: wait as long as the server asks (or back off), then try again
                    // with the same key; the visitor sees the countdown, not an error.
                    Err(ApiError::Http {
                        status: 429,
                        retry_after,
                        ..
                    }) if waits < MAX_RATE_LIMIT_WAITS => {
                        waits += 1;
                        let seconds = retry_after.unwrap_or(2 << waits).clamp(1, 60);
                        ctx.status.set(Status::Waiting { seconds });
                        sleep(seconds * 1000, Some(&signal)).await;
                        if signal.aborted() {
                            break (Err(ApiError::Aborted), None);
                        }
                        ctx.status.set(Status::Connecting);
                    }
                    Err(e) => break (Err(e), None),
                }
            };
            inner.inflight.borrow_mut().take();
            ctx.busy.set(false);
            ctx.finish_turn(&entry, result);
        });
    }

    fn on_applied(&self, applied: Applied) {
        match applied {
            Applied::Nothing => {}
            Applied::Processing => self.status.set(Status::Thinking),
            Applied::Content => {
                if matches!(
                    self.status.get_untracked(),
                    Status::Connecting | Status::Thinking
                ) {
                    // The answer itself now shows progress.
                    self.status.set(Status::Idle);
                }
            }
            Applied::Done(message, token) => {
                if let (Some(token), Some(inner)) = (token, self.inner()) {
                    inner.api.adopt(token);
                }
                self.status.set(Status::Idle);
                if !self.open.get_untracked() {
                    self.unread.update(|n| *n += 1);
                }
                events::emit_json("message", &*message);
            }
            Applied::Error(e) => self.show_stream_error(&e),
        }
    }

    fn finish_turn(&self, user: &Entry, result: (Result<StreamEnd, ApiError>, Option<Entry>)) {
        let t = self.lang.get_untracked().t();
        let (end, answer) = result;
        match end {
            Ok(StreamEnd::Terminal) => {}
            Ok(StreamEnd::Dropped) => {
                if let Some(a) = &answer {
                    a.state.set(EntryState::Incomplete);
                }
                user.state.set(EntryState::Failed);
                self.show_error("dropped", t.error_dropped.to_owned(), Some(user.key), true);
            }
            // A person has taken over: this message belongs to them.
            Err(ApiError::Http { status: 409, .. }) => self.adopt_livechat(user.clone()),
            Err(ApiError::Aborted) => {
                if let Some(a) = &answer {
                    a.state.set(EntryState::Incomplete);
                }
                self.status.set(Status::Idle);
            }
            Err(e) => {
                user.state.set(EntryState::Failed);
                let (message, retryable) = describe(&e, self.lang.get_untracked());
                self.show_error(
                    &error_code(&e),
                    message,
                    retryable.then_some(user.key),
                    retryable,
                );
            }
        }
    }

    /// The server says a livechat is active: follow it and send the message to the agent.
    fn adopt_livechat(&self, entry: Entry) {
        let Some(inner) = self.inner() else { return };
        let ctx = *self;
        ctx.status.set(Status::Idle);
        spawn_local(async move {
            let state = inner
                .api
                .get_json::<dialoge_api::livechat::LivechatState>("/livechat/state", None)
                .await;
            if let Ok(state) = state {
                ctx.apply_livechat_state(state);
            }
            ctx.follow_livechat();
            if ctx.livechat_active() {
                ctx.livechat_send(entry);
            } else {
                entry.state.set(EntryState::Failed);
                let t = ctx.lang.get_untracked().t();
                ctx.status.set(Status::Error {
                    message: t.error_generic.to_owned(),
                    retry: Some(entry.key),
                });
            }
        });
    }

    fn show_stream_error(&self, e: &StreamErrorEvent) {
        if e.code.as_str() == "livechat_active" {
            let last_user = self.convo.entries.with_untracked(|entries| {
                entries.iter().rev().find(|x| x.outgoing.is_some()).cloned()
            });
            if let Some(entry) = last_user {
                self.adopt_livechat(entry);
                return;
            }
        }
        let retry = if e.retryable {
            self.convo.entries.with_untracked(|entries| {
                entries
                    .iter()
                    .rev()
                    .find(|x| x.outgoing.is_some())
                    .map(|x| x.key)
            })
        } else {
            None
        };
        if let Some(k) = retry {
            self.convo.entries.with_untracked(|entries| {
                if let Some(u) = entries.iter().find(|x| x.key == k) {
                    u.state.set(EntryState::Failed);
                }
            });
        }
        let message = if e.message.is_empty() {
            self.lang.get_untracked().t().error_generic.to_owned()
        } else {
            e.message.clone()
        };
        self.show_error(e.code.as_str(), message, retry, e.retryable);
    }

    fn show_error(&self, code: &str, message: String, retry: Option<u64>, retryable: bool) {
        let detail = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&detail, &"code".into(), &code.into());
        let _ = js_sys::Reflect::set(&detail, &"message".into(), &message.as_str().into());
        let _ = js_sys::Reflect::set(&detail, &"retryable".into(), &retryable.into());
        events::emit("error", &detail);
        self.status.set(Status::Error { message, retry });
    }

    /// `product_click` to the host page.
    pub fn emit_product_click(&self, product_id: &str, url: &str) {
        let detail = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&detail, &"productId".into(), &product_id.into());
        let _ = js_sys::Reflect::set(&detail, &"url".into(), &url.into());
        events::emit("product_click", &detail);
    }

    /// `Dialoge('setContext', obj)`: replaces the context sent with the next messages.
    pub fn set_context(&self, value: &wasm_bindgen::JsValue) {
        let Some(inner) = self.inner() else { return };
        let parsed = js_sys::JSON::stringify(value)
            .ok()
            .and_then(|s| s.as_string())
            .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok());
        // Through `Value` (not straight into a `Map`): the text parser is then compiled once.
        match parsed {
            Some(serde_json::Value::Object(map)) => *inner.context.borrow_mut() = map,
            _ => log("setContext expects a plain object"),
        }
    }

    /// Aborts whatever is in flight (destroy).
    pub fn shutdown(&self) {
        if let Some(inner) = self.inner() {
            inner.destroyed.set(true);
        }
        self.stop();
        self.markers_shutdown();
    }

    /// `Dialoge('reset')`: forget this visitor and start a new conversation.
    pub fn reset(&self) {
        self.stop();
        self.markers_reset();
        if let Some(inner) = self.inner() {
            inner.livechat.borrow_mut().reset();
            inner.api.forget();
            inner.store.remove(DRAFT_KEY);
        }
        self.convo.clear();
        self.history_cursor.set(None);
        self.livechat.status.set(Default::default());
        self.livechat.agent.set(None);
        self.livechat.closed.set(None);
        self.livechat.feedback_pending.set(false);
        self.draft.set(String::new());
        self.status.set(Status::Idle);
    }
}

/// The `code` of the host page's `error` event: the envelope's code, or what went wrong.
fn error_code(e: &ApiError) -> String {
    match e {
        ApiError::Http { code, .. } => code.as_str().to_owned(),
        ApiError::Network(_) => "network".to_owned(),
        ApiError::Aborted => "aborted".to_owned(),
        ApiError::Protocol(_) => "protocol".to_owned(),
        ApiError::Handshake(_) => "handshake".to_owned(),
    }
}

/// Plain words for an API error, and whether trying again can help.
fn describe(e: &ApiError, lang: Lang) -> (String, bool) {
    let t = lang.t();
    match e {
        ApiError::Network(_) => (t.error_network.to_owned(), true),
        ApiError::Handshake(_) => (t.error_auth.to_owned(), true),
        ApiError::Http { status: 403, .. } => (t.error_unavailable.to_owned(), false),
        ApiError::Http { status: 404, .. } => (t.error_generic.to_owned(), false),
        ApiError::Http {
            status: 422,
            message,
            ..
        } => (message.clone(), false),
        ApiError::Http { status: 429, .. } => (t.error_rate_limited.to_owned(), true),
        ApiError::Http { status, .. } if *status >= 500 => (t.error_generic.to_owned(), true),
        ApiError::Http { status: 401, .. } => (t.error_auth.to_owned(), true),
        _ => (t.error_generic.to_owned(), true),
    }
}

/// The page the visitor is on now (read at send time, so single-page apps that change the URL
/// with `pushState` are followed without any hook), plus what the site set with `setContext`.
fn page_context(extra: &serde_json::Map<String, serde_json::Value>) -> Option<Context> {
    let mut extra = extra.clone();
    let href = web_sys::window().and_then(|w| w.location().href().ok());
    let page = match extra.remove("page") {
        Some(serde_json::Value::String(p)) => Some(p),
        _ => href,
    };
    Some(Context { page, extra })
}

/// A random UUID v4 from `crypto.getRandomValues` (works on plain-http pages too, where
/// `crypto.randomUUID` does not).
pub fn new_idempotency_key() -> String {
    let mut b = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.get_random_values_with_u8_array(&mut b).is_ok())
        .unwrap_or(false);
    if !filled {
        for x in b.iter_mut() {
            *x = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

pub(crate) fn log(msg: &str) {
    web_sys::console::warn_1(&format!("[dialoge] {msg}").into());
}
