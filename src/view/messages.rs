//! The message list (`role="log"`): one element per message, keyed, so a finished message is
//! never rebuilt when another one streams. Keeps the newest message in view.

use leptos::html;
use leptos::prelude::*;

use crate::controller::Ctx;
use crate::state::conversation::{Entry, EntryState};
use crate::view::parts::part_view;

#[component]
pub fn MessageList(ctx: Ctx) -> impl IntoView {
    let list = NodeRef::<html::Div>::new();
    // Follow the conversation as it grows (the scroll-up exception comes with history).
    Effect::new(move |_| {
        ctx.convo.entries.track();
        if let Some(el) = list.get() {
            el.set_scroll_top(el.scroll_height());
        }
    });
    view! {
        <div class="dlg-messages" data-testid="messages" role="log" aria-live="polite" node_ref=list>
            <For each=move || ctx.convo.entries.get() key=|e| e.key children=move |e| message_view(ctx, e)/>
            <crate::view::rating::QuietRating ctx/>
        </div>
    }
}

fn message_view(ctx: Ctx, entry: Entry) -> impl IntoView {
    let role = entry.role.as_str().to_owned();
    let parts = entry.parts;
    let state = entry.state;
    let t = move || ctx.lang.get().t();
    view! {
        <div class="dlg-message" data-testid="message" data-role=role
            data-message-id=move || entry.message_id.get().unwrap_or_default()
            data-state=move || match state.get() {
                EntryState::Sending => "sending",
                EntryState::Sent => "sent",
                EntryState::Failed => "failed",
                EntryState::Streaming => "streaming",
                EntryState::Done => "done",
                EntryState::Incomplete => "incomplete",
            }>
            <div class="dlg-bubble">
                <For each=move || parts.get() key=|p| p.key children=part_view/>
            </div>
            <Show when=move || state.get() == EntryState::Failed>
                <span class="dlg-not-sent">{move || t().not_sent}</span>
            </Show>
        </div>
    }
}
