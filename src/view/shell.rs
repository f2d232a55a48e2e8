//! The widget's frame: launcher (with unread badge), panel (dialog with header, message list,
//! status line, composer). Only the DOM hooks and ARIA of EMBED.md section 4 are promised.

use leptos::ev;
use leptos::prelude::*;

use crate::controller::{use_ctx, Ctx, Status};
use crate::view::header::Header;
use crate::view::messages::MessageList;
use crate::view::teaser::Teasers;
use crate::view::theme::use_theme;

/// The whole widget.
#[component]
pub fn Shell() -> impl IntoView {
    let Some(ctx) = use_ctx() else {
        return ().into_any();
    };
    let left = ctx.is_left();
    let root = NodeRef::new();
    use_theme(ctx, root);
    view! {
        <div class="dlg-root" node_ref=root class:dlg-left=left class:dlg-is-open=move || ctx.open.get()>
            <Panel ctx/>
            <Teasers ctx/>
            <Launcher ctx/>
        </div>
    }
    .into_any()
}

#[component]
fn Launcher(ctx: Ctx) -> impl IntoView {
    let t = move || ctx.lang.get().t();
    view! {
        <button
            type="button"
            class="dlg-launcher"
            data-testid="launcher"
            hidden=move || !ctx.launcher_visible.get()
            aria-label=move || if ctx.open.get() { t().close_chat } else { t().open_chat }
            aria-expanded=move || ctx.open.get().to_string()
            on:click=move |_| ctx.set_open(!ctx.open.get_untracked())
        >
            <svg class="dlg-icon-chat" viewBox="0 0 24 24" aria-hidden="true">
                <path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/>
            </svg>
            <svg class="dlg-icon-close" viewBox="0 0 24 24" aria-hidden="true">
                <path d="M6 6l12 12M18 6L6 18"/>
            </svg>
            <Show when=move || { ctx.unread.get() > 0 }>
                <span class="dlg-badge" data-testid="launcher-badge"
                    aria-label=move || format!("{} {}", ctx.unread.get(), t().unread)>
                    {move || ctx.unread.get()}
                </span>
            </Show>
        </button>
    }
}

#[component]
fn Panel(ctx: Ctx) -> impl IntoView {
    let on_keydown = move |e: ev::KeyboardEvent| {
        if e.key() == "Escape" {
            ctx.set_open(false);
        }
    };
    view! {
        <section
            class="dlg-panel"
            data-testid="panel"
            role="dialog"
            aria-labelledby="dlg-title"
            hidden=move || !ctx.open.get()
            on:keydown=on_keydown
        >
            <Header ctx/>
            <MessageList ctx/>
            <StatusLine ctx/>
            <Composer ctx/>
        </section>
    }
}

#[component]
fn StatusLine(ctx: Ctx) -> impl IntoView {
    let t = move || ctx.lang.get().t();
    view! {
        <div class="dlg-status" data-testid="status" role="status"
            data-state=move || match ctx.status.get() {
                Status::Idle => "idle",
                Status::Connecting => "connecting",
                Status::Thinking => "thinking",
                Status::Error { .. } => "error",
            }>
            {move || match ctx.status.get() {
                Status::Idle => ().into_any(),
                Status::Connecting => view! { <span>{t().connecting}</span> }.into_any(),
                Status::Thinking => view! { <span class="dlg-thinking">{t().thinking}</span> }.into_any(),
                Status::Error { message, retry } => view! {
                    <span class="dlg-error">{message}</span>
                    {retry.map(|key| view! {
                        <button type="button" class="dlg-retry" data-testid="retry-button"
                            on:click=move |_| ctx.retry(key)>{t().retry}</button>
                    })}
                }.into_any(),
            }}
        </div>
    }
}

#[component]
fn Composer(ctx: Ctx) -> impl IntoView {
    let t = move || ctx.lang.get().t();
    let submit = move || {
        let text = ctx.draft.get_untracked();
        if text.trim().is_empty() || ctx.busy.get_untracked() {
            return;
        }
        ctx.set_draft(String::new());
        ctx.send_text(text);
    };
    let on_keydown = move |e: ev::KeyboardEvent| {
        // Enter sends; Shift+Enter breaks the line; IME composition is left alone.
        if e.key() == "Enter" && !e.shift_key() && !e.is_composing() {
            e.prevent_default();
            submit();
        }
    };
    view! {
        <form class="dlg-composer" on:submit=move |e: ev::SubmitEvent| { e.prevent_default(); submit(); }>
            <label class="dlg-sr" for="dlg-input">{move || t().input_label}</label>
            <textarea
                id="dlg-input"
                class="dlg-input"
                data-testid="composer-input"
                rows="1"
                placeholder=move || t().input_placeholder
                prop:value=move || ctx.draft.get()
                on:input=move |e| ctx.set_draft(event_target_value(&e))
                on:keydown=on_keydown
            ></textarea>
            <Show
                when=move || ctx.busy.get()
                fallback=move || view! {
                    <button type="submit" class="dlg-send" data-testid="send-button"
                        aria-label=move || t().send
                        disabled=move || ctx.draft.get().trim().is_empty()>
                        <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 20l18-8L3 4v6l12 2-12 2z"/></svg>
                    </button>
                }
            >
                <button type="button" class="dlg-stop" data-testid="stop-button"
                    aria-label=move || t().stop on:click=move |_| ctx.stop()>
                    <svg viewBox="0 0 24 24" aria-hidden="true"><rect x="6" y="6" width="12" height="12" rx="2"/></svg>
                </button>
            </Show>
        </form>
    }
}
