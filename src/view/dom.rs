//! The widget's whole view, as plain DOM: elements built by these few non-generic calls, kept
//! in step with the services' signals by small boxed effects ([`watch`], [`effect`]), with
//! conditional places ([`when`], [`place`]) and keyed lists ([`list`]). `crate::reactive` supplies
//! signals, effects and owners; Leptos's view layer is not used, because each of its
//! elements, attributes and closures is monomorphized (a few bytes per call, and a copy of its
//! machinery per view and signal type) and it marks every conditional, list and component
//! with an empty comment node. A message built here is its elements and text nodes only, and
//! every update writes one node.
//!
//! Text only ever goes in as text nodes and attributes through `setAttribute`; nothing is
//! parsed as HTML.

use crate::reactive::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, Node};

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// An element from its spec, `tag|name=value|name`: the tag, then its fixed attributes (a
/// name alone is an empty value; a value cannot hold `|`, and holds everything after the
/// name's first `=`). One string per element rather than a table of name and
/// value pairs, because a table keeps two pointers and two lengths per attribute in the wasm's
/// data (16 bytes each, which compress poorly), a string only its text.
///
/// It cannot fail, so it returns the element itself: every spec is a literal of the widget's
/// (an unknown tag is still an element), and an `Option` here cost each of the ~170 callers a
/// check and a way out (≈ 15 bytes of wasm apiece).
pub fn el(spec: &str) -> HtmlElement {
    let (tag, mut rest) = cut(spec, b'|');
    let el = create_element(tag);
    while !rest.is_empty() {
        let (pair, next) = cut(rest, b'|');
        let (name, value) = cut(pair, b'=');
        attr(&el, name, value);
        rest = next;
    }
    el
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `document.createElement(tag)`. Bound without `catch`: it throws only for a string that
    /// is not an element name, and the widget passes only literal tags ([`el`]).
    #[wasm_bindgen(js_namespace = document, js_name = createElement)]
    fn create_element(tag: &str) -> HtmlElement;

    /// `document.createElementNS(ns, tag)`, without a catch for the same reason (the icons'
    /// `svg` and `path`).
    #[wasm_bindgen(js_namespace = document, js_name = createElementNS)]
    fn create_element_ns(ns: &str, tag: &str) -> Element;

    /// `document.createTextNode(text)`, which cannot throw.
    #[wasm_bindgen(js_namespace = document, js_name = createTextNode)]
    fn create_text(text: &str) -> web_sys::Text;

    /// An element, for the methods bound here without a catch (web-sys's bindings of them
    /// return a `Result` that each of their ~30 callers had to drop).
    type Target;

    /// `el.setAttribute(name, value)`: it throws only for a string that is not an attribute
    /// name, and every name is a literal of the widget's.
    #[wasm_bindgen(method, js_name = setAttribute)]
    fn set_attribute(this: &Target, name: &str, value: &str);

    /// `el.focus()`, which does not throw.
    #[wasm_bindgen(method, js_name = focus)]
    fn focus(this: &Target);

    /// `el.closest(selector)`: it throws only for a string that is not a selector, and every
    /// selector is the widget's own.
    #[wasm_bindgen(method)]
    fn closest(this: &Target, selector: &str) -> Option<Element>;

    /// `el.querySelector(selector)`, likewise.
    #[wasm_bindgen(method, js_name = querySelector)]
    fn query_selector(this: &Target, selector: &str) -> Option<Element>;
}

/// Sets attribute `name` (a literal of the widget's) to `value`.
pub fn attr(el: &Element, name: &str, value: &str) {
    el.unchecked_ref::<Target>().set_attribute(name, value);
}

/// Moves focus to `el`.
pub fn focus(el: &Element) {
    el.unchecked_ref::<Target>().focus();
}

/// `el` or its nearest ancestor that matches `selector` (the widget's own).
pub fn closest(el: &Element, selector: &str) -> Option<Element> {
    el.unchecked_ref::<Target>().closest(selector)
}

/// The first element inside `el` that matches `selector` (the widget's own).
pub fn find(el: &Element, selector: &str) -> Option<Element> {
    el.unchecked_ref::<Target>().query_selector(selector)
}

