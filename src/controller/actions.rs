//! The markers' side of the controller: answers to marker forms (`POST /actions`), handover from
//! a `request_human_agent` marker, uploads sent as parts of the next message, the rating, and
//! `custom` markers handed to the host page. An `impl Ctx` block beside the conversation's, so
//! components still only dispatch intents; like the rest of the controller it never touches the
//! DOM and never decides how anything looks.

use dialoge_api::actions::{ActionRequest, ActionResponse, RateRequest};
use dialoge_api::livechat::{ClientContext, HandoverRequest, HandoverSource, LivechatSession};
use dialoge_api::message::{CustomMarker, FilePart, ImagePart, Part, TextPart};
use dialoge_api::send::InputPart;
use leptos::prelude::*;
use wasm_bindgen::JsValue;
use web_sys::{AbortController, Response};

use super::{new_idempotency_key, Ctx, Inner};
use crate::boot::events;
use crate::state::conversation::{EntryState, Outgoing};
use crate::state::live::LivePart;
use crate::transport::client::Call;
use crate::transport::storage::Store;
use crate::transport::{http, js_error, ApiError};

/// Quiet time after the last answer before the rating is offered inline (2 minutes). Boot
/// option `ratingDelayMs` overrides it (tests).
pub const RATING_DELAY_MS: u32 = 120_000;
/// `custom` markers already handed to the host page, remembered across reloads (so history
/// does not replay a host flow) but only the most recent ones: part ids are per conversation.
const CUSTOM_SEEN_KEY: &str = "custom_seen";
const CUSTOM_SEEN_MAX: usize = 50;
/// Set once the rating has been offered in this conversation.
const RATING_OFFERED_KEY: &str = "rating_offered";

/// Marker bookkeeping that outlives a component (a re-rendered part must not forget it was sent
/// or emitted).
#[derive(Clone, Copy)]
pub struct MarkerState {
    /// The rating is offered inline (the conversation went quiet).
    pub rating_offered: RwSignal<bool>,
    /// Markers answered in this page, with what to show instead (confirmation, file name).
    sent: RwSignal<Vec<(String, Option<String>)>>,
    /// Part ids of `custom` markers already emitted.
    emitted: StoredValue<Vec<String>>,
    /// Uploads per visitor entry key, kept until the turn is through so a retry (same
    /// idempotency key) sends them again.
    uploads: StoredValue<Vec<Pending>>,
    /// Requests in flight, aborted on reset and destroy.
    aborts: StoredValue<Vec<AbortController>, LocalStorage>,
}

/// Uploads of one visitor message.
struct Pending {
    entry: u64,
    state: RwSignal<EntryState>,
    parts: Vec<InputPart>,
}

impl MarkerState {
    pub fn new(store: &Store) -> Self {
        let emitted = store
            .get(CUSTOM_SEEN_KEY)
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default();
        MarkerState {
            rating_offered: RwSignal::new(false),
            sent: RwSignal::new(Vec::new()),
            emitted: StoredValue::new(emitted),
            uploads: StoredValue::new(Vec::new()),
            aborts: StoredValue::new_local(Vec::new()),
        }
    }

    fn abort_all(&self) {
        if let Some(list) = self.aborts.try_update_value(std::mem::take) {
            for ac in list {
                ac.abort();
            }
        }
    }
}

impl Ctx {
    /// Sends a marker form's answer. On success the marker counts as sent (see
    /// [`Ctx::marker_sent`]) and a `livechat_session` that is waiting or active starts livechat.
    pub async fn submit_action(&self, request: ActionRequest) -> Result<ActionResponse, ApiError> {
        let inner = self.inner().ok_or(ApiError::Aborted)?;
        let response = if inner.options.preview {
            // The branding preview sends nothing; its sample forms still show how "sent" looks.
            ActionResponse {
                submission_id: String::new(),
                confirmation_text: None,
                livechat_session: None,
            }
        } else {
            let resp = self
                .call(&inner, "POST", "/actions", json(&request)?)
                .await?;
            http::json::<ActionResponse>(&resp).await?
        };
        self.mark_sent(&request.part_id, response.confirmation_text.clone());
        if let Some(session) = &response.livechat_session {
            if session.status.is_open() {
                self.on_livechat_started(session.status.clone());
            }
        }
        Ok(response)
    }

