//! Services: one owner per concern, each the only writer of its signals.
//!
//! | service | owns |
//! |---|---|
//! | [`ui::Ui`] | panel open, launcher shown, unread count, UI language |
//! | [`branding::Branding`] | the config, dark mode, popup teasers (and their timers) |
//! | [`conversation::Conversation`] | the transcript, the outbox (text, attachments and idempotency key of every visitor message not yet through), the status line, draft, history paging, `setContext` |
//! | [`livechat::Livechat`] | the livechat machine, banner state, the follower task |
//! | [`markers::Markers`] | answered markers, emitted custom markers, the rating offer |
//!
//! Components read services' read-only signals and call their intent methods; nothing else
//! writes a service's state. Work that spans services (sending routes to the assistant or to
//! a person; a reset clears them all) is an intent of [`Services`], which holds them all and is
//! what the view gets from context. Every async task runs on a [`Life`]: the mount's, or the
//! conversation's (which a reset replaces), so destroy and reset stop everything at once.

pub mod branding;
pub mod conversation;
pub mod livechat;
pub mod markers;
pub mod ui;

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use crate::reactive::*;
use dialoge_api::error::{ErrorCode, ErrorParam};
use dialoge_api::livechat::HandoverSource;
use dialoge_api::send::InputPart;

use crate::backend::{Backend, BackendError, Capabilities};
use crate::boot::events::HostEvent;
use crate::boot::options::Options;
use crate::life::Life;
use crate::transport::storage::Store;
use crate::transport::tabs::{Note, Tabs};

/// What every service shares: the boot options, storage, the backend and the lives.
pub struct Env {
    pub options: Options,
    pub store: Rc<Store>,
    pub backend: Backend,
    /// The mount's life: ends on destroy.
    pub life: Life,
    /// The conversation's life, a child of the mount's: ends (and is replaced) on reset.
    conversation: RefCell<Life>,
    /// The visitor's other tabs (`None` when tabs do not share a visitor).
    pub tabs: Option<Tabs>,
}

impl Env {
    /// The life of the current conversation.
    pub fn conversation_life(&self) -> Life {
        self.conversation.borrow().clone()
    }

    /// Tells the visitor's other tabs, when tabs share a visitor.
    pub fn tell_tabs(&self, note: &Note) {
        if let Some(tabs) = &self.tabs {
            tabs.post(note);
        }
    }

    /// Ends the conversation's work and starts a new life for the next one.
    fn renew_conversation(&self) {
        let fresh = self.life.child();
        let old = self.conversation.replace(fresh);
        old.end();
    }
}

/// The shared environment as a `Copy` handle; `None` once the mount is disposed.
#[derive(Clone, Copy)]
pub struct Shared(StoredValue<Rc<Env>>);

impl Shared {
    pub fn get(&self) -> Option<Rc<Env>> {
        self.0.try_get_value()
    }
}

/// How an async intent ended, in the view's terms (views never see transport errors).
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome<T> {
    Done(T),
    /// The service refused the input: field messages by the contract's dotted paths.
    Invalid {
        params: Vec<ErrorParam>,
        message: String,
    },
    /// Already done elsewhere (another tab, a retry).
    Conflict,
    /// Stopped (reset, destroy): nothing to show.
    Cancelled,
    Failed,
}

impl<T> Outcome<T> {
    /// The same outcome with its value changed.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Outcome<U> {
        match self {
            Outcome::Done(value) => Outcome::Done(f(value)),
            Outcome::Invalid { params, message } => Outcome::Invalid { params, message },
            Outcome::Conflict => Outcome::Conflict,
            Outcome::Cancelled => Outcome::Cancelled,
            Outcome::Failed => Outcome::Failed,
        }
    }

    pub(crate) fn from_result(result: Result<T, BackendError>) -> Outcome<T> {
        match result {
            Ok(value) => Outcome::Done(value),
            Err(e) => Outcome::from_error(e),
        }
    }

    pub(crate) fn from_error(e: BackendError) -> Outcome<T> {
        match e {
            BackendError::Aborted => Outcome::Cancelled,
            BackendError::Http {
                code: ErrorCode::Validation,
                params,
                message,
                ..
            } => Outcome::Invalid { params, message },
            BackendError::Http {
                code: ErrorCode::Conflict,
                ..
            } => Outcome::Conflict,
            _ => Outcome::Failed,
        }
    }
}

