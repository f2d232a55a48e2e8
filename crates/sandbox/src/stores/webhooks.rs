//! Domain layer: webhooks (CONTRACT.md section 9) as data — subscriptions, the event log with
//! each event's delivery bookkeeping, tombstones of expired events, and what the development
//! receiver (`/sandbox/webhook-inbox`) caught.
//!
//! Every event is stored before anything is sent. A delivery run is a series of attempts; the
//! store decides what each attempt sends ([`WebhookStore::begin_attempt`]) and what follows its
//! outcome ([`WebhookStore::finish_attempt`]), while the actual POSTs and pauses belong to
//! `crate::delivery`. A replay starts a new run with the same `event_id`; attempt numbers keep
//! counting. At its lifetime an event leaves the log; one never delivered is marked `dead`
//! first, and its tombstone says so. Plain data: no locks, no clock, no I/O.

use std::collections::HashMap;
use std::time::Duration;

use bytes::Bytes;
use dialoge_api::livechat::WebhookConfig;
use dialoge_api::webhook::{
    Environment, WebhookData, WebhookEnvelope, WebhookEventRecord, WebhookEventStatus,
    WebhookEventType,
};
use serde::{Deserialize, Serialize};

use super::DomainError;
use crate::clock::Timestamp;

/// The environment every sandbox delivery names.
pub const ENVIRONMENT: Environment = Environment::Test;
/// Most deliveries the development inbox keeps.
const INBOX_LIMIT: usize = 1_000;

/// A webhook to emit once the store lock is released.
#[derive(Debug, Clone)]
pub struct EventDraft {
    pub chatbot_id: String,
    pub event_type: WebhookEventType,
    pub data: WebhookData,
}

/// Subscriptions and the event log, for every chatbot.
#[derive(Default)]
pub struct WebhookStore {
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
    created: Timestamp,
    status: WebhookEventStatus,
    attempts: u32,
    last_attempt_at: Option<Timestamp>,
    last_response_status: Option<u16>,
    last_error: Option<String>,
    delivered_at: Option<Timestamp>,
    next_attempt_at: Option<Timestamp>,
    /// Which delivery run is current: a task of an older run stops.
    run: u64,
    /// A run is under way (an attempt in flight or a retry scheduled).
    delivering: bool,
}

struct Tombstone {
    expired_at: Timestamp,
    status: WebhookEventStatus,
}

/// What one delivery attempt sends, and where.
pub struct Attempt {
    pub config: WebhookConfig,
    pub body: Bytes,
    pub event_type: WebhookEventType,
    /// 1 for the event's first attempt; replays keep counting.
    pub number: u32,
}

impl StoredEvent {
    fn record(&self, ttl: Duration) -> WebhookEventRecord {
        WebhookEventRecord {
            event_id: self.envelope.event_id.clone(),
            event_type: self.envelope.event_type.clone(),
            created_at: self.envelope.created_at.clone(),
            status: self.status.clone(),
            attempts: self.attempts,
            last_attempt_at: self.last_attempt_at.map(Timestamp::rfc3339),
            last_response_status: self.last_response_status,
            last_error: self.last_error.clone(),
            delivered_at: self.delivered_at.map(Timestamp::rfc3339),
            next_attempt_at: self.next_attempt_at.map(Timestamp::rfc3339),
            expires_at: (self.created + ttl).rfc3339(),
            payload: self.envelope.clone(),
        }
    }
}

impl WebhookStore {
    /// A chatbot's subscription.
    pub fn config(&self, chatbot_id: &str) -> Option<&WebhookConfig> {
        self.configs.get(chatbot_id)
    }

    /// Every subscription (the inbox checks signatures against all of them).
    pub fn configs(&self) -> impl Iterator<Item = &WebhookConfig> {
        self.configs.values()
    }

    /// Sets a chatbot's subscription (validated by the caller).
    pub fn subscribe(&mut self, chatbot_id: String, config: WebhookConfig) {
        self.configs.insert(chatbot_id, config);
    }

