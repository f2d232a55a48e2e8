//! Routes: the agent system's side of livechat.
//!
//! - `/livechat/agent/*` (Bearer livechat session token, one session only): context, messages,
//!   typing, close. The first message or typing call assigns the agent; another agent gets 409.
//! - API-key endpoints: agent profiles, the session list with its `turn` filter, the
//!   notification count.
//! - The development helper `GET /sandbox/livechat/sessions/{id}/token` (the real token only
//!   travels in the handover webhook; the console and tests without a receiver use this).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use dialoge_api::livechat::{
    AgentCloseRequest, AgentContext, AgentMessageRequest, AgentProfile, AgentTypingRequest,
    LivechatSendResponse, LivechatSession, LivechatSessionList, LivechatSessionSummary,
    LivechatStatus, LivechatTurn, NotificationCount,
};
use dialoge_api::message::AgentInfo;
use serde::{Deserialize, Serialize};

use super::{check_reason, prepare, signer};
use crate::auth::{AgentAuth, ApiKeyAuth};
use crate::clock::Timestamp;
use crate::delivery::emit;
use crate::error::{ApiError, ApiJson, Problems};
use crate::state::AppState;

/// The agent API and the API-key session endpoints, relative to the API base.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/livechat/agent/context", get(get_context))
        .route("/livechat/agent/messages", post(post_message))
        .route("/livechat/agent/typing", post(post_typing))
        .route("/livechat/agent/close", post(post_close))
        .route("/livechat/agents/{agent_id}", put(put_agent))
        .route("/livechat/sessions", get(get_sessions))
        .route("/livechat/notifications/count", get(get_notification_count))
}

/// The development helper, relative to `/sandbox` (development mode only).
pub fn dev_router() -> Router<AppState> {
    Router::new().route(
        "/livechat/sessions/{session_id}/token",
        get(dev_session_token),
    )
}

/// What the agent is told about the visitor (the contract leaves its shape open).
#[derive(Debug, Serialize)]
struct VisitorFacts {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    session_id: Option<String>,
    first_seen_at: String,
    language: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_context: Option<dialoge_api::livechat::ClientContext>,
}

/// `GET /api/v1/chat/livechat/agent/context`: the session, the visitor, their session values,
/// and the conversation (the assistant conversation, then this session's livechat messages).
async fn get_context(
    State(state): State<AppState>,
    agent: AgentAuth,
    headers: HeaderMap,
) -> Result<Json<AgentContext>, ApiError> {
    let now = state.now();
    let signer = signer(&state, &headers);
    let (session, is_customer_typing, language, client_context, livechat, events) = {
        let mut store = state.livechat();
        let events = store.settle(&agent.session_id, now);
        let session = store
            .sessions
            .get(&agent.session_id)
            .ok_or_else(|| ApiError::not_found("This livechat session no longer exists"))?;
        let livechat: Vec<_> = store
            .visitors
            .get(&agent.visitor_id)
            .map(|record| {
                record
                    .messages
                    .iter()
                    .filter(|m| m.session_id == agent.session_id)
                    .map(|m| store.present(&m.message, &signer))
                    .collect()
            })
            .unwrap_or_default();
        (
            session.wire(),
            session.is_customer_typing(now),
            session.language.clone(),
            session.client_context.clone(),
            livechat,
            events,
        )
    };
    emit(&state, events);
    let (values, mut messages, conversation_id, first_seen_at) = {
        let store = state.store();
        let record = store
            .visitors
            .get(&agent.visitor_id)
            .ok_or_else(|| ApiError::not_found("This visitor's data was deleted"))?;
        (
            record.values.values().cloned().collect(),
            record.messages.clone(),
            record.conversation_id.clone(),
            record.created_at.rfc3339(),
        )
    };
    messages.extend(livechat);
    let facts = VisitorFacts {
        id: agent.visitor_id.clone(),
        session_id: conversation_id,
        first_seen_at,
        language,
        client_context,
    };
    let visitor = match serde_json::to_value(facts) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    Ok(Json(AgentContext {
        session,
        visitor: visitor.into(),
        values,
        messages,
        is_customer_typing,
    }))
}