/// Every service of one mount.
#[derive(Clone, Copy)]
pub struct Services {
    pub ui: ui::Ui,
    pub branding: branding::Branding,
    pub conversation: conversation::Conversation,
    pub livechat: livechat::Livechat,
    pub markers: markers::Markers,
    env: Shared,
}

/// The services from context (`None` outside a mounted widget, e.g. a part tested alone).
pub fn use_services() -> Option<Services> {
    use_context::<Services>()
}

/// How long to wait before asking a safe request (a GET) again after `e`, on its `attempt`-th
/// failure: 1, 2, then 4 s for a passing failure (the network, a 5xx, a 409, a 429 still
/// limited after the transport's own waits); `None` when asking again cannot help (an abort, a
/// refusal) or after the third wait.
pub(crate) fn retry_delay(e: &BackendError, attempt: u32) -> Option<u32> {
    let passing = match e {
        BackendError::Network(_) => true,
        BackendError::Http { code, .. } => matches!(
            code,
            ErrorCode::Internal
                | ErrorCode::Conflict
                | ErrorCode::RateLimited
                | ErrorCode::Other(_)
        ),
        _ => false,
    };
    (passing && attempt < 3).then(|| 1000 << attempt)
}

/// Asks a safe request (a read) and, after a passing failure, again as [`retry_delay`] says.
pub(crate) async fn read_again<T, F>(mut ask: impl FnMut() -> F) -> Result<T, BackendError>
where
    F: Future<Output = Result<T, BackendError>>,
{
    let mut attempt = 0;
    loop {
        let result = ask().await;
        match result.as_ref().err().and_then(|e| retry_delay(e, attempt)) {
            Some(ms) => {
                attempt += 1;
                crate::life::sleep(ms).await;
            }
            None => return result,
        }
    }
}

/// Stored when the visitor asked for unread messages in the tab's title.
const TITLE_ALERTS_KEY: &str = "title_alerts";
/// What the loader paints on the next page (`view::look`).
const LOOK_KEY: &str = "look";
/// The unread count, kept across pages: the badge the loader paints is the app's too.
const UNREAD_KEY: &str = "unread";

pub(crate) fn log(msg: &str) {
    web_sys::console::warn_1(&format!("[dialoge] {msg}").into());
}

/// Logs that `what` failed and `why`: `[dialoge] what: why`. One formatting for the many such
/// lines (each `format!` at a call site costs its own arguments and pieces in the wasm).
pub(crate) fn log_failed(what: &str, why: &dyn std::fmt::Display) {
    web_sys::console::warn_1(&format!("[dialoge] {what}: {why}").into());
}

impl Services {
    /// Creates every service for `options`, owned by the current reactive owner. Nothing is
    /// fetched until [`Services::start`].
    pub fn new(options: Options) -> Services {
        let store = Rc::new(Store::new(options.storage, &options.chatbot_id));
        let backend = Backend::from_options(&options, store.clone());
        let life = Life::new();
        let conversation_life = life.child();
        let unread = store
            .get(UNREAD_KEY)
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let ui = ui::Ui::new(&options, store.get(TITLE_ALERTS_KEY).is_some(), unread);
        let tabs = Tabs::open(options.storage, &options.chatbot_id);
        let env = Shared(StoredValue::new_local(Rc::new(Env {
            options,
            store: store.clone(),
            backend,
            life,
            conversation: RefCell::new(conversation_life),
            tabs,
        })));
        // The owner going away (unmount, a test's owner) ends every task too. Cleanups run
        // before the owner's values are freed, so the environment is still there.
        on_cleanup(move || {
            if let Some(env) = env.get() {
                env.life.end();
            }
        });
        let branding = branding::Branding::new(env, ui);
        let conversation = conversation::Conversation::new(env, ui, &store);
        let livechat = livechat::Livechat::new(env, ui, conversation);
        let markers = markers::Markers::new(
            env,
            ui,
            &store,
            livechat,
            #[cfg(feature = "opendialog")]
            conversation,
        );
        Services {
            ui,
            branding,
            conversation,
            livechat,
            markers,
            env,
        }
    }

    /// A single-page shop's navigation: start prompts and teasers follow the new URL, and a
    /// `page` set with `setContext` gives way to it. Watched for as long as this mount lives
    /// (the history wrappers go with it).
    fn watch_navigation(&self) {
        let Some(env) = self.env.get() else { return };
        if env.options.is_preview() {
            return;
        }
        let this = *self;
        let Some(watch) = crate::transport::navigation::watch(move |url| {
            this.branding.navigated(url);
            this.conversation.navigated();
        }) else {
            return;
        };
        env.life.spawn(async move {
            let _watch = watch;
            std::future::pending::<()>().await;
        });
    }

