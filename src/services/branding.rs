//! Branding: the `/config` cached per chatbot (applied at mount, so a returning visitor's
//! launcher has its colours before the network answers), fetched again at boot and re-cached;
//! the UI language it may choose; the visitor's dark mode; and the popup-message teasers with
//! their delays.
//!
//! Config arrives here as data; turning it into CSS is the view's job (`view::theme`), which
//! validates every value. The fetch and the popup delays run on the mount's life.

use std::sync::Arc;

use crate::reactive::*;
use dialoge_api::actions::Banner;
use dialoge_api::config::{Config, PopupMessage};

use crate::state::Read;

use super::ui::Ui;
use super::{log_failed, Shared};
use crate::backend::BackendError;
use crate::boot::events::{HostEvent, Where};
use crate::boot::options::Options;
use crate::i18n::Lang;
use crate::life::{sleep, Life};
#[cfg(feature = "preview")]
use crate::transport::http::{self, HttpRequest};
use crate::transport::storage::Store;

/// The last `/config` answer, verbatim, per chatbot (the store's keys are per chatbot).
const CONFIG_KEY: &str = "config";
/// When `config` was cached (seconds since the epoch).
const CONFIG_AT_KEY: &str = "config_at";
/// How long a cached config stands for the real one at boot (ours): within it the widget
/// makes no request at all until the visitor opens or writes, so most page views of a shop
/// cost it no token handshake; past it the config is fetched at boot again.
const CONFIG_LIFETIME_S: u32 = 3600;
/// Popup-message ids the visitor dismissed, one per line.
const DISMISSED_KEY: &str = "popups_dismissed";
/// Banners the visitor closed, by id (one per line), remembered across pages and visits.
const BANNERS_DISMISSED_KEY: &str = "banners_dismissed";
/// Longest popup delay honoured (a day).
const MAX_DELAY_MS: f64 = 86_400_000.0;

#[derive(Clone, Copy, PartialEq)]
enum Fetch {
    Idle,
    Running,
    Done,
}

/// Config, dark mode and teasers.
#[derive(Clone, Copy)]
pub struct Branding {
    env: Shared,
    ui: Ui,
    config: RwSignal<Option<Arc<Config>>>,
    dark: RwSignal<bool>,
    popups: RwSignal<Vec<PopupMessage>>,
    /// The page's URL, for `url_pattern`s (a single-page shop changes it without a reload).
    page: RwSignal<String>,
    /// The banners of this page the visitor has not dismissed; `None` until asked for (the
    /// first open: a visitor who never opens the chat costs no request).
    banners: RwSignal<Option<Vec<Banner>>>,
    fetch: StoredValue<Fetch>,
    /// The popup delays of the current plan; replaced when the config changes.
    timers: StoredValue<Option<Life>>,
    /// `Date.now()` at mount: popup delays count from here when the loader did not say when it
    /// started (never from each config answer).
    mounted_at: f64,
}

/// The popup messages for `page_url` that the visitor has not dismissed.
pub fn popups_for<'a>(
    config: &'a Config,
    page_url: &'a str,
    dismissed: &'a [String],
) -> impl Iterator<Item = &'a PopupMessage> + 'a {
    config
        .popup_messages_for(page_url)
        .filter(move |p| !dismissed.contains(&p.id))
}

/// The page's URL, for `url_pattern`s.
pub fn page_url() -> String {
    crate::window().location().href().unwrap_or_default()
}

fn dismissed(store: &Store) -> Vec<String> {
    dismissed_in(store, DISMISSED_KEY)
}

/// Adds `id` to the dismissed list under `key` (once).
fn remember_dismissed(store: &Store, key: &str, id: &str) {
    let mut ids = dismissed_in(store, key);
    if !ids.iter().any(|d| d == id) {
        ids.push(id.to_owned());
        store.set(key, &ids.join("\n"));
    }
}

fn dismissed_in(store: &Store, key: &str) -> Vec<String> {
    store
        .get(key)
        .map(|s| s.lines().map(str::to_owned).collect())
        .unwrap_or_default()
}

impl Branding {
    pub(super) fn new(env: Shared, ui: Ui) -> Branding {
        Branding {
            env,
            ui,
            config: RwSignal::new(None),
            dark: RwSignal::new(false),
            popups: RwSignal::new(Vec::new()),
            page: RwSignal::new(page_url()),
            banners: RwSignal::new(None),
            fetch: StoredValue::new(Fetch::Idle),
            timers: StoredValue::new_local(None),
            mounted_at: js_sys::Date::now(),
        }
    }

