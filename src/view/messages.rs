//! The message list (`role="log"`): one element per message, keyed, so a finished message is
//! never rebuilt when another one streams. It follows the conversation while the visitor is at
//! the bottom; once they scroll up it stays put and offers a "new message" pill instead.
//! Scrolling to the top loads older history without moving what is on screen.

use std::cell::Cell;
use std::rc::Rc;

use dialoge_api::message::Role;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{MutationObserver, MutationObserverInit};

use crate::services::Services;
use crate::state::conversation::{Entry, EntryState};
use crate::view::parts::part_view;
use crate::view::url::safe_image;

/// How close to the bottom (px) still counts as "at the bottom".
const PIN_SLACK: i32 = 48;
/// How close to the top (px) asks for older history.
const TOP_SLACK: i32 = 40;

/// Scroll bookkeeping shared by the scroll handler and the mutation observer (plain cells:
/// none of it is rendered, only the pill is).
#[derive(Default)]
struct Follow {
    pinned: Cell<bool>,
    /// (scrollHeight, scrollTop) before older history was requested: restored after it lands.
    restore: Cell<Option<(i32, i32)>>,
}

#[component]
pub fn MessageList(svc: Services) -> impl IntoView {
    let list = NodeRef::<html::Div>::new();
    // A memo: the rating's slot is rebuilt only when this flips, not on every entry change.
    let spoke = svc.conversation.visitor_spoke();
    let talked = Memo::new(move |_| spoke.get());
    let has_new = RwSignal::new(false);
    let follow = Rc::new(Follow::default());
    follow.pinned.set(true);

    // Content changes (a new message, a delta growing a text node, history prepended).
    let observer = StoredValue::new_local(None::<(MutationObserver, Closure<dyn FnMut()>)>);
    {
        let follow = follow.clone();
        Effect::new(move |_| {
            let Some(el) = list.get() else { return };
            if observer.with_value(|o| o.is_some()) {
                return;
            }
            let follow = follow.clone();
            let target = el.clone();
            let on_change = Closure::<dyn FnMut()>::new(move || {
                if let Some((height, top)) = follow.restore.get() {
                    // Older history goes in above: what is on screen stays where it is. The
                    // anchor holds until the page has landed (the loading line comes first).
                    target.set_scroll_top(top + target.scroll_height() - height);
                    if !svc.conversation.history_loading().get_untracked() {
                        follow.restore.set(None);
                    }
                } else if follow.pinned.get() {
                    target.set_scroll_top(target.scroll_height());
                } else {
                    has_new.set(true);
                }
            });
            let Ok(mo) = MutationObserver::new(on_change.as_ref().unchecked_ref()) else {
                return;
            };
            let init = MutationObserverInit::new();
            init.set_child_list(true);
            init.set_subtree(true);
            init.set_character_data(true);
            if mo.observe_with_options(&el, &init).is_ok() {
                observer.set_value(Some((mo, on_change)));
            }
        });
    }
    on_cleanup(move || {
        observer.update_value(|o| {
            if let Some((mo, _)) = o.take() {
                mo.disconnect();
            }
        });
    });

    // The visitor's own new message always brings the view down to it.
    {
        let follow = follow.clone();
        Effect::new(move |prev: Option<usize>| {
            let (len, last_is_user) = svc
                .conversation
                .entries()
                .with(|e| (e.len(), e.last().is_some_and(|x| x.role == Role::User)));
            if prev.is_some_and(|p| len > p) && last_is_user {
                follow.pinned.set(true);
                has_new.set(false);
            }
            len
        });
    }

    // A hidden list cannot scroll: when the panel opens, jump to the newest message.
    Effect::new(move |_| {
        if svc.ui.open().get() {
            request_animation_frame(move || {
                if let Some(el) = list.get_untracked() {
                    el.set_scroll_top(el.scroll_height());
                }
            });
        }
    });

    let on_scroll = {
        let follow = follow.clone();
        move |_| {
            let Some(el) = list.get_untracked() else {
                return;
            };
            let bottom_gap = el.scroll_height() - el.scroll_top() - el.client_height();
            let pinned = bottom_gap <= PIN_SLACK;
            follow.pinned.set(pinned);
            if pinned {
                has_new.set(false);
            }
            if el.scroll_top() <= TOP_SLACK
                && !svc.conversation.history_loading().get_untracked()
                && svc.conversation.has_older()
            {
                follow
                    .restore
                    .set(Some((el.scroll_height(), el.scroll_top())));
                svc.conversation.load_older();
            }
        }
    };

    let t = move || svc.ui.lang().get().t();
    let jump = move |_| {
        if let Some(el) = list.get_untracked() {
            el.set_scroll_top(el.scroll_height());
        }
        has_new.set(false);
    };
    view! {
        <div class="dlg-messages-wrap">
            <div class="dlg-messages" data-testid="messages" role="log" aria-live="polite"
                node_ref=list on:scroll=on_scroll>
                <crate::view::intro::Intro svc/>
                // The config's `session_start` form, before the first message.
                {move || svc.conversation.entries().with(Vec::is_empty)
                    .then(|| svc.branding.form_for(dialoge_api::config::FormTrigger::SessionStart))
                    .flatten()
                    .map(|form_id| crate::view::chunk::deferred(move |x| (x.session_form)(form_id.clone())))}
                <Show when=move || svc.conversation.history_loading().get()>
                    <div class="dlg-history-loading" data-testid="history-loading">{move || t().loading_older}</div>
                </Show>
                <For each=move || svc.conversation.entries().get() key=|e| e.key children=move |e| message_view(svc, e)/>
                // Offered once the visitor has written and an answer has gone quiet (its timing is
                // the rating's own): drawn by the `extras` chunk, which writing fetches.
                {move || talked.get().then(|| crate::view::chunk::deferred_quiet(move |x| (x.quiet_rating)(svc)))}
            </div>
            <Show when=move || has_new.get()>
                <button type="button" class="dlg-pill" data-testid="new-message-pill" on:click=jump>
                    {move || t().new_messages} " ↓"
                </button>
            </Show>
        </div>
    }
}

