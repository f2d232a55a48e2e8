//! The widget's frame: launcher (with unread badge), panel (dialog with header, message list,
//! status line, composer). Only the DOM hooks and ARIA of EMBED.md section 4 are promised.

use crate::reactive::*;

use crate::view::icons;
use wasm_bindgen::JsCast;
use web_sys::Element;

use crate::services::conversation::Status;
use crate::services::Services;
use dialoge_api::rules::ACCEPT;

use crate::view::attachments::{attachment_chips, Attachments};
use crate::view::banners::banners;
use crate::view::dom::{self, effect};
use crate::view::files::{files_of, input_of};
use crate::view::header::header_el;
use crate::view::livechat::livechat_view;
use crate::view::look::remember_look;
use crate::view::messages::message_list;
use crate::view::teaser::teasers;
use crate::view::theme::use_theme;

/// The whole widget: the panel, the teasers and the launcher in one root, as plain DOM.
pub fn shell(svc: Services) -> Element {
    let html_root = dom::el("div|class=dlg-root");
    use_theme(svc, html_root.clone());
    let root: Element = html_root.into();
    dom::class(&root, "dlg-left", svc.ui.is_left());
    remember_look(svc);
    {
        let root = root.clone();
        dom::watch(Box::new(move || {
            dom::class(&root, "dlg-is-open", svc.ui.open().get());
        }));
    }
    // Focus follows the panel: into the composer when it opens, back to the launcher when it
    // closes (only after a real change, never on first render: the page keeps its focus).
    let mut last = None;
    let el = root.clone();
    effect(Box::new(move || {
        let open = svc.ui.open().get();
        if last.replace(open).is_some_and(|prev| prev != open) {
            let target = if open {
                "[data-testid=composer-input]"
            } else {
                "[data-testid=launcher]"
            };
            let el = el.clone();
            request_animation_frame(move || {
                // (No composer when the chat refused this visitor: the focus stays.)
                if let Some(node) = dom::find(&el, target) {
                    dom::focus(&node);
                }
            });
        }
    }));
    title_alerts(svc);
    dom::add(&root, &panel(svc));
    dom::add(&root, &teasers(svc));
    dom::add(&root, &launcher(svc));
    root
}

/// The round button that opens and closes the panel, with the unread count.
fn launcher(svc: Services) -> Element {
    let button: Element =
        dom::el("button|type=button|class=dlg-launcher|data-testid=launcher").into();
    for (class, path) in [
        ("dlg-icon-chat", icons::CHAT),
        ("dlg-icon-close", icons::CLOSE),
    ] {
        let icon = dom::icon(&[path]);
        dom::attr(&icon, "class", class);
        dom::add(&button, &icon);
    }
    {
        let button = button.clone();
        dom::watch(Box::new(move || {
            let open = svc.ui.open().get();
            let t = svc.ui.lang().get().t();
            dom::flag(&button, "hidden", !svc.ui.launcher_visible().get());
            let label = if open { t.close_chat } else { t.open_chat };
            dom::attr(&button, "aria-label", label);
            dom::attr(
                &button,
                "aria-expanded",
                if open { "true" } else { "false" },
            );
        }));
    }
    dom::when(
        &button,
        Box::new(move || svc.ui.unread().get() > 0),
        Box::new(move || {
            let badge: Element = dom::el("span|class=dlg-badge|data-testid=launcher-badge").into();
            let count = dom::text_slot(&badge);
            let el = badge.clone();
            dom::watch(Box::new(move || {
                let n = svc.ui.unread().get();
                let label = format!("{n} {}", svc.ui.lang().get().t().unread);
                dom::attr(&el, "aria-label", &label);
                count.set_data(&n.to_string());
            }));
            Some(badge)
        }),
    );
    dom::on(
        &button,
        "click",
        Box::new(move |_| svc.set_open(!svc.ui.open().get_untracked())),
    );
    button
}

