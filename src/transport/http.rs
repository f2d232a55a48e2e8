//! One `fetch()` wrapper for every call: method, headers, JSON body, abort signal; non-2xx
//! answers become [`ApiError::Http`] from the contract's error envelope (or the bare status
//! when the body is not an envelope).

use dialoge_api::{ErrorCode, ErrorEnvelope};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers, RequestCredentials, RequestInit, Response};

use super::{js_error, ApiError};

/// A request about to be sent.
pub struct HttpRequest<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub bearer: Option<&'a str>,
    pub json_body: Option<String>,
    pub extra_headers: &'a [(&'a str, &'a str)],
    /// `include` for the site's own token endpoint (its session cookie), `omit` for the API.
    pub credentials: RequestCredentials,
    pub signal: Option<&'a AbortSignal>,
}

impl<'a> HttpRequest<'a> {
    pub fn new(method: &'a str, url: &'a str) -> Self {
        HttpRequest {
            method,
            url,
            bearer: None,
            json_body: None,
            extra_headers: &[],
            credentials: RequestCredentials::Omit,
            signal: None,
        }
    }
}

/// Sends the request; resolves to the response only if it is 2xx.
pub async fn send(req: HttpRequest<'_>) -> Result<Response, ApiError> {
    let resp = fetch(req).await?;
    if resp.ok() {
        Ok(resp)
    } else {
        Err(error_from_response(&resp).await)
    }
}

/// Sends the request; resolves to the response whatever its status (the caller reads it).
pub async fn fetch(req: HttpRequest<'_>) -> Result<Response, ApiError> {
    let headers = Headers::new().map_err(js_error)?;
    if req.json_body.is_some() {
        headers
            .set("Content-Type", "application/json")
            .map_err(js_error)?;
    }
    if let Some(token) = req.bearer {
        headers
            .set("Authorization", &format!("Bearer {token}"))
            .map_err(js_error)?;
    }
    for (k, v) in req.extra_headers {
        headers.set(k, v).map_err(js_error)?;
    }
    let init = RequestInit::new();
    init.set_method(req.method);
    init.set_headers(&headers);
    init.set_credentials(req.credentials);
    if let Some(body) = &req.json_body {
        init.set_body(&JsValue::from_str(body));
    }
    if let Some(signal) = req.signal {
        init.set_signal(Some(signal));
    }
    let window = crate::window();
    JsFuture::from(window.fetch_with_str_and_init(req.url, &init))
        .await
        .map_err(js_error)?
        .dyn_into()
        .map_err(|_| ApiError::Protocol("fetch did not return a Response".into()))
}

/// Reads a non-2xx response as the contract's envelope; unknown codes go by status.
async fn error_from_response(resp: &Response) -> ApiError {
    let status = resp.status();
    let retry_after = resp
        .headers()
        .get("Retry-After")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse().ok());
    let body = text(resp).await.unwrap_or_default();
    match dialoge_api::from_json::<ErrorEnvelope>(&body) {
        Ok(env) => ApiError::Http {
            status,
            code: env.error.code,
            message: env.error.message,
            params: env.error.params,
            retry_after,
        },
        Err(_) => ApiError::Http {
            status,
            code: ErrorCode::from_status(status),
            message: resp.status_text(),
            params: Vec::new(),
            retry_after,
        },
    }
}

/// The whole body as text.
pub async fn text(resp: &Response) -> Result<String, ApiError> {
    let promise = resp.text().map_err(js_error)?;
    let value = JsFuture::from(promise).await.map_err(js_error)?;
    value
        .as_string()
        .ok_or_else(|| ApiError::Protocol("body is not text".into()))
}

/// The whole body parsed as JSON of type `T`.
pub async fn json<T: dialoge_api::FromJson>(resp: &Response) -> Result<T, ApiError> {
    let body = text(resp).await?;
    dialoge_api::from_json(&body).map_err(|e| ApiError::Protocol(format!("bad JSON: {e}")))
}
