//! Boot: turns the loader's options into a mounted widget inside the shadow root the loader
//! made, and carries `window.Dialoge` commands to the controller. Everything started here is
//! undone by [`Widget::destroy`], which leaves the page as it was.

pub mod events;
pub mod options;

use std::rc::Rc;

use leptos::mount::mount_to;
use leptos::prelude::*;
use wasm_bindgen::JsValue;
use web_sys::HtmlElement;

use crate::controller::Ctx;
use crate::transport::client::ApiClient;
use crate::transport::storage::Store;
use crate::transport::token::TokenSource;
use crate::view::shell::Shell;
use options::Options;

/// A mounted widget. Dropping it unmounts the view; [`Widget::destroy`] also stops requests.
pub struct Widget {
    ctx: Ctx,
    owner: Owner,
    handle: Option<leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>>,
}

/// Mounts the widget into `root` (the element the loader created inside its shadow root).
pub fn mount(root: HtmlElement, options: Options) -> Widget {
    let store = Rc::new(Store::new(options.storage, &options.chatbot_id));
    let source = match (&options.get_token, &options.token_url) {
        (Some(f), _) => Some(TokenSource::Function(f.clone())),
        (None, Some(url)) => Some(TokenSource::Url(url.clone())),
        (None, None) => None,
    };
    let api = ApiClient::new(
        options.api_base.clone(),
        options.chatbot_id.clone(),
        source,
        store.clone(),
    );
    let chatbot_id = options.chatbot_id.clone();
    let owner = Owner::new();
    let (ctx, handle) = owner.with(|| {
        let ctx = Ctx::new(options, store, api);
        // Cached branding first, so the first paint already has the site's colours.
        ctx.restore_config();
        let handle = mount_to(root, move || {
            provide_context(ctx);
            view! { <Shell/> }.into_any()
        });
        (ctx, handle)
    });
    // Fresh branding at boot, not on first open: the launcher colour and popups need it.
    ctx.fetch_config();
    if ctx.open.get_untracked() {
        // Opened by data-open or ?chat=open: start as if the visitor had clicked.
        ctx.open.set(false);
        ctx.set_open(true);
    }
    let detail = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&detail, &"chatbotId".into(), &chatbot_id.as_str().into());
    events::emit("ready", &detail);
    Widget {
        ctx,
        owner,
        handle: Some(handle),
    }
}

impl Widget {
    /// Runs one `window.Dialoge(name, arg)` command. Unknown commands are logged, not fatal.
    pub fn command(&mut self, name: &str, arg: JsValue) {
        let ctx = self.ctx;
        match name {
            "open" => ctx.set_open(true),
            "close" => ctx.set_open(false),
            "toggle" => ctx.set_open(!ctx.open.get_untracked()),
            "show" => ctx.launcher_visible.set(true),
            "hide" => ctx.launcher_visible.set(false),
            "send" => {
                if let Some(text) = arg.as_string() {
                    ctx.set_open(true);
                    ctx.send_text(text);
                }
            }
            "reset" => ctx.reset(),
            "setContext" => ctx.set_context(&arg),
            "destroy" => self.destroy(),
            other => crate::controller::log(&format!("unknown command '{other}'")),
        }
    }

    /// Aborts requests, unmounts the view and frees every signal.
    pub fn destroy(&mut self) {
        self.ctx.shutdown();
        self.handle.take();
        self.owner.cleanup();
    }
}