fn message_view(svc: Services, entry: Entry) -> impl IntoView {
    let role = entry.role.as_str().to_owned();
    let parts = entry.parts();
    let state = entry.state();
    let entry_problem = entry.problem();
    let message_id = entry.message_id();
    let t = move || svc.ui.lang().get().t();
    let has_upload = move || {
        parts.with(|p| {
            p.iter().any(|lp| {
                matches!(&lp.kind, crate::state::live::LiveKind::Whole(w)
                    if matches!(w.as_ref(), dialoge_api::message::Part::Image(_) | dialoge_api::message::Part::File(_)))
            })
        })
    };
    view! {
        <div class="dlg-message" data-testid="message" data-role=role
            data-message-id=move || message_id.get().unwrap_or_default()
            data-state=move || match state.get() {
                EntryState::Sending => "sending",
                EntryState::Sent => "sent",
                EntryState::Failed => "failed",
                EntryState::Streaming => "streaming",
                EntryState::Done => "done",
                EntryState::Incomplete => "incomplete",
            }>
            {entry.agent.as_ref().map(|a| {
                // The agent's own picture beside their name (only a URL the image rules allow).
                let avatar = a
                    .avatar_url
                    .as_deref()
                    .and_then(|u| safe_image(u, &svc.api_base()));
                view! {
                    <span class="dlg-sender" data-testid="message-sender">
                        {avatar.map(|src| view! {
                            <img class="dlg-sender-avatar" data-testid="message-avatar" src=src alt=""/>
                        })}
                        {a.display_name.clone()}
                    </span>
                }
            })}
            <div class="dlg-bubble">
                <For each=move || parts.get() key=|p| p.key children=part_view/>
            </div>
            <Show when=move || state.get() == EntryState::Sending && has_upload()>
                <span class="dlg-uploading" data-testid="uploading">{move || t().uploading}</span>
            </Show>
            <Show when=move || state.get() == EntryState::Failed>
                <span class="dlg-not-sent">{move || t().not_sent}
                    {move || entry_problem.get().map(|p| view! {
                        ": " <span data-testid="message-problem">{p}</span>
                    })}
                </span>
            </Show>
            {answer_feedback(svc, message_id)}
        </div>
    }
}

/// Nothing: only a backend with per-answer feedback draws the thumbs.
#[cfg(not(feature = "opendialog"))]
fn answer_feedback(_: Services, _: crate::state::Read<Option<String>>) -> impl IntoView {}

/// Thumbs up / down under an answer the backend lets the visitor rate (OpenDialog's answers
/// with a `message_template_id`). Sent once; the choice stays pressed.
#[cfg(feature = "opendialog")]
fn answer_feedback(svc: Services, message_id: crate::state::Read<Option<String>>) -> impl IntoView {
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
    view! {
        <Show when=rateable>
            <div class="dlg-answer-feedback" role="group" aria-label=move || t().rate_answer>
                <button type="button" class="dlg-thumb" data-testid="thumb-up"
                    aria-label=move || t().helpful aria-pressed=move || (chosen.get() == Some(true)).to_string()
                    disabled=move || chosen.get().is_some() on:click=move |_| rate(true)>"👍"</button>
                <button type="button" class="dlg-thumb" data-testid="thumb-down"
                    aria-label=move || t().not_helpful aria-pressed=move || (chosen.get() == Some(false)).to_string()
                    disabled=move || chosen.get().is_some() on:click=move |_| rate(false)>"👎"</button>
            </div>
        </Show>
    }
}
