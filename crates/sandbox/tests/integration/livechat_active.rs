//! `livechat_active_stream_error`: a turn during an active livechat answers a stream that ends
//! in the `livechat_active` error event (CONTRACT.md section 4) instead of the default 409.

use dialoge_api::history::HistoryPage;
use dialoge_api::livechat::LivechatStatus;
use dialoge_api::message::Role;
use dialoge_api::stream::{StreamErrorCode, StreamEvent, StreamStatus};
use dialoge_sandbox::stores::faults::FaultRequest;

use crate::common::{error_of, spawn_app, spawn_with};

#[tokio::test]
async fn with_the_option_a_turn_during_an_active_livechat_ends_in_the_livechat_active_event() {
    let app = spawn_with(|o| o.livechat_active_stream_error = true).await;
    let (token, _session, _session_token) = app.active_session("sam").await;
    let before: HistoryPage = app
        .get_json("/api/v1/chat/messages?limit=100", &token)
        .await;
    // A stream fault armed for the next turn is not used up by a refused one.
    let fault: FaultRequest = serde_json::from_str(
        r#"{"path": "/api/v1/chat/messages", "fault": "drop", "after_events": 1}"#,
    )
    .unwrap();
    app.arm(fault).await;

    let streamed = app.send_keyed(&token, "hello?", "key-1").await;
    assert_eq!(streamed.status, 200);
    assert!(streamed.content_type.starts_with("text/event-stream"));
    assert_eq!(streamed.names(), ["status", "error"]);
    let StreamEvent::Status(status) = &streamed.events[0] else {
        panic!("a status event first");
    };
    assert_eq!(status.status, StreamStatus::Connected);
    let Some(StreamEvent::Error(error)) = streamed.events.last() else {
        panic!("a terminal error event");
    };
    assert_eq!(error.code, StreamErrorCode::LivechatActive);
    assert!(!error.retryable);
    assert!(
        error.message.contains("/livechat/messages"),
        "{}",
        error.message
    );

    // Nothing was stored: the message belongs to the agent, sent to /livechat/messages.
    let after: HistoryPage = app
        .get_json("/api/v1/chat/messages?limit=100", &token)
        .await;
    assert_eq!(after.messages.len(), before.messages.len());
    let armed: serde_json::Value = app
        .client
        .get(app.url("/sandbox/faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(armed["faults"].as_array().map(Vec::len), Some(1), "{armed}");
    let sent = app.livechat_send(&token, "hello?").await;
    assert_eq!(sent.status(), 200);
    let transcript = app.livechat_messages(&token, 0).await.messages;
    assert!(transcript.iter().any(|m| m.role == Role::User));
    assert_eq!(
        app.livechat_state(&token).await.status,
        LivechatStatus::Active
    );
}

#[tokio::test]
async fn with_the_option_a_turn_while_waiting_is_still_answered() {
    let app = spawn_with(|o| o.livechat_active_stream_error = true).await;
    let token = app.token().await;
    app.handover(&token).await;
    let waiting = app.send(&token, "What about returns?").await;
    assert!(
        waiting.done().is_some(),
        "the assistant keeps helping while waiting"
    );
}

#[tokio::test]
async fn without_the_option_it_stays_a_409() {
    let app = spawn_app().await;
    let (token, _session, _session_token) = app.active_session("sam").await;
    let response = app
        .client
        .post(app.url("/api/v1/chat/messages"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"message": {"parts": [{"type": "text", "text": "hi"}]}}))
        .send()
        .await
        .unwrap();
    let (status, envelope) = error_of(response).await;
    assert_eq!(status, 409);
    assert_eq!(envelope.error.code.as_str(), "conflict");
}
