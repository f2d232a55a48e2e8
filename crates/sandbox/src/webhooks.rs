//! Webhooks (CONTRACT.md section 9): the subscription (`PUT /webhooks`), the event log
//! (`GET /events`, `GET /events/{id}`, `POST /events/{id}/replay`), signed delivery with retries,
//! expiry after 30 days, and a development receiver (`/sandbox/webhook-inbox`) that records what
//! it is sent.
//!
//! Every event is stored before anything is sent. A delivery run POSTs the stored body with the
//! `x-di-*` headers; the signature is the lowercase hex HMAC-SHA256 of `"{timestamp}.{body}"`
//! under the signing secret, the timestamp that attempt's. A non-2xx answer, a timeout or a
//! refused connection is retried after each pause of
//! [`crate::SandboxOptions::webhook_retry_delays`]; when they run out the event is `dead`. A
//! replay starts a new run with the same `event_id` (receivers de-duplicate on it); attempt
//! numbers keep counting. At 30 days an event leaves the log; one never delivered is marked
//! `dead` first, and its tombstone says so. Deliveries are plain HTTP: the sandbox has no TLS.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::Json;
use bytes::Bytes;
use dialoge_api::actions::DeletedCounts;
use dialoge_api::livechat::{WebhookConfig, WebhookSubscription};
use dialoge_api::webhook::{
    signing_payload, Environment, WebhookChatbot, WebhookData, WebhookDeletion, WebhookEnvelope,
    WebhookEventList, WebhookEventRecord, WebhookEventStatus, WebhookEventType, WebhookVisitor,
    HEADER_ATTEMPT, HEADER_DELIVERY_ID, HEADER_ENVIRONMENT, HEADER_EVENT, HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::auth::ApiKeyAuth;
use crate::clock::rfc3339;
use crate::error::{ApiError, ApiJson, Problems};
use crate::livechat::attachments::hex;
use crate::livechat::EventDraft;
use crate::options::SandboxOptions;
use crate::state::AppState;

/// The environment every sandbox delivery names.
const ENVIRONMENT: Environment = Environment::Test;
/// Most deliveries the development inbox keeps.
const INBOX_LIMIT: usize = 1_000;

/// Subscriptions and the event log, for every chatbot.
#[derive(Default)]
pub(crate) struct WebhookStore {
    configs: HashMap<String, WebhookConfig>,
    /// Oldest first.
    events: Vec<StoredEvent>,
    /// Events that left the log, by id: what `GET /events/{id}` says about them.
    expired: HashMap<String, Tombstone>,
}

struct StoredEvent {
    chatbot_id: String,
    envelope: WebhookEnvelope,
    /// Serialized once, so every delivery and replay sends the same bytes.
    body: Bytes,
    created: SystemTime,
    status: WebhookEventStatus,
    attempts: u32,
    last_attempt_at: Option<String>,
    last_response_status: Option<u16>,
    last_error: Option<String>,
    delivered_at: Option<String>,
    next_attempt_at: Option<String>,
    /// Which delivery run is current: a task of an older run stops.
    run: u64,
    /// A run is under way (an attempt in flight or a retry scheduled).
    delivering: bool,
}

struct Tombstone {
    expired_at: String,
    status: WebhookEventStatus,
}

impl WebhookStore {
    /// A chatbot's subscription.
    pub fn config(&self, chatbot_id: &str) -> Option<&WebhookConfig> {
        self.configs.get(chatbot_id)
    }

    fn find(&self, chatbot_id: &str, event_id: &str) -> Option<&StoredEvent> {
        self.events
            .iter()
            .find(|e| e.envelope.event_id == event_id && e.chatbot_id == chatbot_id)
    }

    fn find_mut(&mut self, event_id: &str) -> Option<&mut StoredEvent> {
        self.events
            .iter_mut()
            .find(|e| e.envelope.event_id == event_id)
    }
}

impl StoredEvent {
    fn record(&self, ttl: Duration) -> WebhookEventRecord {
        WebhookEventRecord {
            event_id: self.envelope.event_id.clone(),
            event_type: self.envelope.event_type.clone(),
            created_at: self.envelope.created_at.clone(),
            status: self.status.clone(),
            attempts: self.attempts,
            last_attempt_at: self.last_attempt_at.clone(),
            last_response_status: self.last_response_status,
            last_error: self.last_error.clone(),
            delivered_at: self.delivered_at.clone(),
            next_attempt_at: self.next_attempt_at.clone(),
            expires_at: rfc3339(self.created + ttl),
            payload: self.envelope.clone(),
        }
    }
}

/// The client deliveries use: no proxy (receivers are local), no redirects (a 3xx is a
/// failure, as with real webhook senders), the configured timeout.
pub(crate) fn client(options: &SandboxOptions) -> Option<reqwest::Client> {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(options.webhook_timeout)
        .user_agent("dialoge-sandbox-webhooks")
        .build()
        .ok()
}

/// The `x-di-signature` of a body: lowercase hex HMAC-SHA256 of `"{timestamp}.{body}"`.
pub fn signature(secret: &[u8], timestamp: u64, body: &[u8]) -> String {
    match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mut mac) => {
            mac.update(&signing_payload(timestamp, body));
            hex(&mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    }
}

/// Stores each event and starts delivering the ones a subscription wants.
pub(crate) fn emit(state: &AppState, drafts: Vec<EventDraft>) {
    for draft in drafts {
        let created = state.clock().now();
        let envelope = WebhookEnvelope {
            event_id: format!("evt_{}", uuid::Uuid::new_v4().simple()),
            event_type: draft.event_type.clone(),
            created_at: rfc3339(created),
            environment: ENVIRONMENT,
            data: serde_json::to_value(&draft.data).unwrap_or_default(),
        };
        let body = Bytes::from(serde_json::to_vec(&envelope).unwrap_or_default());
        let event_id = envelope.event_id.clone();
        let deliver = {
            let mut store = state.webhooks();
            let skipped = match store.configs.get(&draft.chatbot_id) {
                None => Some("No webhook is configured (PUT /webhooks)".to_owned()),
                Some(config)
                    if !config.events.is_empty() && !config.events.contains(&draft.event_type) =>
                {
                    Some(format!(
                        "The webhook is not subscribed to {}",
                        draft.event_type.as_str()
                    ))
                }
                Some(_) => None,
            };
            let deliver = skipped.is_none();
            store.events.push(StoredEvent {
                chatbot_id: draft.chatbot_id,
                envelope,
                body,
                created,
                status: if deliver {
                    WebhookEventStatus::Pending
                } else {
                    WebhookEventStatus::Skipped
                },
                attempts: 0,
                last_attempt_at: None,
                last_response_status: None,
                last_error: skipped,
                delivered_at: None,
                next_attempt_at: None,
                run: 0,
                delivering: deliver,
            });
            deliver
        };
        if deliver {
            spawn_delivery(state, event_id, 0);
        }
    }
}

/// `visitor.data.deleted` after `DELETE /api/v1/chat`.
pub(crate) fn visitor_deleted(
    state: &AppState,
    chatbot_id: &str,
    visitor_id: &str,
    session_id: Option<String>,
    counts: DeletedCounts,
) {
    emit(
        state,
        vec![EventDraft {
            chatbot_id: chatbot_id.to_owned(),
            event_type: WebhookEventType::VisitorDataDeleted,
            data: WebhookData {
                chatbot: Some(WebhookChatbot {
                    id: chatbot_id.to_owned(),
                }),
                visitor: Some(WebhookVisitor {
                    id: visitor_id.to_owned(),
                    session_id,
                    client_context: None,
                }),
                deletion: Some(WebhookDeletion {
                    reason: "user_request".to_owned(),
                    counts,
                }),
                ..WebhookData::default()
            },
        }],
    );
}

fn spawn_delivery(state: &AppState, event_id: String, run: u64) {
    // Handlers and background tasks always run on the runtime; outside one (a unit test that
    // emits) the event simply stays pending.
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(deliver(state.clone(), event_id, run));
    }
}

