//! Webhooks the API sends to the site's agent system (CONTRACT.md section 9): the envelope, the
//! header names and the bytes that are signed. The HMAC itself lives in the sandbox so this crate
//! needs no crypto dependency.

use std::fmt::Display;

use serde::{Deserialize, Serialize};
use serde_json::Value;

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
