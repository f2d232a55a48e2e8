//! The sandbox's shared state: options, chatbot definitions, the in-memory store of visitors and
//! their conversations, the livechat store, the webhook event log, and the armed fault switches.
//!
//! Everything lives in memory and is lost on restart (visitor tokens survive a restart because the
//! signing key is fixed; their visitor simply starts with an empty history). Locks are plain
//! `std` mutexes held only for short, non-async sections, never across an `.await`, and never
//! two at once: a handler reads what it needs from one store, lets go, then takes the next.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use dialoge_api::actions::SessionValue;
use dialoge_api::message::{Message, Part, Role};
use dialoge_api::send::InputPart;
use tokio::sync::watch;

use crate::chatbot::{ChatbotDefinition, DefinitionError};
use crate::clock::Clock;
use crate::faults::FaultBoard;
use crate::livechat::LivechatStore;
use crate::options::SandboxOptions;
use crate::webhooks::{Inbox, WebhookStore};

/// Cheap to clone; every handler gets one.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    options: SandboxOptions,
    chatbots: HashMap<String, Arc<ChatbotDefinition>>,
    store: Mutex<Store>,
    faults: Mutex<FaultBoard>,
    livechat: Mutex<LivechatStore>,
    webhooks: Mutex<WebhookStore>,
    inbox: Mutex<Inbox>,
    /// The webhook client; `None` if it could not be built (deliveries then fail visibly).
    http: Option<reqwest::Client>,
    /// Set once the background tasks (sweep, auto agent) run, so a second `app()` adds none.
    background: AtomicBool,
}

impl AppState {
    /// Loads the chatbot definitions shipped with the crate and starts with an empty store.
    pub fn new(options: SandboxOptions) -> Result<Self, DefinitionError> {
        let chatbots = crate::chatbot::builtin()?
            .into_iter()
            .map(|definition| (definition.chatbot_id.clone(), Arc::new(definition)))
            .collect();
        Ok(Self(Arc::new(Inner {
            chatbots,
            store: Mutex::new(Store::default()),
            faults: Mutex::new(FaultBoard::default()),
            livechat: Mutex::new(LivechatStore::default()),
            webhooks: Mutex::new(WebhookStore::default()),
            inbox: Mutex::new(Inbox::default()),
            http: crate::webhooks::client(&options),
            background: AtomicBool::new(false),
            options,
        })))
    }

    /// The options this instance was started with.
    pub fn options(&self) -> &SandboxOptions {
        &self.0.options
    }

    /// The clock every timestamp and expiry check reads.
    pub fn clock(&self) -> &Clock {
        &self.0.options.clock
    }

    /// A chatbot's definition, if this sandbox serves it.
    pub fn chatbot(&self, chatbot_id: &str) -> Option<Arc<ChatbotDefinition>> {
        self.0.chatbots.get(chatbot_id).cloned()
    }

    /// The store. A panic while holding the lock (a bug) must not take every later request down
    /// with it, so a poisoned lock is used as it is.
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        self.0.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The fault switches.
    pub(crate) fn faults(&self) -> MutexGuard<'_, FaultBoard> {
        self.0.faults.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Livechat sessions, messages, attachments, settings and agent profiles.
    pub(crate) fn livechat(&self) -> MutexGuard<'_, LivechatStore> {
        self.0
            .livechat
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Webhook subscriptions and the event log.
    pub(crate) fn webhooks(&self) -> MutexGuard<'_, WebhookStore> {
        self.0
            .webhooks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// What the development webhook receiver has caught.
    pub(crate) fn inbox(&self) -> MutexGuard<'_, Inbox> {
        self.0.inbox.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The HTTP client webhooks are delivered with.
    pub(crate) fn http(&self) -> Option<&reqwest::Client> {
        self.0.http.as_ref()
    }

