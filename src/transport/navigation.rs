//! Single-page shops change the URL without loading a page: `history.pushState`,
//! `replaceState`, and the back button's `popstate`. The widget hears all three (browsers fire
//! no event for the first two, so they are wrapped — passing everything through untouched) and
//! reports each change of `location.href` once.
//!
//! The wrappers go when the watch is dropped (destroy), unless another script wrapped the same
//! method after us: then ours stays in its chain as a plain pass-through, so neither script
//! breaks.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

type Wrapper = Closure<dyn FnMut(JsValue, JsValue, JsValue) -> Result<JsValue, JsValue>>;

/// Watching the page's URL; dropping it stops.
pub struct NavWatch {
    alive: Rc<Cell<bool>>,
    wrapped: Vec<(&'static str, js_sys::Function, Wrapper)>,
    popstate: Closure<dyn FnMut()>,
}

fn href() -> String {
    crate::window().location().href().unwrap_or_default()
}

/// Calls `changed` with the new URL whenever `location.href` changes by a history call or
/// `popstate`.
pub fn watch(changed: impl Fn(String) + 'static) -> Option<NavWatch> {
    let window = crate::window();
    let history = window.history().ok()?;
    let alive = Rc::new(Cell::new(true));
    let last = Rc::new(RefCell::new(href()));
    let changed = Rc::new(changed);
    let check = {
        let (alive, last, changed) = (alive.clone(), last.clone(), changed.clone());
        Rc::new(move || {
            if !alive.get() {
                return;
            }
            let now = href();
            if *last.borrow() != now {
                last.replace(now.clone());
                changed(now);
            }
        })
    };
    let mut wrapped = Vec::new();
    for name in ["pushState", "replaceState"] {
        let Some(original) = js_sys::Reflect::get(&history, &name.into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        else {
            continue;
        };
        let (inner, target, check) = (original.clone(), history.clone(), check.clone());
        let wrapper: Wrapper =
            Closure::new(move |state: JsValue, unused: JsValue, url: JsValue| {
                // The page's own call first, exactly as made; its error (a cross-origin URL) is
                // its own and goes back to it.
                let result = inner.call3(&target, &state, &unused, &url)?;
                check();
                Ok(result)
            });
        if js_sys::Reflect::set(&history, &name.into(), wrapper.as_ref()).is_ok() {
            wrapped.push((name, original, wrapper));
        }
    }
    let popstate = Closure::<dyn FnMut()>::new(move || check());
    let _ = window.add_event_listener_with_callback("popstate", popstate.as_ref().unchecked_ref());
    Some(NavWatch {
        alive,
        wrapped,
        popstate,
    })
}

impl Drop for NavWatch {
    fn drop(&mut self) {
        self.alive.set(false);
        let window = crate::window();
        let _ = window.remove_event_listener_with_callback(
            "popstate",
            self.popstate.as_ref().unchecked_ref(),
        );
        let Ok(history) = window.history() else {
            return;
        };
        for (name, original, wrapper) in self.wrapped.drain(..) {
            let current = js_sys::Reflect::get(&history, &name.into()).unwrap_or_default();
            if current == *wrapper.as_ref() {
                let _ = js_sys::Reflect::set(&history, &name.into(), &original);
            } else {
                // Wrapped again after us: ours must keep passing calls through.
                wrapper.forget();
            }
        }
    }
}
