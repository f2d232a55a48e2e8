//! The controller: the one place where the view's intents (send, retry, stop, open…) meet
//! transport and state. It runs the async work so that state never awaits and the view never
//! fetches. Shared with components through Leptos context as a `Copy` handle.

mod actions;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use dialoge_api::config::Config;
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
use crate::transport::ApiError;
pub use actions::{MarkerState, RATING_DELAY_MS};

/// What the status line says.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Idle,
    Connecting,
    Thinking,
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
    pub convo: Conversation,
    pub markers: MarkerState,
    inner: StoredValue<Rc<Inner>, LocalStorage>,
}

/// The controller from context (`None` outside a mounted widget, e.g. in isolated tests).
pub fn use_ctx() -> Option<Ctx> {
    use_context::<Ctx>()
}

const DRAFT_KEY: &str = "draft";

impl Ctx {
    pub fn new(options: Options, store: Rc<Store>, api: ApiClient) -> Ctx {
        let lang = Lang::pick([
            options.language.as_deref(),
            web_sys::window()
                .and_then(|w| w.navigator().language())
                .as_deref(),
        ]);
        let draft = store.get(DRAFT_KEY).unwrap_or_default();
        let ctx = Ctx {
            open: RwSignal::new(options.open),
            launcher_visible: RwSignal::new(!options.hidden),
            unread: RwSignal::new(0),
            lang: RwSignal::new(lang),
            status: RwSignal::new(Status::Idle),
            busy: RwSignal::new(false),
            draft: RwSignal::new(draft),
            config: RwSignal::new(None),
            convo: Conversation::new(),
            markers: MarkerState::new(&store),
            inner: StoredValue::new_local(Rc::new(Inner {
                options,
                api,
                store,
                inflight: RefCell::new(None),
            })),
        };
        ctx
    }

    fn inner(&self) -> Option<Rc<Inner>> {
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

    /// First open: fetch branding (and, in later work, history) once there is a reason to.
    fn ensure_started(&self) {
        let Some(inner) = self.inner() else { return };
        if self.config.get_untracked().is_some() || inner.options.preview {
            return;
        }
        let ctx = *self;
        spawn_local(async move {
            match inner.api.get_json::<Config>("/config", None).await {
                Ok(config) => ctx.config.set(Some(Arc::new(config))),
                Err(ApiError::Aborted) => {}
                // Branding is optional: the widget works with its defaults.
                Err(e) => log(&format!("config: {e}")),
            }
        });
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
        self.run_turn(entry);
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
            let body = SendMessage {
                message: OutgoingMessage {
                    parts: ctx.outgoing_parts(entry.key, &outgoing.text),
                },
                context: page_context(),
            };
            let result = match inner
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
                    (end, applier.entry().cloned())
                }
                Err(e) => (Err(e), None),
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
                self.show_error(t.error_dropped.to_owned(), Some(user.key), true);
            }
            Err(ApiError::Aborted) => {
                if let Some(a) = &answer {
                    a.state.set(EntryState::Incomplete);
                }
                self.status.set(Status::Idle);
            }
            Err(e) => {
                user.state.set(EntryState::Failed);
                let (message, retryable) = describe(&e, self.lang.get_untracked());
                self.show_error(message, retryable.then_some(user.key), retryable);
            }
        }
    }

    fn show_stream_error(&self, e: &StreamErrorEvent) {
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
        self.show_error(message, retry, e.retryable);
    }

    fn show_error(&self, message: String, retry: Option<u64>, retryable: bool) {
        let detail = js_sys::Object::new();
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

    /// Aborts whatever is in flight (destroy).
    pub fn shutdown(&self) {
        self.stop();
        self.markers_shutdown();
    }

    /// `Dialoge('reset')`: forget this visitor and start a new conversation.
    pub fn reset(&self) {
        self.stop();
        self.markers_reset();
        if let Some(inner) = self.inner() {
            inner.api.forget();
            inner.store.remove(DRAFT_KEY);
        }
        self.convo.clear();
        self.draft.set(String::new());
        self.status.set(Status::Idle);
    }
}

/// Plain words for an API error, and whether trying again can help.
fn describe(e: &ApiError, lang: Lang) -> (String, bool) {
    let t = lang.t();
    match e {
        ApiError::Network(_) => (t.error_network.to_owned(), true),
        ApiError::Handshake(_) => (t.error_auth.to_owned(), true),
        ApiError::Http { status: 403, .. } => (t.error_unavailable.to_owned(), false),
        ApiError::Http { status: 429, .. } => (t.error_rate_limited.to_owned(), true),
        ApiError::Http { status, .. } if *status >= 500 => (t.error_generic.to_owned(), true),
        ApiError::Http { status: 401, .. } => (t.error_auth.to_owned(), true),
        _ => (t.error_generic.to_owned(), true),
    }
}

fn page_context() -> Option<Context> {
    let href = web_sys::window()?.location().href().ok()?;
    Some(Context {
        page: Some(href),
        ..Default::default()
    })
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
