//! Plain DOM building for the branded fragments (header, welcome and start prompts, teasers).
//!
//! They change only when the config, the language or the colour scheme does — a few times per
//! page — so they are rebuilt whole, by these few non-generic calls, instead of through Leptos
//! views, whose elements, attributes and closures are each monomorphized; these cost a few
//! bytes per call. Text only ever goes in as text nodes and attributes through `setAttribute`;
//! nothing is parsed as HTML.
//!
//! Re-measured on 2026-11-29 with `--cfg erase_components` on (whole widget 240.7 KB brotli):
//! the smallest of them, the intro, written as an idiomatic `view!` component with the same
//! DOM costs +1.7 KB brotli, so all three stay plain DOM (the header and the teasers, larger
//! and with more dynamic parts, were not rewritten).

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

const SVG_NS: &str = "http://www.w3.org/2000/svg";

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// `<tag>` with the given attributes (`class` among them).
pub fn el(tag: &str, attrs: &[(&str, &str)]) -> Option<HtmlElement> {
    let el: HtmlElement = document()?.create_element(tag).ok()?.dyn_into().ok()?;
    set_attrs(&el, attrs);
    Some(el)
}

/// Sets attributes as plain values.
pub fn set_attrs(el: &Element, attrs: &[(&str, &str)]) {
    for (name, value) in attrs {
        let _ = el.set_attribute(name, value);
    }
}

/// Appends `text` as a text node.
pub fn text(parent: &Element, text: &str) {
    let _ = parent.append_with_str_1(text);
}

/// Appends `child`.
pub fn add(parent: &Element, child: &Element) {
    let _ = parent.append_with_node_1(child);
}

/// A decorative 24×24 icon made of path outlines.
pub fn icon(paths: &[&str]) -> Option<Element> {
    let doc = document()?;
    let svg = doc.create_element_ns(Some(SVG_NS), "svg").ok()?;
    set_attrs(&svg, &[("viewBox", "0 0 24 24"), ("aria-hidden", "true")]);
    for d in paths {
        let path = doc.create_element_ns(Some(SVG_NS), "path").ok()?;
        let _ = path.set_attribute("d", d);
        add(&svg, &path);
    }
    Some(svg)
}

/// A link that opens in a new tab without opener or referrer (EMBED.md section 4). `href` must
/// already have passed `view::url::safe_link`.
pub fn external_link(href: &str, attrs: &[(&str, &str)]) -> Option<HtmlElement> {
    let a = el("a", attrs)?;
    set_attrs(
        &a,
        &[
            ("href", href),
            ("target", "_blank"),
            ("rel", "noopener noreferrer"),
        ],
    );
    Some(a)
}

/// Removes every child of `el`.
pub fn clear(el: &Element) {
    el.set_text_content(None);
}

/// The close icon, shared by the teasers and the header.
pub const CLOSE_PATH: &str = "M6 6l12 12M18 6L6 18";
