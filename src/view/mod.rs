//! View: plain DOM (`dom`) that reads the services' signals and calls their intents; it never
//! parses JSON or talks HTTP. API text only ever becomes text nodes (no inner HTML anywhere).

use web_sys::Element;

use crate::i18n::Strings;
use crate::services::Services;

pub mod attachments;
pub mod banners;
pub mod dom;
pub mod files;
pub mod header;
pub mod icons;
pub mod intro;
pub mod livechat;
pub mod look;
pub mod menu;
pub mod messages;
pub mod number;
pub mod parts;
pub mod rating;
pub mod shell;
pub mod teaser;
pub mod theme;
pub mod url;

/// One of the UI's words, picked from the strings of the current language.
pub(crate) type Words = fn(&Strings) -> &'static str;

/// A text node at the end of `parent` that says `words` in the UI language.
pub(crate) fn say(svc: Services, parent: &Element, words: Words) {
    let node = dom::text_slot(parent);
    dom::watch(Box::new(move || {
        node.set_data(words(svc.ui.lang().get().t()))
    }));
}

/// `aria-label` of `el` in the UI language.
pub(crate) fn name(svc: Services, el: &Element, words: Words) {
    let el = el.clone();
    dom::watch(Box::new(move || {
        dom::set_attrs(&el, &[("aria-label", words(svc.ui.lang().get().t()))])
    }));
}
