//! The livechat banner (`data-testid="livechat"`, `data-status`): waiting (the assistant can
//! keep helping), active (the agent's name, avatar and typing), closed (who closed and why, and
//! the feedback prompt while it is pending). Plus the header's "talk to a person" button.

use dialoge_api::livechat::{HandoverSource, LivechatStatus};
use leptos::prelude::*;

use crate::controller::Ctx;
use crate::view::url::safe_image;

/// Shown above the messages while a livechat exists.
#[component]
pub fn LivechatBanner(ctx: Ctx) -> impl IntoView {
    let v = ctx.livechat;
    let t = move || ctx.lang.get().t();
    let status = move || v.status.get();
    view! {
        <Show when=move || status() != LivechatStatus::Inactive>
            <div class="dlg-livechat" data-testid="livechat" role="status"
                data-status=move || status().as_str().to_owned()>
                {move || match status() {
                    LivechatStatus::Waiting => view! {
                        <p>{t().livechat_waiting}</p>
                        <button type="button" class="dlg-link-btn" data-testid="livechat-end"
                            on:click=move |_| ctx.close_livechat()>{t().end_chat}</button>
                    }.into_any(),
                    LivechatStatus::Active => {
                        let agent = v.agent.get();
                        let name = agent.as_ref().map(|a| a.display_name.clone()).unwrap_or_default();
                        let avatar = agent
                            .as_ref()
                            .and_then(|a| a.avatar_url.as_deref())
                            .and_then(|u| safe_image(u, &ctx.api_base()));
                        view! {
                            {avatar.map(|src| view! { <img class="dlg-agent-avatar" src=src alt=""/> })}
                            <p>{t().livechat_with} " " <strong data-testid="livechat-agent">{name.clone()}</strong></p>
                            <Show when=move || v.agent_typing.get()>
                                <span class="dlg-typing" data-testid="agent-typing">{name.clone()} " " {t().is_typing}</span>
                            </Show>
                            <button type="button" class="dlg-link-btn" data-testid="livechat-end"
                                on:click=move |_| ctx.close_livechat()>{t().end_chat}</button>
                        }.into_any()
                    }
                    LivechatStatus::Closed => view! {
                        <p>{move || match v.closed.get() {
                            Some((true, _)) => t().closed_by_agent,
                            _ => t().closed_by_you,
                        }}
                        {move || v.closed.get().and_then(|(_, r)| r).map(|r| format!(" {r}"))}</p>
                        <Show when=move || v.feedback_pending.get()>
                            <FeedbackForm ctx/>
                        </Show>
                    }.into_any(),
                    _ => ().into_any(),
                }}
            </div>
        </Show>
    }
}

/// 1–5 stars and an optional comment, sent once.
#[component]
fn FeedbackForm(ctx: Ctx) -> impl IntoView {
    let t = move || ctx.lang.get().t();
    let rating = RwSignal::new(0u8);
    let text = RwSignal::new(String::new());
    let stars = (1..=5u8)
        .map(|n| {
            view! {
                <button type="button" data-testid="feedback-star"
                    aria-pressed=move || (rating.get() == n).to_string()
                    aria-label=move || format!("{n} {}", t().stars)
                    class=move || { if rating.get() >= n { "dlg-star dlg-star-on" } else { "dlg-star" } }
                    on:click=move |_| rating.set(n)>"★"</button>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <form class="dlg-feedback" data-testid="livechat-feedback" on:submit=move |e: leptos::ev::SubmitEvent| {
            e.prevent_default();
            if rating.get_untracked() > 0 {
                let f = text.get_untracked();
                ctx.livechat_feedback(rating.get_untracked(), (!f.trim().is_empty()).then_some(f));
            }
        }>
            <fieldset>
                <legend>{move || t().rate_prompt}</legend>
                <div class="dlg-stars">{stars}</div>
            </fieldset>
            <label>
                <span>{move || t().feedback_label}</span>
                <textarea rows="2" prop:value=move || text.get() on:input=move |e| text.set(event_target_value(&e))></textarea>
            </label>
            <button type="submit" class="dlg-primary-btn" data-testid="feedback-submit"
                disabled=move || rating.get() == 0>{move || t().submit}</button>
        </form>
    }
}

/// "Talk to a person" in the header, only when livechat is enabled and live right now.
#[component]
pub fn HumanButton(ctx: Ctx) -> impl IntoView {
    let t = move || ctx.lang.get().t();
    view! {
        <Show when=move || ctx.can_request_human()>
            // An icon in the header (the name needs the room); the label is its accessible name.
            <button type="button" class="dlg-header-btn dlg-human-btn" data-testid="human-button"
                aria-label=move || t().talk_to_person title=move || t().talk_to_person
                on:click=move |_| ctx.request_human(HandoverSource::ManualButton, None)>
                <svg viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M12 3a7 7 0 0 0-7 7v5a2 2 0 0 0 2 2h1v-6H7v-1a5 5 0 0 1 10 0v1h-1v6h1v1a2 2 0 0 1-2 2h-2v2h2a4 4 0 0 0 4-4v-1a2 2 0 0 0 2-2v-5a7 7 0 0 0-7-7z"/>
                </svg>
            </button>
        </Show>
    }
}
