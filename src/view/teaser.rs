//! Popup messages as teaser bubbles beside the closed launcher. Which ones are due (delay,
//! `url_pattern`, dismissed before) is decided in `controller::branding`; this only shows them
//! while the panel is closed and the launcher visible. The bubble is a button that opens the
//! chat; a second button dismisses it for good.
//!
//! Plain DOM (see `view::dom`), kept in step with the list by id: a new teaser is appended and a
//! dismissed one removed, so the others (and keyboard focus on them) stay put. One delegated
//! click handler serves every button.

use crate::reactive::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

use crate::i18n::Lang;
use crate::services::Services;
use crate::view::dom;

/// The teasers, newest nearest the launcher.
pub fn teasers(svc: Services) -> Element {
    // Always in the DOM (hidden when idle): a live region must exist before its content
    // changes for screen readers to announce a new teaser.
    let host: Element = dom::el("div|class=dlg-teasers|role=region|aria-live=polite").into();
    let el = host.clone();
    let built_for = StoredValue::new(None::<Lang>);
    dom::effect(Box::new(move || {
        let lang = svc.ui.lang().get();
        let host = &el;
        // New words for every button: start over.
        if built_for.get_value() != Some(lang) {
            dom::clear(host);
            built_for.set_value(Some(lang));
        }
        let t = lang.t();
        svc.branding.popups().with(|popups| {
            // Keep what is still due, drop what is not, then add what is new.
            let mut present = Vec::new();
            let mut next = host.first_element_child();
            while let Some(child) = next {
                next = child.next_element_sibling();
                let id = child.get_attribute("data-popup-id").unwrap_or_default();
                if popups.iter().any(|p| p.id == id) {
                    present.push(id);
                } else {
                    child.remove();
                }
            }
            for popup in popups.iter().filter(|p| !present.contains(&p.id)) {
                let teaser = dom::el_with(
                    "div|class=dlg-teaser|data-testid=popup",
                    &[("data-popup-id", popup.id.as_str())],
                );
                let open =
                    dom::el("button|type=button|class=dlg-teaser-text|data-testid=popup-open");
                let who = dom::el("span|class=dlg-sr");
                let close = dom::el_with(
                    "button|type=button|class=dlg-teaser-close|data-testid=popup-dismiss",
                    &[("aria-label", t.dismiss_popup)],
                );
                // Who is speaking, for screen readers: the bubble alone has no sender.
                dom::text(&who, &format!("{}: ", svc.branding.bot_name()));
                dom::add(&open, &who);
                dom::text(&open, &popup.text);
                dom::add(&close, &dom::icon(&[dom::CLOSE_PATH]));
                dom::add(&teaser, &open);
                dom::add(&teaser, &close);
                dom::add(host, &teaser);
            }
        });
    }));
    let on_click = move |e: web_sys::Event| {
        let Some(target) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        let Some(teaser) = dom::closest(&target, "[data-popup-id]") else {
            return;
        };
        let id = teaser.get_attribute("data-popup-id").unwrap_or_default();
        let dismiss = dom::closest(&target, "[data-testid=popup-dismiss]").is_some();
        if dismiss {
            svc.branding.dismiss_popup(&id);
        } else if dom::closest(&target, "[data-testid=popup-open]").is_some() {
            // The visitor took it up: it opens the chat and is not offered again.
            svc.branding.dismiss_popup(&id);
            svc.set_open(true);
        }
    };
    let shown = move || {
        !svc.ui.open().get()
            && svc.ui.launcher_visible().get()
            && svc.branding.popups().with(|p| !p.is_empty())
    };
    {
        let host = host.clone();
        dom::watch(Box::new(move || {
            dom::attr(&host, "aria-label", svc.ui.lang().get().t().popups);
            dom::flag(&host, "hidden", !shown());
        }));
    }
    dom::on(&host, "click", Box::new(on_click));
    host
}