/// `text` before and after the first `sep` (an ASCII byte, so both halves are whole
/// characters); all of it and nothing when there is none. A byte loop: `str::split_once`
/// brings a UTF-8 searcher this needs none of.
fn cut(text: &str, sep: u8) -> (&str, &str) {
    match text.bytes().position(|b| b == sep) {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => (text, ""),
    }
}

/// [`el`] with attributes whose values are known only at run time (taken whole, `|` and all).
pub fn el_with(spec: &str, attrs: &[(&str, &str)]) -> HtmlElement {
    let el = el(spec);
    set_attrs(&el, attrs);
    el
}

/// Sets attributes as plain values.
pub fn set_attrs(el: &Element, attrs: &[(&str, &str)]) {
    for (name, value) in attrs {
        attr(el, name, value);
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
pub fn icon(paths: &[&str]) -> Element {
    let svg = create_element_ns(SVG_NS, "svg");
    set_attrs(&svg, &[("viewBox", "0 0 24 24"), ("aria-hidden", "true")]);
    for d in paths {
        let path = create_element_ns(SVG_NS, "path");
        attr(&path, "d", d);
        add(&svg, &path);
    }
    svg
}

/// A link that opens in a new tab without opener or referrer (EMBED.md section 4). `href` must
/// already have passed `view::url::safe_link`.
pub fn external_link(href: &str, attrs: &[(&str, &str)]) -> HtmlElement {
    let a = el_with("a", attrs);
    set_attrs(
        &a,
        &[
            ("href", href),
            ("target", "_blank"),
            ("rel", "noopener noreferrer"),
        ],
    );
    a
}

/// Adds class `name` to `el` when `on`, removes it otherwise (add/remove, not toggle: the
/// methods the app imports anyway).
pub fn class(el: &Element, name: &str, on: bool) {
    let classes = el.class_list();
    let _ = match on {
        true => classes.add_1(name),
        false => classes.remove_1(name),
    };
}

/// Draws what `draw` makes at the end of `parent`, under the current owner.
pub fn mount(parent: &Element, draw: impl FnOnce() -> Option<Element>) -> Option<Element> {
    let el = draw()?;
    add(parent, &el);
    Some(el)
}

/// The `value` of the input or text area an event came from.
pub fn event_target_value(ev: &web_sys::Event) -> String {
    ev.target()
        .map(|t| t.unchecked_into::<web_sys::HtmlInputElement>().value())
        .unwrap_or_default()
}

/// Removes every child of `el`.
pub fn clear(el: &Element) {
    el.set_text_content(None);
}

/// The close icon, shared by the teasers and the header.
pub const CLOSE_PATH: &str = "M6 6l12 12M18 6L6 18";

// ---------------------------------------------------------------------------------------------
// What changes: effects, keyed lists, listeners.

/// Runs `f` now, and again whenever a signal it read changes, for as long as the current
/// owner lives. Boxed, so every plain-DOM update shares one effect type. What a run of `f`
/// makes (effects, listeners, `when` and `list` places) is cleaned up before the next run.
pub fn watch(f: Box<dyn Run>) {
    crate::reactive::watch(f);
}

// The boxed closures below are behind traits of their own, not `Fn`/`FnMut`, for the reason
// given at `reactive::Run`: no dead `call_once`/`call_mut` shims per closure type.

/// A closure read for a value (`Fn() -> T`).
pub trait Get<T> {
    fn get(&self) -> T;
}

impl<T, F: Fn() -> T> Get<T> for F {
    fn get(&self) -> T {
        self()
    }
}

/// Draws row `i` of a [`list`].
pub trait DrawRow {
    fn draw(&self, i: usize) -> Option<Node>;
}

impl<F: Fn(usize) -> Option<Node>> DrawRow for F {
    fn draw(&self, i: usize) -> Option<Node> {
        self(i)
    }
}

/// Draws what a [`place`] shows for a key.
pub trait DrawKey {
    fn draw(&self, key: &str) -> Option<Element>;
}

impl<F: Fn(&str) -> Option<Element>> DrawKey for F {
    fn draw(&self, key: &str) -> Option<Element> {
        self(key)
    }
}

/// Handles an event of [`on`].
pub trait Handle {
    fn handle(&mut self, ev: web_sys::Event);
}

impl<F: FnMut(web_sys::Event)> Handle for F {
    fn handle(&mut self, ev: web_sys::Event) {
        self(ev)
    }
}

/// One drawn row of [`list`]: its key, its node (none for a row that shows nothing) and the
/// owner of whatever the row's drawing made (effects, listeners), cleaned up with the row.
struct Kept {
    key: u64,
    node: Option<Node>,
    _owner: Owner,
}

/// Keeps `host`'s children in step with a keyed list. `keys` is read reactively; `draw(i)`
/// draws row `i`, untracked, under an owner of its own. Rows keep their place by key from the
/// start and from the end of the list, so what the transcript does — grow at the end, take older
/// history in at the start, replace a row in place, drop rows — draws only the rows that are new
/// and removes only those that went (a row that moved would be drawn again: nothing here moves).
pub fn list(host: &Element, keys: Box<dyn Get<Vec<u64>>>, draw: Box<dyn DrawRow>) {
    list_before(host, None, keys, draw);
}

/// [`list`] among other children of `host`: its rows stay before `end` (a child of `host`).
pub fn list_before(
    host: &Element,
    end: Option<Node>,
    keys: Box<dyn Get<Vec<u64>>>,
    draw: Box<dyn DrawRow>,
) {
    // Weak: this closure lives in an effect the parent owner holds, so a strong handle here
    // would keep the parent (and every row under it) alive for good.
    let parent = Owner::current().unwrap_or_default().downgrade();
    let host = host.clone();
    let mut kept: Vec<Kept> = Vec::new();
    watch(Box::new(move || {
        let keys = keys.get();
        let Some(parent) = parent.upgrade() else {
            return;
        };
        let head = kept
            .iter()
            .zip(&keys)
            .take_while(|(k, key)| k.key == **key)
            .count();
        if head == kept.len() && head == keys.len() {
            return;
        }
        let room = kept.len().min(keys.len()) - head;
        let tail = kept
            .iter()
            .rev()
            .zip(keys.iter().rev())
            .take(room)
            .take_while(|(k, key)| k.key == **key)
            .count();
        untrack(|| {
            // The rows between the kept ends that are not there any more go, with their owners.
            let gone_to = kept.len() - tail;
            for gone in kept.drain(head..gone_to) {
                if let Some(node) = gone.node {
                    let _ = host.remove_child(&node);
                }
            }
            // New rows go before the first kept row after them that has a node, or the end.
            let before = kept[head..]
                .iter()
                .find_map(|k| k.node.clone())
                .or_else(|| end.clone());
            let fresh: Vec<Kept> = (head..keys.len() - tail)
                .map(|i| {
                    let owner = parent.child();
                    let node = owner.with(|| draw.draw(i));
                    if let Some(node) = &node {
                        let _ = host.insert_before(node, before.as_ref());
                    }
                    Kept {
                        key: keys[i],
                        node,
                        _owner: owner,
                    }
                })
                .collect();
            kept.splice(head..head, fresh);
        });
    }));
}

/// `f()` as a signal that changes only when its value does (a memo of a flag): what reads it is
/// not woken by every change of what `f` reads. Leptos's `Memo` would do the same with a copy
/// of its machinery that nothing else in the widget needs.
pub fn flag_signal(f: Box<dyn Get<bool>>) -> RwSignal<bool> {
    let out = RwSignal::new(false);
    // Runs at once (so the signal holds `f()` from the start), then on every change.
    watch(Box::new(move || {
        let now = f.get();
        if out.get_untracked() != now {
            out.set(now);
        }
    }));
    out
}

/// Keys for a list keyed by place (one that only grows at the end).
pub fn places(len: usize) -> Vec<u64> {
    (0..len as u64).collect()
}

/// A detached text node.
pub fn text_node(text: &str) -> Node {
    create_text(text).into()
}

/// A text node that shows `text` as it grows (one node written per change).
pub fn live_text(text: RwSignal<String>) -> Node {
    let node = create_text("");
    let out = node.clone();
    watch(Box::new(move || text.with(|t| node.set_data(t))));
    out.into()
}

/// Puts `el` right after `anchor` while `on`, and takes it out otherwise.
pub fn toggle_after(anchor: &Element, el: &Element, on: bool) {
    if !on {
        el.remove();
    } else if el.parent_node().is_none() {
        let _ = anchor.after_with_node_1(el);
    }
}

/// `Effect::new` for a closure of no arguments, boxed: every effect of the views shares one
/// instance of Leptos's effect machinery (its task and loop are generic over the closure, about
/// 1 KB of wasm each). Runs after the current render, then whenever a signal it read changes,
/// for as long as the current owner lives.
pub fn effect(f: Box<dyn Run>) {
    crate::reactive::effect(f);
}

/// Listens for `event` on `target` as long as the current owner lives. `f` runs outside any
/// owner: look contexts (`use_services`) up before, not in it.
pub fn on(target: &Element, event: &'static str, mut f: Box<dyn Handle>) {
    // One closure type for every listener (wasm-bindgen wants a `dyn FnMut`).
    let closure = Closure::<dyn FnMut(web_sys::Event)>::wrap(Box::new(move |ev| f.handle(ev)));
    let _ = target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    StoredValue::new_local(Listener {
        target: target.clone(),
        event,
        closure,
    });
}

/// A listener that leaves with its owner: removed from its element before its closure is
/// dropped, so an element still alive (an image still loading) never calls a dropped closure.
struct Listener {
    target: Element,
    event: &'static str,
    closure: Closure<dyn FnMut(web_sys::Event)>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.event, self.closure.as_ref().unchecked_ref());
    }
}

