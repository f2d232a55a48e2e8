//! Routes: OpenDialog's Chat API v3 (OPENDIALOG.md section 2) under `/chat-api` — `POST
//! message`, `GET configuration`, `GET history`, `GET transcript` and `POST feedback` — played
//! by the scripted bot of `chatbots/opendialog.json`, next to the Dialoge API on the same
//! server. Every request first passes [`guard`] (headers, appKey, CSRF, anonymous cookie) behind
//! [`cors`] and the fault switches; every failure is a Laravel body
//! ([`crate::opendialog::laravel`]). [`dev_router`] adds the development switches under
//! `/sandbox/opendialog`, among them answers and a configuration scripted verbatim, which the
//! handlers here send instead of the script's.
//!
//! Handlers read the request, check its shape, call one store transition under one short lock,
//! and answer with a wire type. This area never imports another route module.

mod cors;
pub mod dev;
mod guard;

use std::collections::HashMap;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{OriginalUri, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Map, Value};

pub use cors::cors;
pub use dev::dev_router;
use guard::Caller;

use super::origin_of;
use crate::clock::Timestamp;
use crate::opendialog::definition::{unescape_html, Plan};
use crate::opendialog::laravel::{LaravelError, Validation};
use crate::opendialog::wire::{
    BotEntry, ContentKind, FeedbackRequest, HistoryRow, IncomingMessage, MessageAnswer, BOT_AUTHOR,
};
use crate::state::AppState;
use crate::stores::opendialog::{BotRecord, Row, VisitorMessage};
use crate::tz::{self, Zone};

/// `/chat-api/*`, relative to `/chat-api`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/message", post(post_message))
        .route("/configuration", get(get_configuration))
        .route("/history", get(get_history))
        .route("/transcript", get(get_transcript))
        .route("/feedback", post(post_feedback))
        .fallback(route_not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

async fn route_not_found(OriginalUri(uri): OriginalUri) -> LaravelError {
    LaravelError::route_not_found(uri.path())
}

async fn method_not_allowed(method: Method, OriginalUri(uri): OriginalUri) -> LaravelError {
    LaravelError::method_not_allowed(method.as_str(), uri.path())
}

/// `POST /chat-api/message`: the bot's answer — an array, a single object when there is exactly
/// one message, or an empty body for a `url_click`.
async fn post_message(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    match guard::admit(&state, &Method::POST, &headers) {
        Ok(caller) => {
            let result = message(&state, &caller, &headers, body);
            caller.respond(result)
        }
        Err(response) => *response,
    }
}

fn message(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, LaravelError> {
    let value = json_input(state, body)?;
    let incoming = validate_message(&value, caller)?;
    let now = state.now();
    let visitor = |incoming: &IncomingMessage| VisitorMessage {
        kind: incoming.content.kind.clone(),
        data: Value::Object(incoming.content.data.clone()),
        message_id: incoming
            .message_id
            .clone()
            .or_else(|| incoming.content.id.clone())
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        timezone: incoming
            .content
            .user
            .as_ref()
            .and_then(|user| user.timezone.clone()),
    };
    // A test's scripted answer (development mode), exactly as it was given.
    if !matches!(incoming.content.content_kind(), ContentKind::UrlClick) {
        let mut store = state.opendialog();
        if let Some(answer) = store.take_scripted_answer(&caller.scenario_id) {
            let records = BotRecord::from_answer(&answer);
            store.converse(
                &caller.scenario_id,
                &caller.user_id,
                visitor(&incoming),
                &records,
                now,
            )?;
            return Ok(Json(answer).into_response());
        }
    }
    let plan = state
        .opendialog_definition()
        .plan(&incoming.content, &origin_of(headers));
    let mut entries = match plan {
        Plan::EmptyBody => Vec::new(),
        Plan::Entries(entries) => entries,
    };
    let utc = Zone::Fixed(0);
    let (date, time) = (utc.format(now, "%Y-%m-%d"), utc.format(now, "%H:%M"));
    for entry in &mut entries {
        if let BotEntry::Message(message) = entry {
            message.stamp(&date, &time);
        }
    }
    let sent: Vec<BotRecord> = entries
        .iter()
        .filter_map(|entry| match entry {
            BotEntry::Message(message) => Some(BotRecord::from(&**message)),
            BotEntry::Skip => None,
        })
        .collect();
    state.opendialog().converse(
        &caller.scenario_id,
        &caller.user_id,
        visitor(&incoming),
        &sent,
        now,
    )?;
    if matches!(incoming.content.content_kind(), ContentKind::UrlClick) {
        return Ok(StatusCode::OK.into_response());
    }
    Ok(Json(MessageAnswer::from_entries(entries)).into_response())
}

/// The body as JSON. Like Laravel, a body that is empty or not JSON counts as no input (every
/// required field is then reported), not as a 400.
fn json_input(
    state: &AppState,
    body: Result<Bytes, BytesRejection>,
) -> Result<Value, LaravelError> {
    let bytes = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            LaravelError::too_large(state.options().body_limit_bytes)
        } else {
            LaravelError::plain(
                StatusCode::BAD_REQUEST,
                "The request body could not be read.",
            )
        }
    })?;
    Ok(serde_json::from_slice::<Value>(&bytes)
        .ok()
        .filter(Value::is_object)
        .unwrap_or_else(|| Value::Object(Map::new())))
}

