//! The header menu: new conversation, download my data, delete my data (with an inline
//! confirmation, never a blocking `confirm()`). A disclosure button with `aria-expanded`;
//! Escape inside it closes the menu, not the panel.
//!
//! Plain DOM (`view::dom`): the open menu is one element per state (the list, the rating, the
//! confirmation, the notice), drawn when the state changes; its words follow the UI language
//! node by node.

use std::rc::Rc;

use crate::reactive::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

use crate::services::markers::RatingTarget;
use crate::services::{Outcome, Services};
use crate::view::icons;
use crate::view::rating::rating_el;
use crate::view::{dom, name, say, Words};

#[derive(Clone, Copy, PartialEq)]
pub enum MenuState {
    Closed,
    Open,
    ConfirmDelete,
    Notice(bool),
    Rate,
}

/// Words of the UI language.
/// The "⋯" menu in the panel header.
pub(crate) fn header_menu_el(svc: Services) -> Element {
    let state = RwSignal::new(MenuState::Closed);
    let root: Element = dom::el("div|class=dlg-menu").into();
    let button: Element = dom::el("button|type=button|class=dlg-header-btn dlg-menu-btn|data-testid=menu-button|aria-haspopup=menu")
    .into();
    dom::add(&button, &dom::icon(&[icons::MORE]));
    dom::add(&root, &button);
    name(svc, &button, |t| t.menu);
    {
        let button = button.clone();
        dom::watch(Box::new(move || {
            let open = state.get() != MenuState::Closed;
            dom::set_attrs(
                &button,
                &[("aria-expanded", if open { "true" } else { "false" })],
            );
        }));
    }
    dom::on(
        &button,
        "click",
        Box::new(move |_| {
            state.update(|s| {
                *s = if *s == MenuState::Closed {
                    MenuState::Open
                } else {
                    MenuState::Closed
                }
            })
        }),
    );
    dom::on(
        &root,
        "keydown",
        Box::new(move |e: web_sys::Event| {
            let escape = e
                .dyn_ref::<web_sys::KeyboardEvent>()
                .is_some_and(|k| k.key() == "Escape");
            if escape && state.get_untracked() != MenuState::Closed {
                e.stop_propagation();
                state.set(MenuState::Closed);
            }
        }),
    );
    // The open menu after the button: one row, keyed by the state, so each state draws anew.
    dom::list(
        &root,
        Box::new(move || match state.get() {
            MenuState::Closed => Vec::new(),
            MenuState::Open => vec![1],
            MenuState::Rate => vec![2],
            MenuState::ConfirmDelete => vec![3],
            MenuState::Notice(ok) => vec![4 + u64::from(ok)],
        }),
        Box::new(move |_| menu_el(svc, state).map(Into::into)),
    );
    root
}

/// A `<button type="button">` in `parent` that says `words` and runs `act` when clicked.
fn button(
    svc: Services,
    parent: &Element,
    attrs: &[(&str, &str)],
    words: Words,
    act: Box<dyn dom::Handle>,
) {
    let el: Element = dom::el_with("button|type=button", attrs).into();
    say(svc, &el, words);
    dom::on(&el, "click", act);
    dom::add(parent, &el);
}

/// An item of the open menu's list.
fn item(svc: Services, list: &Element, testid: &str, words: Words, act: Box<dyn dom::Handle>) {
    let attrs = [
        ("role", "menuitem"),
        ("class", "dlg-menu-item"),
        ("data-testid", testid),
    ];
    button(svc, list, &attrs, words, act);
}