/// One delivery run: attempts until a 2xx, or until the retry pauses run out.
async fn deliver(state: AppState, event_id: String, run: u64) {
    let delays = state.options().webhook_retry_delays.clone();
    let mut retry = 0;
    loop {
        let attempt = {
            let mut guard = state.webhooks();
            let store = &mut *guard;
            let Some(event) = store
                .events
                .iter_mut()
                .find(|e| e.envelope.event_id == event_id)
            else {
                return; // expired meanwhile
            };
            if event.run != run {
                return; // a replay took over
            }
            let Some(config) = store.configs.get(&event.chatbot_id).cloned() else {
                event.status = WebhookEventStatus::Dead;
                event.last_error = Some("No webhook is configured (PUT /webhooks)".to_owned());
                event.next_attempt_at = None;
                event.delivering = false;
                return;
            };
            event.attempts += 1;
            event.last_attempt_at = Some(state.clock().rfc3339());
            event.next_attempt_at = None;
            (
                config,
                event.body.clone(),
                event.envelope.event_type.clone(),
                event.attempts,
            )
        };
        let (config, body, event_type, number) = attempt;
        let outcome = post(&state, &config, body, &event_type, number).await;

        let pause = {
            let mut store = state.webhooks();
            let Some(event) = store.find_mut(&event_id) else {
                return;
            };
            if event.run != run {
                return;
            }
            match outcome {
                Ok(status) if (200..300).contains(&status) => {
                    event.status = WebhookEventStatus::Delivered;
                    event.last_response_status = Some(status);
                    event.last_error = None;
                    event.delivered_at = Some(state.clock().rfc3339());
                    event.delivering = false;
                    return;
                }
                Ok(status) => {
                    event.last_response_status = Some(status);
                    event.last_error = Some(format!("The receiver answered {status}"));
                }
                Err(error) => {
                    event.last_response_status = None;
                    event.last_error = Some(error);
                }
            }
            match delays.get(retry) {
                Some(pause) => {
                    event.status = WebhookEventStatus::Failed;
                    event.next_attempt_at = Some(rfc3339(state.clock().now() + *pause));
                    *pause
                }
                None => {
                    event.status = WebhookEventStatus::Dead;
                    event.delivering = false;
                    return;
                }
            }
        };
        tokio::time::sleep(pause).await;
        retry += 1;
    }
}