    /// What the visitor's other tabs say, for as long as this mount lives.
    fn listen_to_tabs(&self) {
        let Some(env) = self.env.get() else { return };
        if env.tabs.is_none() {
            return;
        }
        let this = *self;
        env.life.clone().spawn(async move {
            while let Some(tabs) = env.tabs.as_ref() {
                match tabs.next().await {
                    Note::Turn => this.conversation.refresh(),
                    // Started over there: the same visitor starts over here (and tells no one).
                    Note::Reset => this.start_over(),
                    Note::Look => this.livechat.someone_looks(),
                    Note::Live { state, page, after } => {
                        this.livechat.heard_from_follower(&state, &page, after)
                    }
                }
            }
        });
    }

    /// Boot: cached branding first (the launcher's colours before the network answers), then
    /// fresh branding, and the panel opened if the site asked for it.
    pub fn start(&self) {
        self.listen_to_tabs();
        self.watch_navigation();
        self.branding.restore();
        // A recent cached config stands for the real one until the chat is needed (opened,
        // written to): no token handshake on a page view where the visitor never chats.
        if !self.branding.cached_is_fresh() {
            self.branding.fetch();
        }
        #[cfg(feature = "preview")]
        if self.env.get().is_some_and(|e| e.options.is_preview()) {
            self.start_preview();
        }
        if self.ui.starts_open() {
            self.set_open(true);
        }
        if let Some(env) = self.env.get() {
            HostEvent::Ready {
                chatbot_id: &env.options.chatbot_id,
            }
            .emit();
        }
    }

    /// A preview plays its sample at once, open or not: a closed panel then shows the
    /// launcher's unread badge for the streamed answer, as a shopper would see it.
    #[cfg(feature = "preview")]
    fn start_preview(&self) {
        if self.conversation.begin() {
            self.resume_livechat();
        }
        self.play_sample();
    }

    /// The preview's sample answer (it streams like a turn).
    #[cfg(feature = "preview")]
    fn play_sample(&self) {
        self.conversation.play_sample();
    }

    /// `Dialoge('preview', config)` re-themes in place; `Dialoge('preview')` replays the
    /// sample's streamed answer. Only a widget booted as a preview takes either.
    #[cfg(feature = "preview")]
    pub fn preview(&self, config: Option<String>) {
        let Some(env) = self.env.get() else { return };
        if env.backend.preview().is_none() {
            log("'preview' needs a widget booted with preview: true");
            return;
        }
        match config {
            Some(text) => self.branding.preview(&text),
            None => self.play_sample(),
        }
    }

    /// `Dialoge('previewScene', name)`: the sample livechat's state (`none`, `waiting`,
    /// `active` with the agent typing, `closed` with feedback asked for).
    #[cfg(feature = "preview")]
    pub fn preview_scene(&self, name: &str) {
        let Some(env) = self.env.get() else { return };
        match env.backend.preview() {
            Some(p) if p.set_scene(name) => self.resume_livechat(),
            Some(_) => log(&format!(
                "previewScene: '{name}' is none of none, waiting, active, closed"
            )),
            None => log("'previewScene' needs a widget booted with preview: true"),
        }
    }

    /// Whether the visitor may attach files now: the backend takes them and the config allows
    /// them where the message goes (the assistant, or a person while one is chatting). Reactive:
    /// the paperclip comes and goes with it.
    pub fn uploads_allowed(&self) -> bool {
        let to_person =
            self.livechat.status().get() == dialoge_api::livechat::LivechatStatus::Active;
        self.capabilities().attachments && self.branding.uploads_enabled(to_person)
    }

    /// What this mount's backend can do.
    pub fn capabilities(&self) -> Capabilities {
        self.env
            .get()
            .map(|e| e.backend.capabilities())
            .unwrap_or(crate::backend::dialoge::CAPABILITIES)
    }

    /// `data-color-scheme`: `Some(dark)` when the page fixed it.
    /// A branding preview (no visitor, nothing remembered).
    pub fn is_preview(&self) -> bool {
        self.env.get().is_some_and(|e| e.options.is_preview())
    }