/// Laravel-style validation of a message: every missing field at once, then the type-specific
/// fields, then that the body names the same user and scenario as the headers (ours).
fn validate_message(value: &Value, caller: &Caller) -> Result<IncomingMessage, LaravelError> {
    let mut validation = Validation::default();
    for field in ["notification", "user_id", "author"] {
        require_string(&mut validation, value, field);
    }
    match lookup(value, "content") {
        None | Some(Value::Null) => validation.required("content"),
        Some(Value::Object(_)) => {
            require_string(&mut validation, value, "content.type");
            require_string(
                &mut validation,
                value,
                "content.user.custom.selected_scenario",
            );
            let extra: &[&str] = match lookup(value, "content.type").and_then(Value::as_str) {
                Some("text") => &["content.data.text"],
                Some("url_click") => &["content.data.url"],
                Some("longtext_response") => &["content.callback_id", "content.data.text"],
                Some("trigger" | "button_response" | "form_response") => &["content.callback_id"],
                _ => &[],
            };
            for field in extra {
                require_string(&mut validation, value, field);
            }
            if lookup(value, "content.data").is_some_and(|data| !data.is_object()) {
                validation.add("content.data", "The content.data must be an array.");
            }
        }
        Some(_) => validation.add("content", "The content must be an array."),
    }
    if !validation.has("user_id")
        && lookup(value, "user_id").and_then(Value::as_str) != Some(caller.user_id.as_str())
    {
        validation.add(
            "user_id",
            "The user id must match the OPENDIALOG-USER-ID header.",
        );
    }
    let scenario_field = "content.user.custom.selected_scenario";
    if !validation.has(scenario_field)
        && !validation.has("content")
        && lookup(value, scenario_field).and_then(Value::as_str)
            != Some(caller.scenario_id.as_str())
    {
        validation.add(
            scenario_field,
            "The selected scenario must match the OPENDIALOG-SCENARIO-ID header.",
        );
    }
    validation.into_result()?;
    serde_path_to_error::deserialize::<_, IncomingMessage>(value.clone()).map_err(|error| {
        let field = error.path().to_string();
        LaravelError::invalid(
            field.clone(),
            format!(
                "The {} is invalid.",
                crate::opendialog::laravel::attribute(&field)
            ),
        )
    })
}

/// `a.b.c` in a JSON value.
fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |value, key| value.get(key))
}

/// Laravel's `required|string`.
fn require_string(validation: &mut Validation, value: &Value, field: &str) {
    match lookup(value, field) {
        None | Some(Value::Null) => validation.required(field),
        Some(Value::String(text)) if text.trim().is_empty() => validation.required(field),
        Some(Value::String(_)) => {}
        Some(_) => validation.not_string(field),
    }
}

/// `GET /chat-api/configuration`: the scenario's settings and this user's `userType`.
async fn get_configuration(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match guard::admit(&state, &Method::GET, &headers) {
        Ok(caller) => {
            let result = configuration(&state, &caller, &headers);
            caller.respond(result)
        }
        Err(response) => *response,
    }
}

fn configuration(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
) -> Result<Response, LaravelError> {
    // A test's scripted configuration (development mode), exactly as it was given.
    if let Some(scripted) = state
        .opendialog()
        .scripted_configuration(&caller.scenario_id)
        .cloned()
    {
        return Ok(Json(scripted).into_response());
    }
    let definition = state.opendialog_definition();
    let mut configuration = definition.configuration_for(&origin_of(headers));
    let window = Duration::from_secs(definition.ongoing_minutes.saturating_mul(60));
    configuration.user_type =
        state
            .opendialog()
            .user_type(&caller.scenario_id, &caller.user_id, state.now(), window)?;
    Ok(Json(configuration).into_response())
}

/// `GET /chat-api/history?limit=N&ignore=a,b`: newest first.
async fn get_history(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    match guard::admit(&state, &Method::GET, &headers) {
        Ok(caller) => {
            let result = history(&state, &caller, &query);
            caller.respond(result)
        }
        Err(response) => *response,
    }
}

