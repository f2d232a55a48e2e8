//! The backend seam: everything the widget needs from a chatbot service, in the widget's own
//! terms — config (branding), a turn that streams typed events, history pages, marker actions,
//! rating, the visitor's data, and livechat. The services call this and nothing below it.
//!
//! A backend also says what it can do ([`Capabilities`]); the UI shows only that. Two exist:
//! - [`dialoge`]: the Dialoge Chatbot API (token handshake through the site, SSE over fetch,
//!   livechat with held sync);
//! - [`preview`]: scripted and network-free, for the branding preview and tests.
//!
//! A second real backend plugs in as one more variant of [`Backend`] (and one more module):
//! each method's `match` then names it, so the compiler lists everything it must answer.
//! Every method takes the abort signal of the life it runs in (see `crate::life`).

pub mod dialoge;
#[cfg(feature = "opendialog")]
pub mod opendialog;
#[cfg(feature = "preview")]
pub mod preview;

use std::rc::Rc;

use dialoge_api::actions::{ActionRequest, ActionResponse, RateRequest};
use dialoge_api::config::Config;
use dialoge_api::history::HistoryPage;
use dialoge_api::livechat::{
    FeedbackRequest, HandoverRequest, LivechatMessages, LivechatSendResponse, LivechatSession,
    LivechatState, SyncResponse,
};
use dialoge_api::send::SendMessage;
use dialoge_api::stream::StreamEvent;
use web_sys::AbortSignal;

use crate::boot::options::Options;
use crate::transport::storage::Store;
pub use crate::transport::stream::StreamEnd as TurnEnd;
pub use crate::transport::ApiError as BackendError;

/// What a backend can do. The UI offers a feature only when its backend has it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capabilities {
    /// Answers arrive as a stream of deltas (else whole).
    pub streaming: bool,
    /// Marker parts (forms, upload prompts, handover offers) can be answered.
    pub markers: bool,
    /// A person can take over.
    pub livechat: bool,
    /// The visitor can attach files to a message.
    pub attachments: bool,
    /// The conversation can be rated.
    pub rating: bool,
    /// The visitor can download their data (or the transcript).
    pub export: bool,
    /// The visitor can delete their data.
    pub delete: bool,
    /// The visitor can rate single answers (thumbs up or down).
    pub message_feedback: bool,
    /// History names every message with the id the live answer had, so a newer page can be
    /// merged with what is shown (another tab's turns, the visitor's own message's id).
    pub stable_ids: bool,
}

/// One step of a turn, as the conversation sees it.
// Only a native build (`cargo clippy --workspace`) finds `Stream` too large: with wasm32's
// 4-byte pointers, the target the widget ships for, the variants are within the lint's limit.
#[cfg_attr(not(target_arch = "wasm32"), allow(clippy::large_enum_variant))]
pub enum TurnEvent {
    /// The service has the visitor's message (it will not be lost; a retry replays it).
    Accepted,
    /// A typed event of the answer.
    Stream(StreamEvent),
    /// The final message as the service wrote it, for the host page's `message` event (after
    /// the `done` event it belongs to).
    Final(wasm_bindgen::JsValue),
}

/// The service behind this mount.
pub enum Backend {
    Dialoge(dialoge::Dialoge),
    /// Scripted, for the branding preview (its own build: the `preview` feature).
    #[cfg(feature = "preview")]
    Preview(preview::Preview),
    /// OpenDialog's Chat API v3 (its own build: the `opendialog` feature).
    #[cfg(feature = "opendialog")]
    OpenDialog(Box<opendialog::OpenDialog>),
}

type Result<T> = std::result::Result<T, BackendError>;

/// What the header menu offers (beyond what the capabilities decide).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Menu {
    /// "New conversation".
    pub new_conversation: bool,
    /// "Download my data" (the transcript, on OpenDialog).
    pub download: bool,
    /// "End chat" (OpenDialog's button).
    pub end_chat: bool,
}

impl Default for Menu {
    fn default() -> Self {
        Menu {
            new_conversation: true,
            download: true,
            end_chat: false,
        }
    }
}

/// A file for the visitor to save.
pub struct Download {
    pub filename: String,
    pub mime: &'static str,
    pub body: String,
}

/// A typed answer and the same answer as the page's own JSON (the host page's events carry
/// messages as the service wrote them).
pub struct Raw<T> {
    pub value: T,
    pub json: wasm_bindgen::JsValue,
}

