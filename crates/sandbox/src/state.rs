//! State layer: [`AppState`], the owner of every store's lock, plus the options, the chatbot
//! definitions (the OpenDialog bot's too) and the webhook HTTP client. It sits above the stores
//! and below everything that handles a request or runs in the background.
//!
//! Everything lives in memory and is lost on restart (visitor tokens survive a restart because the
//! signing key is fixed; their visitor simply starts with an empty history). Locks are plain
//! `std` mutexes held only for short, non-async sections, never across an `.await`, and never
//! two at once: a handler reads what it needs from one store, lets go, then takes the next. This
//! module must never hold business rules: those are the stores' methods.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::extract::FromRef;
use dialoge_api::config::LivechatConfig;
use dialoge_api::livechat::LivechatSettings;

use crate::chatbot::{ChatbotDefinition, DefinitionError};
use crate::clock::{Clock, Timestamp};
use crate::error::BodyLimit;
use crate::opendialog::definition::OpenDialogDefinition;
use crate::options::SandboxOptions;
use crate::stores::faults::FaultBoard;
use crate::stores::livechat::{availability, LivechatStore};
use crate::stores::opendialog::OpenDialogStore;
use crate::stores::visitors::Store;
use crate::stores::webhooks::{Inbox, WebhookStore};

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
    /// The scripted OpenDialog bot and its scenarios.
    opendialog_definition: Arc<OpenDialogDefinition>,
    opendialog: Mutex<OpenDialogStore>,
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
        let opendialog_definition = OpenDialogDefinition::builtin()
            .map_err(|error| DefinitionError::new("opendialog.json", error.to_string()))?;
        let opendialog = OpenDialogStore::new(
            opendialog_definition
                .scenarios
                .iter()
                .map(|scenario| (scenario.scenario_id.clone(), scenario.security.clone())),
        );
        Ok(Self(Arc::new(Inner {
            chatbots,
            store: Mutex::new(Store::default()),
            faults: Mutex::new(FaultBoard::default()),
            livechat: Mutex::new(LivechatStore::default()),
            webhooks: Mutex::new(WebhookStore::default()),
            inbox: Mutex::new(Inbox::default()),
            opendialog_definition: Arc::new(opendialog_definition),
            opendialog: Mutex::new(opendialog),
            http: webhook_client(&options),
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

    /// The current time, from [`Self::clock`].
    pub fn now(&self) -> Timestamp {
        self.0.options.clock.now()
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

    /// The scripted OpenDialog bot (scenarios, configuration, replies).
    pub fn opendialog_definition(&self) -> &OpenDialogDefinition {
        &self.0.opendialog_definition
    }

    /// OpenDialog conversations and each scenario's security switches.
    pub(crate) fn opendialog(&self) -> MutexGuard<'_, OpenDialogStore> {
        self.0
            .opendialog
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The HTTP client webhooks are delivered with.
    pub(crate) fn http(&self) -> Option<&reqwest::Client> {
        self.0.http.as_ref()
    }

    /// A chatbot's livechat settings right now.
    pub(crate) fn livechat_settings(&self, chatbot_id: &str) -> LivechatSettings {
        self.livechat()
            .settings_for(chatbot_id, &self.0.options.livechat)
    }

    /// A chatbot's `livechat` block right now. `configured` means someone can answer: a webhook
    /// is set, the auto agent runs, or (development mode) the console is there.
    pub(crate) fn livechat_availability(&self, chatbot_id: &str) -> LivechatConfig {
        let settings = self.livechat_settings(chatbot_id);
        let options = &self.0.options;
        let configured =
            options.auto_agent || options.dev_mode || self.webhooks().config(chatbot_id).is_some();
        availability(&settings, self.now(), configured)
    }

    /// `true` the first time only: whoever gets it starts the background tasks.
    pub(crate) fn claim_background(&self) -> bool {
        !self.0.background.swap(true, Ordering::SeqCst)
    }
}

impl FromRef<AppState> for BodyLimit {
    fn from_ref(state: &AppState) -> Self {
        Self(state.options().body_limit_bytes)
    }
}

/// The client webhook deliveries use: no proxy (receivers are local), no redirects (a 3xx is a
/// failure, as with real webhook senders), the configured timeout.
fn webhook_client(options: &SandboxOptions) -> Option<reqwest::Client> {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(options.webhook_timeout)
        .user_agent("dialoge-sandbox-webhooks")
        .build()
        .ok()
}
