//! The livechat banner (`data-testid="livechat"`, `data-status`): waiting (the assistant can
//! keep helping), active (the agent's name, avatar and typing), closed (who closed and why, and
//! the feedback prompt while it is pending: the same rating form as the conversation's). Plus
//! the header's "talk to a person" button.

use dialoge_api::livechat::{ClosedBy, LivechatStatus};
use leptos::prelude::*;

use web_sys::Element;

use crate::i18n::Strings;
use crate::services::markers::RatingTarget;
use crate::services::Services;
use crate::view::dom;
use crate::view::each::show;
use crate::view::icons::{self, ARIA_TRUE, VIEW_BOX};
use crate::view::parts::forms::session_form_view;
use crate::view::rating::rating_el;
use crate::view::url::safe_image;
use dialoge_api::config::FormTrigger;

/// Shown above the messages while a livechat exists (the panel draws it only then), with the
/// waiting room's form after it.
pub fn livechat_view(svc: Services) -> AnyView {
    let status = move || svc.livechat.status().get();
    view! {
        {dom::view_opt(banner(svc))}
        // The waiting room's form (the config's `livechat_waiting`): what the agent will
        // want to know, asked while nobody has joined yet. Outside the status region.
        {move || (status() == LivechatStatus::Waiting)
            .then(|| svc.branding.form_for(FormTrigger::LivechatWaiting))
            .flatten()
            .map(session_form_view)}
    }
    .into_any()
}

/// The banner as plain DOM. What it says is redrawn whole when the status, the agent or the
/// language changes; the agent's typing, the closing words and the feedback form follow their
/// own signals inside it, so a typing agent never redraws (and unfocuses) the end button and a
/// half-written feedback is never drawn again.
fn banner(svc: Services) -> Option<Element> {
    let v = svc.livechat;
    let div = dom::el(
        "div",
        &[
            ("class", "dlg-livechat"),
            ("data-testid", "livechat"),
            ("role", "status"),
        ],
    )?;
    {
        let div = div.clone();
        dom::watch(Box::new(move || {
            let _ = div.set_attribute("data-status", v.status().get().as_str());
        }));
    }
    // The livechat's own mark, when the config shows it: this part is a person.
    dom::when(
        &div,
        Box::new(move || svc.branding.livechat_logo()),
        Box::new(move || {
            let span = dom::el(
                "span",
                &[
                    ("class", "dlg-livechat-logo"),
                    ("data-testid", "livechat-logo"),
                ],
            )?;
            dom::add(&span, &dom::icon(&[icons::PERSON])?);
            let text = dom::text_slot(&span)?;
            dom::watch(Box::new(move || {
                text.set_data(svc.ui.lang().get().t().live_support);
            }));
            Some(span.into())
        }),
    );
    // What the status says goes after this (and after the mark): redrawn from here on.
    let start = dom::text_slot(&div)?;
    let host: Element = div.clone().into();
    dom::watch(Box::new(move || {
        let status = v.status().get();
        let t = svc.ui.lang().get().t();
        while let Some(old) = start.next_sibling() {
            let _ = host.remove_child(&old);
        }
        let _ = match status {
            LivechatStatus::Waiting => waiting(&host, svc, t),
            LivechatStatus::Active => active(&host, svc, t),
            LivechatStatus::Closed => closed(&host, svc, t),
            _ => None,
        };
    }));
    Some(div.into())
}

/// "End chat", for as long as the livechat is open.
fn end_button(svc: Services, t: &'static Strings) -> Option<Element> {
    let button = dom::el(
        "button",
        &[
            ("type", "button"),
            ("class", "dlg-link-btn"),
            ("data-testid", "livechat-end"),
        ],
    )?;
    dom::text(&button, t.end_chat);
    dom::on(&button, "click", Box::new(move |_| svc.livechat.close()));
    Some(button.into())
}

/// A paragraph of plain text.
fn para(text: &str) -> Option<Element> {
    let p = dom::el("p", &[])?;
    dom::text(&p, text);
    Some(p.into())
}

fn waiting(host: &Element, svc: Services, t: &'static Strings) -> Option<()> {
    dom::add(host, &para(t.livechat_waiting)?);
    dom::add(host, &end_button(svc, t)?);
    Some(())
}

/// The agent (avatar and name), their typing, and "End chat".
fn active(host: &Element, svc: Services, t: &'static Strings) -> Option<()> {
    let v = svc.livechat;
    let agent = v.agent().get();
    let name = agent
        .as_ref()
        .map(|a| a.display_name.clone())
        .unwrap_or_default();
    let avatar = agent
        .as_ref()
        .and_then(|a| a.avatar_url.as_deref())
        .and_then(|u| safe_image(u, &svc.api_base()));
    if let Some(src) = avatar {
        let img = dom::el(
            "img",
            &[("class", "dlg-agent-avatar"), ("src", &src), ("alt", "")],
        )?;
        dom::add(host, &img);
    }
    let p: Element = dom::el("p", &[])?.into();
    dom::text(&p, t.livechat_with);
    dom::text(&p, " ");
    let strong = dom::el("strong", &[("data-testid", "livechat-agent")])?;
    dom::text(&strong, &name);
    dom::add(&p, &strong);
    dom::add(host, &p);
    let typing = dom::el(
        "span",
        &[("class", "dlg-typing"), ("data-testid", "agent-typing")],
    )?;
    dom::text(&typing, &format!("{name} {}", t.is_typing));
    // Right after the paragraph while the agent types.
    dom::watch(Box::new(move || {
        dom::toggle_after(&p, &typing, v.agent_typing().get());
    }));
    dom::add(host, &end_button(svc, t)?);
    Some(())
}

/// Who closed it and why, and the feedback form while it is asked for.
fn closed(host: &Element, svc: Services, t: &'static Strings) -> Option<()> {
    let v = svc.livechat;
    let p = dom::el("p", &[])?;
    let text = dom::text_slot(&p)?;
    dom::add(host, &p);
    dom::watch(Box::new(move || {
        let closed = v.closed().get();
        let by = match closed.as_ref().and_then(|c| c.by.as_ref()) {
            Some(ClosedBy::Agent) => t.closed_by_agent,
            Some(ClosedBy::Customer) => t.closed_by_you,
            // Nobody named (retention, a system close): said neutrally.
            _ => t.closed_neutral,
        };
        match closed.and_then(|c| c.reason) {
            Some(reason) => text.set_data(&format!("{by} {reason}")),
            None => text.set_data(by),
        }
    }));
    dom::when(
        host,
        Box::new(move || v.feedback_pending().get()),
        Box::new(move || rating_el(svc, None, RatingTarget::Livechat)),
    );
    Some(())
}

/// "Talk to a person" in the header, only when the backend has livechat and the config says
/// it is enabled and live right now.
#[component]
pub fn HumanButton(svc: Services) -> impl IntoView {
    let t = move || svc.ui.lang().get().t();
    let can = svc.capabilities().livechat;
    let shown =
        move || can && svc.branding.livechat_live() && !svc.livechat.status().get().is_open();
    view! {
        {show(shown, move || view! {
            // An icon in the header (the name needs the room); the label is its accessible name.
            <button type="button" class="dlg-header-btn dlg-human-btn" data-testid="human-button"
                aria-label=move || t().talk_to_person title=move || t().talk_to_person
                on:click=move |_| svc.request_human()>
                <svg viewBox=VIEW_BOX aria-hidden=ARIA_TRUE><path d=icons::PERSON/></svg>
            </button>
        }.into_any())}
    }
}
