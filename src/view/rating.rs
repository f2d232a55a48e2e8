//! The rating form: 1–5 stars and optional words — one component wherever a rating is asked
//! for: the conversation's (header menu, and [`QuietRating`] inline at the end of the
//! conversation once it has been quiet after an answer, once per conversation) and a closed
//! livechat's feedback. The stars are a real radio group (arrow keys, one tab stop, read as
//! "3 stars"). Reactive attributes and text go through the `Flag`/`Text`/`MaybeText` signals of
//! `parts::forms` (as plain closures, measured on 2026-11-29: +1.0 KB brotli; see there).

use dialoge_api::message::Role;
use leptos::ev;
use leptos::html;
use leptos::prelude::*;

use crate::view::icons::ARIA_TRUE;
use wasm_bindgen::JsCast;

use crate::i18n::fill;
use crate::services::markers::{Phase, RatingTarget};
use crate::services::{Outcome, Services};
use crate::state::conversation::EntryState;
use crate::view::dom::effect;
use crate::view::parts::{next_uid, Flag, MaybeText, Text};

/// A 1–5 star rating with an optional comment. `on_done` runs once the rating is stored (the
/// header menu closes itself with it). Its hooks say what it rates: `rating` / `rating-star` /
/// `rating-submit` for the conversation, `livechat-feedback` / `feedback-star` /
/// `feedback-submit` for a livechat.
#[component]
pub fn RatingForm(
    svc: Services,
    #[prop(optional)] on_done: Option<Callback<()>>,
    #[prop(default = RatingTarget::Conversation)] target: RatingTarget,
) -> impl IntoView {
    let (root_id, star_id, submit_id) = match target {
        RatingTarget::Conversation => ("rating", "rating-star", "rating-submit"),
        RatingTarget::Livechat => ("livechat-feedback", "feedback-star", "feedback-submit"),
    };
    let m = svc.ui.lang().get_untracked().m();
    let uid = next_uid();
    let group = format!("dlg-r{uid}");
    let (feedback_id, err_id) = (format!("dlg-r{uid}-fb"), format!("dlg-r{uid}-err"));
    let stars = RwSignal::new(0u8);
    let feedback = RwSignal::new(String::new());
    let phase = RwSignal::new(Phase::Editing);
    let error = RwSignal::new(None::<&'static str>);
    let form_ref = NodeRef::<html::Form>::new();

    let on_submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        if phase.get_untracked() != Phase::Editing {
            return;
        }
        let rating = stars.get_untracked();
        if rating == 0 {
            error.set(Some(m.rating_choose));
            let first = form_ref
                .get_untracked()
                .and_then(|f| f.query_selector("input[type=radio]").ok().flatten())
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(el) = first {
                let _ = el.focus();
            }
            return;
        }
        error.set(None);
        phase.set(Phase::Sending);
        let words = feedback.get_untracked();
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
                done.run(());
            }
        });
    };

    let radios = (1..=5u8)
        .map(|n| {
            let id = format!("{group}-{n}");
            let label = match n {
                1 => m.rating_one.to_owned(),
                n => fill(m.rating_many, "n", &n.to_string()),
            };
            let checked: Flag = Signal::derive(move || stars.get() == n);
            let lit: Flag = Signal::derive(move || stars.get() >= n);
            view! {
                <input type="radio" class="dlg-star-input" id=id.clone() name=group.clone()
                    value=n.to_string() prop:checked=checked
                    on:change=move |_| { stars.set(n); error.set(None); }/>
                <label class="dlg-star" class:dlg-star-on=lit for=id data-testid=star_id>
                    <span aria-hidden=ARIA_TRUE>"★"</span>
                    <span class="dlg-sr">{label}</span>
                </label>
            }
        })
        .collect_view();
    let sent: Flag = Signal::derive(move || matches!(phase.get(), Phase::Sent(_)));
    let not_sent: Flag = Signal::derive(move || !sent.get());
    let sending: Flag = Signal::derive(move || phase.get() == Phase::Sending);
    let state_name: Text = Signal::derive(move || {
        match phase.get() {
            Phase::Editing => "editing",
            Phase::Sending => "sending",
            Phase::Sent(_) => "sent",
        }
        .to_owned()
    });
    let message: MaybeText = Signal::derive(move || error.get().map(str::to_owned));
    let no_error: Flag = Signal::derive(move || error.with(Option::is_none));
    let described: MaybeText = {
        let err_id = err_id.clone();
        Signal::derive(move || error.with(Option::is_some).then(|| err_id.clone()))
    };
    let submit_label: Text = Signal::derive(move || {
        match sending.get() {
            true => m.sending,
            false => m.rating_submit,
        }
        .to_owned()
    });
    let words: Text = Signal::derive(move || feedback.get());
    view! {
        <div class="dlg-rating" data-testid=root_id data-state=state_name>
            <p class="dlg-form-sent" role="status">
                <span hidden=not_sent>{m.rating_thanks}</span>
            </p>
            <form novalidate node_ref=form_ref hidden=sent on:submit=on_submit>
                <fieldset class="dlg-stars" aria-describedby=described>
                    <legend class="dlg-form-title">{m.rating_legend}</legend>
                    {radios}
                </fieldset>
                <label class="dlg-field-label" for=feedback_id.clone()>{m.rating_feedback}</label>
                <textarea class="dlg-field-input" id=feedback_id rows="2" maxlength="2000"
                    prop:value=words on:input=move |e| feedback.set(event_target_value(&e))></textarea>
                <p class="dlg-form-error" id=err_id role="alert" hidden=no_error>{message}</p>
                <button type="submit" class="dlg-form-submit" data-testid=submit_id
                    disabled=sending>{submit_label}</button>
            </form>
        </div>
    }
}

/// Offers the rating at the end of the conversation once it has been quiet (the markers
/// service's timer) after an answer to something the visitor wrote in this page.
#[component]
pub fn QuietRating(svc: Services) -> impl IntoView {
    let rated = RwSignal::new(false);
    let holder = NodeRef::<html::Div>::new();
    let entries = svc.conversation.entries();
    // Every change of the conversation restarts the quiet time; only a finished answer to the
    // visitor arms it.
    effect(Box::new(move || {
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
    // Bring the offer into view at the end of the message list.
    effect(Box::new(move || {
        if svc.markers.rating_offered().get() {
            if let Some(el) = holder.get() {
                if let Ok(Some(list)) = el.closest(".dlg-messages") {
                    list.set_scroll_top(list.scroll_height());
                }
            }
        }
    }));
    let done = Callback::new(move |()| rated.set(true));
    let hidden: Flag = Signal::derive(move || !svc.markers.rating_offered().get());
    let rated: Flag = rated.into();
    view! {
        <div class="dlg-rating-offer" data-testid="rating-offer" node_ref=holder hidden=hidden>
            {move || svc.markers.rating_offered().get().then(|| view! {
                <RatingForm svc on_done=done/>
                <button type="button" class="dlg-rating-dismiss" hidden=rated
                    on:click=move |_| svc.markers.dismiss_rating()>
                    {svc.ui.lang().get_untracked().m().rating_dismiss}
                </button>
            })}
        </div>
    }
}

/// [`QuietRating`] as a view of its own.
pub fn quiet_rating_view(svc: Services) -> AnyView {
    view! { <QuietRating svc/> }.into_any()
}