    pub fn config(&self) -> Read<Option<Arc<Config>>> {
        Read::of(self.config)
    }

    /// The visitor's system prefers dark (kept live by `view::theme::use_theme`).
    pub fn dark(&self) -> Read<bool> {
        Read::of(self.dark)
    }

    /// Popup messages whose time has come (URL matches, not dismissed), oldest first.
    pub fn popups(&self) -> Read<Vec<PopupMessage>> {
        Read::of(self.popups)
    }

    /// The bot's display name (config), for the header and the dialog's label.
    pub fn bot_name(&self) -> String {
        self.config
            .get()
            .map(|c| c.display.name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "Chat".to_owned())
    }

    /// The colour scheme changed (`prefers-color-scheme`).
    pub fn set_dark(&self, dark: bool) {
        self.dark.try_set(dark);
    }

    /// At mount: the config an earlier visit cached, so the launcher is branded at once.
    pub fn restore(&self) {
        let Some(env) = self.env.get() else { return };
        // A preview shows the config it was given, never a shop visitor's cached one (and its
        // store is in memory only).
        #[cfg(feature = "preview")]
        if let (true, Some(text)) = (env.options.is_preview(), &env.options.preview_config) {
            self.preview(text);
            return;
        }
        let cached = env.store.get(CONFIG_KEY);
        if let Some(config) = cached.and_then(|s| dialoge_api::from_json::<Config>(&s).ok()) {
            self.apply(config);
        }
    }

    /// Is the cached config recent enough to stand for the real one until the chat is needed?
    pub fn cached_is_fresh(&self) -> bool {
        let Some(env) = self.env.get() else {
            return false;
        };
        if env.store.get(CONFIG_KEY).is_none() {
            return false;
        }
        let at: u32 = env
            .store
            .get(CONFIG_AT_KEY)
            .and_then(|t| t.parse().ok())
            .unwrap_or(0);
        now_s()
            .checked_sub(at)
            .is_some_and(|age| age < CONFIG_LIFETIME_S)
    }

    /// Fetches `/config`, applies it and caches it. Idempotent: a second call while one runs,
    /// or after one succeeded, does nothing; after a failure it tries again (the panel's open
    /// calls it too).
    pub fn fetch(&self) {
        let Some(env) = self.env.get() else { return };
        if self.fetch.try_get_value() != Some(Fetch::Idle) {
            return;
        }
        #[cfg(feature = "preview")]
        if env.options.is_preview() {
            // `data-config-url` is the one request a preview makes: the config itself.
            if let (None, Some(url)) = (&env.options.preview_config, &env.options.config_url) {
                self.fetch.set_value(Fetch::Running);
                let (this, url) = (*self, url.clone());
                env.life.clone().spawn(async move {
                    let signal = env.life.signal();
                    let mut req = HttpRequest::new("GET", &url);
                    req.signal = signal.as_ref();
                    let text = match http::send(req).await {
                        Ok(resp) => http::text(&resp).await,
                        Err(e) => Err(e),
                    };
                    this.fetch.set_value(Fetch::Done);
                    match text {
                        Ok(text) => this.preview(&text),
                        Err(e) => log_failed("data-config-url", &e),
                    }
                });
            }
            return;
        }
        self.fetch.set_value(Fetch::Running);
        let this = *self;
        env.life.clone().spawn(async move {
            let signal = env.life.signal();
            let result = env.backend.config(signal.as_ref()).await;
            // A refusal (403) is final: asking again on the next open would only repeat it.
            let settled = match &result {
                Ok(_) => true,
                Err(e) => e.is_forbidden(),
            };
            this.fetch
                .set_value(if settled { Fetch::Done } else { Fetch::Idle });
            match result {
                Ok((config, text)) => {
                    // Cache the answer verbatim: no serializer in the wasm just for this.
                    env.store.set(CONFIG_KEY, &text);
                    env.store.set(CONFIG_AT_KEY, &now_s().to_string());
                    this.apply(config);
                }
                Err(BackendError::Aborted) => {}
                // Branding is optional: the widget keeps its cached or default look. A 403
                // means this chat is not for this site or visitor: it says so calmly.
                Err(e) => {
                    log_failed("config", &e);
                    // Only a refusal is something the visitor sees (and the page hears);
                    // any other failure is retried on the next open, unseen.
                    if e.is_forbidden() {
                        this.ui.set_unavailable();
                        HostEvent::Error {
                            code: &super::conversation::error_code(&e),
                            message: this.ui.lang().get_untracked().t().error_unavailable,
                            retryable: false,
                            place: Where::Config,
                        }
                        .emit();
                    }
                }
            }
        });
    }

