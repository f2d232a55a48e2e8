//! Routes: `GET /livechat/attachments/{id}?token=…`, the bytes behind a signed attachment URL
//! ([`crate::signing`] mints and checks the tokens). No Bearer header is needed, so an
//! `<img src>` works. Expired or tampered links are 403, deleted attachments 404, both as the
//! error envelope; a client holding an expired link refetches the message (CONTRACT.md
//! section 8).

use axum::extract::{Path, Query, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE,
    X_CONTENT_TYPE_OPTIONS,
};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use crate::error::ApiError;
use crate::signing::{verify_attachment, LinkError};
use crate::state::AppState;

/// The attachment download, relative to the API base.
pub fn router() -> Router<AppState> {
    Router::new().route("/livechat/attachments/{attachment_id}", get(get_attachment))
}

/// Query of the attachment URL.
#[derive(Debug, Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// `GET /api/v1/chat/livechat/attachments/{attachment_id}?token=…`: the bytes.
async fn get_attachment(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<TokenQuery>,
) -> Result<Response, ApiError> {
    match verify_attachment(&state.options().jwt_secret, &id, &query.token, state.now()) {
        Ok(()) => {}
        Err(LinkError::Invalid) => {
            return Err(ApiError::forbidden(
                "This attachment link is not valid; fetch the message again for a fresh one",
            ))
        }
        Err(LinkError::Expired(at)) => {
            return Err(ApiError::forbidden(format!(
                "This attachment link expired at {at}; fetch the message again for a fresh one"
            )))
        }
    }
    let (bytes, mime, filename) = {
        let store = state.livechat();
        let attachment = store
            .attachments
            .get(&id)
            .ok_or_else(|| ApiError::not_found("This attachment was deleted"))?;
        (
            attachment.bytes.clone(),
            attachment.mime.clone(),
            attachment.filename.clone(),
        )
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    let content_type = HeaderValue::from_str(&mime)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    let inline = mime.starts_with("image/");
    headers.insert(CONTENT_TYPE, content_type);
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // An uploaded HTML or SVG file opened directly must not run as a page of this origin.
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=60"),
    );
    let disposition = format!(
        "{}; filename=\"{}\"",
        if inline { "inline" } else { "attachment" },
        safe_filename(&filename)
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// A file name that fits in a quoted header value: ASCII letters, digits and `.-_ ` only.
fn safe_filename(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    if cleaned.trim().is_empty() {
        "attachment".to_owned()
    } else {
        cleaned
    }
}