    /// Stops deliveries for a chatbot; events are still logged.
    pub fn unsubscribe(&mut self, chatbot_id: &str) {
        self.configs.remove(chatbot_id);
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

    /// Logs an event. Its id comes back when a subscription wants it, i.e. when a delivery run
    /// (run 0) should start; otherwise it is logged as `skipped`, saying why.
    pub fn record(&mut self, draft: EventDraft, now: Timestamp) -> Option<String> {
        let envelope = WebhookEnvelope {
            event_id: format!("evt_{}", uuid::Uuid::new_v4().simple()),
            event_type: draft.event_type.clone(),
            created_at: now.rfc3339(),
            environment: ENVIRONMENT,
            data: serde_json::to_value(&draft.data).unwrap_or_default().into(),
        };
        let body = Bytes::from(serde_json::to_vec(&envelope).unwrap_or_default());
        let event_id = envelope.event_id.clone();
        let skipped = match self.configs.get(&draft.chatbot_id) {
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
        self.events.push(StoredEvent {
            chatbot_id: draft.chatbot_id,
            envelope,
            body,
            created: now,
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
        deliver.then_some(event_id)
    }

    /// Starts the next attempt of run `run`: what to send, or `None` when the run is over (the
    /// event expired, a replay took over, or the subscription is gone — then it is `dead`).
    pub fn begin_attempt(&mut self, event_id: &str, run: u64, now: Timestamp) -> Option<Attempt> {
        let event = self
            .events
            .iter_mut()
            .find(|e| e.envelope.event_id == event_id)
            .filter(|e| e.run == run)?;
        let Some(config) = self.configs.get(&event.chatbot_id).cloned() else {
            event.status = WebhookEventStatus::Dead;
            event.last_error = Some("No webhook is configured (PUT /webhooks)".to_owned());
            event.next_attempt_at = None;
            event.delivering = false;
            return None;
        };
        event.attempts += 1;
        event.last_attempt_at = Some(now);
        event.next_attempt_at = None;
        Some(Attempt {
            config,
            body: event.body.clone(),
            event_type: event.envelope.event_type.clone(),
            number: event.attempts,
        })
    }

    /// Records an attempt's outcome (the receiver's status, or why there was none). `retry` is
    /// the pause before the next attempt, `None` when the pauses have run out. The answer is the
    /// pause to take, or `None` when the run is over: delivered, `dead`, or taken over.
    pub fn finish_attempt(
        &mut self,
        event_id: &str,
        run: u64,
        outcome: Result<u16, String>,
        retry: Option<Duration>,
        now: Timestamp,
    ) -> Option<Duration> {
        let event = self.find_mut(event_id).filter(|e| e.run == run)?;
        match outcome {
            Ok(status) if (200..300).contains(&status) => {
                event.status = WebhookEventStatus::Delivered;
                event.last_response_status = Some(status);
                event.last_error = None;
                event.delivered_at = Some(now);
                event.delivering = false;
                return None;
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
        match retry {
            Some(pause) => {
                event.status = WebhookEventStatus::Failed;
                event.next_attempt_at = Some(now + pause);
                Some(pause)
            }
            None => {
                event.status = WebhookEventStatus::Dead;
                event.delivering = false;
                None
            }
        }
    }

    /// Removes events older than `ttl`, leaving tombstones; never-delivered ones are marked
    /// `dead` first.
    pub fn expire(&mut self, ttl: Duration, now: Timestamp) {
        let (expired, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.events)
            .into_iter()
            .partition(|e| e.created + ttl <= now);
        self.events = kept;
        for mut event in expired {
            if event.status != WebhookEventStatus::Delivered {
                event.status = WebhookEventStatus::Dead;
            }
            self.expired.insert(
                event.envelope.event_id.clone(),
                Tombstone {
                    expired_at: event.created + ttl,
                    status: event.status,
                },
            );
        }
    }

    /// A chatbot's events, newest first, optionally of one status and one type.
    pub fn list(
        &self,
        chatbot_id: &str,
        status: Option<&WebhookEventStatus>,
        event_type: Option<&WebhookEventType>,
        ttl: Duration,
    ) -> Vec<WebhookEventRecord> {
        self.events
            .iter()
            .rev()
            .filter(|e| e.chatbot_id == chatbot_id)
            .filter(|e| status.is_none_or(|s| &e.status == s))
            .filter(|e| event_type.is_none_or(|t| &e.envelope.event_type == t))
            .map(|e| e.record(ttl))
            .collect()
    }

    /// One of a chatbot's events.
    pub fn get(
        &self,
        chatbot_id: &str,
        event_id: &str,
        ttl: Duration,
    ) -> Result<WebhookEventRecord, DomainError> {
        self.find(chatbot_id, event_id)
            .map(|e| e.record(ttl))
            .ok_or_else(|| self.missing(event_id))
    }

    /// Starts a new delivery run of a stored event (same `event_id`) to the current
    /// subscription: the event as it now stands and the run's number. 409 while a run is under
    /// way or when no webhook is configured.
    pub fn replay(
        &mut self,
        chatbot_id: &str,
        event_id: &str,
        ttl: Duration,
    ) -> Result<(WebhookEventRecord, u64), DomainError> {
        if self.find(chatbot_id, event_id).is_none() {
            return Err(self.missing(event_id));
        }
        if !self.configs.contains_key(chatbot_id) {
            return Err(DomainError::Conflict(
                "No webhook is configured to replay to (PUT /webhooks first)".to_owned(),
            ));
        }
        let event = self
            .find_mut(event_id)
            .ok_or_else(|| DomainError::NotFound(format!("No event {event_id}")))?;
        if event.delivering {
            return Err(DomainError::Conflict(
                "This event is still being delivered; replay it once it is delivered or dead"
                    .to_owned(),
            ));
        }
        event.run += 1;
        event.delivering = true;
        event.status = WebhookEventStatus::Pending;
        event.next_attempt_at = None;
        Ok((event.record(ttl), event.run))
    }

    fn missing(&self, event_id: &str) -> DomainError {
        match self.expired.get(event_id) {
            Some(tombstone) => DomainError::NotFound(format!(
                "Event {event_id} expired at {} ({})",
                tombstone.expired_at,
                match tombstone.status {
                    WebhookEventStatus::Delivered => "it had been delivered",
                    _ => "it was never delivered and was marked dead",
                }
            )),
            None => DomainError::NotFound(format!("No event {event_id}")),
        }
    }
}

/// What `/sandbox/webhook-inbox` has caught, oldest first.
#[derive(Default)]
pub struct Inbox {
    deliveries: Vec<InboxDelivery>,
}

impl Inbox {
    /// Keeps a delivery, forgetting the oldest beyond the limit.
    pub fn catch(&mut self, delivery: InboxDelivery) {
        if self.deliveries.len() >= INBOX_LIMIT {
            self.deliveries.remove(0);
        }
        self.deliveries.push(delivery);
    }

    /// Everything caught, oldest first.
    pub fn list(&self) -> InboxList {
        InboxList {
            deliveries: self.deliveries.clone(),
        }
    }

    /// Forgets what was caught.
    pub fn clear(&mut self) {
        self.deliveries.clear();
    }
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
