//! Routes: webhooks (CONTRACT.md section 9) — the subscription (`PUT /webhooks`), the event log
//! (`GET /events`, `GET /events/{id}`, `POST /events/{id}/replay`) and the development receiver
//! (`/sandbox/webhook-inbox`) that records what it is sent. Storing events is the webhook
//! store's business and sending them [`crate::delivery`]'s.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use bytes::Bytes;
use dialoge_api::livechat::{WebhookConfig, WebhookSubscription};
use dialoge_api::webhook::{
    WebhookEventList, WebhookEventRecord, WebhookEventStatus, WebhookEventType, HEADER_ATTEMPT,
    HEADER_DELIVERY_ID, HEADER_ENVIRONMENT, HEADER_EVENT, HEADER_SIGNATURE, HEADER_TIMESTAMP,
};
use serde::Deserialize;

use crate::auth::ApiKeyAuth;
use crate::delivery::{expire, spawn_delivery};
use crate::error::{ApiError, ApiJson, Problems};
use crate::signing::webhook_signature;
use crate::state::AppState;
use crate::stores::webhooks::{InboxDelivery, InboxList, ENVIRONMENT};

/// The subscription and the event log, relative to the API base.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/webhooks",
            put(put_webhooks).get(get_webhooks).delete(delete_webhooks),
        )
        .route("/events", get(list_events))
        .route("/events/{event_id}", get(get_event))
        .route("/events/{event_id}/replay", post(replay_event))
}

/// The development receiver, relative to `/sandbox` (development mode only; the app puts the
/// fault middleware in front of it so a test can make it fail).
pub fn inbox_router() -> Router<AppState> {
    Router::new().route(
        "/webhook-inbox",
        post(inbox_post).get(inbox_get).delete(inbox_delete),
    )
}

/// `PUT /api/v1/chat/webhooks` (API key): where events go, the signing secret, and which event
/// types (none listed = all).
async fn put_webhooks(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    ApiJson(config): ApiJson<WebhookConfig>,
) -> Result<Json<WebhookSubscription>, ApiError> {
    let mut problems = Problems::default();
    match reqwest::Url::parse(&config.url) {
        Ok(url) if url.scheme() == "http" && url.host().is_some() => {}
        Ok(url) if url.scheme() == "https" => problems.add(
            "url",
            "The sandbox delivers over plain HTTP only (it has no TLS): use an http:// URL",
        ),
        _ => problems.add("url", "An absolute http:// URL is required"),
    }
    let secret_length = config.signing_secret.len();
    if secret_length == 0 || secret_length > 256 {
        problems.add("signing_secret", "The signing secret is 1 to 256 bytes");
    }
    for (index, event) in config.events.iter().enumerate() {
        if let WebhookEventType::Other(name) = event {
            problems.add(
                format!("events.{index}"),
                format!("Unknown event type {name:?}"),
            );
        }
    }
    problems.into_result()?;
    let subscription = subscription(&config);
    state.webhooks().subscribe(auth.chatbot_id, config);
    Ok(Json(subscription))
}

fn subscription(config: &WebhookConfig) -> WebhookSubscription {
    WebhookSubscription {
        url: config.url.clone(),
        events: config.events.clone(),
        environment: ENVIRONMENT,
    }
}

/// `GET /api/v1/chat/webhooks` (API key).
async fn get_webhooks(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
) -> Result<Json<WebhookSubscription>, ApiError> {
    state
        .webhooks()
        .config(&auth.chatbot_id)
        .map(|config| Json(subscription(config)))
        .ok_or_else(|| ApiError::not_found("No webhook is configured"))
}

/// `DELETE /api/v1/chat/webhooks` (API key): stops deliveries; events are still logged.
async fn delete_webhooks(State(state): State<AppState>, auth: ApiKeyAuth) -> StatusCode {
    state.webhooks().unsubscribe(&auth.chatbot_id);
    StatusCode::NO_CONTENT
}

