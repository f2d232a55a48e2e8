//! Rich text: paragraphs and bullet lists of text, bold, strike and link spans. A streaming
//! paragraph's last text span is a signal, so `append_text` rewrites one text node only.
//! Plain DOM (`view::dom`): a paragraph is its `<p>` and its text, with no marker nodes.

use dialoge_api::message::{ListItem, Span};
use web_sys::{Element, Node};

use crate::state::live::{LiveBlock, LiveBlockKind, LiveRichText, LiveSpan};
use crate::view::dom;
use crate::view::url::safe_link;

/// A `rich_text` part.
pub fn rich_text_el(rt: &LiveRichText) -> Option<Element> {
    let host = dom::el("div|class=dlg-rt");
    let blocks = rt.blocks;
    dom::list(
        &host,
        Box::new(move || blocks.with(|b| b.iter().map(|b| b.key).collect())),
        Box::new(move |i| {
            let block = blocks.with_untracked(|b| b.get(i).cloned())?;
            block_el(&block).map(Into::into)
        }),
    );
    Some(host.into())
}

fn block_el(block: &LiveBlock) -> Option<Element> {
    match block.kind {
        LiveBlockKind::Paragraph(spans) => {
            let p = dom::el("p");
            dom::list(
                &p,
                Box::new(move || spans.with(|s| dom::places(s.len()))),
                Box::new(
                    move |i| match spans.with_untracked(|s| s.get(i).cloned())? {
                        // One text node that grows in place.
                        LiveSpan::Text(text) => Some(dom::live_text(text)),
                        LiveSpan::Fixed(span) => span_node(&span),
                    },
                ),
            );
            Some(p.into())
        }
        LiveBlockKind::List(items) => {
            let ul = dom::el("ul");
            dom::list(
                &ul,
                Box::new(move || items.with(|s| dom::places(s.len()))),
                Box::new(move |i: usize| {
                    let item = items.with_untracked(|s| s.get(i).cloned())?;
                    Some(item_el(&item).into())
                }),
            );
            Some(ul.into())
        }
    }
}

/// A finished list item.
pub fn item_el(item: &ListItem) -> Element {
    let li = dom::el("li");
    spans_into(&li, &item.spans);
    li.into()
}

/// Finished spans, appended to `parent`.
pub fn spans_into(parent: &Element, spans: &[Span]) {
    for span in spans {
        if let Some(node) = span_node(span) {
            let _ = parent.append_child(&node);
        }
    }
}

/// One finished span as DOM. Text is always a text node; links pass the URL policy.
pub fn span_node(span: &Span) -> Option<Node> {
    let (tag, text) = match span {
        Span::Text { text } => return Some(dom::text_node(text)),
        Span::Bold { text } => ("strong", text),
        Span::Strike { text } => ("s", text),
        Span::Link { text, url } => return link_el(text, url).map(Into::into),
        // An unknown span degrades to its text, if it has any.
        Span::Unknown { .. } => return Some(dom::text_node(span.text())),
    };
    let el = dom::el(tag);
    dom::text(&el, text);
    Some(el.into())
}

fn link_el(text: &str, url: &str) -> Option<Element> {
    let el = match safe_link(url) {
        Some(href) => {
            let a = dom::external_link(&href, &[]);
            // OpenDialog hears of a followed link (`url_click`); the link opens as any other.
            #[cfg(feature = "opendialog")]
            if let Some(svc) = crate::services::use_services() {
                dom::on(
                    &a,
                    "click",
                    Box::new(move |_| svc.link_followed(href.clone())),
                );
            }
            a
        }
        // Not clickable: keep the words, drop the link.
        None => dom::el("span|class=dlg-link-blocked"),
    };
    dom::text(&el, text);
    Some(el.into())
}
