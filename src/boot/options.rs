//! Boot options: the script tag's `data-*` attributes (as the loader passes them, camelCased)
//! or the object given to `Dialoge('boot', …)`. Parsing is strict about what is required and
//! forgiving about the rest: an unknown value falls back to the documented default.

use wasm_bindgen::{JsCast, JsValue};

/// Where the visitor token, cached branding and drafts live (`data-storage`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum StorageKind {
    #[default]
    Local,
    Session,
    None,
}

/// Which corner the launcher sits in (`data-position`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Position {
    Left,
    #[default]
    Right,
}

/// The production API; the sandbox is chosen with `data-api-base`.
pub const DEFAULT_API_BASE: &str = "https://api.dialogintelligens.dk";

/// Everything the widget is booted with.
#[derive(Clone, Debug)]
pub struct Options {
    pub chatbot_id: String,
    pub token_url: Option<String>,
    /// `Dialoge('boot', {getToken})`: called with the previous token, resolves to a new one.
    pub get_token: Option<js_sys::Function>,
    pub api_base: String,
    pub open: bool,
    pub hidden: bool,
    pub position: Position,
    pub language: Option<String>,
    pub storage: StorageKind,
    pub preview: bool,
    /// Quiet time after the last answer before the rating is offered inline
    /// (`data-rating-delay-ms`; tests shorten it). `None`: the widget's default.
    pub rating_delay_ms: Option<u32>,
}

/// Why the widget could not boot.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum BootError {
    #[error("data-chatbot-id is required")]
    MissingChatbotId,
    #[error("data-token-url (or a getToken function) is required")]
    MissingTokenSource,
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn string(obj: &JsValue, key: &str) -> Option<String> {
    get(obj, key)
        .as_string()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// `data-open=""`, `"true"` and a JS `true` all mean on; absent, `"false"` and anything else off.
fn flag(obj: &JsValue, key: &str) -> bool {
    let v = get(obj, key);
    if let Some(b) = v.as_bool() {
        return b;
    }
    matches!(
        v.as_string().as_deref().map(str::trim),
        Some("" | "true" | "1")
    )
}

impl Options {
    /// Reads options from the loader's object. `page_query` is `location.search`, for `?chat=open`.
    pub fn from_js(obj: &JsValue, page_query: &str) -> Result<Options, BootError> {
        let chatbot_id = string(obj, "chatbotId").ok_or(BootError::MissingChatbotId)?;
        let get_token = get(obj, "getToken").dyn_into::<js_sys::Function>().ok();
        let token_url = string(obj, "tokenUrl");
        let preview = flag(obj, "preview");
        if token_url.is_none() && get_token.is_none() && !preview {
            return Err(BootError::MissingTokenSource);
        }
        let api_base = string(obj, "apiBase")
            .unwrap_or_else(|| DEFAULT_API_BASE.to_owned())
            .trim_end_matches('/')
            .to_owned();
        let position = match string(obj, "position").as_deref() {
            Some("left") => Position::Left,
            _ => Position::Right,
        };
        let storage = match string(obj, "storage").as_deref() {
            Some("session") => StorageKind::Session,
            Some("none") => StorageKind::None,
            _ => StorageKind::Local,
        };
        Ok(Options {
            chatbot_id,
            token_url,
            get_token,
            api_base,
            open: flag(obj, "open") || query_opens_chat(page_query),
            hidden: flag(obj, "hidden"),
            position,
            language: string(obj, "language"),
            storage,
            preview,
            rating_delay_ms: string(obj, "ratingDelayMs")
                .and_then(|s| s.parse().ok())
                .or_else(|| get(obj, "ratingDelayMs").as_f64().map(|ms| ms as u32)),
        })
    }
}

/// `?chat=open` anywhere in the page's query string opens the panel.
pub fn query_opens_chat(query: &str) -> bool {
    query
        .trim_start_matches('?')
        .split('&')
        .any(|pair| pair == "chat=open")
}
