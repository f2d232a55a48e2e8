//! The message list (`role="log"`): one element per message, keyed, so a finished message is
//! never rebuilt when another one streams. It follows the conversation while the visitor is at
//! the bottom; once they scroll up it stays put and offers a "new message" pill instead.
//! Scrolling to the top loads older history without moving what is on screen.

use std::cell::Cell;
use std::rc::Rc;

use crate::reactive::*;
use dialoge_api::message::Role;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, MutationObserver, MutationObserverInit, ResizeObserver};

use crate::services::Services;
use crate::state::conversation::{Entry, EntryState};
use crate::view::dom;
use crate::view::parts::part_el;
use crate::view::url::safe_image;

/// How close to the bottom (px) still counts as "at the bottom".
const PIN_SLACK: i32 = 48;
/// How close to the top (px) asks for older history.
const TOP_SLACK: i32 = 40;

/// Scroll bookkeeping shared by the scroll handler and the two observers (plain cells: none of
/// it is rendered, only the pill is).
#[derive(Default)]
struct Follow {
    pinned: Cell<bool>,
    /// scrollTop at the last scroll event: only a move up unpins (see `on_scroll`).
    top: Cell<i32>,
    /// (scrollHeight, scrollTop) before older history was requested: restored after it lands.
    restore: Cell<Option<(i32, i32)>>,
}

/// The list's two observers and their callbacks, kept (and disconnected) together.
type Observers = (ResizeObserver, MutationObserver, [Closure<dyn FnMut()>; 2]);

pub fn message_list(svc: Services) -> Element {
    let wrap: Element = dom::el("div|class=dlg-messages-wrap").into();
    let list: Element =
        dom::el("div|class=dlg-messages|data-testid=messages|role=log|aria-live=polite").into();
    dom::add(&wrap, &list);
    let content_el = content(svc);
    dom::add(&list, &content_el);
    let inner_el = content_el.clone();
    let has_new = RwSignal::new(false);
    let follow = Rc::new(Follow::default());
    follow.pinned.set(true);

    // Where the view goes is decided by the content's size, not by DOM mutations: a message
    // can change height with no mutation at all (an image arriving, `content-visibility`
    // laying out a message for real). A ResizeObserver reports after layout and before paint,
    // so the view is corrected in the same frame and never forces a layout of its own.
    // What is new is decided by mutations: a message or a delta arriving while the visitor has
    // scrolled up offers the pill; a message merely laid out again (no mutation) does not.
    let observers = StoredValue::new_local(None::<Observers>);
    {
        let follow = follow.clone();
        let list = list.clone();
        dom::effect(Box::new(move || {
            let el = list.clone();
            let inner = inner_el.clone();
            if observers.with_value(Option::is_some) {
                return;
            }
            let on_resize = {
                let follow = follow.clone();
                Closure::<dyn FnMut()>::new(move || {
                    if let Some((height, top)) = follow.restore.get() {
                        // Older history goes in above: what is on screen stays where it is. The
                        // anchor holds until the page has landed (the loading line comes first).
                        el.set_scroll_top(top + el.scroll_height() - height);
                        if !svc.conversation.history_loading().get_untracked() {
                            // Landed. The older messages went in while the list was at its top,
                            // so for a frame they were on screen, and `content-visibility` may
                            // lay them out at their real height (not the 100px placeholder) a
                            // frame later, moving everything below them. So the anchor holds
                            // two more frames; a next page asked for meanwhile keeps its own.
                            let follow = follow.clone();
                            let landed = Some((height, top));
                            request_animation_frame(move || {
                                request_animation_frame(move || {
                                    if follow.restore.get() == landed {
                                        follow.restore.set(None);
                                    }
                                })
                            });
                        }
                    } else if follow.pinned.get() {
                        el.set_scroll_top(el.scroll_height());
                    }
                })
            };
            let follow = follow.clone();
            let on_mutation = Closure::<dyn FnMut()>::new(move || {
                if !follow.pinned.get() && follow.restore.get().is_none() {
                    has_new.set(true);
                }
            });
            let (Ok(ro), Ok(mo)) = (
                ResizeObserver::new(on_resize.as_ref().unchecked_ref()),
                MutationObserver::new(on_mutation.as_ref().unchecked_ref()),
            ) else {
                return;
            };
            let init = MutationObserverInit::new();
            init.set_child_list(true);
            init.set_subtree(true);
            init.set_character_data(true);
            if mo.observe_with_options(&inner, &init).is_ok() {
                ro.observe(&inner);
                observers.set_value(Some((ro, mo, [on_resize, on_mutation])));
            }
        }));
    }
    on_cleanup(move || {
        observers.update_value(|o| {
            if let Some((ro, mo, _)) = o.take() {
                ro.disconnect();
                mo.disconnect();
            }
        });
    });

    // The visitor's own new message always brings the view down to it.
    {
        let follow = follow.clone();
        let mut last = None;
        dom::effect(Box::new(move || {
            let (len, last_is_user) = svc
                .conversation
                .entries()
                .with(|e| (e.len(), e.last().is_some_and(|x| x.role == Role::User)));
            if last.replace(len).is_some_and(|p| len > p) && last_is_user {
                follow.pinned.set(true);
                has_new.set(false);
            }
        }));
    }

    // A hidden list cannot scroll: when the panel opens, jump to the newest message.
    {
        let list = list.clone();
        dom::effect(Box::new(move || {
            if svc.ui.open().get() {
                let el = list.clone();
                request_animation_frame(move || el.set_scroll_top(el.scroll_height()));
            }
        }));
    }

    let on_scroll = {
        let follow = follow.clone();
        let el = list.clone();
        move |_| {
            let top = el.scroll_top();
            let went_up = top < follow.top.replace(top);
            // Near the bottom pins; only the visitor moving up unpins. The content may have
            // grown since the view last went down (the ResizeObserver follows after the next
            // layout, this event can come first): that gap is not the visitor leaving.
            let bottom_gap = el.scroll_height() - top - el.client_height();
            let pinned = bottom_gap <= PIN_SLACK || (follow.pinned.get() && !went_up);
            follow.pinned.set(pinned);
            if pinned {
                has_new.set(false);
            }
            if top <= TOP_SLACK
                && !svc.conversation.history_loading().get_untracked()
                && svc.conversation.has_older()
            {
                follow.restore.set(Some((el.scroll_height(), top)));
                svc.conversation.load_older();
            }
        }
    };

    dom::on(&list, "scroll", Box::new(on_scroll));
    dom::when(
        &wrap,
        Box::new(move || has_new.get()),
        Box::new(move || {
            let pill: Element =
                dom::el("button|type=button|class=dlg-pill|data-testid=new-message-pill").into();
            crate::view::say(svc, &pill, |t| t.new_messages);
            dom::text(&pill, " ↓");
            let el = list.clone();
            dom::on(
                &pill,
                "click",
                Box::new(move |_| {
                    el.set_scroll_top(el.scroll_height());
                    has_new.set(false);
                }),
            );
            Some(pill)
        }),
    );
    wrap
}

