//! The visitor's livechat endpoints (Bearer visitor token): handover, state, messages, typing,
//! close, feedback and the held `/livechat/sync`, plus the two hooks `POST /messages` calls so
//! the assistant keeps helping while the visitor waits and steps aside once an agent is there.

use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::Json;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use bytes::Bytes;
use dialoge_api::livechat::{
    CloseRequest, FeedbackRequest, FeedbackResponse, HandoverRequest, HandoverSource,
    LivechatMessages, LivechatSendResponse, LivechatSession, LivechatSettings, LivechatState,
    LivechatStatus, SyncResponse, TypingRequest,
};
use dialoge_api::message::{Message, Part, Role};
use dialoge_api::send::{InputPart, SendMessage};
use dialoge_api::webhook::WebhookEventType;
use serde::Deserialize;

use super::attachments::Signer;
use super::settings::{self, max_attachment_bytes};
use super::{Handover, HandoverInput, Now, Prepared, PAGE_LIMIT};
use crate::auth::VisitorAuth;
use crate::error::{parse_json, ApiError, ApiJson, Problems};
use crate::state::AppState;
use crate::webhooks;

/// Longest `wait_ms` of `/livechat/sync` (CONTRACT.md section 8); longer asks are capped.
pub const MAX_SYNC_WAIT: Duration = Duration::from_secs(20);
/// Longest close reason and feedback text.
const MAX_REASON_CHARS: usize = 500;

fn deleted() -> ApiError {
    ApiError::unauthorized("This visitor's data was deleted; the token is no longer valid")
}

/// `POST /api/v1/chat/livechat/handover`: a new waiting session (and the
/// `livechat.handover.requested` webhook with its session token), or the open one as it is.
pub async fn post_handover(
    State(state): State<AppState>,
    visitor: VisitorAuth,
    headers: HeaderMap,
    ApiJson(request): ApiJson<HandoverRequest>,
) -> Result<Json<LivechatSession>, ApiError> {
    let mut problems = Problems::default();
    if let HandoverSource::Other(source) = &request.source {
        problems.add(
            "source",
            format!("Unknown source {source:?}: use manual_button or assistant_marker"),
        );
    }
    if request.platform.trim().is_empty() || request.platform.len() > 50 {
        problems.add("platform", "The platform is 1 to 50 characters (website)");
    }
    problems.into_result()?;
    let visitor_id = visitor.visitor_id().to_owned();
    let chatbot_id = visitor.claims.chatbot_id.clone();
    let now = Now::of(&state);

    // What the agent system is told, read before livechat is locked.
    let (values, conversation, conversation_id) = {
        let store = state.store();
        let record = store.visitors.get(&visitor_id).ok_or_else(deleted)?;
        if let Some(part_id) = &request.part_id {
            let found = record
                .messages
                .iter()
                .filter(|m| m.role == Role::Assistant)
                .flat_map(|m| &m.parts)
                .any(|p| matches!(p, Part::RequestHumanAgent(_)) && p.part_id() == Some(part_id));
            if !found {
                return Err(ApiError::invalid(
                    "part_id",
                    format!("No request_human_agent marker {part_id} in this conversation"),
                ));
            }
        }
        (
            record.values.values().cloned().collect::<Vec<_>>(),
            record.messages.clone(),
            record.conversation_id.clone(),
        )
    };
    let availability = settings::current(&state, &chatbot_id);
    let language = language_of(&request, visitor.chatbot.config.language.as_deref());
    let input = HandoverInput {
        visitor_id: visitor_id.clone(),
        chatbot_id,
        platform: request.platform.clone(),
        source: request.source.clone(),
        part_id: request.part_id.clone(),
        client_context: request.client_context.clone(),
        language: language.clone(),
        origin: crate::origin_of(&headers),
    };
    let outcome = state.livechat().handover(
        input,
        &availability,
        state.options().session_token_ttl,
        &now,
    )?;
    let (session, token, token_expires) = match outcome {
        Handover::Existing(session) => return Ok(Json(session)),
        Handover::Opened {
            session,
            token,
            token_expires,
        } => (session, token, token_expires),
    };
    // The marker that offered the handover has done its job (history shows it as used).
    if let Some(part_id) = &request.part_id {
        let mut store = state.store();
        if let Some(part) = store.visitors.get_mut(&visitor_id).and_then(|record| {
            record
                .messages
                .iter_mut()
                .flat_map(|m| m.parts.iter_mut())
                .find(|p| p.part_id() == Some(part_id.as_str()))
        }) {
            part.set_submitted(true);
        }
    }
    let draft = state.livechat().draft(
        &session.livechat_session_id,
        WebhookEventType::HandoverRequested,
    );
    if let Some(mut draft) = draft {
        if let Some(session) = draft.data.livechat_session.as_mut() {
            session.token = Some(token);
            session.token_expires_at = Some(crate::clock::rfc3339(token_expires));
        }
        if let Some(visitor) = draft.data.visitor.as_mut() {
            visitor.session_id = conversation_id;
            visitor.client_context = request.client_context.clone();
        }
        draft.data.language = Some(language);
        draft.data.values = values;
        draft.data.conversation = conversation;
        webhooks::emit(&state, vec![draft]);
    }
    Ok(Json(session))
}

