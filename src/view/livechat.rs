//! The livechat banner (`data-testid="livechat"`, `data-status`): waiting (the assistant can
//! keep helping), active (the agent's name, avatar and typing), closed (who closed and why, and
//! the feedback prompt while it is pending: the same rating form as the conversation's). Plus
//! the header's "talk to a person" button.

use dialoge_api::livechat::{ClosedBy, LivechatStatus};
use leptos::prelude::*;

use crate::view::icons::{self, ARIA_TRUE, VIEW_BOX};

use crate::services::markers::RatingTarget;
use crate::services::Services;
use crate::view::each::show;
use crate::view::parts::forms::session_form_view;
use crate::view::rating::rating_view;
use crate::view::url::safe_image;
use dialoge_api::config::FormTrigger;

/// Shown above the messages while a livechat exists.
#[component]
pub fn LivechatBanner(svc: Services) -> impl IntoView {
    let v = svc.livechat;
    let t = move || svc.ui.lang().get().t();
    let status = move || v.status().get();
    view! {
        {show(move || status() != LivechatStatus::Inactive, move || view! {
            <div class="dlg-livechat" data-testid="livechat" role="status"
                data-status=move || status().as_str().to_owned()>
                // The livechat's own mark, when the config shows it: this part is a person.
                {show(move || svc.branding.livechat_logo(), move || view! {
                    <span class="dlg-livechat-logo" data-testid="livechat-logo">
                        <svg viewBox=VIEW_BOX aria-hidden=ARIA_TRUE><path d=icons::PERSON/></svg>
                        {move || t().live_support}
                    </span>
                }.into_any())}
                {move || match status() {
                    LivechatStatus::Waiting => view! {
                        <p>{t().livechat_waiting}</p>
                        <button type="button" class="dlg-link-btn" data-testid="livechat-end"
                            on:click=move |_| v.close()>{t().end_chat}</button>
                    }.into_any(),
                    LivechatStatus::Active => {
                        let agent = v.agent().get();
                        let name = agent.as_ref().map(|a| a.display_name.clone()).unwrap_or_default();
                        let avatar = agent
                            .as_ref()
                            .and_then(|a| a.avatar_url.as_deref())
                            .and_then(|u| safe_image(u, &svc.api_base()));
                        view! {
                            {avatar.map(|src| view! { <img class="dlg-agent-avatar" src=src alt=""/> })}
                            <p>{t().livechat_with} " " <strong data-testid="livechat-agent">{name.clone()}</strong></p>
                            {show(move || v.agent_typing().get(), move || view! {
                                <span class="dlg-typing" data-testid="agent-typing">{name.clone()} " " {t().is_typing}</span>
                            }.into_any())}
                            <button type="button" class="dlg-link-btn" data-testid="livechat-end"
                                on:click=move |_| v.close()>{t().end_chat}</button>
                        }.into_any()
                    }
                    LivechatStatus::Closed => view! {
                        <p>{move || match v.closed().get().and_then(|c| c.by) {
                            Some(ClosedBy::Agent) => t().closed_by_agent,
                            Some(ClosedBy::Customer) => t().closed_by_you,
                            // Nobody named (retention, a system close): said neutrally.
                            _ => t().closed_neutral,
                        }}
                        {move || v.closed().get().and_then(|c| c.reason).map(|r| format!(" {r}"))}</p>
                        {show(move || v.feedback_pending().get(), move || {
                            rating_view(svc, None, RatingTarget::Livechat)
                        })}
                    }.into_any(),
                    _ => ().into_any(),
                }}
            </div>
            // The waiting room's form (the config's `livechat_waiting`): what the agent will
            // want to know, asked while nobody has joined yet. Outside the status region.
            {move || (status() == LivechatStatus::Waiting)
                .then(|| svc.branding.form_for(FormTrigger::LivechatWaiting))
                .flatten()
                .map(session_form_view)}
        }.into_any())}
    }
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

/// [`LivechatBanner`] as a view of its own.
pub fn livechat_view(svc: Services) -> AnyView {
    view! { <LivechatBanner svc/> }.into_any()
}