// The shipped Dialoge build has the one backend: the arms for "any other" cannot match there.
#[cfg_attr(
    not(any(feature = "preview", feature = "opendialog")),
    allow(unreachable_patterns, irrefutable_let_patterns)
)]
impl Backend {
    /// The backend the options ask for.
    pub fn from_options(options: &Options, store: Rc<Store>) -> Backend {
        #[cfg(feature = "preview")]
        if options.is_preview() {
            return Backend::Preview(preview::Preview::new(options.api_base.clone()));
        }
        #[cfg(feature = "opendialog")]
        if let crate::boot::options::BackendKind::OpenDialog { .. } = &options.backend {
            return Backend::OpenDialog(Box::new(opendialog::OpenDialog::new(options, store)));
        }
        Backend::Dialoge(dialoge::Dialoge::new(options, store))
    }

    pub fn capabilities(&self) -> Capabilities {
        match self {
            Backend::Dialoge(_) => dialoge::CAPABILITIES,
            #[cfg(feature = "preview")]
            Backend::Preview(_) => preview::CAPABILITIES,
            #[cfg(feature = "opendialog")]
            Backend::OpenDialog(_) => opendialog::CAPABILITIES,
        }
    }

    /// The base that host-less URLs in parts are resolved against.
    pub fn base(&self) -> &str {
        match self {
            Backend::Dialoge(d) => d.base(),
            #[cfg(feature = "preview")]
            Backend::Preview(p) => p.base(),
            #[cfg(feature = "opendialog")]
            Backend::OpenDialog(o) => o.base(),
        }
    }

    /// The scripted preview, when this mount is one.
    #[cfg(feature = "preview")]
    pub fn preview(&self) -> Option<&preview::Preview> {
        match self {
            Backend::Preview(p) => Some(p),
            _ => None,
        }
    }

    /// Whether a visitor from an earlier visit is known (so history is worth loading).
    pub fn knows_visitor(&self) -> bool {
        match self {
            Backend::Dialoge(d) => d.knows_visitor(),
            // The sample conversation is the preview's visitor.
            #[cfg(feature = "preview")]
            Backend::Preview(_) => true,
            #[cfg(feature = "opendialog")]
            Backend::OpenDialog(o) => o.knows_visitor(),
        }
    }

    /// Adopts a credential the service handed over mid-turn (`done.visitor_token`).
    pub fn adopt(&self, token: String) {
        if let Backend::Dialoge(d) = self {
            d.adopt(token);
        }
    }

    /// Forgets the visitor (reset, data deleted).
    pub fn forget_visitor(&self) {
        match self {
            Backend::Dialoge(d) => d.forget(),
            #[cfg(feature = "opendialog")]
            Backend::OpenDialog(o) => o.forget(),
            #[cfg(feature = "preview")]
            Backend::Preview(_) => {}
        }
    }

    /// The service's own opening of a conversation (OpenDialog's `chat_open`), answered like a
    /// turn; nothing when the service has none or the visitor is mid-conversation.
    #[cfg(feature = "opendialog")]
    pub async fn greeting(
        &self,
        signal: Option<&AbortSignal>,
        on_event: &mut dyn FnMut(TurnEvent),
    ) -> Result<()> {
        match self {
            Backend::OpenDialog(o) => o.greeting(signal, on_event).await,
            _ => Ok(()),
        }
    }

    /// Messages a marker action was answered with (OpenDialog answers forms with messages).
    #[cfg(feature = "opendialog")]
    pub fn take_replies(&self) -> Vec<dialoge_api::message::Message> {
        match self {
            Backend::OpenDialog(o) => o.take_replies(),
            _ => Vec::new(),
        }
    }

    /// The header menu's items: everything the capabilities allow, or what OpenDialog's
    /// configuration switches on.
    pub fn menu(&self) -> Menu {
        match self {
            #[cfg(feature = "opendialog")]
            Backend::OpenDialog(o) => o.menu(),
            _ => Menu {
                download: self.capabilities().export,
                ..Menu::default()
            },
        }
    }

    /// A link in an answer was followed.
    #[cfg(feature = "opendialog")]
    pub async fn link_followed(&self, url: &str, signal: Option<&AbortSignal>) -> Result<()> {
        match self {
            Backend::OpenDialog(o) => o.link_followed(url, signal).await,
            _ => Ok(()),
        }
    }

    /// Whether this answer can be rated with thumbs.
    #[cfg(feature = "opendialog")]
    pub fn rates_answer(&self, message_id: &str) -> bool {
        match self {
            Backend::OpenDialog(o) => o.rates_answer(message_id),
            _ => false,
        }
    }

    /// Thumbs up or down on one answer.
    #[cfg(feature = "opendialog")]
    pub async fn answer_feedback(
        &self,
        message_id: &str,
        positive: bool,
        signal: Option<&AbortSignal>,
    ) -> Result<()> {
        match self {
            Backend::OpenDialog(o) => o.answer_feedback(message_id, positive, signal).await,
            _ => Err(BackendError::Unsupported),
        }
    }

