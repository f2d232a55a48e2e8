//! The header menu: new conversation, download my data, delete my data (with an inline
//! confirmation, never a blocking `confirm()`). A disclosure button with `aria-expanded`;
//! Escape inside it closes the menu, not the panel.

use leptos::ev;
use leptos::prelude::*;

use crate::view::icons::{self, ARIA_TRUE, VIEW_BOX};

use crate::services::markers::RatingTarget;
use crate::services::{Outcome, Services};
use crate::view::rating::rating_view;

#[derive(Clone, Copy, PartialEq)]
pub enum MenuState {
    Closed,
    Open,
    ConfirmDelete,
    Notice(bool),
    Rate,
}

/// The "⋯" menu in the panel header.
#[component]
pub fn HeaderMenu(svc: Services) -> impl IntoView {
    let state = RwSignal::new(MenuState::Closed);
    let t = move || svc.ui.lang().get().t();
    let open = Memo::new(move |_| state.get() != MenuState::Closed);
    let on_keydown = move |e: ev::KeyboardEvent| {
        if e.key() == "Escape" && state.get_untracked() != MenuState::Closed {
            e.stop_propagation();
            state.set(MenuState::Closed);
        }
    };
    view! {
        <div class="dlg-menu" on:keydown=on_keydown>
            <button type="button" class="dlg-header-btn dlg-menu-btn" data-testid="menu-button"
                aria-haspopup="menu" aria-label=move || t().menu
                aria-expanded=move || open.get().to_string()
                on:click=move |_| state.update(|s| {
                    *s = if *s == MenuState::Closed { MenuState::Open } else { MenuState::Closed }
                })>
                <svg viewBox=VIEW_BOX aria-hidden=ARIA_TRUE><path d=icons::MORE/></svg>
            </button>
            {move || open.get().then(|| menu_view(svc, state))}
        </div>
    }
}

/// "End chat", where OpenDialog's configuration shows it.
#[cfg(feature = "opendialog")]
fn end_chat_item(svc: Services, state: RwSignal<MenuState>) -> impl IntoView {
    svc.menu().end_chat.then(|| {
        view! {
            <button type="button" role="menuitem" class="dlg-menu-item" data-testid="menu-end"
                on:click=move |_| { state.set(MenuState::Closed); svc.end_chat(); }>
                {move || svc.ui.lang().get().t().end_chat}
            </button>
        }
    })
}

/// Nothing: only OpenDialog has an "End chat" button.
#[cfg(not(feature = "opendialog"))]
fn end_chat_item(_: Services, _: RwSignal<MenuState>) -> impl IntoView {}

/// The open menu, its items and its dialogs.
pub fn menu_view(svc: Services, state: RwSignal<MenuState>) -> AnyView {
    let can = svc.capabilities();
    // Read when the menu opens: OpenDialog's configuration decides some items.
    let menu = move || svc.menu();
    let t = move || svc.ui.lang().get().t();
    let item = move |label: fn(&crate::i18n::Strings) -> &'static str,
                     testid: &'static str,
                     act: Box<dyn Fn() + Send + Sync>| {
        view! {
            <button type="button" role="menuitem" class="dlg-menu-item" data-testid=testid
                on:click=move |_| act()>{move || label(t())}</button>
        }
    };
    view! {
        {move || match state.get() {
            MenuState::Closed => ().into_any(),
            MenuState::Open => view! {
                <div class="dlg-menu-list" role="menu">
                    {menu().new_conversation.then(|| item(|t| t.new_conversation, "menu-new", Box::new(move || {
                        svc.reset();
                        state.set(MenuState::Closed);
                    })))}
                    // Only what this backend can do.
                    {menu().download.then(|| item(|t| t.download_data, "menu-export", Box::new(move || {
                        svc.export_data();
                        state.set(MenuState::Closed);
                    })))}
                    {can.rating.then(|| item(|t| t.rate_conversation, "menu-rate", Box::new(move || {
                        state.set(MenuState::Rate);
                    })))}
                    {can.delete.then(|| item(|t| t.delete_data, "menu-delete", Box::new(move || {
                        state.set(MenuState::ConfirmDelete);
                    })))}
                    {end_chat_item(svc, state)}
                    // The visitor's own choice: unread messages counted in the tab's title.
                    <button type="button" role="menuitemcheckbox" class="dlg-menu-item"
                        data-testid="menu-title-alerts"
                        aria-checked=move || svc.ui.title_alerts().get().to_string()
                        on:click=move |_| {
                            svc.set_title_alerts(!svc.ui.title_alerts().get_untracked());
                            state.set(MenuState::Closed);
                        }>
                        {move || if svc.ui.title_alerts().get() { "✓ " } else { "" }}
                        {move || t().title_alerts}
                    </button>
                </div>
            }.into_any(),
            MenuState::Rate => view! {
                <div class="dlg-menu-list dlg-menu-rate" role="dialog" aria-label=move || t().rate_conversation>
                    {rating_view(
                        svc,
                        Some(std::rc::Rc::new(move || state.set(MenuState::Closed))),
                        RatingTarget::Conversation,
                    )}
                </div>
            }.into_any(),
            MenuState::ConfirmDelete => view! {
                <div class="dlg-menu-list" role="alertdialog" aria-labelledby="dlg-del-q">
                    <p id="dlg-del-q" class="dlg-menu-text">{move || t().delete_confirm}</p>
                    <div class="dlg-menu-row">
                        <button type="button" class="dlg-danger" data-testid="menu-delete-confirm"
                            on:click=move |_| svc.spawn(async move {
                                let deleted = svc.delete_data().await == Outcome::Done(());
                                state.try_set(MenuState::Notice(deleted));
                            })>{move || t().delete_data}</button>
                        <button type="button" class="dlg-menu-item" on:click=move |_| state.set(MenuState::Closed)>
                            {move || t().cancel}
                        </button>
                    </div>
                </div>
            }.into_any(),
            MenuState::Notice(ok) => view! {
                <div class="dlg-menu-list" role="status" data-testid="menu-notice">
                    <p class="dlg-menu-text">{move || if ok { t().data_deleted } else { t().error_generic }}</p>
                    <button type="button" class="dlg-menu-item" on:click=move |_| state.set(MenuState::Closed)>
                        {move || t().close}
                    </button>
                </div>
            }.into_any(),
        }}
    }
    .into_any()
}
