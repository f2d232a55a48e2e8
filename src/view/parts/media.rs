//! Small parts: suggestions and quick replies (clicking sends their text), images (host-less
//! URLs resolved against the API base, `data:` URLs from echoed uploads, caption, full size in
//! a new tab) and files (name, size, download).

use dialoge_api::message::{FilePart, ImagePart, QuickRepliesPart, SuggestionsPart};
use leptos::prelude::*;

use crate::services::use_services;
use crate::view::number::fixed;
use crate::view::url::{safe_image, safe_link};

/// Chips that send their text as the visitor's message.
#[component]
pub fn QuickReplies(part: QuickRepliesPart) -> impl IntoView {
    let chips: Vec<AnyView> = part
        .replies
        .into_iter()
        .map(|text| {
            let label = text.clone();
            view! {
                <button type="button" class="dlg-chip"
                    on:click=move |_| { if let Some(c) = use_services() { c.send(text.clone(), Vec::new()); } }>
                    {label}
                </button>
            }
            .into_any()
        })
        .collect();
    view! { <div class="dlg-chips">{chips}</div> }
}

/// Suggestion cards that send their `prompt_text`.
#[component]
pub fn Suggestions(part: SuggestionsPart) -> impl IntoView {
    let base = use_services().map(|c| c.api_base()).unwrap_or_default();
    let cards: Vec<AnyView> = part
        .suggestions
        .into_iter()
        .map(|s| {
            let prompt = s.prompt_text.clone();
            let img = s.image_url.as_deref().and_then(|u| safe_image(u, &base));
            view! {
                <button type="button" class="dlg-suggestion"
                    on:click=move |_| { if let Some(c) = use_services() { c.send(prompt.clone(), Vec::new()); } }>
                    {img.map(|src| view! { <img src=src alt="" loading="lazy"/> })}
                    <span class="dlg-suggestion-title">{s.title}</span>
                    {s.description.map(|d| view! { <span class="dlg-suggestion-desc">{d}</span> })}
                </button>
            }
            .into_any()
        })
        .collect();
    view! { <div class="dlg-suggestions">{cards}</div> }
}

/// An image with optional caption; clicking opens it full size.
#[component]
pub fn ImageView(part: ImagePart) -> impl IntoView {
    let base = use_services().map(|c| c.api_base()).unwrap_or_default();
    let full = safe_image(&part.url, &base);
    let thumb = part
        .thumbnail_url
        .as_deref()
        .and_then(|u| safe_image(u, &base))
        .or_else(|| full.clone());
    let caption = part.caption.clone();
    // The image is a link: with no caption it still needs a name.
    let alt = caption.clone().unwrap_or_else(|| {
        use_services()
            .map(|s| s.ui.lang().get_untracked().t().image)
            .unwrap_or("Image")
            .to_owned()
    });
    // A signed livechat URL that stopped working is fetched afresh, once (never stored).
    let src = RwSignal::new(thumb.clone());
    let href = RwSignal::new(full.clone());
    let retried = StoredValue::new(false);
    let attachment = part.attachment_id.clone();
    let on_error = move |_| {
        let (Some(svc), Some(id)) = (use_services(), attachment.clone()) else {
            return;
        };
        if retried.get_value() {
            return;
        }
        retried.set_value(true);
        svc.spawn(async move {
            if let Some(url) = svc.livechat.fresh_attachment_url(&id).await {
                let url = safe_image(&url, &svc.api_base());
                href.set(url.clone());
                // Cleared first, so even an identical URL is requested again.
                src.set(None);
                request_animation_frame(move || src.set(url));
            }
        });
    };
    match (full, thumb) {
        (Some(_), Some(_)) => view! {
            <figure class="dlg-image">
                <a href=move || href.get() target="_blank" rel="noopener noreferrer">
                    <img src=move || src.get() alt=alt loading="lazy" on:error=on_error/>
                </a>
                {caption.map(|c| view! { <figcaption>{c}</figcaption> })}
            </figure>
        }
        .into_any(),
        _ => ().into_any(),
    }
}

/// A downloadable file: name and size.
#[component]
pub fn FileView(part: FilePart) -> impl IntoView {
    let base = use_services().map(|c| c.api_base()).unwrap_or_default();
    let href = safe_link(&part.url).or_else(|| safe_image_path(&part.url, &base));
    let size = part.size_bytes.map(human_size);
    let name = part.filename.clone();
    let link = RwSignal::new(href.clone());
    let expires = part.url_expires_at.clone();
    let attachment = part.attachment_id.clone();
    // A signed livechat URL past its `url_expires_at` is fetched afresh before it is followed.
    let on_click = move |e: leptos::ev::MouseEvent| {
        let (Some(svc), Some(id)) = (use_services(), attachment.clone()) else {
            return;
        };
        if !expires.as_deref().is_some_and(expired) {
            return;
        }
        e.prevent_default();
        svc.spawn(async move {
            if let Some(url) = svc
                .livechat
                .fresh_attachment_url(&id)
                .await
                .and_then(|u| safe_link(&u))
            {
                link.set(Some(url.clone()));
                let _ = web_sys::window().map(|w| w.open_with_url_and_target(&url, "_blank"));
            }
        });
    };
    view! {
        <div class="dlg-file">
            {match href {
                Some(_) => view! {
                    <a href=move || link.get() download=name.clone() target="_blank"
                        rel="noopener noreferrer" on:click=on_click>{name.clone()}</a>
                }.into_any(),
                None => view! { <span>{name.clone()}</span> }.into_any(),
            }}
            {size.map(|s| view! { <span class="dlg-file-size">{s}</span> })}
        </div>
    }
}

/// Whether an RFC 3339 time has passed (an unreadable one counts as not expired: the server
/// then answers for itself).
fn expired(at: &str) -> bool {
    let t = js_sys::Date::parse(at);
    !t.is_nan() && t <= js_sys::Date::now()
}

/// Host-less file URLs (signed attachment paths) resolve against the API base like images.
fn safe_image_path(url: &str, base: &str) -> Option<String> {
    url.starts_with('/').then(|| format!("{base}{url}"))
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