    /// `true` the first time only: whoever gets it starts the background tasks.
    pub(crate) fn claim_background(&self) -> bool {
        !self.0.background.swap(true, Ordering::SeqCst)
    }
}

/// All visitors, and the ids of deleted ones (their tokens get 401 forever).
#[derive(Default)]
pub(crate) struct Store {
    pub visitors: HashMap<String, Visitor>,
    pub deleted: HashSet<String>,
}

/// One visitor of one chatbot, with their single conversation.
pub(crate) struct Visitor {
    pub chatbot_id: String,
    pub created_at: String,
    /// Set by the first message; tokens bound to it are issued from then on.
    pub conversation_id: Option<String>,
    /// Oldest first. Only ever appended to, so history cursors (indexes) stay valid.
    pub messages: Vec<Message>,
    /// Source of `part_N` ids, unique within the conversation (actions address markers by them).
    pub next_part: u64,
    /// Idempotency records by key.
    pub turns: HashMap<String, Turn>,
    pub submissions: Vec<Submission>,
    pub ratings: Vec<Rating>,
    /// Session values by key (sorted, so `/session` is stable).
    pub values: BTreeMap<String, SessionValue>,
}

impl Visitor {
    pub fn new(chatbot_id: &str, created_at: String) -> Self {
        Self {
            chatbot_id: chatbot_id.to_owned(),
            created_at,
            conversation_id: None,
            messages: Vec::new(),
            next_part: 1,
            turns: HashMap::new(),
            submissions: Vec::new(),
            ratings: Vec::new(),
            values: BTreeMap::new(),
        }
    }

    /// A fresh part id.
    pub fn part_id(&mut self) -> String {
        let id = format!("part_{}", self.next_part);
        self.next_part += 1;
        id
    }

    /// Uploaded images and files: in the visitor's own messages and in submitted actions.
    pub fn attachment_count(&self) -> u64 {
        let in_messages = self
            .messages
            .iter()
            .filter(|message| message.role == Role::User)
            .flat_map(|message| &message.parts)
            .filter(|part| matches!(part, Part::Image(_) | Part::File(_)))
            .count() as u64;
        let in_actions: u64 = self.submissions.iter().map(|s| s.attachments).sum();
        in_messages + in_actions
    }
}

/// One visitor message and the reply it got, remembered under its `Idempotency-Key`.
pub(crate) struct Turn {
    pub created: SystemTime,
    /// What the visitor sent, kept so a failed turn can be generated again without a second
    /// user message.
    pub input: Vec<InputPart>,
    /// 1 for the first generation; a retry after a failed one counts up.
    pub attempt: u32,
    pub outcome: watch::Sender<TurnOutcome>,
}

/// Where a turn stands.
#[derive(Debug, Clone)]
pub(crate) enum TurnOutcome {
    /// Still streaming.
    Pending,
    /// Finished; replays send this message.
    Answered(Box<Message>),
    /// Generation failed; a retry with the same key generates again.
    Failed(dialoge_api::stream::StreamErrorEvent),
}

/// A stored answer to a marker (for export and for "already submitted").
#[derive(Debug, Clone)]
pub struct Submission {
    /// `sub_…`.
    pub submission_id: String,
    /// The marker answered.
    pub part_id: String,
    /// `contact_form`, `support_ticket` or `form_submission`.
    pub action_type: String,
    /// The form, for `form_submission`.
    pub form_id: Option<String>,
    /// Visible, validated values by key.
    pub values: BTreeMap<String, String>,
    /// File names of attachments (their bytes are counted, not kept).
    pub attachment_names: Vec<String>,
    /// How many attachments (for the deletion counts).
    pub attachments: u64,
    /// RFC 3339.
    pub created_at: String,
}

/// A stored `/rate` call.
#[derive(Debug, Clone)]
pub struct Rating {
    /// 1..=5.
    pub rating: u8,
    /// Free text.
    pub feedback: Option<String>,
    /// RFC 3339.
    pub created_at: String,
}
