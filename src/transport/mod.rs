//! Transport: the HTTP primitives every backend shares — one abortable `fetch` wrapper, the
//! fetch-based SSE reader, and per-visitor storage. It turns bytes into typed values and typed
//! errors; it never touches the DOM and never holds UI state. Every request carries the abort
//! signal of the life it belongs to (`crate::life`).

pub mod http;
pub mod navigation;
pub mod storage;
pub mod stream;
pub mod tabs;

use dialoge_api::{ErrorCode, ErrorParam};

/// A failed call, in the terms the UI needs to decide what to show and whether to retry.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// The request never got an HTTP answer (offline, DNS, CORS, connection reset).
    #[error("network error: {0}")]
    Network(String),
    /// We aborted it (stop button, destroy, a newer request).
    #[error("aborted")]
    Aborted,
    /// The server answered with the contract's error envelope (or a bare status).
    // The code's wire name, not its `Debug`: `Debug` of a string escapes it with core's
    // Unicode tables, which nothing else in the widget needs.
    #[error("HTTP {status} ({}): {message}", code.as_str())]
    Http {
        status: u16,
        code: ErrorCode,
        message: String,
        params: Vec<ErrorParam>,
        /// Seconds from `Retry-After`, for 429.
        retry_after: Option<u32>,
    },
    /// A 2xx answer we could not understand.
    #[error("unexpected response: {0}")]
    Protocol(String),
    /// The site's token endpoint (or `getToken`) failed.
    #[error("token handshake failed: {0}")]
    Handshake(String),
    /// This backend does not do that (see its capabilities).
    #[error("not supported by this backend")]
    Unsupported,
}

impl ApiError {
    /// Is this an expired or rejected visitor token (time to ask the site again)?
    pub fn is_unauthorized(&self) -> bool {
        self.code() == Some(&ErrorCode::Unauthorized)
    }

    /// Is this chat refused to this visitor or site (403)?
    pub fn is_forbidden(&self) -> bool {
        self.code() == Some(&ErrorCode::Forbidden)
    }

    /// The contract's error code of an HTTP answer (an unknown code read by its status).
    pub fn code(&self) -> Option<&ErrorCode> {
        match self {
            ApiError::Http { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// What a thrown or rejected JS value says, for a log or an error: an `Error`'s name and
/// message, a string as it is. (`JsValue`'s `Debug` would do more, with a JS describer in the
/// glue that nothing else needs.)
pub(crate) fn js_text(e: &wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    match e.dyn_ref::<js_sys::Error>() {
        Some(err) => format!(
            "{}: {}",
            String::from(err.name()),
            String::from(err.message())
        ),
        None => e.as_string().unwrap_or_else(|| "unknown error".to_owned()),
    }
}

/// Turns a rejected JS promise into an [`ApiError`], keeping aborts apart from failures.
pub(crate) fn js_error(e: wasm_bindgen::JsValue) -> ApiError {
    use wasm_bindgen::JsCast;
    match e.dyn_ref::<js_sys::Error>() {
        Some(err) if err.name() == "AbortError" => ApiError::Aborted,
        Some(err) => ApiError::Network(String::from(err.message())),
        None => ApiError::Network(e.as_string().unwrap_or_else(|| "unknown error".to_owned())),
    }
}
