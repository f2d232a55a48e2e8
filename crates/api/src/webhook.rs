//! Webhooks the API sends to the site's agent system (CONTRACT.md section 9): the envelope, the
//! header names and the bytes that are signed. The HMAC itself lives in the sandbox so this crate
//! needs no crypto dependency.

use std::fmt::Display;

use serde::Serialize;

use crate::json::Value;
use crate::FromJson;

use crate::{
    AgentInfo, ClientContext, ClosedBy, DeletedCounts, HandoverSource, LivechatStatus, Message,
    SessionValue,
};

/// Header carrying the event type.
pub const HEADER_EVENT: &str = "x-di-event";
/// Header carrying the Unix timestamp (seconds) that is signed.
pub const HEADER_TIMESTAMP: &str = "x-di-timestamp";
/// Header carrying the lowercase hex HMAC-SHA256 of [`signing_payload`].
pub const HEADER_SIGNATURE: &str = "x-di-signature";
/// Header carrying the delivery id (new per attempt).
pub const HEADER_DELIVERY_ID: &str = "x-di-delivery-id";
/// Header carrying the 1-based attempt number.
pub const HEADER_ATTEMPT: &str = "x-di-attempt";
/// Header carrying `live` or `test`.
pub const HEADER_ENVIRONMENT: &str = "x-di-environment";

/// The bytes that are signed: `"{timestamp}.{raw body}"`. Receivers must verify against the raw
/// body as received, never a re-serialization of the parsed JSON.
pub fn signing_payload(timestamp: impl Display, raw_body: &[u8]) -> Vec<u8> {
    let mut payload = format!("{timestamp}.").into_bytes();
    payload.extend_from_slice(raw_body);
    payload
}

/// The webhook body (envelope ours).
#[derive(Debug, Clone, PartialEq, Serialize, FromJson)]
pub struct WebhookEnvelope {
    /// De-duplication key; retries and replays reuse it.
    pub event_id: String,
    /// The event type.
    #[serde(rename = "type")]
    pub event_type: WebhookEventType,
    /// When the event happened.
    pub created_at: String,
    /// `live` or `test`.
    pub environment: Environment,
    /// Event-specific payload.
    #[serde(default)]
    pub data: Value,
}

wire_enum! {
    /// Webhook event types (known).
    pub enum WebhookEventType {
        /// A visitor asked for a human; carries the session token.
        HandoverRequested = "livechat.handover.requested",
        /// Visitor wrote while waiting for an agent.
        WaitingCustomerMessageCreated = "livechat.waiting.customer.message.created",
        /// The assistant wrote while the visitor waited.
        WaitingAssistantMessageCreated = "livechat.waiting.assistant.message.created",
        /// Visitor wrote during an active session.
        CustomerMessageCreated = "livechat.customer.message.created",
        /// Visitor started typing.
        CustomerTypingStarted = "livechat.customer.typing.started",
        /// Visitor stopped typing.
        CustomerTypingStopped = "livechat.customer.typing.stopped",
        /// The session closed.
        SessionClosed = "livechat.session.closed",
        /// The visitor rated the session.
        FeedbackSubmitted = "livechat.feedback.submitted",
        /// The visitor deleted their data.
        VisitorDataDeleted = "visitor.data.deleted",
    }
}

wire_enum! {
    /// Which environment sent a webhook.
    pub enum Environment {
        /// Production.
        Live = "live",
        /// Test mode.
        Test = "test",
    }
}

// ------------------------------------------------------------------------------------------------
// Event payloads (ours, built from the facts section 9 names)

