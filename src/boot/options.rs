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

/// Which service the widget speaks (`data-backend`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum BackendKind {
    #[default]
    Dialoge,
    /// OpenDialog's Chat API v3 (OPENDIALOG.md section 6).
    OpenDialog {
        /// `data-scenario-id`.
        scenario_id: String,
        /// `data-app-key`; else the site's token endpoint answers it.
        app_key: Option<String>,
        /// `data-csrf-cookie` (default Laravel's `XSRF-TOKEN`).
        csrf_cookie: String,
        /// `data-csrf-header` (default `X-XSRF-TOKEN`).
        csrf_header: String,
    },
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
    /// `data-preview`: a branding preview (read through [`Options::is_preview`]).
    #[cfg(feature = "preview")]
    pub preview: bool,
    /// The previewed config as JSON (`Dialoge('boot', {preview: true, config})`); an
    /// OpenDialog `configuration` when the backend is OpenDialog.
    #[cfg(feature = "preview")]
    pub preview_config: Option<String>,
    /// `data-config-url`: where a preview reads its config instead.
    #[cfg(feature = "preview")]
    pub config_url: Option<String>,
    /// `data-color-scheme="light" | "dark"`: `Some(dark)` fixes the scheme (the studio's light
    /// and dark frames); `None` follows the visitor's system.
    pub color_scheme: Option<bool>,
    pub backend: BackendKind,
    /// Quiet time after the last answer before the rating is offered inline
    /// (`data-rating-delay-ms`; tests shorten it). `None`: the widget's default.
    pub rating_delay_ms: Option<u32>,
    /// When the loader started this mount (`performance.now()` of the page, set by the loader
    /// at the script tag's run or at `Dialoge('boot')`): popup teaser delays count from it.
    /// `None` (mounted without the loader): from the mount.
    pub started_at: Option<f64>,
}

/// Why the widget could not boot.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum BootError {
    #[error("data-chatbot-id is required")]
    MissingChatbotId,
    #[error("data-token-url (or a getToken function) is required")]
    MissingTokenSource,
    #[cfg(feature = "opendialog")]
    #[error("data-backend=\"opendialog\" needs data-scenario-id")]
    MissingScenarioId,
    #[error("data-backend=\"{0}\" is not a backend this widget speaks (dialoge, opendialog)")]
    UnknownBackend(String),
    #[error("this build speaks the Dialoge API: load dialoge.js from the opendialog/ folder for data-backend=\"opendialog\"")]
    OpenDialogBuild,
    #[error("this build has no branding preview: load it through dialoge.js, which fetches the preview/ build for data-preview")]
    PreviewBuild,
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
    /// Whether this mount is a branding preview (EMBED.md section 5). Never in a build without
    /// the preview, which refuses to boot as one: the code behind it is left out there.
    pub fn is_preview(&self) -> bool {
        #[cfg(feature = "preview")]
        return self.preview;
        #[cfg(not(feature = "preview"))]
        false
    }

    /// Reads options from the loader's object. `page_query` is `location.search`, for `?chat=open`.
    pub fn from_js(obj: &JsValue, page_query: &str) -> Result<Options, BootError> {
        let backend = match string(obj, "backend").as_deref() {
            None | Some("dialoge") => BackendKind::Dialoge,
            #[cfg(feature = "opendialog")]
            Some("opendialog") => BackendKind::OpenDialog {
                scenario_id: string(obj, "scenarioId").ok_or(BootError::MissingScenarioId)?,
                app_key: string(obj, "appKey"),
                csrf_cookie: string(obj, "csrfCookie").unwrap_or_else(|| "XSRF-TOKEN".into()),
                csrf_header: string(obj, "csrfHeader").unwrap_or_else(|| "X-XSRF-TOKEN".into()),
            },
            // This build has no OpenDialog backend: say where it is.
            #[cfg(not(feature = "opendialog"))]
            Some("opendialog") => return Err(BootError::OpenDialogBuild),
            Some(other) => return Err(BootError::UnknownBackend(other.to_owned())),
        };
        // An OpenDialog scenario is the chatbot; its storage keys are per scenario.
        let chatbot_id = match &backend {
            BackendKind::OpenDialog { scenario_id, .. } => {
                string(obj, "chatbotId").unwrap_or_else(|| scenario_id.clone())
            }
            // A preview stands for no chatbot in particular.
            BackendKind::Dialoge => string(obj, "chatbotId")
                .or_else(|| flag(obj, "preview").then(|| "preview".to_owned()))
                .ok_or(BootError::MissingChatbotId)?,
        };
        let get_token = get(obj, "getToken").dyn_into::<js_sys::Function>().ok();
        let token_url = string(obj, "tokenUrl");
        let preview = flag(obj, "preview");
        // The preview is its own build (the `preview` feature); the loader fetches it.
        #[cfg(not(feature = "preview"))]
        if preview {
            return Err(BootError::PreviewBuild);
        }
        let has_key = matches!(
            &backend,
            BackendKind::OpenDialog {
                app_key: Some(_),
                ..
            }
        );
        if token_url.is_none() && get_token.is_none() && !preview && !has_key {
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
            // A preview keeps nothing: no shop visitor's cache, draft or dismissals are touched.
            _ if preview => StorageKind::None,
            Some("session") => StorageKind::Session,
            Some("none") => StorageKind::None,
            _ => StorageKind::Local,
        };
        #[cfg(feature = "preview")]
        let preview_config = json_text(&get(obj, "config"));
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
            #[cfg(feature = "preview")]
            preview,
            #[cfg(feature = "preview")]
            preview_config,
            #[cfg(feature = "preview")]
            config_url: string(obj, "configUrl"),
            color_scheme: match string(obj, "colorScheme").as_deref() {
                Some("dark") => Some(true),
                Some("light") => Some(false),
                _ => None,
            },
            backend,
            rating_delay_ms: string(obj, "ratingDelayMs")
                .and_then(|s| s.parse().ok())
                .or_else(|| get(obj, "ratingDelayMs").as_f64().map(|ms| ms as u32)),
            started_at: get(obj, "t")
                .as_f64()
                .filter(|t| t.is_finite() && *t >= 0.0),
        })
    }
}

/// A config given as JSON text or as an object, as JSON text (`None` for anything else).
#[cfg(feature = "preview")]
pub fn json_text(value: &JsValue) -> Option<String> {
    match value.as_string() {
        Some(text) => Some(text),
        None if value.is_object() => js_sys::JSON::stringify(value)
            .ok()
            .and_then(|s| s.as_string()),
        None => None,
    }
}

/// `?chat=open` anywhere in the page's query string opens the panel.
pub fn query_opens_chat(query: &str) -> bool {
    query
        .trim_start_matches('?')
        .split('&')
        .any(|pair| pair == "chat=open")
}