/// The session's language: the widget's UI language, else the browser's, else the chatbot's.
fn language_of(request: &HandoverRequest, chatbot_language: Option<&str>) -> String {
    let context = request.client_context.as_ref();
    context
        .and_then(|c| c.language.as_deref())
        .or_else(|| context.and_then(|c| c.browser_language.as_deref()))
        .or(chatbot_language)
        .and_then(|tag| tag.split(['-', '_']).next())
        .map(|primary| primary.trim().to_ascii_lowercase())
        .filter(|primary| (2..=8).contains(&primary.len()))
        .unwrap_or_else(|| "en".to_owned())
}

/// `GET /api/v1/chat/livechat/state`.
pub async fn get_state(
    State(state): State<AppState>,
    visitor: VisitorAuth,
) -> Result<Json<LivechatState>, ApiError> {
    let now = Now::of(&state);
    let (current, events) = {
        let mut store = state.livechat();
        let events = store.settle_visitor(visitor.visitor_id(), &now);
        (store.state(visitor.visitor_id(), &now), events)
    };
    webhooks::emit(&state, events);
    Ok(Json(current))
}

/// Query of `GET /livechat/messages`.
#[derive(Debug, Deserialize)]
struct MessagesQuery {
    after_sequence_number: Option<String>,
    limit: Option<String>,
}