    /// Keeps the launcher's look (`view::look`) and the unread count for the next page.
    pub fn remember_look(&self, record: &str, unread: u32) {
        if let Some(env) = self.env.get() {
            env.store.set(LOOK_KEY, record);
            env.store.set(UNREAD_KEY, &unread.to_string());
        }
    }

    pub fn color_scheme(&self) -> Option<bool> {
        self.env.get().and_then(|e| e.options.color_scheme)
    }

    /// The base that host-less URLs in parts resolve against.
    pub fn api_base(&self) -> String {
        self.env
            .get()
            .map(|e| e.backend.base().to_owned())
            .unwrap_or_default()
    }

    /// On first open: a livechat session of this visitor's is shown and followed.
    fn resume_livechat(&self) {
        let livechat = self.livechat;
        self.spawn(async move {
            if let Some(status) = livechat.look_up().await {
                livechat.resumed(status);
            }
        });
    }

    /// Runs `work` in the current conversation: it ends with a reset or destroy.
    pub fn spawn(&self, work: impl Future<Output = ()> + 'static) {
        if let Some(env) = self.env.get() {
            env.conversation_life().spawn(work);
        }
    }

    /// Opens or closes the panel. The first open loads what this visitor had (history, a
    /// livechat to resume) and retries branding if the boot fetch failed.
    pub fn set_open(&self, open: bool) {
        if self.ui.set_open(open) && open {
            self.branding.fetch();
            if self.branding.banners().with_untracked(Option::is_none) {
                self.branding.fetch_banners();
            }
            if self.conversation.begin() {
                self.resume_livechat();
            }
            // OpenDialog opens the conversation with a greeting (it streams like a turn).
            #[cfg(feature = "opendialog")]
            self.conversation.greet();
        }
    }

    /// Sends the visitor's text (and attachments) as a new message: to the agent while a
    /// person is chatting, else as a turn of the assistant. `false` when nothing was sent
    /// (empty, or an answer is still arriving).
    pub fn send(&self, text: String, attachments: Vec<InputPart>) -> bool {
        let Some(entry) = self.conversation.push_visitor(text, attachments) else {
            return false;
        };
        if self.conversation.busy().get_untracked() {
            // An answer (or a send to the agent) is still on its way: this one goes after it,
            // shown at once, never dropped.
            self.conversation.hold(&entry);
        } else {
            self.deliver(entry);
        }
        true
    }

    /// Sends the messages held while an answer arrived, one after the other.
    fn send_held(&self) {
        if let Some(entry) = self.conversation.next_held() {
            self.deliver(entry);
        }
    }

    /// Sends a failed visitor message again, with the same idempotency key.
    pub fn retry(&self, key: u64) {
        if let Some(entry) = self
            .conversation
            .take_for_retry(key, self.livechat.active())
        {
            self.deliver(entry);
        }
    }

    fn deliver(&self, entry: crate::state::conversation::Entry) {
        let (conversation, livechat, this) = (self.conversation, self.livechat, *self);
        let to_agent = livechat.active();
        if to_agent {
            livechat.send(entry, move || this.send_held());
            return;
        }
        // Busy from now, not from when the task first runs: a second send in the same tick
        // (two `Dialoge('send')` calls) is held for this one instead of ending its request.
        conversation.set_busy(true);
        entry.set_state(crate::state::conversation::EntryState::Sending);
        self.spawn(async move {
            match conversation.turn(entry).await {
                // A person has the conversation: this message belongs to them.
                conversation::TurnOutcome::TakenOver(entry) => {
                    livechat.adopt(entry, move || this.send_held()).await
                }
                conversation::TurnOutcome::Over => this.send_held(),
            }
        });
    }

    /// The visitor's choice to see unread messages in the tab's title (kept across visits).
    pub fn set_title_alerts(&self, on: bool) {
        if let Some(env) = self.env.get() {
            if on {
                env.store.set(TITLE_ALERTS_KEY, "1");
            } else {
                env.store.remove(TITLE_ALERTS_KEY);
            }
        }
        self.ui.set_title_alerts(on);
    }

    /// "Talk to a person" from the header.
    pub fn request_human(&self) {
        self.livechat.request(HandoverSource::ManualButton);
    }