    /// A previewed config (`Dialoge('preview', config)`, the boot's `config`, or the file at
    /// `data-config-url`): applied in place, like a fresh `/config`. An OpenDialog
    /// `configuration` is mapped the way that backend maps it. A config that cannot be read is
    /// said in the console and changes nothing, so a half-typed edit never blanks the preview.
    #[cfg(feature = "preview")]
    pub fn preview(&self, text: &str) {
        #[cfg(feature = "opendialog")]
        if let Some(crate::boot::options::BackendKind::OpenDialog { .. }) =
            self.env.get().map(|env| env.options.backend.clone())
        {
            match crate::backend::opendialog::preview_config(text) {
                Ok(config) => self.apply(config),
                Err(e) => log_failed("preview", &e),
            }
            return;
        }
        // The same reader as the cached config in `restore`, so the wasm has one.
        match dialoge_api::from_json::<Config>(text) {
            Ok(config) => self.apply(config),
            Err(e) => log_failed("preview: not a config", &e),
        }
    }

    /// The page's URL now (reactive), for start prompts and teasers.
    pub fn page(&self) -> Read<String> {
        Read::of(self.page)
    }

    /// The shop moved to another URL without a reload: the teasers and banners of the new
    /// page apply.
    pub(super) fn navigated(&self, url: String) {
        self.page.set(url);
        let Some(env) = self.env.get() else { return };
        if let Some(config) = self.config.get_untracked() {
            self.schedule_popups(&config, &env.store, &env.life, &env.options);
        }
        if self.banners.with_untracked(Option::is_some) {
            self.fetch_banners();
        }
    }

    /// The banners to show (empty until fetched).
    pub fn banners(&self) -> Read<Option<Vec<Banner>>> {
        Read::of(self.banners)
    }

    /// Asks for this page's banners (on the first open, and again after a navigation). A
    /// failure shows none: banners are extras.
    pub(super) fn fetch_banners(&self) {
        let Some(env) = self.env.get() else { return };
        let this = *self;
        let url = self.page.get_untracked();
        env.life.clone().spawn(async move {
            let signal = env.life.signal();
            match env.backend.banners(&url, signal.as_ref()).await {
                Ok(list) => {
                    let gone = dismissed_in(&env.store, BANNERS_DISMISSED_KEY);
                    let shown = list
                        .banners
                        .into_iter()
                        .filter(|b| !gone.contains(&b.id))
                        .collect();
                    this.banners.set(Some(shown));
                }
                Err(e) => {
                    log_failed("banners", &e);
                    this.banners.set(Some(Vec::new()));
                }
            }
        });
    }

    /// A banner's close button: gone now, and on later pages and visits.
    pub fn dismiss_banner(&self, id: &str) {
        self.banners
            .update(|list| list.iter_mut().for_each(|l| l.retain(|b| b.id != id)));
        if let Some(env) = self.env.get() {
            remember_dismissed(&env.store, BANNERS_DISMISSED_KEY, id);
        }
    }

    /// Applies a config: language, teasers, and (through the view) the theme.
    pub fn apply(&self, config: Config) {
        let Some(env) = self.env.get() else { return };
        let browser = crate::window().navigator().language();
        self.ui.set_lang(Lang::choose(
            env.options.language.as_deref(),
            config.language.as_deref(),
            browser.as_deref(),
        ));
        self.schedule_popups(&config, &env.store, &env.life, &env.options);
        self.config.set(Some(Arc::new(config)));
    }

