//! Small parts: suggestions and quick replies (clicking sends their text), images (host-less
//! URLs resolved against the API base, `data:` URLs from echoed uploads, caption, full size in
//! a new tab) and files (name, size, download). Plain DOM (`view::dom`): built once, as the
//! messages around them.

use crate::reactive::request_animation_frame;
use dialoge_api::message::{FilePart, ImagePart, QuickRepliesPart, SuggestionsPart};
use web_sys::Element;

use crate::services::use_services;
use crate::view::dom;
use crate::view::number::fixed;
use crate::view::url::{safe_image, safe_link};

/// Sends `text` as the visitor's message when `el` is clicked.
fn sends(el: &Element, text: String) {
    // Looked up now: a listener runs outside the owner its services are provided under.
    let Some(svc) = use_services() else { return };
    dom::on(
        el,
        "click",
        Box::new(move |_| {
            svc.send(text.clone(), Vec::new());
        }),
    );
}

/// Chips that send their text as the visitor's message.
pub fn quick_replies(part: &QuickRepliesPart) -> Option<Element> {
    let div = dom::el("div|class=dlg-chips");
    for text in &part.replies {
        let button = dom::el("button|type=button|class=dlg-chip");
        dom::text(&button, text);
        sends(&button, text.clone());
        dom::add(&div, &button);
    }
    Some(div.into())
}

/// Suggestion cards that send their `prompt_text`.
pub fn suggestions(part: &SuggestionsPart) -> Option<Element> {
    let base = use_services().map(|c| c.api_base()).unwrap_or_default();
    let div = dom::el("div|class=dlg-suggestions");
    for s in &part.suggestions {
        let button = dom::el("button|type=button|class=dlg-suggestion");
        if let Some(src) = s.image_url.as_deref().and_then(|u| safe_image(u, &base)) {
            let img = dom::el_with("img|alt|loading=lazy", &[("src", &src)]);
            dom::add(&button, &img);
        }
        let title = dom::el("span|class=dlg-suggestion-title");
        dom::text(&title, &s.title);
        dom::add(&button, &title);
        if let Some(d) = &s.description {
            let desc = dom::el("span|class=dlg-suggestion-desc");
            dom::text(&desc, d);
            dom::add(&button, &desc);
        }
        sends(&button, s.prompt_text.clone());
        dom::add(&div, &button);
    }
    Some(div.into())
}

/// An image with optional caption; clicking opens it full size.
pub fn image(part: &ImagePart) -> Option<Element> {
    let base = use_services().map(|c| c.api_base()).unwrap_or_default();
    let full = safe_image(&part.url, &base)?;
    let thumb = part
        .thumbnail_url
        .as_deref()
        .and_then(|u| safe_image(u, &base))
        .unwrap_or_else(|| full.clone());
    // The image is a link: with no caption it still needs a name.
    let alt = part.caption.clone().unwrap_or_else(|| {
        use_services()
            .map(|s| s.ui.lang().get_untracked().t().image)
            .unwrap_or("Image")
            .to_owned()
    });
    let figure = dom::el("figure|class=dlg-image");
    let a = dom::external_link(&full, &[]);
    let img = dom::el_with("img|loading=lazy", &[("src", &thumb), ("alt", &alt)]);
    dom::add(&a, &img);
    dom::add(&figure, &a);
    if let Some(c) = &part.caption {
        let caption = dom::el("figcaption");
        dom::text(&caption, c);
        dom::add(&figure, &caption);
    }
    // A signed livechat URL that stopped working is fetched afresh, once (never stored).
    if let (Some(svc), Some(id)) = (use_services(), part.attachment_id.clone()) {
        let mut retried = false;
        let target = img.clone();
        dom::on(
            &img,
            "error",
            Box::new(move |_| {
                if std::mem::replace(&mut retried, true) {
                    return;
                }
                let (a, img, id) = (a.clone(), target.clone(), id.clone());
                svc.spawn(async move {
                    if let Some(url) = svc.livechat.fresh_attachment_url(&id).await {
                        let url = safe_image(&url, &svc.api_base());
                        dom::opt_attr(&a, "href", url.as_deref());
                        // Cleared first, so even an identical URL is requested again.
                        let _ = img.remove_attribute("src");
                        request_animation_frame(move || dom::opt_attr(&img, "src", url.as_deref()));
                    }
                });
            }),
        );
    }
    Some(figure.into())
}

/// A downloadable file: name and size.
pub fn file(part: &FilePart) -> Option<Element> {
    let base = use_services().map(|c| c.api_base()).unwrap_or_default();
    let href = safe_link(&part.url).or_else(|| safe_image_path(&part.url, &base));
    let div = dom::el("div|class=dlg-file");
    let name = &part.filename;
    match href {
        Some(href) => {
            let a = dom::el_with(
                "a|target=_blank|rel=noopener noreferrer",
                &[("href", &href), ("download", name)],
            );
            dom::text(&a, name);
            dom::add(&div, &a);
            if let (Some(svc), Some(id)) = (use_services(), part.attachment_id.clone()) {
                let expires = part.url_expires_at.clone();
                let link = a.clone();
                // A signed livechat URL past its `url_expires_at` is fetched afresh before it
                // is followed.
                dom::on(
                    &a,
                    "click",
                    Box::new(move |e: web_sys::Event| {
                        if !expires.as_deref().is_some_and(expired) {
                            return;
                        }
                        e.prevent_default();
                        let (link, id) = (link.clone(), id.clone());
                        svc.spawn(async move {
                            if let Some(url) = svc
                                .livechat
                                .fresh_attachment_url(&id)
                                .await
                                .and_then(|u| safe_link(&u))
                            {
                                dom::attr(&link, "href", &url);
                                let _ = crate::window().open_with_url_and_target(&url, "_blank");
                            }
                        });
                    }),
                );
            }
        }
        None => {
            let span = dom::el("span");
            dom::text(&span, name);
            dom::add(&div, &span);
        }
    }
    if let Some(size) = part.size_bytes {
        let span = dom::el("span|class=dlg-file-size");
        dom::text(&span, &human_size(size));
        dom::add(&div, &span);
    }
    Some(div.into())
}

/// Whether an RFC 3339 time has passed (an unreadable one counts as not expired: the server
/// then answers for itself).
fn expired(at: &str) -> bool {
    let t = js_sys::Date::parse(at);
    !t.is_nan() && t <= js_sys::Date::now()
}

/// Host-less file URLs (signed attachment paths) resolve against the API base like images.
fn safe_image_path(url: &str, base: &str) -> Option<String> {
    url.starts_with('/').then(|| [base, url].concat())
}

/// 48231 → "47 KB".
pub fn human_size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KB {
        format!("{bytes} B")
    } else if b < KB * KB {
        format!("{} KB", fixed(b / KB, 0))
    } else {
        format!("{} MB", fixed(b / KB / KB, 1))
    }
}