/// Query of `GET /events`.
#[derive(Debug, Deserialize)]
struct EventsQuery {
    status: Option<String>,
    #[serde(rename = "type")]
    event_type: Option<String>,
}

/// `GET /api/v1/chat/events?status=&type=` (API key): the chatbot's events, newest first.
async fn list_events(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    uri: Uri,
) -> Result<Json<WebhookEventList>, ApiError> {
    let Query(query) = Query::<EventsQuery>::try_from_uri(&uri)
        .map_err(|rejection| ApiError::invalid("query", rejection.body_text()))?;
    let mut problems = Problems::default();
    let status = query
        .status
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(WebhookEventStatus::from_wire);
    if let Some(WebhookEventStatus::Other(_)) = status {
        problems.add(
            "status",
            "status is pending, failed, delivered, dead or skipped",
        );
    }
    let event_type = query
        .event_type
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(WebhookEventType::from_wire);
    if let Some(WebhookEventType::Other(_)) = event_type {
        problems.add("type", "Unknown event type");
    }
    problems.into_result()?;
    expire(&state);
    let ttl = state.options().webhook_event_ttl;
    let events = state
        .webhooks()
        .list(&auth.chatbot_id, status.as_ref(), event_type.as_ref(), ttl);
    Ok(Json(WebhookEventList { events }))
}

/// `GET /api/v1/chat/events/{event_id}` (API key).
async fn get_event(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    Path(event_id): Path<String>,
) -> Result<Json<WebhookEventRecord>, ApiError> {
    expire(&state);
    let ttl = state.options().webhook_event_ttl;
    let record = state.webhooks().get(&auth.chatbot_id, &event_id, ttl)?;
    Ok(Json(record))
}

/// `POST /api/v1/chat/events/{event_id}/replay` (API key): delivers the stored event again, same
/// `event_id`, to the current subscription; 202 with the event. 409 while a run is under way or
/// when no webhook is configured.
async fn replay_event(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    Path(event_id): Path<String>,
) -> Result<(StatusCode, Json<WebhookEventRecord>), ApiError> {
    expire(&state);
    let ttl = state.options().webhook_event_ttl;
    let (record, run) = state.webhooks().replay(&auth.chatbot_id, &event_id, ttl)?;
    spawn_delivery(&state, event_id, run);
    Ok((StatusCode::ACCEPTED, Json(record)))
}

fn header(headers: &HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// `POST /sandbox/webhook-inbox`: records a delivery and answers 204 (arm a fault on this path to
/// make it fail and watch the retries).
async fn inbox_post(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let timestamp = header(&headers, HEADER_TIMESTAMP);
    let signature_header = header(&headers, HEADER_SIGNATURE);
    let signature_valid = timestamp.parse::<u64>().is_ok_and(|ts| {
        state.webhooks().configs().any(|config| {
            let expected = webhook_signature(config.signing_secret.as_bytes(), ts, &body);
            // Not constant-time: this receiver only reports, it protects nothing.
            !expected.is_empty() && expected == signature_header
        })
    });
    let delivery = InboxDelivery {
        received_at: state.now().rfc3339(),
        event: header(&headers, HEADER_EVENT),
        delivery_id: header(&headers, HEADER_DELIVERY_ID),
        attempt: header(&headers, HEADER_ATTEMPT),
        timestamp,
        signature: signature_header,
        environment: header(&headers, HEADER_ENVIRONMENT),
        signature_valid,
        body: serde_json::from_slice(&body).ok(),
    };
    state.inbox().catch(delivery);
    StatusCode::NO_CONTENT
}

/// `GET /sandbox/webhook-inbox`.
async fn inbox_get(State(state): State<AppState>) -> Json<InboxList> {
    Json(state.inbox().list())
}

/// `DELETE /sandbox/webhook-inbox`: forgets what was caught.
async fn inbox_delete(State(state): State<AppState>) -> StatusCode {
    state.inbox().clear();
    StatusCode::NO_CONTENT
}
