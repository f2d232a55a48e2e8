//! Boot: turns the loader's options into a mounted widget inside the shadow root the loader
//! made, and carries `window.Dialoge` commands to the services. Everything started here is
//! undone by [`Widget::destroy`]: the mount's life ends (every request aborted, every task
//! dropped, every timer cleared), then the view is unmounted and its signals freed.

pub mod events;
pub mod options;

use crate::reactive::*;
use wasm_bindgen::JsValue;
use web_sys::{Element, HtmlElement};

use crate::services::{log, Services};
use crate::view::dom;
use crate::view::shell::shell;
use options::Options;

/// A mounted widget.
pub struct Widget {
    services: Services,
    owner: Owner,
    /// The drawn widget, until it is destroyed.
    view: Option<Element>,
    destroyed: bool,
}

/// Mounts the widget into `root` (the element the loader created inside its shadow root).
pub fn mount(root: HtmlElement, options: Options) -> Widget {
    let owner = Owner::new();
    let (services, view) = owner.with(|| {
        let services = Services::new(options);
        provide_context(services);
        (services, dom::mount(&root, || Some(shell(services))))
    });
    services.start();
    Widget {
        services,
        owner,
        view,
        destroyed: false,
    }
}

impl Widget {
    /// Runs one `window.Dialoge(name, arg)` command. Unknown commands are logged, not fatal.
    pub fn command(&mut self, name: &str, arg: JsValue) {
        if self.destroyed {
            // Destroyed: the loader drops its handle, but a late call must not touch anything.
            return;
        }
        let s = self.services;
        match name {
            "open" => s.set_open(true),
            "close" => s.set_open(false),
            "toggle" => s.set_open(!s.ui.open().get_untracked()),
            "show" => s.ui.set_launcher_visible(true),
            "hide" => s.ui.set_launcher_visible(false),
            "send" => {
                if let Some(text) = arg.as_string() {
                    s.set_open(true);
                    s.send(text, Vec::new());
                }
            }
            "reset" => s.reset(),
            "setContext" => s.conversation.set_context(&arg),
            "destroy" => self.destroy(),
            #[cfg(feature = "preview")]
            "preview" => s.preview(options::json_text(&arg)),
            #[cfg(feature = "preview")]
            "previewScene" => s.preview_scene(&arg.as_string().unwrap_or_default()),
            // Only a widget booted as a preview takes either, and this build cannot be one.
            #[cfg(not(feature = "preview"))]
            "preview" | "previewScene" => log("'preview' needs a widget booted with preview: true"),
            other => log(&format!("unknown command '{other}'")),
        }
    }

    /// Ends every task and request, unmounts the view and frees every signal.
    pub fn destroy(&mut self) {
        self.services.shutdown();
        if let Some(view) = self.view.take() {
            view.remove();
        }
        self.owner.cleanup();
        self.destroyed = true;
    }
}

impl Drop for Widget {
    fn drop(&mut self) {
        // The loader's second `boot` replaces the widget: the old one stops like a destroy.
        if !self.destroyed {
            self.destroy();
        }
    }
}