/// `data` of every webhook (ours): one shape whose sections are present when the event type
/// concerns them, so a receiver reads every event with one type.
///
/// - `livechat.handover.requested`: `chatbot`, `visitor`, `livechat_session` (with `token`),
///   `language`, `values`, `conversation`.
/// - `livechat.*.message.created`: `chatbot`, `visitor`, `livechat_session`, `message`.
/// - `livechat.customer.typing.*`, `livechat.session.closed`: `chatbot`, `visitor`,
///   `livechat_session`.
/// - `livechat.feedback.submitted`: also `feedback`.
/// - `visitor.data.deleted`: `chatbot`, `visitor` (with `session_id`), `deletion`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct WebhookData {
    /// The chatbot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chatbot: Option<WebhookChatbot>,
    /// The visitor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visitor: Option<WebhookVisitor>,
    /// The livechat session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub livechat_session: Option<WebhookSession>,
    /// The visitor's language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Session values collected so far.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<SessionValue>,
    /// The conversation with the assistant before the handover, oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conversation: Vec<Message>,
    /// The message the event is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
    /// The feedback given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feedback: Option<WebhookFeedback>,
    /// What was deleted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletion: Option<WebhookDeletion>,
}

/// `data.chatbot`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct WebhookChatbot {
    /// The chatbot id.
    pub id: String,
}

/// `data.visitor`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
pub struct WebhookVisitor {
    /// The visitor id.
    pub id: String,
    /// The visitor's conversation with the assistant, if one was started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// Browser facts given at handover.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_context: Option<ClientContext>,
}

/// `data.livechat_session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct WebhookSession {
    /// The session id.
    pub id: String,
    /// Status when the event happened.
    pub status: LivechatStatus,
    /// The livechat session token for `/livechat/agent/*` (handover events only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// When `token` stops working.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_expires_at: Option<String>,
    /// Where it was requested (`website`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// What the visitor clicked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<HandoverSource>,
    /// The `request_human_agent` marker, when that was the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_id: Option<String>,
    /// When it was requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_at: Option<String>,
    /// The assigned agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_agent: Option<AgentInfo>,
    /// When it was closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<String>,
    /// Who closed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_by: Option<ClosedBy>,
    /// The agent who closed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_by_agent_id: Option<String>,
    /// Why it was closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_reason: Option<String>,
}

/// `data.feedback`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct WebhookFeedback {
    /// 1..=5.
    pub rating: u8,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<String>,
    /// When.
    pub submitted_at: String,
}

/// `data.deletion`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct WebhookDeletion {
    /// Why (`user_request`).
    pub reason: String,
    /// What was deleted.
    pub counts: DeletedCounts,
}

// ------------------------------------------------------------------------------------------------
// The event log (Basic API key; ours)

wire_enum! {
    /// Delivery status of a stored event.
    pub enum WebhookEventStatus {
        /// Stored; the first attempt is under way or queued.
        Pending = "pending",
        /// An attempt failed; another is scheduled (`next_attempt_at`).
        Failed = "failed",
        /// A receiver answered 2xx.
        Delivered = "delivered",
        /// Never delivered and no attempt left (a replay starts again).
        Dead = "dead",
        /// Not sent: no webhook configured, or not subscribed to this type (a replay sends it).
        Skipped = "skipped",
    }
}

/// One stored event: `GET /events/{event_id}`, entries of `GET /events`, and the replay answer.
#[derive(Debug, Clone, PartialEq, Serialize, FromJson)]
pub struct WebhookEventRecord {
    /// De-duplication key, the same in every delivery.
    pub event_id: String,
    /// The event type.
    #[serde(rename = "type")]
    pub event_type: WebhookEventType,
    /// When the event happened.
    pub created_at: String,
    /// Delivery status.
    pub status: WebhookEventStatus,
    /// POSTs made so far, replays included (the last `x-di-attempt`).
    #[serde(default)]
    pub attempts: u32,
    /// When the last attempt was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_attempt_at: Option<String>,
    /// The receiver's HTTP status on the last attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_response_status: Option<u16>,
    /// Why the last attempt failed (or why nothing was sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// When a receiver first answered 2xx.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<String>,
    /// When the next retry is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<String>,
    /// When the event leaves the log (30 days after `created_at`).
    pub expires_at: String,
    /// The body every delivery sends.
    pub payload: WebhookEnvelope,
}

/// `GET /events` response.
#[derive(Debug, Clone, PartialEq, Default, Serialize, FromJson)]
pub struct WebhookEventList {
    /// Newest first.
    #[serde(default)]
    pub events: Vec<WebhookEventRecord>,
}