    /// `POST /livechat/handover`. A waiting or active session starts livechat.
    pub async fn request_handover(
        &self,
        source: HandoverSource,
        part_id: Option<String>,
    ) -> Result<LivechatSession, ApiError> {
        let inner = self.inner().ok_or(ApiError::Aborted)?;
        if inner.options.preview {
            return Err(ApiError::Protocol("the preview sends nothing".into()));
        }
        let mut body = HandoverRequest::website_from(source, part_id.clone());
        body.client_context = Some(self.client_context());
        let resp = self
            .call(&inner, "POST", "/livechat/handover", json(&body)?)
            .await?;
        let session = http::json::<LivechatSession>(&resp).await?;
        if let Some(id) = part_id {
            self.mark_sent(&id, None);
        }
        if session.status.is_open() {
            self.on_livechat_started(session.status.clone());
        }
        Ok(session)
    }

    /// `POST /rate`: 1–5 stars and optional words.
    pub async fn rate(&self, rating: u8, feedback: Option<String>) -> Result<(), ApiError> {
        if !(1..=5).contains(&rating) {
            return Err(ApiError::Protocol(format!("rating {rating} is not 1–5")));
        }
        let inner = self.inner().ok_or(ApiError::Aborted)?;
        if inner.options.preview {
            return Ok(());
        }
        let body = RateRequest {
            rating,
            feedback: feedback
                .map(|f| f.trim().to_owned())
                .filter(|f| !f.is_empty()),
        };
        self.call(&inner, "POST", "/rate", json(&body)?).await?;
        Ok(())
    }

    /// Sends the visitor's text with uploads (base64 `image`/`file` parts) as a new turn. The
    /// uploads show at once from their `data:` URL; a retry of this message (same idempotency
    /// key) sends them again. `false` when nothing was sent (empty, or an answer is running).
    pub fn send_parts(&self, text: String, parts: Vec<InputPart>) -> bool {
        let text = text.trim().to_owned();
        if (text.is_empty() && parts.is_empty()) || self.busy.get_untracked() {
            return false;
        }
        let entry = self.convo.push_user(Outgoing {
            text: text.clone(),
            idempotency_key: new_idempotency_key(),
        });
        let mut shown: Vec<LivePart> = parts
            .iter()
            .map(|p| LivePart::from_part(&echo(p)))
            .collect();
        if !text.is_empty() {
            shown.push(LivePart::from_part(&Part::Text(TextPart {
                part_id: None,
                text,
            })));
        }
        entry.parts.set(shown);
        self.markers.uploads.update_value(|uploads| {
            // Turns that went through need their bytes no more; failed ones may be retried.
            uploads.retain(|p| {
                matches!(
                    p.state.try_get_untracked(),
                    Some(EntryState::Failed | EntryState::Sending)
                )
            });
            uploads.push(Pending {
                entry: entry.key,
                state: entry.state,
                parts,
            });
        });
        if self.livechat_active() {
            self.livechat_send(entry);
        } else {
            self.run_turn(entry);
        }
        true
    }

    /// The parts of a visitor message: its text, then any uploads sent with it.
    pub(super) fn outgoing_parts(&self, key: u64, text: &str) -> Vec<InputPart> {
        let mut parts = Vec::new();
        if !text.trim().is_empty() {
            parts.push(InputPart::Text {
                text: text.to_owned(),
            });
        }
        let uploads = self
            .markers
            .uploads
            .try_with_value(|u| u.iter().find(|p| p.entry == key).map(|p| p.parts.clone()));
        parts.extend(uploads.flatten().unwrap_or_default());
        parts
    }

