//! The page's banners (`GET /banners?url=…`) above the conversation: text, an optional call to
//! action (a link, or a link drawn as a button) and, when the banner allows it, a close button
//! that is remembered. Colours apply only when they are colours and readable together;
//! otherwise the banner keeps the widget's own.

use dialoge_api::actions::{Banner, CtaStyle};
use leptos::prelude::*;

use crate::services::Services;
use crate::view::dom::CLOSE_PATH;
use crate::view::icons::{ARIA_TRUE, VIEW_BOX};
use crate::view::theme::{contrast, is_color, text_on};
use crate::view::url::safe_link;

/// WCAG AA for normal text.
const MIN_CONTRAST: f64 = 4.5;

#[component]
pub fn Banners(svc: Services) -> impl IntoView {
    // Redrawn whole when the list changes (a page, a dismissal): rare, and cheaper in wasm
    // than a keyed list.
    move || {
        svc.branding
            .banners()
            .get()
            .unwrap_or_default()
            .into_iter()
            .map(|b| banner_view(svc, b))
            .collect_view()
    }
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

fn banner_view(svc: Services, b: Banner) -> impl IntoView {
    let t = move || svc.ui.lang().get().t();
    let node = NodeRef::<leptos::html::Div>::new();
    if let Some((bg, fg)) = colours(&b) {
        // Through the CSSOM: the strict CSP allows no style attribute.
        node.on_load(move |el| {
            let style = web_sys::HtmlElement::style(&el);
            let _ = style.set_property("--dlg-banner-bg", &bg);
            let _ = style.set_property("--dlg-banner-fg", &fg);
        });
    }
    let cta = b.cta_url.as_deref().and_then(safe_link).map(|href| {
        let label = b
            .cta_label
            .clone()
            .filter(|l| !l.trim().is_empty())
            .unwrap_or_else(|| href.clone());
        let class = match b.cta_style {
            Some(CtaStyle::Button) => "dlg-banner-cta dlg-banner-button",
            _ => "dlg-banner-cta",
        };
        view! {
            <a class=class data-testid="banner-cta" href=href target="_blank"
                rel="noopener noreferrer">{label}</a>
        }
    });
    let id = b.id.clone();
    let close = b.dismissible.unwrap_or(false).then(|| {
        view! {
            <button type="button" class="dlg-banner-close" data-testid="banner-dismiss"
                aria-label=move || t().dismiss_banner on:click=move |_| svc.branding.dismiss_banner(&id)>
                <svg viewBox=VIEW_BOX aria-hidden=ARIA_TRUE><path d=CLOSE_PATH/></svg>
            </button>
        }
    });
    view! {
        <div class="dlg-banner" data-testid="banner" data-banner-id=b.id.clone() node_ref=node>
            <p class="dlg-banner-text">{b.message.clone()} {cta}</p>
            {close}
        </div>
    }
}
