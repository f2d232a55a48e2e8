//! Phones: while the open panel covers a narrow screen (the stylesheet's `max-width: 480px`), it
//! follows the *visual* viewport — the on-screen keyboard shrinks that one, not the layout
//! viewport, so a panel sized to the window would keep its composer under the keyboard — and
//! the page behind it does not scroll. Both are undone when the panel closes, the screen widens
//! or the widget goes away.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use crate::services::Services;

/// The same breakpoint as the stylesheet's full-screen panel.
const NARROW: &str = "(max-width: 480px)";
/// Where the visual viewport is, for the stylesheet.
const VV_TOP: &str = "--dlg-vv-top";
const VV_HEIGHT: &str = "--dlg-vv-height";

fn narrow() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media(NARROW).ok().flatten())
        .is_some_and(|q| q.matches())
}

fn body_style() -> Option<web_sys::CssStyleDeclaration> {
    Some(web_sys::window()?.document()?.body()?.style())
}

/// Sizes the root to the visual viewport and holds the page still, or undoes both.
fn fit(el: &HtmlElement, open: bool, saved: StoredValue<Option<String>>) {
    let style = el.style();
    let viewport = web_sys::window().and_then(|w| w.visual_viewport());
    match viewport.filter(|_| open && narrow()) {
        Some(vv) => {
            let _ = style.set_property(VV_TOP, &format!("{}px", vv.offset_top()));
            let _ = style.set_property(VV_HEIGHT, &format!("{}px", vv.height()));
            // The page's own value is kept to be put back exactly.
            if saved.try_with_value(Option::is_none) == Some(true) {
                if let Some(body) = body_style() {
                    saved.try_set_value(Some(
                        body.get_property_value("overflow").unwrap_or_default(),
                    ));
                    let _ = body.set_property("overflow", "hidden");
                }
            }
        }
        None => {
            let _ = style.remove_property(VV_TOP);
            let _ = style.remove_property(VV_HEIGHT);
            if let (Some(before), Some(body)) =
                (saved.try_update_value(Option::take).flatten(), body_style())
            {
                let _ = if before.is_empty() {
                    body.remove_property("overflow").map(drop)
                } else {
                    body.set_property("overflow", &before)
                };
            }
        }
    }
}

/// Keeps the panel fitted while it is open (see the module's comment).
pub fn use_phone_layout(svc: Services, root: NodeRef<html::Div>) {
    let saved = StoredValue::new(None::<String>);
    let listener = StoredValue::new_local(None::<Closure<dyn Fn()>>);
    let detach = move || {
        listener.try_update_value(|held| {
            if let (Some(f), Some(vv)) = (
                held.take(),
                web_sys::window().and_then(|w| w.visual_viewport()),
            ) {
                for event in ["resize", "scroll"] {
                    let _ =
                        vv.remove_event_listener_with_callback(event, f.as_ref().unchecked_ref());
                }
            }
        });
    };
    Effect::new(move |_| {
        let open = svc.ui.open().get();
        let Some(el) = root.get() else { return };
        detach();
        fit(&el, open, saved);
        if !open {
            return;
        }
        let Some(vv) = web_sys::window().and_then(|w| w.visual_viewport()) else {
            return;
        };
        let target = el.clone();
        let f = Closure::<dyn Fn()>::new(move || fit(&target, true, saved));
        for event in ["resize", "scroll"] {
            let _ = vv.add_event_listener_with_callback(event, f.as_ref().unchecked_ref());
        }
        listener.try_set_value(Some(f));
    });
    on_cleanup(move || {
        detach();
        if let Some(el) = root.get_untracked() {
            fit(&el, false, saved);
        }
    });
}
