//! Routes: the visitor's livechat endpoints (Bearer visitor token) — handover, state,
//! messages, typing, close, feedback and the held `/livechat/sync`. The state machine itself is
//! the livechat store's; these handlers check the request, call one transition, and send the
//! webhooks it drafted.

use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use bytes::Bytes;
use dialoge_api::livechat::{
    CloseRequest, FeedbackRequest, FeedbackResponse, HandoverRequest, HandoverSource,
    LivechatMessages, LivechatSendResponse, LivechatSession, LivechatState, SyncResponse,
    TypingRequest,
};
use dialoge_api::message::{Part, Role};
use dialoge_api::rules;
use dialoge_api::send::SendMessage;
use dialoge_api::webhook::WebhookEventType;
use serde::Deserialize;

use super::{check_reason, optional_json, origin_of, prepare, signer};
use crate::auth::VisitorAuth;
use crate::delivery::emit;
use crate::error::{ApiError, ApiJson, Problems};
use crate::state::AppState;
use crate::stores::livechat::{Handover, HandoverInput, PAGE_LIMIT};
use crate::stores::DomainError;
use crate::wording::{check, Context};

/// The visitor's livechat endpoints, relative to the API base.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/livechat/handover", post(post_handover))
        .route("/livechat/state", get(get_state))
        .route("/livechat/messages", get(get_messages).post(post_message))
        .route("/livechat/typing", post(post_typing))
        .route("/livechat/close", post(post_close))
        .route("/livechat/feedback", post(post_feedback))
        .route("/livechat/sync", get(get_sync))
}

/// Longest `wait_ms` of `/livechat/sync` (CONTRACT.md section 8); longer asks are capped.
const MAX_SYNC_WAIT: Duration = Duration::from_secs(20);

/// `POST /api/v1/chat/livechat/handover`: a new waiting session (and the
/// `livechat.handover.requested` webhook with its session token), or the open one as it is.
async fn post_handover(
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
    let now = state.now();

    // What the agent system is told, read before livechat is locked.
    let (values, conversation, conversation_id) = {
        let store = state.store();
        let record = store.visitor(&visitor_id)?;
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
    let availability = state.livechat_availability(&chatbot_id);
    let language = language_of(&request, visitor.chatbot.config.language.as_deref());
    let input = HandoverInput {
        visitor_id: visitor_id.clone(),
        chatbot_id,
        platform: request.platform.clone(),
        source: request.source.clone(),
        part_id: request.part_id.clone(),
        client_context: request.client_context.clone(),
        language: language.clone(),
        origin: origin_of(&headers),
    };
    let outcome =
        state
            .livechat()
            .handover(input, &availability, state.options().session_token_ttl, now)?;
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
            session.token_expires_at = Some(token_expires.rfc3339());
        }
        if let Some(visitor) = draft.data.visitor.as_mut() {
            visitor.session_id = conversation_id;
            visitor.client_context = request.client_context.clone();
        }
        draft.data.language = Some(language);
        draft.data.values = values;
        draft.data.conversation = conversation;
        emit(&state, vec![draft]);
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
async fn get_state(
    State(state): State<AppState>,
    visitor: VisitorAuth,
) -> Result<Json<LivechatState>, ApiError> {
    let now = state.now();
    let (current, events) = {
        let mut store = state.livechat();
        let events = store.settle_visitor(visitor.visitor_id(), now);
        (store.state(visitor.visitor_id(), now), events)
    };
    emit(&state, events);
    Ok(Json(current))
}

/// Query of `GET /livechat/messages`.
#[derive(Debug, Deserialize)]
struct MessagesQuery {
    after_sequence_number: Option<String>,
    limit: Option<String>,
}

/// `GET /api/v1/chat/livechat/messages?after_sequence_number=N`: oldest first, up to 50.
async fn get_messages(
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
    let signer = signer(&state, &headers);
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

/// `POST /api/v1/chat/livechat/messages`: into the waiting or active session (409 otherwise).
async fn post_message(
    State(state): State<AppState>,
    visitor: VisitorAuth,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SendMessage>,
) -> Result<Json<LivechatSendResponse>, ApiError> {
    // (ours) As on `POST /messages`: a repeated key is the message already sent, answered
    // before the parts are checked again (a setting changed since must not refuse it).
    let key = super::messages::idempotency_key(&headers)?;
    let now = state.now();
    let signer = signer(&state, &headers);
    {
        let store = state.livechat();
        if let Some(again) = store.sent_before(visitor.visitor_id(), key.as_deref(), now) {
            return Ok(Json(LivechatSendResponse {
                message: store.present(&again, &signer),
            }));
        }
    }
    let settings = state.livechat_settings(&visitor.claims.chatbot_id);
    let prepared = prepare(&body.message.parts, &settings, true)?;
    let (message, draft) = {
        let mut store = state.livechat();
        let (message, draft) =
            store.visitor_send(visitor.visitor_id(), key.as_deref(), prepared, now)?;
        (store.present(&message, &signer), draft)
    };
    if let Some(mut draft) = draft {
        draft.data.message = Some(message.clone());
        emit(&state, vec![draft]);
    }
    Ok(Json(LivechatSendResponse { message }))
}

/// `POST /api/v1/chat/livechat/typing`: 204, only while active.
async fn post_typing(
    State(state): State<AppState>,
    visitor: VisitorAuth,
    ApiJson(body): ApiJson<TypingRequest>,
) -> Result<StatusCode, ApiError> {
    let now = state.now();
    let events = state.livechat().visitor_typing(
        visitor.visitor_id(),
        body.is_typing,
        state.options().typing_timeout,
        now,
    )?;
    emit(&state, events);
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/chat/livechat/close` (body optional): closes the open session; repeating it
/// answers the closed session again; 409 when the visitor never had one.
async fn post_close(
    State(state): State<AppState>,
    visitor: VisitorAuth,
    body: Bytes,
) -> Result<Json<LivechatSession>, ApiError> {
    let request: CloseRequest = optional_json(&body)?;
    check_reason(request.reason.as_ref())?;
    let now = state.now();
    let (session, events) =
        state
            .livechat()
            .visitor_close(visitor.visitor_id(), request.reason, now)?;
    emit(&state, events);
    Ok(Json(session))
}

/// `POST /api/v1/chat/livechat/feedback`: once, when the state's feedback is `pending`.
async fn post_feedback(
    State(state): State<AppState>,
    visitor: VisitorAuth,
    ApiJson(body): ApiJson<FeedbackRequest>,
) -> Result<Json<FeedbackResponse>, ApiError> {
    check(
        rules::check_rating(body.rating, body.feedback.as_deref()),
        &Context::default(),
    )?;
    let now = state.now();
    let feedback = body.feedback.filter(|text| !text.trim().is_empty());
    let (response, draft) =
        state
            .livechat()
            .feedback(visitor.visitor_id(), body.rating, feedback, now)?;
    emit(&state, vec![draft]);
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
async fn get_sync(
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
    let signer = signer(&state, &headers);
    let visitor_id = visitor.visitor_id();
    loop {
        if state.store().deleted.contains(visitor_id) {
            return Err(DomainError::VisitorDeleted.into());
        }
        let now = state.now();
        let (response, revision, mut changes, events) = {
            let mut store = state.livechat();
            let events = store.settle_visitor(visitor_id, now);
            let current = store.state(visitor_id, now);
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
        emit(&state, events);
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