    /// The branding config, and its raw text (cached verbatim).
    pub async fn config(&self, signal: Option<&AbortSignal>) -> Result<(Config, String)> {
        match self {
            Backend::Dialoge(d) => d.config(signal).await,
            #[cfg(feature = "preview")]
            Backend::Preview(p) => p.config(),
            #[cfg(feature = "opendialog")]
            Backend::OpenDialog(o) => o.config(signal).await,
        }
    }

    /// Sends the visitor's message and reports the answer as it arrives. `key` makes a retry
    /// safe: the service replays the turn instead of answering twice.
    pub async fn send(
        &self,
        body: &SendMessage,
        key: &str,
        signal: Option<&AbortSignal>,
        on_event: &mut dyn FnMut(TurnEvent),
    ) -> Result<TurnEnd> {
        match self {
            Backend::Dialoge(d) => d.send(body, key, signal, on_event).await,
            #[cfg(feature = "preview")]
            Backend::Preview(p) => p.send(body, on_event).await,
            #[cfg(feature = "opendialog")]
            Backend::OpenDialog(o) => o.send(body, key, signal, on_event).await,
        }
    }

    /// One page of history: the latest, or the one before `cursor`.
    pub async fn history(
        &self,
        cursor: Option<&str>,
        signal: Option<&AbortSignal>,
    ) -> Result<HistoryPage> {
        match self {
            Backend::Dialoge(d) => d.history(cursor, signal).await,
            // Only the latest page: the sample is one page.
            #[cfg(feature = "preview")]
            Backend::Preview(p) if cursor.is_none() => p.history(),
            #[cfg(feature = "preview")]
            Backend::Preview(_) => Ok(HistoryPage {
                messages: Vec::new(),
                next_cursor: None,
            }),
            #[cfg(feature = "opendialog")]
            Backend::OpenDialog(o) => o.history(cursor, signal).await,
        }
    }

    /// Answers a marker (a form, a ticket).
    pub async fn action(
        &self,
        request: &ActionRequest,
        signal: Option<&AbortSignal>,
    ) -> Result<ActionResponse> {
        match self {
            Backend::Dialoge(d) => d.action(request, signal).await,
            #[cfg(feature = "preview")]
            Backend::Preview(_) => Ok(preview::action_response()),
            #[cfg(feature = "opendialog")]
            Backend::OpenDialog(o) => o.action(request, signal).await,
        }
    }