    /// `Dialoge('reset')` and "new conversation": forget this visitor, stop everything the
    /// conversation was doing, start fresh — in the visitor's other tabs too.
    pub fn reset(&self) {
        if let Some(env) = self.env.get() {
            env.tell_tabs(&Note::Reset);
        }
        // A person still waiting or chatting is told the visitor left: the session is closed
        // (with the old visitor's token) before the new conversation begins.
        if self.livechat.status().get_untracked().is_open() {
            if let Some(env) = self.env.get() {
                let this = *self;
                env.life.clone().spawn(async move {
                    this.livechat.close_now().await;
                    this.start_over();
                });
                return;
            }
        }
        self.start_over();
    }

    /// A reset in this tab only.
    fn start_over(&self) {
        if let Some(env) = self.env.get() {
            env.renew_conversation();
            env.backend.forget_visitor();
        }
        self.conversation.clear();
        self.livechat.clear();
        self.markers.clear();
        #[cfg(feature = "preview")]
        if self.env.get().is_some_and(|e| e.options.is_preview()) {
            self.start_preview();
        }
        // A service that opens conversations itself opens the new one at once.
        #[cfg(feature = "opendialog")]
        if self.ui.open().get_untracked() {
            self.conversation.greet();
        }
    }

    /// Thumbs up or down on one answer (backends with `message_feedback`).
    #[cfg(feature = "opendialog")]
    pub async fn rate_answer(&self, message_id: String, positive: bool) -> Outcome<()> {
        let Some(env) = self.env.get() else {
            return Outcome::Cancelled;
        };
        let signal = env.conversation_life().signal();
        Outcome::from_result(
            env.backend
                .answer_feedback(&message_id, positive, signal.as_ref())
                .await,
        )
    }

    /// The visitor followed a link in an answer (OpenDialog's `url_click`; nothing to show).
    #[cfg(feature = "opendialog")]
    pub fn link_followed(&self, url: String) {
        let Some(env) = self.env.get() else { return };
        self.spawn(async move {
            let signal = env.conversation_life().signal();
            if let Err(e) = env.backend.link_followed(&url, signal.as_ref()).await {
                log_failed("url_click", &e);
            }
        });
    }

    /// The header menu's items, as the backend (and its configuration) allows.
    pub fn menu(&self) -> crate::backend::Menu {
        self.env
            .get()
            .map(|env| env.backend.menu())
            .unwrap_or_default()
    }

    /// "End chat" (OpenDialog's button): the conversation ends and the panel closes; the next
    /// open starts a new one.
    #[cfg(feature = "opendialog")]
    pub fn end_chat(&self) {
        self.set_open(false);
        self.reset();
    }

    /// Whether this answer can be rated with thumbs.
    #[cfg(feature = "opendialog")]
    pub fn rates_answer(&self, message_id: &str) -> bool {
        self.env
            .get()
            .is_some_and(|env| env.backend.rates_answer(message_id))
    }

    /// Deletes the visitor's data on the server, then everything local (a fresh visitor next).
    pub async fn delete_data(&self) -> Outcome<()> {
        let Some(env) = self.env.get() else {
            return Outcome::Cancelled;
        };
        let signal = env.conversation_life().signal();
        let result = env.backend.delete(signal.as_ref()).await;
        match &result {
            Ok(()) => self.reset(),
            Err(e) => log_failed("delete", &e),
        }
        Outcome::from_result(result)
    }

    /// The visitor's data (or the transcript), saved through the browser's download.
    pub fn export_data(&self) {
        let Some(env) = self.env.get() else { return };
        let conversation = self.conversation;
        self.spawn(async move {
            let signal = env.conversation_life().signal();
            match env.backend.export(signal.as_ref()).await {
                Ok(file) => {
                    conversation.clear_error(None);
                    save(&file);
                }
                Err(BackendError::Aborted) => {}
                Err(e) => {
                    log_failed("export", &e);
                    conversation.report(&e, crate::boot::events::Where::Export, None);
                }
            }
        });
    }

    /// Ends every task and request of this mount (destroy, a second boot).
    pub fn shutdown(&self) {
        if let Some(env) = self.env.get() {
            env.life.end();
        }
    }
}

/// Saves a file through the browser's download (a failure is logged: there is nothing else to
/// do about it).
pub(crate) fn save(file: &crate::backend::Download) {
    if let Err(e) = download(file) {
        log(&format!("download: {}", crate::transport::js_text(&e)));
    }
}

/// A Blob URL on a temporary `<a download>`.
fn download(file: &crate::backend::Download) -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::JsCast;
    let (filename, text) = (file.filename.as_str(), file.body.as_str());
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(file.mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = crate::window().document().ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    a.set_href(&url);
    a.set_download(filename);
    a.click();
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}