    /// (Re)plans the teasers for `config`: those already shown stay (with the new text), the
    /// rest appear once their delay, counted from page load, has passed.
    fn schedule_popups(&self, config: &Config, store: &Store, life: &Life, options: &Options) {
        let preview = options.is_preview();
        let timers = life.child();
        if let Some(Some(old)) = self.timers.try_update_value(|t| t.replace(timers.clone())) {
            old.end();
        }
        let url = self.page.get_untracked();
        let dismissed = dismissed(store);
        // From when the loader started this mount (the tag's run, or a later `boot`): it fetches
        // the app only once the page is idle after `load`, so a teaser due before the app has
        // arrived shows as soon as it does, not its whole delay later.
        let elapsed = match options.started_at {
            Some(started) => crate::window()
                .performance()
                .map_or(0.0, |p| p.now() - started),
            None => js_sys::Date::now() - self.mounted_at,
        };
        let visible = self.popups.get_untracked();
        let mut shown = Vec::new();
        for popup in popups_for(config, &url, &dismissed) {
            if visible.iter().any(|p| p.id == popup.id) {
                shown.push(popup.clone());
                continue;
            }
            // A preview shows every teaser at once: the person branding wants to see them.
            let delay = if preview {
                0.0
            } else {
                popup.delay_ms.unwrap_or(0) as f64
            };
            let wait = (delay - elapsed).clamp(0.0, MAX_DELAY_MS);
            let popup = popup.clone();
            let popups = self.popups;
            timers.spawn(async move {
                sleep(wait as u32).await;
                popups.update(|list| {
                    if !list.iter().any(|p| p.id == popup.id) {
                        list.push(popup);
                    }
                });
            });
        }
        self.popups.set(shown);
    }

    /// The teaser's close button: gone now and on later page loads.
    pub fn dismiss_popup(&self, id: &str) {
        self.popups.update(|list| list.retain(|p| p.id != id));
        if let Some(env) = self.env.get() {
            remember_dismissed(&env.store, DISMISSED_KEY, id);
        }
    }

    /// Whether the config lets the visitor ask for a person right now.
    pub fn livechat_live(&self) -> bool {
        self.config
            .with(|c| c.as_ref().is_some_and(|c| Arc::clone(c).livechat_live()))
    }

    /// `(enabled, live)` of livechat in the config; unknown config counts as neither.
    pub fn livechat_availability(&self) -> (bool, bool) {
        self.config.with(|c| {
            c.as_ref()
                .map(|c| (c.livechat_enabled(), c.livechat_live()))
                .unwrap_or((false, false))
        })
    }

    /// The config's form for `trigger` (`session_start`, `livechat_waiting`), if it has one.
    pub fn form_for(&self, trigger: dialoge_api::config::FormTrigger) -> Option<String> {
        self.config.with(|c| {
            c.as_ref()?
                .forms
                .iter()
                .find(|f| f.trigger == trigger)
                .map(|f| f.form_id.clone())
        })
    }

    /// Whether the config asks for the livechat mark in the banner (`show_livechat_logo`).
    pub fn livechat_logo(&self) -> bool {
        self.config.with(|c| {
            c.as_ref()
                .and_then(|c| c.livechat.as_ref())
                .is_some_and(|l| l.show_livechat_logo)
        })
    }

    /// Why livechat is live or not, if the config says.
    pub fn livechat_reason(&self) -> Option<dialoge_api::config::AvailabilityReason> {
        self.config.with(|c| {
            c.as_ref()
                .and_then(|c| c.livechat.as_ref())
                .and_then(|l| l.availability_reason.clone())
        })
    }

    /// Whether the config lets the visitor attach files: to the assistant unless
    /// `image_enabled` is off, to a person unless `livechat.attachments_enabled` is. Reactive.
    pub fn uploads_enabled(&self, to_person: bool) -> bool {
        self.config.with(|c| match c.as_ref() {
            Some(c) if to_person => c.livechat.as_ref().is_none_or(|l| l.attachments_enabled),
            Some(c) => c.image_enabled != Some(false),
            // Before the config is known the visitor may pick files: the send waits for it.
            None => true,
        })
    }

    /// Livechat's own attachment limit, if the config sets one.
    pub fn livechat_attachment_limit(&self) -> Option<u64> {
        self.config.with_untracked(|c| {
            c.as_ref()
                .and_then(|c| c.livechat.as_ref())
                .and_then(|l| l.max_attachment_size_bytes)
        })
    }
}

/// Whole seconds since the epoch (a `u32` until 2106): the same integer code as every other
/// count the widget stores, nothing new in the wasm.
fn now_s() -> u32 {
    (js_sys::Date::now() / 1000.0) as u32
}
