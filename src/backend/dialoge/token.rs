//! The token handshake of EMBED.md section 2: the API key stays on the site's server, the
//! widget asks the site (its `data-token-url`, or a booted `getToken` function) for a visitor
//! token, passing the previous one so the site can keep the same visitor.

use dialoge_api::{FromJson, ToJson};
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

#[derive(ToJson)]
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
            let body = dialoge_api::to_json(&HandshakeRequest {
                chatbot_id,
                visitor_token: previous,
            });
            // The site's endpoint may be rate limited too: its 429 is waited out (it did
            // nothing), a few times, before the handshake counts as failed.
            let mut waits = 0;
            let resp = loop {
                let mut req = HttpRequest::new("POST", url);
                req.json_body = Some(body.clone());
                req.credentials = RequestCredentials::Include;
                match http::send(req).await {
                    Err(ApiError::Http {
                        code: dialoge_api::error::ErrorCode::RateLimited,
                        retry_after,
                        ..
                    }) if waits < 3 => {
                        waits += 1;
                        let seconds = retry_after.unwrap_or(2 << waits).clamp(1, 30);
                        crate::life::sleep(seconds * 1000).await;
                    }
                    Err(ApiError::Aborted) => return Err(ApiError::Aborted),
                    Err(other) => return Err(ApiError::Handshake(other.to_string())),
                    Ok(resp) => break resp,
                }
            };
            http::json::<HandshakeResponse>(&resp)
                .await
                .map_err(|e| ApiError::Handshake(e.to_string()))?
                .token
        }
        TokenSource::Function(f) => {
            let arg = previous.map(JsValue::from_str).unwrap_or(JsValue::NULL);
            let ret = f.call1(&JsValue::NULL, &arg).map_err(|e| {
                ApiError::Handshake(format!("getToken threw: {}", crate::transport::js_text(&e)))
            })?;
            let value = JsFuture::from(js_sys::Promise::resolve(&ret))
                .await
                .map_err(|e| {
                    ApiError::Handshake(format!(
                        "getToken rejected: {}",
                        crate::transport::js_text(&e)
                    ))
                })?;
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
