//! Effects layer: sending webhooks. [`emit`] logs drafts in the webhook store and starts a
//! delivery run for each one a subscription wants; a run POSTs the stored body with the `x-di-*`
//! headers and retries after each pause of [`crate::SandboxOptions::webhook_retry_delays`], the
//! store deciding what each attempt sends and what follows its outcome. Deliveries are plain
//! HTTP: the sandbox has no TLS.
//!
//! It reads the clock and takes store locks (one at a time, never across an `.await`), but makes
//! no decisions of its own and never answers an HTTP request.

use dialoge_api::actions::DeletedCounts;
use dialoge_api::livechat::WebhookConfig;
use dialoge_api::message::Message;
use dialoge_api::webhook::{
    WebhookChatbot, WebhookData, WebhookDeletion, WebhookEventType, WebhookVisitor, HEADER_ATTEMPT,
    HEADER_DELIVERY_ID, HEADER_ENVIRONMENT, HEADER_EVENT, HEADER_SIGNATURE, HEADER_TIMESTAMP,
};

use crate::signing::webhook_signature;
use crate::state::AppState;
use crate::stores::webhooks::{Attempt, EventDraft, ENVIRONMENT};

/// Stores each event and starts delivering the ones a subscription wants.
pub(crate) fn emit(state: &AppState, drafts: Vec<EventDraft>) {
    for draft in drafts {
        let now = state.now();
        let deliver = state.webhooks().record(draft, now);
        if let Some(event_id) = deliver {
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

/// A message of the assistant conversation while the visitor waits for an agent: the agent
/// system hears of it (`livechat.waiting.customer/assistant.message.created`).
pub(crate) fn observe_assistant_conversation(
    state: &AppState,
    visitor_id: &str,
    message: &Message,
) {
    let draft = state.livechat().waiting_message_draft(visitor_id, message);
    emit(state, draft.into_iter().collect());
}

/// Starts run `run` of an event's delivery.
pub(crate) fn spawn_delivery(state: &AppState, event_id: String, run: u64) {
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
        let now = state.now();
        let Some(attempt) = state.webhooks().begin_attempt(&event_id, run, now) else {
            return;
        };
        let outcome = post(&state, attempt).await;
        let now = state.now();
        let pause = state.webhooks().finish_attempt(
            &event_id,
            run,
            outcome,
            delays.get(retry).copied(),
            now,
        );
        let Some(pause) = pause else {
            return;
        };
        tokio::time::sleep(pause).await;
        retry += 1;
    }
}

/// One POST; the receiver's status, or why there was none.
async fn post(state: &AppState, attempt: Attempt) -> Result<u16, String> {
    let client = state
        .http()
        .ok_or_else(|| "The sandbox's HTTP client could not be built".to_owned())?;
    let Attempt {
        config,
        body,
        event_type,
        number,
    } = attempt;
    let timestamp = state.clock().unix_secs();
    let signature = webhook_signature(config.signing_secret.as_bytes(), timestamp, &body);
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
        .header(HEADER_ATTEMPT, number.to_string())
        .header(HEADER_ENVIRONMENT, ENVIRONMENT.as_str())
        .body(body)
        .send()
        .await
        .map_err(|error| describe(&error, &config))?;
    Ok(response.status().as_u16())
}

fn describe(error: &reqwest::Error, config: &WebhookConfig) -> String {
    if error.is_timeout() {
        "The receiver did not answer in time".to_owned()
    } else if error.is_connect() {
        format!("Could not connect to {}", config.url)
    } else {
        format!("The request failed: {error}")
    }
}

/// Removes events past the log's lifetime (the sweep, and before every read of the log).
pub(crate) fn expire(state: &AppState) {
    let now = state.now();
    let ttl = state.options().webhook_event_ttl;
    state.webhooks().expire(ttl, now);
}