/// `GET /api/v1/chat/livechat/messages?after_sequence_number=N`: oldest first, up to 50.
pub async fn get_messages(
    State(state): State<AppState>,
    visitor: VisitorAuth,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<LivechatMessages>, ApiError> {
    let Query(query) = Query::<MessagesQuery>::try_from_uri(&uri)
        .map_err(|rejection| ApiError::invalid("query", rejection.body_text()))?;
    let mut problems = Problems::default();
    let after = number(
        query.after_sequence_number.as_deref(),
        "after_sequence_number",
        &mut problems,
    );
    let limit = match query.limit.as_deref() {
        None | Some("") => PAGE_LIMIT,
        Some(text) => match text.parse::<usize>() {
            Ok(limit) if (1..=100).contains(&limit) => limit,
            _ => {
                problems.add("limit", "limit must be a whole number from 1 to 100");
                PAGE_LIMIT
            }
        },
    };
    problems.into_result()?;
    let signer = Signer::new(&state, &crate::origin_of(&headers));
    let store = state.livechat();
    let (messages, has_more) = match store.visitors.get(visitor.visitor_id()) {
        Some(record) => {
            let (page, has_more) = record.after(after, limit);
            let page = page
                .into_iter()
                .map(|m| store.present(&m.message, &signer))
                .collect();
            (page, has_more)
        }
        None => (Vec::new(), false),
    };
    Ok(Json(LivechatMessages { messages, has_more }))
}

/// A non-negative whole number from the query (0 when absent).
fn number(text: Option<&str>, field: &str, problems: &mut Problems) -> u64 {
    match text {
        None | Some("") => 0,
        Some(text) => text.parse().unwrap_or_else(|_| {
            problems.add(field, format!("{field} must be a whole number"));
            0
        }),
    }
}

/// Checks outgoing parts against the livechat limits and decodes uploads. Visitors need
/// attachments switched on; everyone stays within the size limit.
pub(crate) fn prepare(
    parts: &[InputPart],
    settings: &LivechatSettings,
    visitor: bool,
) -> Result<Vec<Prepared>, ApiError> {
    let max = max_attachment_bytes(settings);
    let mut problems = Problems::default();
    let mut prepared = Vec::new();
    for (index, part) in parts.iter().enumerate() {
        let (data, mime, filename, image) = match part {
            InputPart::Text { text } => {
                prepared.push(Prepared::Text(text.clone()));
                continue;
            }
            InputPart::Image {
                data,
                mime,
                filename,
            } => (data, mime, filename, true),
            InputPart::File {
                data,
                mime,
                filename,
            } => (data, mime, filename, false),
        };
        if visitor && !settings.attachments_enabled {
            problems.add(
                format!("message.parts.{index}"),
                "Attachments are switched off for livechat",
            );
            continue;
        }
        let Ok(bytes) = STANDARD.decode(data) else {
            problems.add(
                format!("message.parts.{index}.data"),
                "The upload is not valid base64",
            );
            continue;
        };
        if bytes.len() as u64 > max {
            problems.add(
                format!("message.parts.{index}.data"),
                format!("The upload is larger than the livechat limit of {max} bytes"),
            );
            continue;
        }
        prepared.push(Prepared::Upload {
            image,
            bytes: Bytes::from(bytes),
            mime: mime.clone(),
            filename: filename.clone(),
        });
    }
    problems.into_result()?;
    Ok(prepared)
}

/// `POST /api/v1/chat/livechat/messages`: into the waiting or active session (409 otherwise).
pub async fn post_message(
    State(state): State<AppState>,
    visitor: VisitorAuth,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SendMessage>,
) -> Result<Json<LivechatSendResponse>, ApiError> {
    crate::messages::validate_parts(&body.message.parts)?;
    let settings = settings::settings_of(&state, &visitor.claims.chatbot_id);
    let prepared = prepare(&body.message.parts, &settings, true)?;
    let now = Now::of(&state);
    let signer = Signer::new(&state, &crate::origin_of(&headers));
    let (message, mut draft) = {
        let mut store = state.livechat();
        let (message, draft) = store.visitor_send(visitor.visitor_id(), prepared, &now)?;
        (store.present(&message, &signer), draft)
    };
    draft.data.message = Some(message.clone());
    webhooks::emit(&state, vec![draft]);
    Ok(Json(LivechatSendResponse { message }))
}

/// `POST /api/v1/chat/livechat/typing`: 204, only while active.
pub async fn post_typing(
    State(state): State<AppState>,
    visitor: VisitorAuth,
    ApiJson(body): ApiJson<TypingRequest>,
) -> Result<StatusCode, ApiError> {
    let now = Now::of(&state);
    let events = state.livechat().visitor_typing(
        visitor.visitor_id(),
        body.is_typing,
        state.options().typing_timeout,
        &now,
    )?;
    webhooks::emit(&state, events);
    Ok(StatusCode::NO_CONTENT)
}

/// Reads an optional JSON body: empty means the type's default.
pub(crate) fn optional_json<T: serde::de::DeserializeOwned + Default>(
    body: &Bytes,
) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        Ok(T::default())
    } else {
        parse_json(body)
    }
}

/// Checks a close reason's length.
pub(crate) fn check_reason(reason: Option<&String>) -> Result<(), ApiError> {
    if reason.is_some_and(|r| r.chars().count() > MAX_REASON_CHARS) {
        return Err(ApiError::invalid(
            "reason",
            format!("The reason is longer than {MAX_REASON_CHARS} characters"),
        ));
    }
    Ok(())
}

/// `POST /api/v1/chat/livechat/close` (body optional): closes the open session; repeating it
/// answers the closed session again; 409 when the visitor never had one.
pub async fn post_close(
    State(state): State<AppState>,
    visitor: VisitorAuth,
    body: Bytes,
) -> Result<Json<LivechatSession>, ApiError> {
    let request: CloseRequest = optional_json(&body)?;
    check_reason(request.reason.as_ref())?;
    let now = Now::of(&state);
    let (session, events) =
        state
            .livechat()
            .visitor_close(visitor.visitor_id(), request.reason, &now)?;
    webhooks::emit(&state, events);
    Ok(Json(session))
}

/// `POST /api/v1/chat/livechat/feedback`: once, when the state's feedback is `pending`.
pub async fn post_feedback(
    State(state): State<AppState>,
    visitor: VisitorAuth,
    ApiJson(body): ApiJson<FeedbackRequest>,
) -> Result<Json<FeedbackResponse>, ApiError> {
    crate::visitor::check_rating(body.rating, body.feedback.as_deref())?;
    let now = Now::of(&state);
    let feedback = body.feedback.filter(|text| !text.trim().is_empty());
    let (response, draft) =
        state
            .livechat()
            .feedback(visitor.visitor_id(), body.rating, feedback, &now)?;
    webhooks::emit(&state, vec![draft]);
    Ok(Json(response))
}

/// Query of `GET /livechat/sync`.
#[derive(Debug, Deserialize)]
struct SyncQuery {
    after_sequence_number: Option<String>,
    cursor: Option<String>,
    wait_ms: Option<String>,
}