// ---------------------------------------------------------------------------------------------
// Reactive attributes and places for plain-DOM forms.

/// Sets the boolean attribute `name` (`hidden`, `disabled`) when `on`, removes it otherwise.
pub fn flag(el: &Element, name: &str, on: bool) {
    // Through set/removeAttribute, which the app imports anyway (`toggleAttribute` would be
    // one more import of the main module).
    opt_attr(el, name, on.then_some(""));
}

/// Sets attribute `name` to `value`, or removes it for `None` (`aria-invalid`).
pub fn opt_attr(el: &Element, name: &str, value: Option<&str>) {
    match value {
        Some(value) => attr(el, name, value),
        None => {
            let _ = el.remove_attribute(name);
        }
    }
}

/// Sets a DOM property (`value`, `selected`): what the visitor sees in a control, which its
/// attribute no longer decides once they have typed.
pub fn prop(el: &Element, name: &str, value: &wasm_bindgen::JsValue) {
    let _ = js_sys::Reflect::set(el, &wasm_bindgen::JsValue::from_str(name), value);
}

/// Appends an empty text node to `parent` and returns it, for text that changes.
pub fn text_slot(parent: &Element) -> web_sys::Text {
    let node = create_text("");
    let _ = parent.append_with_node_1(&node);
    node
}

