//! The rating form: 1–5 stars and optional words — one form wherever a rating is asked for: the
//! conversation's (header menu, and [`quiet_rating_el`] inline at the end of the conversation
//! once it has been quiet after an answer, once per conversation) and a closed livechat's
//! feedback. The stars are a real radio group (arrow keys, one tab stop, read as "3 stars").
//!
//! Plain DOM (`view::dom`): one watch per state that changes (the stars, the phase, the error)
//! writes the few attributes and texts that follow it; the words are read from the textarea
//! when sent.

use std::rc::Rc;

use crate::reactive::*;
use dialoge_api::message::Role;
use wasm_bindgen::JsValue;
use web_sys::{Element, HtmlElement};

use crate::i18n::fill;
use crate::services::markers::{Phase, RatingTarget};
use crate::services::{Outcome, Services};
use crate::state::conversation::EntryState;
use crate::view::dom;
use crate::view::parts::next_uid;

/// What runs once a rating is stored (the header menu closes itself with it).
pub type OnDone = Option<Rc<dyn Fn()>>;

/// A 1–5 star rating with an optional comment. Its hooks say what it rates:
/// `rating` / `rating-star` / `rating-submit` for the conversation, `livechat-feedback` /
/// `feedback-star` / `feedback-submit` for a livechat. The header menu puts it in its dialog,
/// the livechat banner after its closing words.
pub fn rating_el(svc: Services, on_done: OnDone, target: RatingTarget) -> Option<Element> {
    let (root_id, star_id, submit_id) = match target {
        RatingTarget::Conversation => ("rating", "rating-star", "rating-submit"),
        RatingTarget::Livechat => ("livechat-feedback", "feedback-star", "feedback-submit"),
    };
    let m = svc.ui.lang().get_untracked().m();
    let uid = next_uid();
    let group = format!("dlg-r{uid}");
    let (feedback_id, err_id) = (format!("dlg-r{uid}-fb"), format!("dlg-r{uid}-err"));
    let stars = RwSignal::new(0u8);
    let phase = RwSignal::new(Phase::Editing);
    let error = RwSignal::new(None::<&'static str>);

    let root: Element = dom::el_with("div|class=dlg-rating", &[("data-testid", root_id)]).into();
    let status = dom::el("p|class=dlg-form-sent|role=status");
    let thanks: Element = dom::el("span").into();
    dom::text(&thanks, m.rating_thanks);
    dom::add(&status, &thanks);
    dom::add(&root, &status);

    let form: Element = dom::el("form|novalidate").into();
    let fieldset: Element = dom::el("fieldset|class=dlg-stars").into();
    let legend = dom::el("legend|class=dlg-form-title");
    dom::text(&legend, m.rating_legend);
    dom::add(&fieldset, &legend);
    let mut radios: Vec<(HtmlElement, Element)> = Vec::with_capacity(5);
    for n in 1..=5u8 {
        let id = format!("{group}-{n}");
        let value = n.to_string();
        let input = dom::el_with(
            "input|type=radio|class=dlg-star-input",
            &[("id", &id), ("name", &group), ("value", &value)],
        );
        dom::on(
            &input,
            "change",
            Box::new(move |_| {
                stars.set(n);
                error.set(None);
            }),
        );
        let label: Element = dom::el_with(
            "label|class=dlg-star",
            &[("for", &id), ("data-testid", star_id)],
        )
        .into();
        let glyph = dom::el("span|aria-hidden=true");
        dom::text(&glyph, "★");
        let name = dom::el("span|class=dlg-sr");
        dom::text(
            &name,
            &match n {
                1 => m.rating_one.to_owned(),
                _ => fill(m.rating_many, "n", &value),
            },
        );
        dom::add(&label, &glyph);
        dom::add(&label, &name);
        dom::add(&fieldset, &input);
        dom::add(&fieldset, &label);
        radios.push((input, label));
    }
    dom::add(&form, &fieldset);
    let words_label = dom::el_with("label|class=dlg-field-label", &[("for", &feedback_id)]);
    dom::text(&words_label, m.rating_feedback);
    dom::add(&form, &words_label);
    let words = dom::el_with(
        "textarea|class=dlg-field-input|rows=2|maxlength=2000",
        &[("id", &feedback_id)],
    );
    dom::add(&form, &words);
    let err: Element = dom::el_with("p|class=dlg-form-error|role=alert", &[("id", &err_id)]).into();
    dom::add(&form, &err);
    let submit: Element = dom::el_with(
        "button|type=submit|class=dlg-form-submit",
        &[("data-testid", submit_id)],
    )
    .into();
    dom::add(&form, &submit);
    dom::add(&root, &form);

    // The stars: the chosen one checked, it and those below it lit.
    let first = radios.first().map(|(input, _)| input.clone());
    dom::watch(Box::new(move || {
        let chosen = stars.get();
        for (n, (input, label)) in (1..).zip(&radios) {
            dom::prop(input, "checked", &JsValue::from_bool(n == chosen));
            dom::class(label, "dlg-star-on", n <= chosen);
        }
    }));
    // The phase: the form's state hook, the thanks instead of the form once sent, and the
    // button busy while sending.
    {
        let (root, form, submit) = (root.clone(), form.clone(), submit.clone());
        dom::watch(Box::new(move || {
            let (state, sent, sending) = phase.with(|p| match p {
                Phase::Editing => ("editing", false, false),
                Phase::Sending => ("sending", false, true),
                Phase::Sent(_) => ("sent", true, false),
            });
            dom::set_attrs(&root, &[("data-state", state)]);
            dom::flag(&thanks, "hidden", !sent);
            dom::flag(&form, "hidden", sent);
            dom::flag(&submit, "disabled", sending);
            submit.set_text_content(Some(if sending { m.sending } else { m.rating_submit }));
        }));
    }
    // The error: shown, and named by the group it is about.
    dom::watch(Box::new(move || {
        let message = error.get();
        dom::flag(&err, "hidden", message.is_none());
        err.set_text_content(message);
        dom::opt_attr(
            &fieldset,
            "aria-describedby",
            message.map(|_| err_id.as_str()),
        );
    }));

    dom::on(
        &form,
        "submit",
        Box::new(move |ev: web_sys::Event| {
            ev.prevent_default();
            if phase.with_untracked(|p| *p != Phase::Editing) {
                return;
            }
            let rating = stars.get_untracked();
            if rating == 0 {
                error.set(Some(m.rating_choose));
                if let Some(first) = &first {
                    dom::focus(first);
                }
                return;
            }
            error.set(None);
            phase.set(Phase::Sending);
            // Through `Reflect`, like `checked` above: no typed getter (and import) of its own.
            let words = js_sys::Reflect::get(&words, &JsValue::from_str("value"))
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            let on_done = on_done.clone();
            svc.spawn(async move {
                let sent = match svc.markers.rate(target, rating, words).await {
                    Outcome::Done(()) => true,
                    Outcome::Cancelled => false,
                    _ => {
                        error.try_set(Some(m.rating_failed));
                        false
                    }
                };
                phase.try_set(if sent {
                    Phase::Sent(String::new())
                } else {
                    Phase::Editing
                });
                if let (true, Some(done)) = (sent, on_done) {
                    done();
                }
            });
        }),
    );
    Some(root)
}

/// Offers the rating at the end of the conversation once it has been quiet (the markers
/// service's timer) after an answer to something the visitor wrote in this page.
pub fn quiet_rating_el(svc: Services) -> Option<Element> {
    let rated = RwSignal::new(false);
    let entries = svc.conversation.entries();
    // Every change of the conversation restarts the quiet time; only a finished answer to the
    // visitor arms it.
    dom::effect(Box::new(move || {
        let busy = svc.conversation.busy().get();
        let (talked, last) = entries.with(|entries| {
            (
                entries.iter().any(|e| e.from_visitor),
                entries
                    .last()
                    .filter(|e| e.role == Role::Assistant)
                    .map(|e| e.state()),
            )
        });
        let answered = last.is_some_and(|state| state.get() == EntryState::Done);
        if busy || !talked || !answered {
            svc.markers.not_quiet();
        } else {
            svc.markers.quiet();
        }
    }));
    let holder: Element = dom::el("div|class=dlg-rating-offer|data-testid=rating-offer").into();
    // Bring the offer into view at the end of the message list (an effect: after the offer is
    // drawn and the holder is in the list).
    {
        let holder = holder.clone();
        dom::effect(Box::new(move || {
            if svc.markers.rating_offered().get() {
                if let Some(list) = dom::closest(&holder, ".dlg-messages") {
                    list.set_scroll_top(list.scroll_height());
                }
            }
        }));
    }
    {
        let host = holder.clone();
        dom::watch(Box::new(move || {
            dom::flag(&host, "hidden", !svc.markers.rating_offered().get());
        }));
    }
    // The form and its dismiss button, drawn (fresh) each time the offer is made, and gone
    // with it.
    let offered = move || svc.markers.rating_offered().get();
    dom::when(
        &holder,
        Box::new(offered),
        Box::new(move || {
            rating_el(
                svc,
                Some(Rc::new(move || rated.set(true))),
                RatingTarget::Conversation,
            )
        }),
    );
    dom::when(
        &holder,
        Box::new(offered),
        Box::new(move || {
            let dismiss: Element = dom::el("button|type=button|class=dlg-rating-dismiss").into();
            dom::text(&dismiss, svc.ui.lang().get_untracked().m().rating_dismiss);
            dom::on(
                &dismiss,
                "click",
                Box::new(move |_| svc.markers.dismiss_rating()),
            );
            let button = dismiss.clone();
            dom::watch(Box::new(move || dom::flag(&button, "hidden", rated.get())));
            Some(dismiss)
        }),
    );
    Some(holder)
}