/// `GET /api/v1/chat/livechat/sync?after_sequence_number=N&cursor=C&wait_ms=W`: state and new
/// messages in one answer. Without a cursor it answers at once; with one it answers as soon as
/// anything changed since the cursor (or messages after N exist), else after `wait_ms` (default
/// and cap 20 s) with the same cursor.
pub async fn get_sync(
    State(state): State<AppState>,
    visitor: VisitorAuth,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<SyncResponse>, ApiError> {
    let Query(query) = Query::<SyncQuery>::try_from_uri(&uri)
        .map_err(|rejection| ApiError::invalid("query", rejection.body_text()))?;
    let mut problems = Problems::default();
    let after = number(
        query.after_sequence_number.as_deref(),
        "after_sequence_number",
        &mut problems,
    );
    let cursor = match query.cursor.as_deref() {
        None | Some("") => None,
        Some(text) => match text.strip_prefix('r').and_then(|n| n.parse::<u64>().ok()) {
            Some(revision) => Some(revision),
            None => {
                problems.add(
                    "cursor",
                    "Unknown cursor: pass sync_cursor from the last answer",
                );
                None
            }
        },
    };
    let wait = match query.wait_ms.as_deref() {
        None | Some("") => MAX_SYNC_WAIT,
        Some(text) => match text.parse::<u64>() {
            Ok(ms) => Duration::from_millis(ms).min(MAX_SYNC_WAIT),
            Err(_) => {
                problems.add("wait_ms", "wait_ms must be a whole number of milliseconds");
                MAX_SYNC_WAIT
            }
        },
    };
    problems.into_result()?;
    let deadline = tokio::time::Instant::now() + wait;
    let signer = Signer::new(&state, &crate::origin_of(&headers));
    let visitor_id = visitor.visitor_id();
    loop {
        if state.store().deleted.contains(visitor_id) {
            return Err(deleted());
        }
        let now = Now::of(&state);
        let (response, revision, mut changes, events) = {
            let mut store = state.livechat();
            let events = store.settle_visitor(visitor_id, &now);
            let current = store.state(visitor_id, &now);
            // A record exists from here on, so there is a channel to wait on.
            store.record_mut(visitor_id);
            let record = store
                .visitors
                .get(visitor_id)
                .ok_or_else(|| ApiError::internal("The livechat record vanished"))?;
            let (page, has_more) = record.after(after, PAGE_LIMIT);
            let messages = page
                .into_iter()
                .map(|m| store.present(&m.message, &signer))
                .collect();
            let response = SyncResponse {
                state: current,
                messages,
                has_more,
                sync_cursor: Some(record.cursor()),
            };
            (response, record.revision, record.subscribe(), events)
        };
        webhooks::emit(&state, events);
        let unchanged = cursor == Some(revision) && response.messages.is_empty();
        if !unchanged || tokio::time::Instant::now() >= deadline {
            return Ok(Json(response));
        }
        tokio::select! {
            _ = changes.changed() => {}
            _ = tokio::time::sleep_until(deadline) => {}
        }
    }
}

/// `POST /messages` is for the assistant: while an agent is active the visitor writes to the
/// livechat instead (409, CONTRACT.md section 2).
pub(crate) fn ensure_assistant_turn(state: &AppState, visitor_id: &str) -> Result<(), ApiError> {
    let active = state
        .livechat()
        .current_session(visitor_id)
        .is_some_and(|s| s.status == LivechatStatus::Active);
    if active {
        Err(ApiError::conflict(
            "A livechat session is active: send to /livechat/messages instead",
        ))
    } else {
        Ok(())
    }
}

/// A message of the assistant conversation while the visitor waits for an agent: the agent
/// system hears of it (`livechat.waiting.customer/assistant.message.created`).
pub(crate) fn observe_assistant_conversation(
    state: &AppState,
    visitor_id: &str,
    message: &Message,
) {
    let event_type = match message.role {
        Role::User => WebhookEventType::WaitingCustomerMessageCreated,
        Role::Assistant => WebhookEventType::WaitingAssistantMessageCreated,
        _ => return,
    };
    let draft = {
        let store = state.livechat();
        store
            .current_session(visitor_id)
            .filter(|s| s.status == LivechatStatus::Waiting)
            .map(|s| s.id.clone())
            .and_then(|id| store.draft(&id, event_type))
    };
    if let Some(mut draft) = draft {
        draft.data.message = Some(message.clone());
        webhooks::emit(state, vec![draft]);
    }
}
