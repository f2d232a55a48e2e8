//! The page's banners (`GET /banners?url=…`) above the conversation: text, an optional call to
//! action (a link, or a link drawn as a button) and, when the banner allows it, a close button
//! that is remembered. Colours apply only when they are colours and readable together;
//! otherwise the banner keeps the widget's own.

use dialoge_api::actions::{Banner, CtaStyle};
use wasm_bindgen::JsCast;
use web_sys::Element;

use crate::services::Services;
use crate::view::dom::{self, CLOSE_PATH};
use crate::view::theme::{contrast, is_color, text_on};
use crate::view::url::safe_link;

/// WCAG AA for normal text.
const MIN_CONTRAST: f64 = 4.5;

pub fn banners(svc: Services) -> Element {
    // Plain DOM (`view::dom`), redrawn whole when the list or the language changes (a page, a
    // dismissal): rare, and cheaper in wasm than views.
    let host: Element = dom::el("div|class=dlg-banners").into();
    {
        let host = host.clone();
        dom::watch(Box::new(move || {
            dom::clear(&host);
            let t = svc.ui.lang().get().t();
            svc.branding.banners().with(|banners| {
                for b in banners.iter().flatten() {
                    if let Some(el) = banner_el(svc, b, t.dismiss_banner) {
                        dom::add(&host, &el);
                    }
                }
            });
        }));
    }
    host
}

/// The banner's colours as CSS custom properties: its own pair when readable, its background
/// with a readable text colour when only that is a colour, none otherwise.
fn colours(b: &Banner) -> Option<(String, String)> {
    let bg = b.background_color.as_deref().filter(|c| is_color(c))?;
    let fg = b
        .text_color
        .as_deref()
        .filter(|c| is_color(c) && contrast(c, bg) >= MIN_CONTRAST)
        .map_or_else(|| text_on(bg), str::to_owned);
    Some((bg.to_owned(), fg))
}

fn banner_el(svc: Services, b: &Banner, dismiss: &str) -> Option<Element> {
    let el: Element = dom::el_with(
        "div|class=dlg-banner|data-testid=banner",
        &[("data-banner-id", &b.id)],
    )
    .into();
    if let Some((bg, fg)) = colours(b) {
        // Through the CSSOM: the strict CSP allows no style attribute.
        if let Some(style) = el.dyn_ref::<web_sys::HtmlElement>().map(|h| h.style()) {
            let _ = style.set_property("--dlg-banner-bg", &bg);
            let _ = style.set_property("--dlg-banner-fg", &fg);
        }
    }
    let text = dom::el("p|class=dlg-banner-text");
    dom::text(&text, &b.message);
    if let Some(href) = b.cta_url.as_deref().and_then(safe_link) {
        let label = b
            .cta_label
            .clone()
            .filter(|l| !l.trim().is_empty())
            .unwrap_or_else(|| href.clone());
        let class = match b.cta_style {
            Some(CtaStyle::Button) => "dlg-banner-cta dlg-banner-button",
            _ => "dlg-banner-cta",
        };
        let a = dom::external_link(&href, &[("class", class), ("data-testid", "banner-cta")]);
        dom::text(&text, " ");
        dom::text(&a, &label);
        dom::add(&text, &a);
    }
    dom::add(&el, &text);
    if b.dismissible.unwrap_or(false) {
        let close = dom::el_with(
            "button|type=button|class=dlg-banner-close|data-testid=banner-dismiss",
            &[("aria-label", dismiss)],
        );
        dom::add(&close, &dom::icon(&[CLOSE_PATH]));
        let id = b.id.clone();
        dom::on(
            &close,
            "click",
            Box::new(move |_| svc.branding.dismiss_banner(&id)),
        );
        dom::add(&el, &close);
    }
    Some(el)
}
