//! The token handshake of EMBED.md section 2: the API key stays on the site's server, the
//! widget asks the site (its `data-token-url`, or a booted `getToken` function) for a visitor
//! token, passing the previous one so the site can keep the same visitor.

use dialoge_api::FromJson;
use serde::Serialize;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::RequestCredentials;

use crate::transport::http::{self, HttpRequest};
use crate::transport::ApiError;

/// Where visitor tokens (or, on OpenDialog, the appKey) come from.
#[derive(Clone, Debug)]
pub enum TokenSource {
    /// `POST {url}` on the site's own origin, cookies included.
    Url(String),
    /// `getToken(previousToken) → Promise<string>`.
    Function(js_sys::Function),
}

impl TokenSource {
    /// The booted `getToken` function, else `data-token-url`; `None` when neither is given.
    pub fn from_options(options: &crate::boot::options::Options) -> Option<TokenSource> {
        match (&options.get_token, &options.token_url) {
            (Some(f), _) => Some(TokenSource::Function(f.clone())),
            (None, Some(url)) => Some(TokenSource::Url(url.clone())),
            (None, None) => None,
        }
    }
}

#[derive(Serialize)]
struct HandshakeRequest<'a> {
    chatbot_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    visitor_token: Option<&'a str>,
}

#[derive(FromJson)]
struct HandshakeResponse {
    token: String,
}

/// Asks the site for a visitor token.
pub async fn handshake(
    source: &TokenSource,
    chatbot_id: &str,
    previous: Option<&str>,
) -> Result<String, ApiError> {
    let token = match source {
        TokenSource::Url(url) => {
            let body = serde_json::to_string(&HandshakeRequest {
                chatbot_id,
                visitor_token: previous,
            })
            .map_err(|e| ApiError::Handshake(e.to_string()))?;
            let mut req = HttpRequest::new("POST", url);
            req.json_body = Some(body);
            req.credentials = RequestCredentials::Include;
            let resp = http::send(req).await.map_err(|e| match e {
                ApiError::Aborted => ApiError::Aborted,
                other => ApiError::Handshake(other.to_string()),
            })?;
            http::json::<HandshakeResponse>(&resp)
                .await
                .map_err(|e| ApiError::Handshake(e.to_string()))?
                .token
        }
        TokenSource::Function(f) => {
            let arg = previous.map(JsValue::from_str).unwrap_or(JsValue::NULL);
            let ret = f
                .call1(&JsValue::NULL, &arg)
                .map_err(|e| ApiError::Handshake(format!("getToken threw: {e:?}")))?;
            let value = JsFuture::from(js_sys::Promise::resolve(&ret))
                .await
                .map_err(|e| ApiError::Handshake(format!("getToken rejected: {e:?}")))?;
            value
                .as_string()
                .ok_or_else(|| ApiError::Handshake("getToken did not resolve to a string".into()))?
        }
    };
    if token.trim().is_empty() {
        return Err(ApiError::Handshake(
            "the site returned an empty token".into(),
        ));
    }
    Ok(token)
}