/// A place at the end of `parent` that holds what `draw` makes while `on()` holds, and nothing
/// otherwise. `on` is re-read whenever a signal it reads changes, but `draw` runs only when it
/// flips: a form's field is not redrawn per keystroke (that would take the focus away). What a
/// drawing makes (effects, listeners) lives under an owner of its own, cleaned up when it goes.
pub fn when(parent: &Element, on: Box<dyn Get<bool>>, draw: Box<dyn Get<Option<Element>>>) {
    place(
        parent,
        Box::new(move || on.get().then(String::new)),
        Box::new(move |_: &str| draw.get()),
    );
}

/// What [`place`] draws for a key.
pub type KeyedDraw = Box<dyn DrawKey>;

/// A place at the end of `parent` that holds what `draw(key)` makes while `key()` is `Some`,
/// drawn again only when the key changes (a session form by its id), with what a drawing made
/// cleaned up as in [`when`].
pub fn place(parent: &Element, key: Box<dyn Get<Option<String>>>, draw: KeyedDraw) {
    let anchor = create_text("");
    let _ = parent.append_with_node_1(&anchor);
    // Weak, as in `list`: the effect below is held by this owner.
    let owner = Owner::current().unwrap_or_default().downgrade();
    let mut shown: Option<(String, Option<Element>, Owner)> = None;
    watch(Box::new(move || {
        let key = key.get();
        if key.as_deref() == shown.as_ref().map(|(k, ..)| k.as_str()) {
            return;
        }
        let Some(owner) = owner.upgrade() else {
            return;
        };
        untrack(|| {
            if let Some((_, Some(el), _)) = shown.take() {
                el.remove();
            }
            if let Some(key) = key {
                let child = owner.child();
                let el = child.with(|| draw.draw(&key));
                if let (Some(el), Some(parent)) = (&el, anchor.parent_node()) {
                    let _ = parent.insert_before(el, Some(&anchor));
                }
                shown = Some((key, el, child));
            }
        });
    }));
}