/// One box around everything that scrolls (its size is the content's height, which the
/// ResizeObserver follows): the intro, the config's `session_start` form before the first
/// message, the line that says older history is loading, the messages, and the quiet rating.
/// The messages are a `dom::list`, keyed by entry: a message is drawn once, older history goes in
/// above the first one, and nothing else is drawn again.
fn content(svc: Services) -> Element {
    let content: Element = dom::el("div|class=dlg-messages-content").into();
    dom::add(&content, &crate::view::intro::intro(svc));
    dom::place(
        &content,
        Box::new(move || {
            svc.conversation
                .entries()
                .with(Vec::is_empty)
                .then(|| {
                    svc.branding
                        .form_for(dialoge_api::config::FormTrigger::SessionStart)
                })
                .flatten()
        }),
        Box::new(crate::view::parts::forms::session_form_el),
    );
    dom::when(
        &content,
        Box::new(move || svc.conversation.history_loading().get()),
        Box::new(move || {
            let line: Element =
                dom::el("div|class=dlg-history-loading|data-testid=history-loading").into();
            crate::view::say(svc, &line, |t| t.loading_older);
            Some(line)
        }),
    );
    let end = dom::text_node("");
    let _ = content.append_child(&end);
    dom::list_before(
        &content,
        Some(end),
        Box::new(move || {
            svc.conversation
                .entries()
                .with(|e| e.iter().map(|x| x.key).collect())
        }),
        Box::new(move |i| {
            let entry = svc
                .conversation
                .entries()
                .with_untracked(|e| e.get(i).cloned())?;
            message_el(svc, entry).map(Into::into)
        }),
    );
    // Offered once the visitor has written and an answer has gone quiet (its timing is the
    // rating's own).
    dom::when(
        &content,
        Box::new(move || svc.conversation.visitor_spoke()),
        Box::new(move || crate::view::rating::quiet_rating_el(svc)),
    );
    content
}