/// The dialog: Escape closes it, Tab stays inside it on a small screen, and files dropped on it
/// are attached, around its content ([`panel_view`]).
fn panel(svc: Services) -> Element {
    let section: Element =
        dom::el("section|class=dlg-panel|data-testid=panel|role=dialog|aria-labelledby=dlg-title")
            .into();
    {
        let section = section.clone();
        // Named by its header's title (`aria-labelledby`), drawn with it below.
        dom::watch(Box::new(move || {
            dom::flag(&section, "hidden", !svc.ui.open().get());
        }));
    }
    let att = Attachments::default();
    panel_view(svc, att, &section);
    {
        let el = section.clone();
        dom::on(
            &section,
            "keydown",
            Box::new(move |e: web_sys::Event| {
                let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                    return;
                };
                if e.key() == "Escape" {
                    svc.set_open(false);
                } else if e.key() == "Tab" {
                    trap_focus(&el, e);
                }
            }),
        );
    }
    let dragging = move |el: &Element, on: bool| dom::class(el, "dlg-dragging", on);
    {
        let el = section.clone();
        dom::on(
            &section,
            "dragover",
            Box::new(move |e: web_sys::Event| {
                e.prevent_default();
                dragging(&el, true);
            }),
        );
    }
    {
        let el = section.clone();
        dom::on(
            &section,
            "dragleave",
            Box::new(move |_| dragging(&el, false)),
        );
    }
    {
        let el = section.clone();
        dom::on(
            &section,
            "drop",
            Box::new(move |e: web_sys::Event| {
                e.prevent_default();
                dragging(&el, false);
                if let Some(dt) = e
                    .dyn_ref::<web_sys::DragEvent>()
                    .and_then(|e| e.data_transfer())
                {
                    att.add(svc, file_list(dt.files()));
                }
            }),
        );
    }
    section
}

/// The panel's content, drawn into
/// `host`: header, banners, the livechat, messages, status line, and the composer or, when the
/// chat refused this visitor (403), a calm notice in its place (what was typed stays).
pub fn panel_view(svc: Services, att: Attachments, host: &Element) {
    dom::add(host, &header_el(svc));
    dom::add(host, &banners(svc));
    livechat_view(svc, host);
    dom::add(host, &message_list(svc));
    dom::add(host, &status_line(svc));
    let available = move || !svc.ui.unavailable().get();
    attachment_chips(svc, att, host, available);
    dom::when(
        host,
        Box::new(available),
        Box::new(move || Some(composer(svc, att))),
    );
    dom::when(
        host,
        Box::new(move || !available()),
        Box::new(move || Some(unavailable(svc))),
    );
}

/// Why the composer is gone (the chat refused this visitor, 403).
fn unavailable(svc: Services) -> Element {
    let p = dom::el("p|class=dlg-unavailable|data-testid=unavailable|role=status");
    crate::view::say(svc, &p, |t| t.error_unavailable);
    p.into()
}

/// What the conversation is doing (connecting, thinking, waiting out a rate limit, an error with
/// its retry), redrawn whole when that changes: a few times per answer.
fn status_line(svc: Services) -> Element {
    let div = dom::el("div|class=dlg-status|data-testid=status|role=status");
    let out: Element = div.clone().into();
    dom::watch(Box::new(move || {
        let status = svc.conversation.status().get();
        let t = svc.ui.lang().get().t();
        let state = match &status {
            Status::Idle => "idle",
            Status::Connecting => "connecting",
            Status::Thinking => "thinking",
            Status::Waiting { .. } => "waiting",
            Status::Error { .. } => "error",
        };
        dom::attr(&div, "data-state", state);
        dom::clear(&div);
        let (class, text) = match status {
            Status::Idle => return,
            Status::Connecting => ("", t.connecting.to_owned()),
            Status::Thinking => ("dlg-thinking", t.thinking.to_owned()),
            Status::Waiting { seconds } => (
                "",
                format!("{} {} {seconds} s", t.error_rate_limited, t.retrying_in),
            ),
            Status::Error { message, retry } => {
                let span = dom::el("span|class=dlg-error");
                dom::text(&span, &message);
                dom::add(&div, &span);
                if let Some(key) = retry {
                    let button =
                        dom::el("button|type=button|class=dlg-retry|data-testid=retry-button");
                    dom::text(&button, t.retry);
                    // Held by this effect's run: gone with the button when the status moves on.
                    dom::on(&button, "click", Box::new(move |_| svc.retry(key)));
                    dom::add(&div, &button);
                }
                return;
            }
        };
        let span = dom::el("span");
        if !class.is_empty() {
            dom::attr(&span, "class", class);
        }
        dom::text(&span, &text);
        dom::add(&div, &span);
    }));
    out
}