fn check_agent_id(agent_id: &str, field: &str) -> Result<(), ApiError> {
    let valid = !agent_id.is_empty()
        && agent_id.len() <= 128
        && agent_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '@'));
    if valid {
        Ok(())
    } else {
        Err(ApiError::invalid(
            field,
            "An agent id is 1 to 128 characters of letters, digits, '_', '-', '.', ':' or '@'",
        ))
    }
}

/// `POST /api/v1/chat/livechat/agent/messages`.
async fn post_message(
    State(state): State<AppState>,
    agent: AgentAuth,
    headers: HeaderMap,
    ApiJson(body): ApiJson<AgentMessageRequest>,
) -> Result<Json<LivechatSendResponse>, ApiError> {
    check_agent_id(&body.agent_id, "agent_id")?;
    let settings = state.livechat_settings(&agent.chatbot_id);
    let prepared = prepare(&body.message.parts, &settings, false)?;
    let now = state.now();
    let signer = signer(&state, &headers);
    let message = {
        let mut store = state.livechat();
        let message = store.agent_send(&agent.session_id, &body.agent_id, prepared, now)?;
        store.present(&message, &signer)
    };
    Ok(Json(LivechatSendResponse { message }))
}

/// `POST /api/v1/chat/livechat/agent/typing`: 204.
async fn post_typing(
    State(state): State<AppState>,
    agent: AgentAuth,
    ApiJson(body): ApiJson<AgentTypingRequest>,
) -> Result<StatusCode, ApiError> {
    check_agent_id(&body.agent_id, "agent_id")?;
    let now = state.now();
    state.livechat().agent_typing(
        &agent.session_id,
        &body.agent_id,
        body.is_typing,
        state.options().typing_timeout,
        now,
    )?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/chat/livechat/agent/close`: idempotent.
async fn post_close(
    State(state): State<AppState>,
    agent: AgentAuth,
    ApiJson(body): ApiJson<AgentCloseRequest>,
) -> Result<Json<LivechatSession>, ApiError> {
    check_agent_id(&body.agent_id, "agent_id")?;
    check_reason(body.reason.as_ref())?;
    let now = state.now();
    let (session, events) =
        state
            .livechat()
            .agent_close(&agent.session_id, &body.agent_id, body.reason, now)?;
    emit(&state, events);
    Ok(Json(session))
}

/// `PUT /api/v1/chat/livechat/agents/{agent_id}` (API key): the name and avatar visitors see.
async fn put_agent(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    Path(agent_id): Path<String>,
    ApiJson(profile): ApiJson<AgentProfile>,
) -> Result<Json<AgentInfo>, ApiError> {
    check_agent_id(&agent_id, "agent_id")?;
    let mut problems = Problems::default();
    let name_length = profile.display_name.trim().chars().count();
    if name_length == 0 || name_length > 80 {
        problems.add("display_name", "A display name is 1 to 80 characters");
    }
    if let Some(url) = &profile.avatar_url {
        let ok = url.starts_with("https://") || url.starts_with("http://") || url.starts_with('/');
        if !ok || url.len() > 2_000 {
            problems.add(
                "avatar_url",
                "The avatar is an http(s) URL or a path on this host",
            );
        }
    }
    problems.into_result()?;
    let profile = AgentProfile {
        display_name: profile.display_name.trim().to_owned(),
        avatar_url: profile.avatar_url,
    };
    let mut store = state.livechat();
    store
        .agents
        .insert((auth.chatbot_id.clone(), agent_id.clone()), profile);
    Ok(Json(store.agent_info(&auth.chatbot_id, &agent_id)))
}

/// Query of `GET /livechat/sessions`.
#[derive(Debug, Deserialize)]
struct SessionsQuery {
    status: Option<String>,
    turn: Option<String>,
}

/// `GET /api/v1/chat/livechat/sessions?status=waiting,active&turn=agent` (API key): the
/// chatbot's sessions, newest request first. `status` takes one status or a comma-separated
/// list; `turn` keeps open sessions where it is the agent's (or the visitor's) turn.
async fn get_sessions(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    uri: Uri,
) -> Result<Json<LivechatSessionList>, ApiError> {
    let Query(query) = Query::<SessionsQuery>::try_from_uri(&uri)
        .map_err(|rejection| ApiError::invalid("query", rejection.body_text()))?;
    let mut problems = Problems::default();
    let statuses: Vec<LivechatStatus> = query
        .status
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(LivechatStatus::from_wire)
        .collect();
    for status in &statuses {
        if matches!(status, LivechatStatus::Other(_) | LivechatStatus::Inactive) {
            problems.add(
                "status",
                "status is waiting, active or closed (or a comma-separated list)",
            );
        }
    }
    let turn = match query.turn.as_deref() {
        None | Some("") => None,
        Some(text) => match LivechatTurn::from_wire(text) {
            LivechatTurn::Other(_) => {
                problems.add("turn", "turn is agent or visitor");
                None
            }
            turn => Some(turn),
        },
    };
    problems.into_result()?;
    let now = state.now();
    let events = state.livechat().settle_all(now);
    emit(&state, events);
    let store = state.livechat();
    let mut sessions: Vec<_> = store
        .sessions
        .values()
        .filter(|s| s.chatbot_id == auth.chatbot_id)
        .filter(|s| statuses.is_empty() || statuses.contains(&s.status()))
        .filter(|s| turn.is_none() || s.turn() == turn)
        .collect();
    sessions.sort_by_key(|s| std::cmp::Reverse((s.requested, s.ordinal)));
    let sessions = sessions
        .into_iter()
        .map(|s| LivechatSessionSummary {
            session: s.wire(),
            visitor_id: s.visitor_id.clone(),
            active_agent: s.agent().cloned(),
            turn: s.turn(),
            message_count: s.message_count,
            last_message_at: s.last_message_at.map(Timestamp::rfc3339),
        })
        .collect();
    Ok(Json(LivechatSessionList { sessions }))
}

/// `GET /api/v1/chat/livechat/notifications/count` (API key): sessions that need an agent.
async fn get_notification_count(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
) -> Json<NotificationCount> {
    let store = state.livechat();
    let mine = || {
        store
            .sessions
            .values()
            .filter(|s| s.chatbot_id == auth.chatbot_id)
    };
    let waiting = mine()
        .filter(|s| s.status() == LivechatStatus::Waiting)
        .count() as u64;
    let awaiting_reply = mine()
        .filter(|s| s.status() == LivechatStatus::Active && s.turn() == Some(LivechatTurn::Agent))
        .count() as u64;
    Json(NotificationCount {
        count: waiting + awaiting_reply,
        waiting,
        awaiting_reply,
    })
}

/// The development helper's answer: a fresh session token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionTokenResponse {
    /// The session.
    pub livechat_session_id: String,
    /// A livechat session token for `/livechat/agent/*`.
    pub token: String,
    /// When it stops working.
    pub expires_at: String,
}

/// `GET /sandbox/livechat/sessions/{id}/token` (development mode only): what the handover
/// webhook would carry, for the console and for tests that run no webhook receiver.
async fn dev_session_token(
    State(state): State<AppState>,
    Path(session_id): Path<String>,
) -> Result<Json<SessionTokenResponse>, ApiError> {
    let now = state.now();
    let mut store = state.livechat();
    if !store.sessions.contains_key(&session_id) {
        return Err(ApiError::not_found(format!(
            "No livechat session {session_id}"
        )));
    }
    let (token, expires) = store.issue_token(&session_id, state.options().session_token_ttl, now);
    Ok(Json(SessionTokenResponse {
        livechat_session_id: session_id,
        token,
        expires_at: expires.rfc3339(),
    }))
}