    /// Hands a `custom` marker to the host page as the `marker` event, once per part: not again
    /// when the part re-renders or comes back with history.
    pub fn emit_custom_marker(&self, marker: &CustomMarker) {
        let Some(inner) = self.inner() else { return };
        // An admin's branding preview must not set off the shop's own flows.
        if inner.options.preview {
            return;
        }
        let id = if marker.part_id.is_empty() {
            let payload = marker.payload.as_ref().map(|p| p.to_string());
            format!("{}:{}", marker.key, payload.unwrap_or_default())
        } else {
            marker.part_id.clone()
        };
        let seen = self.markers.emitted.try_update_value(|seen| {
            if seen.contains(&id) {
                return None;
            }
            seen.push(id.clone());
            if seen.len() > CUSTOM_SEEN_MAX {
                seen.remove(0);
            }
            serde_json::to_string(seen).ok()
        });
        let Some(Some(seen)) = seen else { return };
        inner.store.set(CUSTOM_SEEN_KEY, &seen);
        let payload = marker
            .payload
            .as_ref()
            .and_then(|p| serde_json::to_string(p).ok())
            .and_then(|s| js_sys::JSON::parse(&s).ok())
            .unwrap_or(JsValue::NULL);
        let detail = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&detail, &"partId".into(), &marker.part_id.as_str().into());
        let _ = js_sys::Reflect::set(&detail, &"key".into(), &marker.key.as_str().into());
        let _ = js_sys::Reflect::set(&detail, &"payload".into(), &payload);
        events::emit("marker", &detail);
    }

    /// `Some(text)` once the marker was answered in this page (`text`: what to show instead).
    pub fn marker_sent(&self, part_id: &str) -> Option<Option<String>> {
        self.markers
            .sent
            .try_with_untracked(|s| {
                s.iter()
                    .find(|(id, _)| id == part_id)
                    .map(|(_, t)| t.clone())
            })
            .flatten()
    }

    /// Remembers that a marker was answered, so a re-render shows it as sent.
    pub fn mark_sent(&self, part_id: &str, shown: Option<String>) {
        self.markers.sent.try_update(|s| {
            s.retain(|(id, _)| id != part_id);
            s.push((part_id.to_owned(), shown));
        });
    }

    /// How long the conversation must be quiet before the rating is offered inline.
    pub fn rating_delay_ms(&self) -> u32 {
        self.inner()
            .and_then(|i| i.options.rating_delay_ms)
            .unwrap_or(RATING_DELAY_MS)
    }

    /// Offers the rating inline, once per conversation (remembered across reloads).
    pub fn offer_rating(&self) {
        let Some(inner) = self.inner() else { return };
        if inner.store.get(RATING_OFFERED_KEY).is_some() {
            return;
        }
        inner.store.set(RATING_OFFERED_KEY, "1");
        self.markers.rating_offered.try_set(true);
    }

    /// A new conversation (reset): aborts marker requests and forgets what was sent, emitted
    /// and offered.
    pub(super) fn markers_reset(&self) {
        let m = self.markers;
        m.abort_all();
        m.sent.try_set(Vec::new());
        m.emitted.try_set_value(Vec::new());
        m.uploads.try_set_value(Vec::new());
        m.rating_offered.try_set(false);
        if let Some(inner) = self.inner() {
            inner.store.remove(CUSTOM_SEEN_KEY);
            inner.store.remove(RATING_OFFERED_KEY);
        }
    }

    /// Destroy: aborts marker requests.
    pub(super) fn markers_shutdown(&self) {
        self.markers.abort_all();
    }

    /// One authenticated call that reset and destroy can abort.
    async fn call(
        &self,
        inner: &Inner,
        method: &str,
        path: &str,
        body: String,
    ) -> Result<Response, ApiError> {
        let ac = AbortController::new().map_err(js_error)?;
        let signal = ac.signal();
        self.markers.aborts.update_value(|a| a.push(ac.clone()));
        let call = Call::new(method, path, Some(body));
        let result = inner.api.send(&call, Some(&signal)).await;
        self.markers
            .aborts
            .try_update_value(|a| a.retain(|x| !js_sys::Object::is(x, &ac)));
        result
    }

    fn client_context(&self) -> ClientContext {
        let window = web_sys::window();
        ClientContext {
            browser_language: window.as_ref().and_then(|w| w.navigator().language()),
            current_page_url: window.as_ref().and_then(|w| w.location().href().ok()),
            language: Some(self.lang_tag().to_owned()),
            ..Default::default()
        }
    }
}

fn json<T: serde::Serialize>(body: &T) -> Result<String, ApiError> {
    serde_json::to_string(body).map_err(|e| ApiError::Protocol(e.to_string()))
}

/// How an upload shows in the visitor's own message before the server has it: from its
/// `data:` URL, as the server echoes it in history.
fn echo(part: &InputPart) -> Part {
    match part {
        InputPart::Image {
            data,
            mime,
            filename,
        } => Part::Image(ImagePart {
            part_id: None,
            url: format!("data:{mime};base64,{data}"),
            attachment_id: None,
            mime_type: Some(mime.clone()),
            size_bytes: None,
            url_expires_at: None,
            thumbnail_url: None,
            caption: Some(filename.clone()).filter(|f| !f.is_empty()),
        }),
        InputPart::File {
            data,
            mime,
            filename,
        } => Part::File(FilePart {
            part_id: None,
            filename: filename.clone(),
            url: format!("data:{mime};base64,{data}"),
            attachment_id: None,
            mime_type: Some(mime.clone()),
            size_bytes: None,
            url_expires_at: None,
        }),
        InputPart::Text { text } => Part::Text(TextPart {
            part_id: None,
            text: text.clone(),
        }),
    }
}