/// The open menu in its current state: its items, or one of its dialogs.
fn menu_el(svc: Services, state: RwSignal<MenuState>) -> Option<Element> {
    let close: Box<dyn dom::Handle> = Box::new(move |_| state.set(MenuState::Closed));
    let el: Element = dom::el("div|class=dlg-menu-list").into();
    match state.get_untracked() {
        MenuState::Closed => return None,
        MenuState::Open => {
            dom::set_attrs(&el, &[("role", "menu")]);
            // Read when the menu opens: OpenDialog's configuration decides some items, and
            // only what this backend can do is offered.
            let (menu, can) = (svc.menu(), svc.capabilities());
            if menu.new_conversation {
                let act = move |_| {
                    svc.reset();
                    state.set(MenuState::Closed);
                };
                item(svc, &el, "menu-new", |t| t.new_conversation, Box::new(act));
            }
            if menu.download {
                let act = move |_| {
                    svc.export_data();
                    state.set(MenuState::Closed);
                };
                item(svc, &el, "menu-export", |t| t.download_data, Box::new(act));
            }
            if can.rating {
                let act = move |_| state.set(MenuState::Rate);
                item(
                    svc,
                    &el,
                    "menu-rate",
                    |t| t.rate_conversation,
                    Box::new(act),
                );
            }
            if can.delete {
                let act = move |_| state.set(MenuState::ConfirmDelete);
                item(svc, &el, "menu-delete", |t| t.delete_data, Box::new(act));
            }
            // "End chat", where OpenDialog's configuration shows it.
            #[cfg(feature = "opendialog")]
            if menu.end_chat {
                let act = move |_| {
                    state.set(MenuState::Closed);
                    svc.end_chat();
                };
                item(svc, &el, "menu-end", |t| t.end_chat, Box::new(act));
            }
            // The visitor's own choice: unread messages counted in the tab's title.
            let alerts: Element = dom::el("button|type=button|role=menuitemcheckbox|class=dlg-menu-item|data-testid=menu-title-alerts")
            .into();
            let check = dom::text_slot(&alerts);
            {
                let alerts = alerts.clone();
                dom::watch(Box::new(move || {
                    let on = svc.ui.title_alerts().get();
                    let checked = if on { "true" } else { "false" };
                    dom::set_attrs(&alerts, &[("aria-checked", checked)]);
                    check.set_data(if on { "✓ " } else { "" });
                }));
            }
            say(svc, &alerts, |t| t.title_alerts);
            dom::on(
                &alerts,
                "click",
                Box::new(move |_| {
                    svc.set_title_alerts(!svc.ui.title_alerts().get_untracked());
                    state.set(MenuState::Closed);
                }),
            );
            dom::add(&el, &alerts);
        }
        MenuState::Rate => {
            dom::set_attrs(
                &el,
                &[("class", "dlg-menu-list dlg-menu-rate"), ("role", "dialog")],
            );
            name(svc, &el, |t| t.rate_conversation);
            let done = Rc::new(move || state.set(MenuState::Closed));
            let form = rating_el(svc, Some(done), RatingTarget::Conversation)?;
            dom::add(&el, &form);
        }
        MenuState::ConfirmDelete => {
            dom::set_attrs(
                &el,
                &[("role", "alertdialog"), ("aria-labelledby", "dlg-del-q")],
            );
            let question = dom::el("p|id=dlg-del-q|class=dlg-menu-text");
            say(svc, &question, |t| t.delete_confirm);
            dom::add(&el, &question);
            let row: Element = dom::el("div|class=dlg-menu-row").into();
            let delete = move |_| {
                svc.spawn(async move {
                    let deleted = svc.delete_data().await == Outcome::Done(());
                    state.try_set(MenuState::Notice(deleted));
                })
            };
            let attrs = [
                ("class", "dlg-danger"),
                ("data-testid", "menu-delete-confirm"),
            ];
            button(svc, &row, &attrs, |t| t.delete_data, Box::new(delete));
            let attrs = [("class", "dlg-menu-item")];
            button(svc, &row, &attrs, |t| t.cancel, close);
            dom::add(&el, &row);
        }
        MenuState::Notice(ok) => {
            dom::set_attrs(&el, &[("role", "status"), ("data-testid", "menu-notice")]);
            let text = dom::el("p|class=dlg-menu-text");
            let words: Words = match ok {
                true => |t| t.data_deleted,
                false => |t| t.error_generic,
            };
            say(svc, &text, words);
            dom::add(&el, &text);
            button(svc, &el, &[("class", "dlg-menu-item")], |t| t.close, close);
        }
    }
    Some(el)
}