/// One message as plain DOM (`view::dom`): a history of a thousand messages is their elements
/// and text, with no marker nodes, and each signal it shows is written by one small effect.
fn message_el(svc: Services, entry: Entry) -> Option<Element> {
    let msg: Element = dom::el_with(
        "div|class=dlg-message|data-testid=message",
        &[("data-role", entry.role.as_str())],
    )
    .into();
    let parts = entry.parts();
    let state = entry.state();
    let problem = entry.problem();
    let message_id = entry.message_id();
    {
        let msg = msg.clone();
        dom::watch(Box::new(move || {
            let id = message_id.with(|id| id.clone().unwrap_or_default());
            dom::set_attrs(
                &msg,
                &[
                    ("data-message-id", &id),
                    ("data-state", state_name(state.get())),
                ],
            );
        }));
    }
    if let Some(agent) = &entry.agent {
        // The agent's own picture beside their name (only a URL the image rules allow).
        let sender = dom::el("span|class=dlg-sender|data-testid=message-sender");
        let avatar = agent
            .avatar_url
            .as_deref()
            .and_then(|u| safe_image(u, &svc.api_base()));
        if let Some(src) = avatar {
            let img = dom::el_with(
                "img|class=dlg-sender-avatar|data-testid=message-avatar|alt",
                &[("src", src.as_str())],
            );
            dom::add(&sender, &img);
        }
        dom::text(&sender, &agent.display_name);
        dom::add(&msg, &sender);
    }
    let bubble: Element = dom::el("div|class=dlg-bubble").into();
    dom::list(
        &bubble,
        Box::new(move || parts.with(|p| p.iter().map(|p| p.key).collect())),
        Box::new(move |i| part_el(parts.with_untracked(|p| p.get(i).cloned())?).map(Into::into)),
    );
    dom::add(&msg, &bubble);
    // Below the bubble while it applies: sending with a file ("uploading…"), or not sent (and
    // the service's reason). The two never hold at once.
    let has_upload = move || {
        parts.with(|p| {
            p.iter().any(|lp| {
                matches!(&lp.kind, crate::state::live::LiveKind::Whole(w)
                    if matches!(w.as_ref(), dialoge_api::message::Part::Image(_) | dialoge_api::message::Part::File(_)))
            })
        })
    };
    let uploading = dom::el("span|class=dlg-uploading|data-testid=uploading");
    let not_sent = dom::el("span|class=dlg-not-sent");
    {
        let bubble = bubble.clone();
        dom::watch(Box::new(move || {
            let t = svc.ui.lang().get().t();
            let state = state.get();
            let on = state == EntryState::Sending && has_upload();
            if on {
                uploading.set_text_content(Some(t.uploading));
            }
            dom::toggle_after(&bubble, &uploading, on);
            let failed = state == EntryState::Failed;
            if failed {
                not_sent.set_text_content(Some(t.not_sent));
                if let Some(p) = problem.get() {
                    dom::text(&not_sent, ": ");
                    let why = dom::el("span|data-testid=message-problem");
                    dom::text(&why, &p);
                    dom::add(&not_sent, &why);
                }
            }
            dom::toggle_after(&bubble, &not_sent, failed);
        }));
    }
    answer_feedback(svc, &msg, message_id);
    Some(msg)
}

fn state_name(state: EntryState) -> &'static str {
    match state {
        EntryState::Sending => "sending",
        EntryState::Sent => "sent",
        EntryState::Failed => "failed",
        EntryState::Streaming => "streaming",
        EntryState::Done => "done",
        EntryState::Incomplete => "incomplete",
    }
}

/// Nothing: only a backend with per-answer feedback draws the thumbs.
#[cfg(not(feature = "opendialog"))]
fn answer_feedback(_: Services, _: &Element, _: crate::state::Read<Option<String>>) {}

/// Thumbs up / down under an answer the backend lets the visitor rate (OpenDialog's answers
/// with a `message_template_id`). Sent once; the choice stays pressed.
#[cfg(feature = "opendialog")]
fn answer_feedback(svc: Services, msg: &Element, message_id: crate::state::Read<Option<String>>) {
    let chosen = RwSignal::new(None::<bool>);
    let rateable = move || {
        svc.capabilities().message_feedback
            && message_id.with(|id| id.as_deref().is_some_and(|id| svc.rates_answer(id)))
    };
    let t = move || svc.ui.lang().get().t();
    let rate = move |positive: bool| {
        if chosen.get_untracked().is_some() {
            return;
        }
        let Some(id) = message_id.get_untracked() else {
            return;
        };
        chosen.set(Some(positive));
        svc.spawn(async move {
            if svc.rate_answer(id, positive).await != crate::services::Outcome::Done(()) {
                // Not stored: the visitor may try again.
                chosen.try_set(None);
            }
        });
    };
    dom::when(
        msg,
        Box::new(rateable),
        Box::new(move || {
            let group: Element = dom::el("div|class=dlg-answer-feedback|role=group").into();
            let mut thumbs = Vec::new();
            for (positive, id, glyph) in [(true, "thumb-up", "👍"), (false, "thumb-down", "👎")]
            {
                let button: Element =
                    dom::el_with("button|type=button|class=dlg-thumb", &[("data-testid", id)])
                        .into();
                dom::text(&button, glyph);
                dom::on(&button, "click", Box::new(move |_| rate(positive)));
                dom::add(&group, &button);
                thumbs.push((positive, button));
            }
            let el = group.clone();
            dom::watch(Box::new(move || {
                let t = t();
                let chosen = chosen.get();
                dom::attr(&el, "aria-label", t.rate_answer);
                for (positive, button) in &thumbs {
                    let label = if *positive { t.helpful } else { t.not_helpful };
                    dom::attr(button, "aria-label", label);
                    let pressed = chosen == Some(*positive);
                    dom::attr(
                        button,
                        "aria-pressed",
                        if pressed { "true" } else { "false" },
                    );
                    dom::flag(button, "disabled", chosen.is_some());
                }
            }));
            Some(group)
        }),
    );
}
