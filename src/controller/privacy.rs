//! The visitor's own data (GDPR-style): download it, delete it, or start a new conversation.
//! Deleting clears everything this widget stored for the visitor too (token, cached answers,
//! draft), so the next message starts a fresh visitor through the site's token endpoint.

use dialoge_api::actions::DeleteResponse;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use super::{log, Ctx, Status};
use crate::transport::client::Call;
use crate::transport::http;

/// The outcome of a privacy action, for the menu to show.
#[derive(Clone, Debug, PartialEq)]
pub enum PrivacyNotice {
    Deleted,
    Failed,
}

impl Ctx {
    /// `GET /export`, saved as a JSON file through the browser's download.
    pub fn export_data(&self) {
        let Some(inner) = self.inner() else { return };
        let ctx = *self;
        spawn_local(async move {
            let call = Call::new("GET", "/export", None);
            let body = match inner.api.send(&call, None).await {
                Ok(resp) => http::text(&resp).await,
                Err(e) => Err(e),
            };
            match body {
                Ok(json) => {
                    if let Err(e) = download("my-chat-data.json", &json) {
                        log(&format!("export download: {e:?}"));
                    }
                }
                Err(e) => {
                    log(&format!("export: {e}"));
                    let t = ctx.lang.get_untracked().t();
                    ctx.status.set(Status::Error {
                        message: t.error_generic.to_owned(),
                        retry: None,
                    });
                }
            }
        });
    }

    /// `DELETE /api/v1/chat`, then forget everything local and start fresh.
    pub fn delete_data(&self, done: impl Fn(PrivacyNotice) + 'static) {
        let Some(inner) = self.inner() else { return };
        let ctx = *self;
        spawn_local(async move {
            let call = Call::new("DELETE", "", None);
            let result = match inner.api.send(&call, None).await {
                Ok(resp) => http::json::<DeleteResponse>(&resp).await.map(|_| ()),
                Err(e) => Err(e),
            };
            match result {
                Ok(()) => {
                    ctx.reset();
                    done(PrivacyNotice::Deleted);
                }
                Err(e) => {
                    log(&format!("delete: {e}"));
                    done(PrivacyNotice::Failed);
                }
            }
        });
    }
}

/// Saves `text` as a file: a Blob URL on a temporary `<a download>`.
fn download(filename: &str, text: &str) -> Result<(), wasm_bindgen::JsValue> {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    a.set_href(&url);
    a.set_download(filename);
    a.click();
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}