/// One POST; the receiver's status, or why there was none.
async fn post(
    state: &AppState,
    config: &WebhookConfig,
    body: Bytes,
    event_type: &WebhookEventType,
    attempt: u32,
) -> Result<u16, String> {
    let client = state
        .http()
        .ok_or_else(|| "The sandbox's HTTP client could not be built".to_owned())?;
    let timestamp = state.clock().unix_secs();
    let signature = signature(config.signing_secret.as_bytes(), timestamp, &body);
    let response = client
        .post(&config.url)
        .header("content-type", "application/json")
        .header(HEADER_EVENT, event_type.as_str())
        .header(HEADER_TIMESTAMP, timestamp.to_string())
        .header(HEADER_SIGNATURE, signature)
        .header(
            HEADER_DELIVERY_ID,
            format!("dlv_{}", uuid::Uuid::new_v4().simple()),
        )
        .header(HEADER_ATTEMPT, attempt.to_string())
        .header(HEADER_ENVIRONMENT, ENVIRONMENT.as_str())
        .body(body)
        .send()
        .await
        .map_err(|error| {
            if error.is_timeout() {
                "The receiver did not answer in time".to_owned()
            } else if error.is_connect() {
                format!("Could not connect to {}", config.url)
            } else {
                format!("The request failed: {error}")
            }
        })?;
    Ok(response.status().as_u16())
}

/// Removes events older than the log's lifetime, leaving tombstones; never-delivered ones are
/// marked `dead` first.
pub(crate) fn expire(state: &AppState) {
    let now = state.clock().now();
    let ttl = state.options().webhook_event_ttl;
    let mut store = state.webhooks();
    let (expired, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut store.events)
        .into_iter()
        .partition(|e| e.created + ttl <= now);
    store.events = kept;
    for mut event in expired {
        if event.status != WebhookEventStatus::Delivered {
            event.status = WebhookEventStatus::Dead;
        }
        store.expired.insert(
            event.envelope.event_id.clone(),
            Tombstone {
                expired_at: rfc3339(event.created + ttl),
                status: event.status,
            },
        );
    }
}