fn history(
    state: &AppState,
    caller: &Caller,
    query: &HashMap<String, String>,
) -> Result<Response, LaravelError> {
    let limit = match query.get("limit").map(|text| text.trim()) {
        None | Some("") => None,
        Some(text) => match text.parse::<usize>() {
            Ok(0) => {
                return Err(LaravelError::invalid(
                    "limit",
                    "The limit must be at least 1.",
                ))
            }
            Ok(limit) => Some(limit),
            Err(_) => {
                return Err(LaravelError::invalid(
                    "limit",
                    "The limit must be an integer.",
                ))
            }
        },
    };
    let ignore: Vec<String> = query
        .get("ignore")
        .map(|text| {
            text.split(',')
                .map(str::trim)
                .filter(|kind| !kind.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let rows = state
        .opendialog()
        .history(&caller.scenario_id, &caller.user_id, limit, &ignore)?;
    let rows: Vec<HistoryRow> = rows
        .into_iter()
        .map(|row| history_row(row, &caller.user_id))
        .collect();
    Ok(Json(rows).into_response())
}

fn history_row(row: Row, user_id: &str) -> HistoryRow {
    HistoryRow {
        id: row.id,
        created_at: laravel_time(row.at),
        user_id: user_id.to_owned(),
        author: if row.from_bot {
            BOT_AUTHOR.to_owned()
        } else {
            user_id.to_owned()
        },
        kind: row.kind,
        data: row.data,
        message_id: row.message_id,
        intent: row.intent,
        message_template_id: row.message_template_id,
    }
}

/// Laravel's JSON timestamp: microseconds and `Z` (`2025-06-15T14:30:10.123000Z`).
fn laravel_time(at: Timestamp) -> String {
    let text = at.rfc3339();
    match text.strip_suffix('Z') {
        Some(head) => format!("{head}000Z"),
        None => text,
    }
}

/// `GET /chat-api/transcript`: the conversation as a plain-text download.
async fn get_transcript(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match guard::admit(&state, &Method::GET, &headers) {
        Ok(caller) => {
            let result = transcript(&state, &caller);
            caller.respond(result)
        }
        Err(response) => *response,
    }
}

/// One `Y-m-d H:i - Bot|You: <text>` line per message with a text, oldest first, in the
/// timezone the visitor's browser reported (UTC if none); entities are decoded, since this is
/// plain text.
fn transcript(state: &AppState, caller: &Caller) -> Result<Response, LaravelError> {
    let (text, zone) = {
        let store = state.opendialog();
        let zone = store
            .timezone(&caller.scenario_id, &caller.user_id)
            .and_then(|name| tz::parse(&name))
            .unwrap_or(Zone::Fixed(0));
        let rows = store.rows(&caller.scenario_id, &caller.user_id)?;
        let mut text = String::new();
        for row in rows {
            let Some(line) = row.data.get("text").and_then(Value::as_str) else {
                continue;
            };
            if line.trim().is_empty() {
                continue;
            }
            let who = if row.from_bot { "Bot" } else { "You" };
            text.push_str(&format!(
                "{} - {who}: {}\n",
                zone.format(row.at, "%Y-%m-%d %H:%M"),
                unescape_html(line)
            ));
        }
        (text, zone)
    };
    let filename = format!(
        "attachment; filename=\"Chat Transcript {}.txt\"",
        zone.format(state.now(), "%Y-%m-%d")
    );
    let mut response = text.into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&filename) {
        headers.insert(CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// `POST /chat-api/feedback`: 204 once recorded.
async fn post_feedback(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    match guard::admit(&state, &Method::POST, &headers) {
        Ok(caller) => {
            let result = feedback(&state, &caller, body);
            caller.respond(result)
        }
        Err(response) => *response,
    }
}

fn feedback(
    state: &AppState,
    caller: &Caller,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, LaravelError> {
    let value = json_input(state, body)?;
    let mut validation = Validation::default();
    require_string(&mut validation, &value, "message_template_id");
    match value.get("feedback") {
        None | Some(Value::Null) => validation.required("feedback"),
        Some(Value::String(text)) if matches!(text.as_str(), "positive" | "negative") => {}
        Some(_) => validation.not_in("feedback"),
    }
    match value.get("request_id") {
        None | Some(Value::Null | Value::String(_)) => {}
        Some(_) => validation.not_string("request_id"),
    }
    validation.into_result()?;
    let request: FeedbackRequest = serde_json::from_value(value)
        .map_err(|_| LaravelError::invalid("feedback", "The feedback is invalid."))?;
    state
        .opendialog()
        .give_feedback(&caller.scenario_id, &caller.user_id, request, state.now())?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
