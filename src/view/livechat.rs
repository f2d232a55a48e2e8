//! The livechat banner (`data-testid="livechat"`, `data-status`): waiting (the assistant can
//! keep helping), active (the agent's name, avatar and typing), closed (who closed and why, and
//! the feedback prompt while it is pending: the same rating form as the conversation's). Plus
//! the header's "talk to a person" button.

use dialoge_api::livechat::{ClosedBy, LivechatStatus};

use web_sys::{Element, Node};

use crate::i18n::Strings;
use crate::services::markers::RatingTarget;
use crate::services::Services;
use crate::view::dom;
use crate::view::icons;
use crate::view::parts::forms::session_form_el;
use crate::view::rating::rating_el;
use crate::view::url::safe_image;
use dialoge_api::config::FormTrigger;

/// Shown above the messages while a livechat exists, with the waiting room's form after it:
/// two places at the end of `host`.
pub fn livechat_view(svc: Services, host: &Element) {
    let status = move || svc.livechat.status().get();
    dom::when(
        host,
        Box::new(move || status() != LivechatStatus::Inactive),
        Box::new(move || banner(svc)),
    );
    // The waiting room's form (the config's `livechat_waiting`): what the agent will want to
    // know, asked while nobody has joined yet. Outside the status region.
    dom::place(
        host,
        Box::new(move || {
            (status() == LivechatStatus::Waiting)
                .then(|| svc.branding.form_for(FormTrigger::LivechatWaiting))
                .flatten()
        }),
        Box::new(session_form_el),
    );
}

/// The banner as plain DOM. What it says is redrawn whole when the status, the agent or the
/// language changes; the agent's typing, the closing words and the feedback form follow their
/// own signals inside it, so a typing agent never redraws (and unfocuses) the end button and a
/// half-written feedback is never drawn again.
fn banner(svc: Services) -> Option<Element> {
    let v = svc.livechat;
    let div = dom::el("div|class=dlg-livechat|data-testid=livechat|role=status");
    {
        let div = div.clone();
        dom::watch(Box::new(move || {
            dom::attr(&div, "data-status", v.status().get().as_str());
        }));
    }
    // The livechat's own mark, when the config shows it: this part is a person.
    dom::when(
        &div,
        Box::new(move || svc.branding.livechat_logo()),
        Box::new(move || {
            let span = dom::el("span|class=dlg-livechat-logo|data-testid=livechat-logo");
            dom::add(&span, &dom::icon(&[icons::PERSON]));
            crate::view::say(svc, &span, |t| t.live_support);
            Some(span.into())
        }),
    );
    // What the status says goes between these two (after the mark): redrawn whole when the
    // status, the agent or the language changes.
    let start = dom::text_slot(&div);
    let stop: Node = dom::text_slot(&div).into();
    {
        let host: Element = div.clone().into();
        let stop = stop.clone();
        dom::watch(Box::new(move || {
            let status = v.status().get();
            let t = svc.ui.lang().get().t();
            while let Some(old) = start.next_sibling().filter(|n| *n != stop) {
                let _ = host.remove_child(&old);
            }
            match status {
                LivechatStatus::Waiting => waiting(&stop, svc, t),
                LivechatStatus::Active => active(&stop, svc, t),
                LivechatStatus::Closed => closed(&stop, svc, t),
                _ => {}
            }
        }));
    }
    // The feedback form after the closing words, outside what is redrawn: a half-written
    // feedback survives a change of language.
    dom::when(
        &div,
        Box::new(move || v.status().get() == LivechatStatus::Closed && v.feedback_pending().get()),
        Box::new(move || rating_el(svc, None, RatingTarget::Livechat)),
    );
    Some(div.into())
}

/// Puts `el` right before `stop` (the end of the banner's redrawn words).
fn put(stop: &Node, el: &Element) {
    if let Some(parent) = stop.parent_node() {
        let _ = parent.insert_before(el, Some(stop));
    }
}

/// "End chat", for as long as the livechat is open.
fn end_button(svc: Services, t: &'static Strings) -> Element {
    let button = dom::el("button|type=button|class=dlg-link-btn|data-testid=livechat-end");
    dom::text(&button, t.end_chat);
    dom::on(&button, "click", Box::new(move |_| svc.livechat.close()));
    button.into()
}

/// A paragraph of plain text.
fn para(text: &str) -> Element {
    let p = dom::el("p");
    dom::text(&p, text);
    p.into()
}

fn waiting(stop: &Node, svc: Services, t: &'static Strings) {
    put(stop, &para(t.livechat_waiting));
    put(stop, &end_button(svc, t));
}

/// The agent (avatar and name), their typing, and "End chat".
fn active(stop: &Node, svc: Services, t: &'static Strings) {
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
        let img = dom::el_with("img|class=dlg-agent-avatar|alt", &[("src", &src)]);
        put(stop, &img);
    }
    let p: Element = dom::el("p").into();
    dom::text(&p, t.livechat_with);
    dom::text(&p, " ");
    let strong = dom::el("strong|data-testid=livechat-agent");
    dom::text(&strong, &name);
    dom::add(&p, &strong);
    put(stop, &p);
    let typing = dom::el("span|class=dlg-typing|data-testid=agent-typing");
    dom::text(&typing, &format!("{name} {}", t.is_typing));
    // Right after the paragraph while the agent types.
    dom::watch(Box::new(move || {
        dom::toggle_after(&p, &typing, v.agent_typing().get());
    }));
    put(stop, &end_button(svc, t));
}

/// Who closed it and why (the feedback form follows, see `banner`).
fn closed(stop: &Node, svc: Services, t: &'static Strings) {
    let v = svc.livechat;
    let p = dom::el("p");
    let text = dom::text_slot(&p);
    put(stop, &p);
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
}

/// "Talk to a person" at the end of `parent` (the header), only when the backend has livechat
/// and the config says it is enabled and live right now. An icon (the name needs the room); the
/// label is its accessible name.
pub fn human_button(parent: &Element, svc: Services) {
    let can = svc.capabilities().livechat;
    dom::when(
        parent,
        Box::new(move || {
            can && svc.branding.livechat_live() && !svc.livechat.status().get().is_open()
        }),
        Box::new(move || {
            let button = dom::el(
                "button|type=button|class=dlg-header-btn dlg-human-btn|data-testid=human-button",
            );
            dom::add(&button, &dom::icon(&[icons::PERSON]));
            dom::on(&button, "click", Box::new(move |_| svc.request_human()));
            let out: Element = button.clone().into();
            dom::watch(Box::new(move || {
                let label = svc.ui.lang().get().t().talk_to_person;
                dom::set_attrs(&button, &[("aria-label", label), ("title", label)]);
            }));
            Some(out)
        }),
    );
}