/// The composer: the file chooser behind the attach button, the labelled input (Enter sends,
/// Shift+Enter breaks the line, pasted files are attached), and send — or stop while an answer
/// arrives.
fn composer(svc: Services, att: Attachments) -> Element {
    let has_files = move || att.list.with(|l| !l.is_empty());
    let submit = move || {
        let text = svc.conversation.draft().get_untracked();
        // While an answer arrives, Enter still sends: the message waits for it (shown at once).
        if (text.trim().is_empty() && !has_files()) || !att.ready() {
            return;
        }
        svc.conversation.set_draft(String::new());
        if has_files() {
            svc.send(text, att.take());
        } else {
            svc.send(text, Vec::new());
        }
    };
    let form = dom::el("form|class=dlg-composer");
    let chooser = dom::el_with("input|type=file|class=dlg-sr|tabindex=-1|multiple|data-testid=attach-input|aria-hidden=true", &[("accept", ACCEPT)]);
    let attach = dom::el("button|type=button|class=dlg-attach|data-testid=attach-button");
    dom::add(&attach, &dom::icon(&[icons::ATTACH]));
    let label = dom::el("label|class=dlg-sr|for=dlg-input");
    let label_text = dom::text_slot(&label);
    let input = dom::el("textarea|id=dlg-input|class=dlg-input|data-testid=composer-input|rows=1");
    let stop = dom::el("button|type=button|class=dlg-stop|data-testid=stop-button");
    dom::add(&stop, &dom::icon(&[icons::STOP]));
    let send = dom::el("button|type=submit|class=dlg-send|data-testid=send-button");
    dom::add(&send, &dom::icon(&[icons::SEND]));
    for el in [&chooser, &attach, &label, &input] {
        dom::add(&form, el);
    }

    // The words, in the UI language.
    {
        let (attach, input, stop, send) =
            (attach.clone(), input.clone(), stop.clone(), send.clone());
        dom::watch(Box::new(move || {
            let t = svc.ui.lang().get().t();
            dom::attr(&attach, "aria-label", t.attach);
            label_text.set_data(t.input_label);
            dom::attr(&input, "placeholder", t.input_placeholder);
            dom::attr(&stop, "aria-label", t.stop);
            dom::attr(&send, "aria-label", t.send);
        }));
    }
    {
        let attach = attach.clone();
        dom::watch(Box::new(move || {
            dom::flag(&attach, "hidden", !svc.uploads_allowed());
        }));
    }
    {
        let input = input.clone();
        dom::watch(Box::new(move || {
            svc.conversation
                .draft()
                .with(|d| dom::prop(&input, "value", &d.as_str().into()));
        }));
    }
    // Stop while an answer arrives, send otherwise, in the same place.
    {
        let (input, stop, send) = (input.clone(), stop.clone(), send.clone());
        dom::watch(Box::new(move || {
            let busy = svc.conversation.busy().get();
            dom::toggle_after(&input, &stop, busy);
            dom::toggle_after(&input, &send, !busy);
        }));
    }
    {
        let send = send.clone();
        dom::watch(Box::new(move || {
            let empty = svc.conversation.draft().with(|d| d.trim().is_empty());
            dom::flag(&send, "disabled", (empty && !has_files()) || !att.ready());
        }));
    }
    dom::on(
        &form,
        "submit",
        Box::new(move |e: web_sys::Event| {
            e.prevent_default();
            submit();
        }),
    );
    dom::on(
        &chooser,
        "change",
        Box::new(move |e| {
            if let Some(input) = input_of(&e) {
                att.add(svc, files_of(&input));
                // Choosing the same file again must fire `change` again.
                input.set_value("");
            }
        }),
    );
    dom::on(
        &attach,
        "click",
        Box::new(move |_| {
            chooser.click();
        }),
    );
    dom::on(
        &input,
        "input",
        Box::new(move |e| {
            svc.conversation.set_draft(dom::event_target_value(&e));
            svc.livechat.typing();
        }),
    );
    dom::on(
        &input,
        "keydown",
        Box::new(move |e: web_sys::Event| {
            let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                return;
            };
            // Enter sends; Shift+Enter breaks the line; IME composition is left alone.
            if e.key() == "Enter" && !e.shift_key() && !e.is_composing() {
                e.prevent_default();
                submit();
            }
        }),
    );
    dom::on(
        &input,
        "paste",
        Box::new(move |e: web_sys::Event| {
            let files = e
                .dyn_ref::<web_sys::ClipboardEvent>()
                .and_then(|e| e.clipboard_data())
                .map(|d| file_list(d.files()))
                .unwrap_or_default();
            if !files.is_empty() {
                e.prevent_default();
                att.add(svc, files);
            }
        }),
    );
    dom::on(&stop, "click", Box::new(move |_| svc.conversation.stop()));
    form.into()
}

