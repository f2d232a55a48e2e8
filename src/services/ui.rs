//! The widget's frame state: whether the panel is open, whether the launcher shows, the unread
//! count, and the UI language. Only this service writes them; the host page hears `open` and
//! `close` from here.

use crate::reactive::*;

use crate::state::Read;

use crate::boot::events::HostEvent;
use crate::boot::options::{Options, Position};
use crate::i18n::Lang;

/// Panel, launcher, unread badge and language.
#[derive(Clone, Copy)]
pub struct Ui {
    open: RwSignal<bool>,
    launcher: RwSignal<bool>,
    unread: RwSignal<u32>,
    lang: RwSignal<Lang>,
    /// The service refused this chat (403): a calm notice instead of the composer.
    unavailable: RwSignal<bool>,
    /// The visitor asked for unread messages in the tab's title.
    title_alerts: RwSignal<bool>,
    left: bool,
    starts_open: bool,
}

impl Ui {
    /// `unread`: the count an earlier page of this visit left (shown until the panel opens).
    pub fn new(options: &Options, title_alerts: bool, unread: u32) -> Ui {
        let browser = crate::window().navigator().language();
        Ui {
            // Opened at boot by `Services::start`, so it runs the same path as a click.
            open: RwSignal::new(false),
            launcher: RwSignal::new(!options.hidden),
            unread: RwSignal::new(unread),
            lang: RwSignal::new(Lang::pick([
                options.language.as_deref(),
                browser.as_deref(),
            ])),
            unavailable: RwSignal::new(false),
            title_alerts: RwSignal::new(title_alerts),
            left: options.position == Position::Left,
            starts_open: options.open,
        }
    }

    pub fn open(&self) -> Read<bool> {
        Read::of(self.open)
    }

    pub fn launcher_visible(&self) -> Read<bool> {
        Read::of(self.launcher)
    }

    pub fn unread(&self) -> Read<u32> {
        Read::of(self.unread)
    }

    pub fn lang(&self) -> Read<Lang> {
        Read::of(self.lang)
    }

    /// Whether unread messages show in the tab's title (the visitor's choice).
    pub fn title_alerts(&self) -> Read<bool> {
        Read::of(self.title_alerts)
    }

    pub(crate) fn set_title_alerts(&self, on: bool) {
        self.title_alerts.try_set(on);
    }

    /// The chat is not available to this visitor (the service answered 403).
    pub fn unavailable(&self) -> Read<bool> {
        Read::of(self.unavailable)
    }

    /// A 403 from the service: the chat says it is unavailable and stops taking input.
    pub(crate) fn set_unavailable(&self) {
        self.unavailable.try_set(true);
    }

    /// `data-position="left"`.
    pub fn is_left(&self) -> bool {
        self.left
    }

    /// `data-open` or `?chat=open`.
    pub(crate) fn starts_open(&self) -> bool {
        self.starts_open
    }

    /// BCP 47 tag of the UI language (for `Intl`).
    pub fn lang_tag(&self) -> &'static str {
        match self.lang.try_get_untracked().unwrap_or_default() {
            Lang::En => "en",
            Lang::Da => "da",
        }
    }

    /// Opens or closes the panel; `true` if that changed anything. Opening clears the badge.
    pub(crate) fn set_open(&self, open: bool) -> bool {
        if self.open.try_get_untracked() != Some(!open) {
            return false;
        }
        self.open.set(open);
        if open {
            self.unread.set(0);
            HostEvent::Open.emit();
        } else {
            HostEvent::Close.emit();
        }
        true
    }

    /// `show` / `hide`.
    pub fn set_launcher_visible(&self, visible: bool) {
        self.launcher.try_set(visible);
    }

    /// Something arrived while the panel was closed.
    pub(crate) fn note_unread(&self) {
        if self.open.try_get_untracked() == Some(false) {
            self.unread.update(|n| *n += 1);
        }
    }

    /// The language branding chose (or a test sets).
    pub fn set_lang(&self, lang: Lang) {
        if self.lang.try_get_untracked() != Some(lang) {
            self.lang.try_set(lang);
        }
    }
}
