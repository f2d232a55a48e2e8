//! Rich text: paragraphs and bullet lists of text, bold, strike and link spans. A streaming
//! paragraph's last text span is a signal, so `append_text` rewrites one text node only.

use std::sync::Arc;

use dialoge_api::message::{ListItem, Span};
use leptos::prelude::*;

use crate::state::live::{LiveBlock, LiveBlockKind, LiveRichText, LiveSpan};
use crate::view::each::{indexed, keyed, Row};
use crate::view::url::safe_link;

/// A `rich_text` part.
#[component]
pub fn RichTextPart(rt: LiveRichText) -> impl IntoView {
    view! {
        <div class="dlg-rt">
            {keyed(move || {
                rt.blocks.get().into_iter().map(|b| Row::new(b.key, move || block_view(b))).collect()
            })}
        </div>
    }
}

fn block_view(block: LiveBlock) -> AnyView {
    match block.kind {
        LiveBlockKind::Paragraph(spans) => view! {
            <p>{keyed(move || indexed(spans.get(), live_span_view))}</p>
        }
        .into_any(),
        LiveBlockKind::List(items) => view! {
            <ul>{keyed(move || indexed(items.get(), item_view))}</ul>
        }
        .into_any(),
    }
}

fn item_view(item: Arc<ListItem>) -> AnyView {
    let spans: Vec<AnyView> = item.spans.iter().map(span_view).collect();
    view! { <li>{spans}</li> }.into_any()
}

fn live_span_view(span: LiveSpan) -> AnyView {
    match span {
        // A closure over the signal renders one text node that updates in place.
        LiveSpan::Text(text) => (move || text.get()).into_any(),
        LiveSpan::Fixed(span) => span_view(&span),
    }
}

/// One finished span as DOM. Text is always a text node; links pass the URL policy.
pub fn span_view(span: &Span) -> AnyView {
    match span {
        Span::Text { text } => text.clone().into_any(),
        Span::Bold { text } => view! { <strong>{text.clone()}</strong> }.into_any(),
        Span::Strike { text } => view! { <s>{text.clone()}</s> }.into_any(),
        Span::Link { text, url } => link_view(text.clone(), url),
        // An unknown span degrades to its text, if it has any.
        Span::Unknown { .. } => span.text().to_owned().into_any(),
    }
}

fn link_view(text: String, url: &str) -> AnyView {
    match safe_link(url) {
        // OpenDialog hears of a followed link (`url_click`); the link opens as any other.
        #[cfg(feature = "opendialog")]
        Some(href) => {
            let svc = crate::services::use_services();
            let followed = href.clone();
            view! {
                <a href=href target="_blank" rel="noopener noreferrer"
                    on:click=move |_| { if let Some(s) = svc { s.link_followed(followed.clone()); } }>{text}</a>
            }
            .into_any()
        }
        #[cfg(not(feature = "opendialog"))]
        Some(href) => view! {
            <a href=href target="_blank" rel="noopener noreferrer">{text}</a>
        }
        .into_any(),
        // Not clickable: keep the words, drop the link.
        None => view! { <span class="dlg-link-blocked">{text}</span> }.into_any(),
    }
}