/// When the visitor asked for it, the tab's title counts the unread messages ("(2) Shop"), and
/// is given back as it was when they are read (or the widget goes). A title the page changed
/// meanwhile is left alone.
fn title_alerts(svc: Services) {
    let shown = StoredValue::new(None::<(String, String)>);
    let restore = move || {
        if let (Some((base, ours)), Some(doc)) = (
            shown.try_update_value(Option::take).flatten(),
            crate::window().document(),
        ) {
            if doc.title() == ours {
                doc.set_title(&base);
            }
        }
    };
    effect(Box::new(move || {
        let n = svc.ui.unread().get();
        let on = svc.ui.title_alerts().get();
        let Some(doc) = crate::window().document() else {
            return;
        };
        if n > 0 && on {
            let base = shown
                .with_value(|s| s.as_ref().map(|(base, _)| base.clone()))
                .unwrap_or_else(|| doc.title());
            let ours = format!("({n}) {base}");
            doc.set_title(&ours);
            shown.set_value(Some((base, ours)));
        } else {
            restore();
        }
    }));
    on_cleanup(restore);
}

/// Below this width the panel covers the page, so focus must stay inside it.
const FULL_SCREEN_MAX_WIDTH: f64 = 480.0;

/// Keeps Tab and Shift+Tab cycling inside the panel while it covers the screen.
fn trap_focus(panel: &Element, e: &web_sys::KeyboardEvent) {
    let narrow = crate::window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w <= FULL_SCREEN_MAX_WIDTH);
    if !narrow {
        return;
    }
    let Ok(list) = panel.query_selector_all(
        "button:not([disabled]), textarea, input, select, a[href], [tabindex]:not([tabindex='-1'])",
    ) else {
        return;
    };
    let focusable: Vec<web_sys::HtmlElement> = (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .filter(|el| el.offset_parent().is_some())
        .collect();
    let (Some(first), Some(last)) = (focusable.first(), focusable.last()) else {
        return;
    };
    // Inside a shadow root the document's activeElement is the host; ask the root.
    let active = panel
        .get_root_node()
        .dyn_into::<web_sys::ShadowRoot>()
        .ok()
        .and_then(|r| r.active_element());
    let at = |el: &web_sys::HtmlElement| {
        active
            .as_ref()
            .is_some_and(|a| a == el.unchecked_ref::<web_sys::Element>())
    };
    if e.shift_key() && at(first) {
        e.prevent_default();
        dom::focus(last);
    } else if !e.shift_key() && at(last) {
        e.prevent_default();
        dom::focus(first);
    }
}

/// The files of a drop or a paste.
fn file_list(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}
