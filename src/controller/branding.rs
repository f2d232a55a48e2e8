//! Branding's life cycle: the `/config` cached per chatbot (applied at mount, so a returning
//! visitor's launcher has its colours before the network answers), fetched again at boot and
//! re-cached; the UI language it may choose; and the popup-message teasers with their timers.
//!
//! Config arrives here as data; turning it into CSS is the view's job (`view::theme`), which
//! validates every value. Timers and the fetch are owned by the widget and end with it.

use std::sync::Arc;
use std::time::Duration;

use dialoge_api::config::{Config, PopupMessage};
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortController;

use super::{log, Ctx};
use crate::i18n::Lang;
use crate::transport::client::Call;
use crate::transport::http;
use crate::transport::storage::Store;
use crate::transport::ApiError;

/// The last `/config` answer, verbatim, per chatbot (the store's keys are per chatbot).
const CONFIG_KEY: &str = "config";
/// Popup-message ids the visitor dismissed, one per line.
const DISMISSED_KEY: &str = "popups_dismissed";
/// Longest popup delay honoured; `setTimeout` takes an `i32` of milliseconds.
const MAX_DELAY_MS: f64 = 86_400_000.0;

enum Fetch {
    Idle,
    Running(AbortController),
    Done,
}

/// Branding state shared with the view.
#[derive(Clone, Copy)]
pub struct Branding {
    /// The visitor's system prefers dark (kept live by `view::theme::use_theme`).
    pub dark: RwSignal<bool>,
    /// Popup messages whose time has come (URL matches, not dismissed), oldest first.
    pub popups: RwSignal<Vec<PopupMessage>>,
    timers: StoredValue<Vec<TimeoutHandle>>,
    fetch: StoredValue<Fetch, LocalStorage>,
    /// `Date.now()` at mount: popup delays count from page load, not from each config answer.
    mounted_at: f64,
}

impl Branding {
    /// Creates the state; its timers and fetch end when the current owner is cleaned up.
    pub fn new() -> Branding {
        let branding = Branding {
            dark: RwSignal::new(false),
            popups: RwSignal::new(Vec::new()),
            timers: StoredValue::new(Vec::new()),
            fetch: StoredValue::new_local(Fetch::Idle),
            mounted_at: js_sys::Date::now(),
        };
        on_cleanup(move || {
            branding.clear_timers();
            branding.fetch.try_update_value(|f| {
                if let Fetch::Running(ac) = f {
                    ac.abort();
                }
            });
        });
        branding
    }

    fn clear_timers(&self) {
        self.timers
            .try_update_value(|t| t.drain(..).for_each(|h| h.clear()));
    }
}

impl Default for Branding {
    fn default() -> Self {
        Branding::new()
    }
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
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

fn dismissed(store: &Store) -> Vec<String> {
    store
        .get(DISMISSED_KEY)
        .map(|s| s.lines().map(str::to_owned).collect())
        .unwrap_or_default()
}

impl Ctx {
    /// At mount: the config an earlier visit cached, so the launcher is branded at once.
    pub fn restore_config(&self) {
        let Some(inner) = self.inner() else { return };
        let cached = inner.store.get(CONFIG_KEY);
        if let Some(config) = cached.and_then(|s| serde_json::from_str::<Config>(&s).ok()) {
            self.apply_config(config);
        }
    }

    /// Fetches `/config` (at boot: the launcher and popups need it before any open), applies it
    /// and caches it. Idempotent: a second call while one runs, or after one succeeded, does
    /// nothing; after a failure it tries again (the panel's open calls it too).
    pub fn fetch_config(&self) {
        let Some(inner) = self.inner() else { return };
        let idle = self.branding.fetch.with_value(|f| matches!(f, Fetch::Idle));
        if !idle || inner.options.preview {
            return;
        }
        let Ok(ac) = AbortController::new() else {
            return;
        };
        let signal = ac.signal();
        self.branding.fetch.set_value(Fetch::Running(ac));
        let ctx = *self;
        spawn_local(async move {
            let call = Call::new("GET", "/config", None);
            let text = match inner.api.send(&call, Some(&signal)).await {
                Ok(resp) => http::text(&resp).await,
                Err(e) => Err(e),
            };
            let parsed = text.and_then(|text| match serde_json::from_str::<Config>(&text) {
                Ok(config) => Ok((config, text)),
                Err(e) => Err(ApiError::Protocol(format!("bad JSON: {e}"))),
            });
            let done = parsed.is_ok();
            ctx.branding
                .fetch
                .try_update_value(|f| *f = if done { Fetch::Done } else { Fetch::Idle });
            match parsed {
                Ok((config, text)) => {
                    // Cache the answer verbatim: no serializer in the wasm just for this.
                    inner.store.set(CONFIG_KEY, &text);
                    ctx.apply_config(config);
                }
                Err(ApiError::Aborted) => {}
                // Branding is optional: the widget keeps its cached or default look.
                Err(e) => log(&format!("config: {e}")),
            }
        });
    }

    fn apply_config(&self, config: Config) {
        let Some(inner) = self.inner() else { return };
        let browser = web_sys::window().and_then(|w| w.navigator().language());
        let lang = Lang::choose(
            inner.options.language.as_deref(),
            config.language.as_deref(),
            browser.as_deref(),
        );
        if self.lang.get_untracked() != lang {
            self.lang.set(lang);
        }
        self.schedule_popups(&config, &inner.store);
        self.config.set(Some(Arc::new(config)));
    }

    /// (Re)plans the teasers for `config`: those already shown stay (with the new text), the
    /// rest appear once their delay, counted from page load, has passed.
    fn schedule_popups(&self, config: &Config, store: &Store) {
        let branding = self.branding;
        branding.clear_timers();
        let url = page_url();
        let dismissed = dismissed(store);
        let elapsed = js_sys::Date::now() - branding.mounted_at;
        let mut shown = Vec::new();
        let mut timers = Vec::new();
        let visible = branding.popups.get_untracked();
        for popup in popups_for(config, &url, &dismissed) {
            if visible.iter().any(|p| p.id == popup.id) {
                shown.push(popup.clone());
                continue;
            }
            let wait = (popup.delay_ms.unwrap_or(0) as f64 - elapsed).clamp(0.0, MAX_DELAY_MS);
            let popup = popup.clone();
            let show = move || {
                branding.popups.try_update(|list| {
                    if !list.iter().any(|p| p.id == popup.id) {
                        list.push(popup);
                    }
                });
            };
            if let Ok(handle) = set_timeout_with_handle(show, Duration::from_millis(wait as u64)) {
                timers.push(handle);
            }
        }
        branding.popups.set(shown);
        branding.timers.set_value(timers);
    }

    /// The teaser's close button: gone now and on later page loads.
    pub fn dismiss_popup(&self, id: &str) {
        self.branding
            .popups
            .update(|list| list.retain(|p| p.id != id));
        if let Some(inner) = self.inner() {
            let mut ids = dismissed(&inner.store);
            if !ids.iter().any(|d| d == id) {
                ids.push(id.to_owned());
                inner.store.set(DISMISSED_KEY, &ids.join("\n"));
            }
        }
    }

    /// A click on the teaser: the visitor took it up, so it opens the chat and is not offered
    /// again.
    pub fn open_from_popup(&self, id: &str) {
        self.dismiss_popup(id);
        self.set_open(true);
    }
}