    /// Rates the conversation; `key` is the same for every try of one rating.
    pub async fn rate(
        &self,
        request: &RateRequest,
        key: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<()> {
        match self {
            Backend::Dialoge(d) => d.rate(request, key, signal).await,
            #[cfg(feature = "preview")]
            Backend::Preview(_) => Ok(()),
            #[cfg(feature = "opendialog")]
            Backend::OpenDialog(_) => Err(BackendError::Unsupported),
        }
    }

    /// A session form (`GET /forms/{id}`).
    pub async fn form(
        &self,
        form_id: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<dialoge_api::actions::FormDefinition> {
        match self {
            Backend::Dialoge(d) => d.form(form_id, signal).await,
            _ => Err(BackendError::Unsupported),
        }
    }

    /// What the visitor already told this session (`GET /session`).
    pub async fn session(
        &self,
        signal: Option<&AbortSignal>,
    ) -> Result<dialoge_api::actions::SessionValues> {
        match self {
            Backend::Dialoge(d) => d.session(signal).await,
            _ => Err(BackendError::Unsupported),
        }
    }

    /// Saves a session form's values (`PATCH /forms/{id}/values`, a partial update).
    pub async fn save_form(
        &self,
        form_id: &str,
        values: &dialoge_api::actions::PatchFormValues,
        signal: Option<&AbortSignal>,
    ) -> Result<dialoge_api::actions::SessionValues> {
        match self {
            Backend::Dialoge(d) => d.save_form(form_id, values, signal).await,
            _ => Err(BackendError::Unsupported),
        }
    }

    /// The banners for the page at `url` (a service without banners has none).
    pub async fn banners(
        &self,
        url: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<dialoge_api::actions::Banners> {
        match self {
            Backend::Dialoge(d) => d.banners(url, signal).await,
            _ => Ok(Default::default()),
        }
    }

    /// Everything stored about the visitor (or the transcript), as a file to save.
    pub async fn export(&self, signal: Option<&AbortSignal>) -> Result<Download> {
        match self {
            Backend::Dialoge(d) => d.export(signal).await,
            #[cfg(feature = "preview")]
            Backend::Preview(_) => Err(BackendError::Unsupported),
            #[cfg(feature = "opendialog")]
            Backend::OpenDialog(o) => o.export(signal).await,
        }
    }

    /// Deletes everything stored about the visitor.
    pub async fn delete(&self, signal: Option<&AbortSignal>) -> Result<()> {
        match self {
            Backend::Dialoge(d) => d.delete(signal).await,
            #[cfg(feature = "preview")]
            Backend::Preview(_) => Err(BackendError::Unsupported),
            #[cfg(feature = "opendialog")]
            Backend::OpenDialog(_) => Err(BackendError::Unsupported),
        }
    }

    /// Asks for a person.
    pub async fn handover(
        &self,
        request: &HandoverRequest,
        signal: Option<&AbortSignal>,
    ) -> Result<LivechatSession> {
        match self {
            Backend::Dialoge(d) => d.handover(request, signal).await,
            #[cfg(feature = "preview")]
            Backend::Preview(p) => p.handover(),
            #[cfg(feature = "opendialog")]
            Backend::OpenDialog(_) => Err(BackendError::Unsupported),
        }
    }

    /// The session's state, with its JSON as the service wrote it (handed to the visitor's
    /// other tabs; the preview has none to hand).
    pub async fn livechat_state(&self, signal: Option<&AbortSignal>) -> Result<Raw<LivechatState>> {
        match self {
            Backend::Dialoge(d) => d.livechat_state(signal).await,
            #[cfg(feature = "preview")]
            Backend::Preview(p) => p.livechat_state().map(|value| Raw {
                value,
                json: wasm_bindgen::JsValue::NULL,
            }),
            #[cfg(feature = "opendialog")]
            Backend::OpenDialog(_) => Err(BackendError::Unsupported),
        }
    }

    /// State and messages after `after`; with a `cursor` the service may hold the request
    /// up to `wait_ms` until something changes. `NotFound` when the service has no sync.
    pub async fn livechat_sync(
        &self,
        after: u64,
        cursor: Option<&str>,
        wait_ms: Option<u32>,
        signal: Option<&AbortSignal>,
    ) -> Result<Raw<SyncResponse>> {
        match self {
            Backend::Dialoge(d) => d.livechat_sync(after, cursor, wait_ms, signal).await,
            #[cfg(feature = "preview")]
            Backend::Preview(_) => Err(preview::Preview::no_sync()),
            #[cfg(feature = "opendialog")]
            Backend::OpenDialog(_) => Err(BackendError::Unsupported),
        }
    }

    pub async fn livechat_messages(
        &self,
        after: u64,
        signal: Option<&AbortSignal>,
    ) -> Result<Raw<LivechatMessages>> {
        match self {
            Backend::Dialoge(d) => d.livechat_messages(after, signal).await,
            #[cfg(feature = "preview")]
            Backend::Preview(p) => p.livechat_messages(after),
            #[cfg(feature = "opendialog")]
            Backend::OpenDialog(_) => Err(BackendError::Unsupported),
        }
    }

    /// A visitor's message to the agent; `key` is its outbox entry's idempotency key.
    pub async fn livechat_send(
        &self,
        body: &SendMessage,
        key: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<LivechatSendResponse> {
        match self {
            Backend::Dialoge(d) => d.livechat_send(body, key, signal).await,
            #[cfg(feature = "preview")]
            Backend::Preview(p) => p.livechat_send(body),
            #[cfg(feature = "opendialog")]
            Backend::OpenDialog(_) => Err(BackendError::Unsupported),
        }
    }

    pub async fn livechat_typing(&self, typing: bool, signal: Option<&AbortSignal>) -> Result<()> {
        match self {
            Backend::Dialoge(d) => d.livechat_typing(typing, signal).await,
            #[cfg(feature = "preview")]
            Backend::Preview(_) => Ok(()),
            #[cfg(feature = "opendialog")]
            Backend::OpenDialog(_) => Err(BackendError::Unsupported),
        }
    }

    pub async fn livechat_close(&self, signal: Option<&AbortSignal>) -> Result<()> {
        match self {
            Backend::Dialoge(d) => d.livechat_close(signal).await,
            #[cfg(feature = "preview")]
            Backend::Preview(p) => {
                p.livechat_close();
                Ok(())
            }
            #[cfg(feature = "opendialog")]
            Backend::OpenDialog(_) => Err(BackendError::Unsupported),
        }
    }

    pub async fn livechat_feedback(
        &self,
        request: &FeedbackRequest,
        signal: Option<&AbortSignal>,
    ) -> Result<()> {
        match self {
            Backend::Dialoge(d) => d.livechat_feedback(request, signal).await,
            #[cfg(feature = "preview")]
            Backend::Preview(p) => {
                p.livechat_feedback();
                Ok(())
            }
            #[cfg(feature = "opendialog")]
            Backend::OpenDialog(_) => Err(BackendError::Unsupported),
        }
    }
}