/// `PUT /api/v1/chat/webhooks` (API key): where events go, the signing secret, and which event
/// types (none listed = all).
pub async fn put_webhooks(
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
    state.webhooks().configs.insert(auth.chatbot_id, config);
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
pub async fn get_webhooks(
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
pub async fn delete_webhooks(State(state): State<AppState>, auth: ApiKeyAuth) -> StatusCode {
    state.webhooks().configs.remove(&auth.chatbot_id);
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
pub async fn list_events(
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
    let store = state.webhooks();
    let events = store
        .events
        .iter()
        .rev()
        .filter(|e| e.chatbot_id == auth.chatbot_id)
        .filter(|e| status.as_ref().is_none_or(|s| &e.status == s))
        .filter(|e| {
            event_type
                .as_ref()
                .is_none_or(|t| &e.envelope.event_type == t)
        })
        .map(|e| e.record(ttl))
        .collect();
    Ok(Json(WebhookEventList { events }))
}

fn missing(store: &WebhookStore, event_id: &str) -> ApiError {
    match store.expired.get(event_id) {
        Some(tombstone) => ApiError::not_found(format!(
            "Event {event_id} expired at {} ({})",
            tombstone.expired_at,
            match tombstone.status {
                WebhookEventStatus::Delivered => "it had been delivered",
                _ => "it was never delivered and was marked dead",
            }
        )),
        None => ApiError::not_found(format!("No event {event_id}")),
    }
}

/// `GET /api/v1/chat/events/{event_id}` (API key).
pub async fn get_event(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    Path(event_id): Path<String>,
) -> Result<Json<WebhookEventRecord>, ApiError> {
    expire(&state);
    let ttl = state.options().webhook_event_ttl;
    let store = state.webhooks();
    store
        .find(&auth.chatbot_id, &event_id)
        .map(|e| Json(e.record(ttl)))
        .ok_or_else(|| missing(&store, &event_id))
}

/// `POST /api/v1/chat/events/{event_id}/replay` (API key): delivers the stored event again, same
/// `event_id`, to the current subscription; 202 with the event. 409 while a run is under way or
/// when no webhook is configured.
pub async fn replay_event(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    Path(event_id): Path<String>,
) -> Result<(StatusCode, Json<WebhookEventRecord>), ApiError> {
    expire(&state);
    let ttl = state.options().webhook_event_ttl;
    let (record, run) = {
        let mut guard = state.webhooks();
        let store = &mut *guard;
        if store.find(&auth.chatbot_id, &event_id).is_none() {
            return Err(missing(store, &event_id));
        }
        if !store.configs.contains_key(&auth.chatbot_id) {
            return Err(ApiError::conflict(
                "No webhook is configured to replay to (PUT /webhooks first)",
            ));
        }
        let event = store
            .find_mut(&event_id)
            .ok_or_else(|| ApiError::not_found(format!("No event {event_id}")))?;
        if event.delivering {
            return Err(ApiError::conflict(
                "This event is still being delivered; replay it once it is delivered or dead",
            ));
        }
        event.run += 1;
        event.delivering = true;
        event.status = WebhookEventStatus::Pending;
        event.next_attempt_at = None;
        (event.record(ttl), event.run)
    };
    spawn_delivery(&state, event_id, run);
    Ok((StatusCode::ACCEPTED, Json(record)))
}

// ------------------------------------------------------------------------------------------------
// The development receiver

/// What `/sandbox/webhook-inbox` has caught, oldest first.
#[derive(Default)]
pub(crate) struct Inbox {
    deliveries: Vec<InboxDelivery>,
}

/// One delivery the development receiver caught.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxDelivery {
    /// When it arrived (sandbox clock).
    pub received_at: String,
    /// `x-di-event`.
    pub event: String,
    /// `x-di-delivery-id`.
    pub delivery_id: String,
    /// `x-di-attempt`.
    pub attempt: String,
    /// `x-di-timestamp`.
    pub timestamp: String,
    /// `x-di-signature`.
    pub signature: String,
    /// `x-di-environment`.
    pub environment: String,
    /// Whether the signature matches the signing secret of a configured webhook.
    pub signature_valid: bool,
    /// The body, if it is an event envelope.
    pub body: Option<WebhookEnvelope>,
}

/// `GET /sandbox/webhook-inbox` answer.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct InboxList {
    /// Oldest first.
    pub deliveries: Vec<InboxDelivery>,
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
pub async fn inbox_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let timestamp = header(&headers, HEADER_TIMESTAMP);
    let signature_header = header(&headers, HEADER_SIGNATURE);
    let signature_valid = timestamp.parse::<u64>().is_ok_and(|ts| {
        state.webhooks().configs.values().any(|config| {
            let expected = signature(config.signing_secret.as_bytes(), ts, &body);
            // Not constant-time: this receiver only reports, it protects nothing.
            !expected.is_empty() && expected == signature_header
        })
    });
    let delivery = InboxDelivery {
        received_at: state.clock().rfc3339(),
        event: header(&headers, HEADER_EVENT),
        delivery_id: header(&headers, HEADER_DELIVERY_ID),
        attempt: header(&headers, HEADER_ATTEMPT),
        timestamp,
        signature: signature_header,
        environment: header(&headers, HEADER_ENVIRONMENT),
        signature_valid,
        body: serde_json::from_slice(&body).ok(),
    };
    let mut inbox = state.inbox();
    if inbox.deliveries.len() >= INBOX_LIMIT {
        inbox.deliveries.remove(0);
    }
    inbox.deliveries.push(delivery);
    StatusCode::NO_CONTENT
}

/// `GET /sandbox/webhook-inbox`.
pub async fn inbox_get(State(state): State<AppState>) -> Json<InboxList> {
    Json(InboxList {
        deliveries: state.inbox().deliveries.clone(),
    })
}

/// `DELETE /sandbox/webhook-inbox`: forgets what was caught.
pub async fn inbox_delete(State(state): State<AppState>) -> StatusCode {
    state.inbox().deliveries.clear();
    StatusCode::NO_CONTENT
}
