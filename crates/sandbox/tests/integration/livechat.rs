//! The visitor's livechat: the state machine, the 409 rules, sequence numbers, typing, the held
//! sync, attachments and the `/config` block.

use std::time::{Duration, Instant, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use dialoge_api::config::{AvailabilityReason, AvailabilityStatus, Config};
use dialoge_api::livechat::{
    ClosedBy, FeedbackRequest, FeedbackResponse, FeedbackStatus, LivechatSession, LivechatSettings,
    LivechatStatus, ManualOverride, SyncResponse, TypingRequest, Weekday, WorkingDay, WorkingHours,
};
use dialoge_api::message::{Part, Role};
use dialoge_api::send::{InputPart, OutgoingMessage, SendMessage};

use crate::common::{error_of, spawn_app, text_part, tiny_png, TestApp};

fn text_of(parts: &[Part]) -> String {
    parts
        .iter()
        .filter_map(|p| match p {
            Part::Text(t) => Some(t.text.clone()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::test]
async fn a_handover_opens_a_waiting_session_and_a_repeat_answers_the_same_one() {
    let app = spawn_app().await;
    let token = app.token().await;
    let first = app.handover(&token).await;
    assert_eq!(first.status, LivechatStatus::Waiting);
    assert!(first.livechat_session_id.starts_with("lcs_"));
    assert_eq!(first.platform.as_deref(), Some("website"));
    assert_eq!(first.language.as_deref(), Some("en"));
    assert!(first.requested_at.is_some() && first.closed_at.is_none());
    let again = app.handover(&token).await;
    assert_eq!(again, first);
}

#[tokio::test]
async fn the_session_walks_inactive_waiting_active_closed_with_a_growing_state_version() {
    let app = spawn_app().await;
    let token = app.token().await;
    let inactive = app.livechat_state(&token).await;
    assert_eq!(inactive.status, LivechatStatus::Inactive);
    assert_eq!(inactive.state_version, 0);

    let session = app.handover(&token).await;
    let waiting = app.livechat_state(&token).await;
    assert_eq!(waiting.status, LivechatStatus::Waiting);
    assert_eq!(
        waiting.livechat_session_id.as_deref(),
        Some(session.livechat_session_id.as_str())
    );
    assert!(waiting.state_version > inactive.state_version);

    let session_token = app.session_token(&session.livechat_session_id).await;
    assert_eq!(
        app.agent_says(&session_token, "sam", "Hi!").await.status(),
        200
    );
    let active = app.livechat_state(&token).await;
    assert_eq!(active.status, LivechatStatus::Active);
    assert_eq!(active.active_agent.as_ref().unwrap().agent_id, "sam");
    assert!(active.agent_joined_at.is_some());
    assert_eq!(
        active.feedback.unwrap().status,
        FeedbackStatus::NotAvailable
    );
    assert!(active.state_version > waiting.state_version);

    let closed: LivechatSession = app
        .post_json(
            "/api/v1/chat/livechat/close",
            &token,
            &serde_json::json!({"reason": "done"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(closed.status, LivechatStatus::Closed);
    assert_eq!(closed.closed_by, Some(ClosedBy::Customer));
    assert_eq!(closed.close_reason.as_deref(), Some("done"));
    let after = app.livechat_state(&token).await;
    assert_eq!(after.status, LivechatStatus::Closed);
    assert_eq!(after.closed_by, Some(ClosedBy::Customer));
    assert_eq!(after.feedback.unwrap().status, FeedbackStatus::Pending);
    assert!(after.state_version > active.state_version);

    // A new handover starts a new session; versions and sequence numbers keep growing.
    let next = app.handover(&token).await;
    assert_ne!(next.livechat_session_id, session.livechat_session_id);
    let renewed = app.livechat_state(&token).await;
    assert_eq!(renewed.status, LivechatStatus::Waiting);
    assert!(renewed.state_version > after.state_version);
    let transcript = app.livechat_messages(&token, 0).await.messages;
    let roles: Vec<Role> = transcript.iter().map(|m| m.role.clone()).collect();
    assert_eq!(roles, [Role::System, Role::Agent, Role::System]);
    assert_eq!(text_of(&transcript[0].parts), "sam joined the chat");
    assert_eq!(
        text_of(&transcript[2].parts),
        "The customer closed the chat"
    );
    let numbers: Vec<u64> = transcript
        .iter()
        .filter_map(|m| m.sequence_number)
        .collect();
    assert_eq!(numbers, [1, 2, 3]);
}

#[tokio::test]
async fn posting_to_the_assistant_is_409_while_an_agent_is_active_but_fine_while_waiting() {
    let app = spawn_app().await;
    let token = app.token().await;
    let session = app.handover(&token).await;
    let streamed = app.send(&token, "What about returns?").await;
    assert_eq!(
        streamed.status, 200,
        "the assistant keeps helping while waiting"
    );
    assert!(streamed.done().is_some());

    let session_token = app.session_token(&session.livechat_session_id).await;
    app.agent_says(&session_token, "sam", "I'm here").await;
    let body = SendMessage {
        message: OutgoingMessage {
            parts: vec![text_part("hello?")],
        },
        context: None,
    };
    let (status, envelope) =
        error_of(app.post_json("/api/v1/chat/messages", &token, &body).await).await;
    assert_eq!(status, 409);
    assert_eq!(envelope.error.code.as_str(), "conflict");
    assert!(envelope.error.message.contains("/livechat/messages"));
}

#[tokio::test]
async fn a_handover_is_409_while_livechat_is_off_set_offline_or_outside_working_hours() {
    let app = spawn_app().await;
    let token = app.token().await;
    for settings in [
        LivechatSettings::default(),
        LivechatSettings {
            enabled: true,
            manual_override: Some(ManualOverride::Offline),
            ..LivechatSettings::default()
        },
        LivechatSettings {
            enabled: true,
            working_hours: Some(WorkingHours {
                timezone: "UTC".to_owned(),
                days: Vec::new(),
            }),
            ..LivechatSettings::default()
        },
    ] {
        app.livechat_settings(&settings).await;
        let response = app
            .post_json(
                "/api/v1/chat/livechat/handover",
                &token,
                &serde_json::json!({"platform": "website", "source": "manual_button"}),
            )
            .await;
        let (status, envelope) = error_of(response).await;
        assert_eq!(status, 409, "{settings:?}");
        assert_eq!(envelope.error.code.as_str(), "conflict");
    }
    assert_eq!(
        app.livechat_state(&token).await.status,
        LivechatStatus::Inactive
    );
}

#[tokio::test]
async fn closing_without_any_session_is_409_and_closing_twice_answers_the_same_closed_session() {
    let app = spawn_app().await;
    let token = app.token().await;
    let empty_body = app
        .client
        .post(app.url("/api/v1/chat/livechat/close"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let (status, _) = error_of(empty_body).await;
    assert_eq!(status, 409);

    app.handover(&token).await;
    let first: LivechatSession = app
        .client
        .post(app.url("/api/v1/chat/livechat/close"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(first.status, LivechatStatus::Closed);
    let version = app.livechat_state(&token).await.state_version;
    let second: LivechatSession = app
        .post_json(
            "/api/v1/chat/livechat/close",
            &token,
            &serde_json::json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second, first);
    assert_eq!(app.livechat_state(&token).await.state_version, version);
    // Nobody had joined, so there is nobody to rate.
    let state = app.livechat_state(&token).await;
    assert_eq!(state.feedback.unwrap().status, FeedbackStatus::NotAvailable);
}

#[tokio::test]
async fn a_livechat_send_or_typing_without_the_right_session_is_409() {
    let app = spawn_app().await;
    let token = app.token().await;
    let (status, envelope) = error_of(app.livechat_send(&token, "anyone?").await).await;
    assert_eq!(status, 409);
    assert!(envelope.error.message.contains("stale"));

    app.handover(&token).await;
    // Waiting: a message queues for the agent; typing is for active sessions only.
    assert_eq!(
        app.livechat_send(&token, "still there?").await.status(),
        200
    );
    let typing = app
        .post_json(
            "/api/v1/chat/livechat/typing",
            &token,
            &TypingRequest { is_typing: true },
        )
        .await;
    assert_eq!(error_of(typing).await.0, 409);

    app.post_json(
        "/api/v1/chat/livechat/close",
        &token,
        &serde_json::json!({}),
    )
    .await;
    let (status, _) = error_of(app.livechat_send(&token, "hello?").await).await;
    assert_eq!(status, 409, "a send into a closed session is stale");
}

#[tokio::test]
async fn feedback_is_accepted_once_and_only_when_pending() {
    let app = spawn_app().await;
    let (token, _session, session_token) = app.active_session("sam").await;
    let rate = |rating: u8| FeedbackRequest {
        rating,
        feedback: Some("Quick and kind".to_owned()),
    };
    let early = app
        .post_json("/api/v1/chat/livechat/feedback", &token, &rate(5))
        .await;
    assert_eq!(
        error_of(early).await.0,
        409,
        "not before the session closes"
    );

    assert_eq!(app.agent_close(&session_token, "sam").await.status(), 200);
    let out_of_range = app
        .post_json("/api/v1/chat/livechat/feedback", &token, &rate(6))
        .await;
    assert_eq!(error_of(out_of_range).await.0, 422);

    let response = app
        .post_json("/api/v1/chat/livechat/feedback", &token, &rate(5))
        .await;
    assert_eq!(response.status(), 200);
    let given: FeedbackResponse = response.json().await.unwrap();
    assert_eq!(given.status, FeedbackStatus::Submitted);
    assert_eq!(given.rating, 5);
    assert_eq!(given.feedback.as_deref(), Some("Quick and kind"));
    let state = app.livechat_state(&token).await;
    assert_eq!(state.feedback.unwrap().status, FeedbackStatus::Submitted);

    let twice = app
        .post_json("/api/v1/chat/livechat/feedback", &token, &rate(4))
        .await;
    assert_eq!(error_of(twice).await.0, 409);
}

#[tokio::test]
async fn messages_carry_growing_sequence_numbers_and_page_after_a_given_one() {
    let app = spawn_app().await;
    let (token, _session, session_token) = app.active_session("sam").await;
    for n in 0..3 {
        assert_eq!(
            app.livechat_send(&token, &format!("visitor {n}"))
                .await
                .status(),
            200
        );
        app.agent_says(&session_token, "sam", &format!("agent {n}"))
            .await;
    }
    let all = app.livechat_messages(&token, 0).await;
    assert!(!all.has_more);
    let numbers: Vec<u64> = all
        .messages
        .iter()
        .filter_map(|m| m.sequence_number)
        .collect();
    assert_eq!(numbers, (1..=8).collect::<Vec<_>>());
    let visitor = &all.messages[2];
    assert_eq!(visitor.role, Role::User);
    let agent = &all.messages[3];
    assert_eq!(agent.role, Role::Agent);
    assert_eq!(agent.agent.as_ref().unwrap().agent_id, "sam");

    let tail = app.livechat_messages(&token, 6).await;
    let numbers: Vec<u64> = tail
        .messages
        .iter()
        .filter_map(|m| m.sequence_number)
        .collect();
    assert_eq!(numbers, [7, 8]);
    let page: dialoge_api::livechat::LivechatMessages = app
        .get_json(
            "/api/v1/chat/livechat/messages?after_sequence_number=0&limit=3",
            &token,
        )
        .await;
    assert_eq!(page.messages.len(), 3);
    assert!(page.has_more);
    let bad = app
        .get(
            "/api/v1/chat/livechat/messages?after_sequence_number=-1",
            &token,
        )
        .await;
    assert_eq!(error_of(bad).await.0, 422);
}

/// Sends a visitor livechat text with an **(ours)** `Idempotency-Key`.
async fn send_with_key(app: &TestApp, token: &str, text: &str, key: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/chat/livechat/messages"))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(&SendMessage {
            message: OutgoingMessage {
                parts: vec![text_part(text)],
            },
            context: None,
        })
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn a_livechat_send_repeated_with_its_idempotency_key_is_the_same_message_not_a_second() {
    let app = spawn_app().await;
    let (token, _session, _) = app.active_session("sam").await;
    let first = send_with_key(&app, &token, "where is my parcel?", "k-1").await;
    assert_eq!(first.status(), 200);
    let first: dialoge_api::livechat::LivechatSendResponse = first.json().await.unwrap();
    // The reply was lost; the widget sends the same message with the same key.
    let again = send_with_key(&app, &token, "where is my parcel?", "k-1").await;
    assert_eq!(again.status(), 200);
    let again: dialoge_api::livechat::LivechatSendResponse = again.json().await.unwrap();
    assert_eq!(again.message.message_id, first.message.message_id);
    assert_eq!(again.message.sequence_number, first.message.sequence_number);
    // Another key is another message; no key is always a new one.
    assert_eq!(
        send_with_key(&app, &token, "and my refund?", "k-2")
            .await
            .status(),
        200
    );
    assert_eq!(app.livechat_send(&token, "thanks").await.status(), 200);
    let texts: Vec<String> = app
        .livechat_messages(&token, 0)
        .await
        .messages
        .iter()
        .filter(|m| m.role == Role::User)
        .map(|m| text_of(&m.parts))
        .collect();
    assert_eq!(texts, ["where is my parcel?", "and my refund?", "thanks"]);
    // A key that is not 1 to 255 visible characters is refused with the field named.
    let (status, envelope) = error_of(send_with_key(&app, &token, "hi", "has spaces").await).await;
    assert_eq!(status, 422);
    assert!(
        envelope.error.message.contains("Idempotency-Key"),
        "{}",
        envelope.error.message
    );
}

#[tokio::test]
async fn typing_shows_both_ways_and_clears_itself_when_not_refreshed() {
    let app = spawn_app().await;
    let (token, _session, session_token) = app.active_session("sam").await;
    assert_eq!(
        app.agent_typing(&session_token, "sam", true).await.status(),
        204
    );
    let typing = app.livechat_state(&token).await;
    assert!(typing.is_agent_typing);

    let visitor_typing = app
        .post_json(
            "/api/v1/chat/livechat/typing",
            &token,
            &TypingRequest { is_typing: true },
        )
        .await;
    assert_eq!(visitor_typing.status(), 204);
    let context: dialoge_api::livechat::AgentContext = app
        .get_json("/api/v1/chat/livechat/agent/context", &session_token)
        .await;
    assert!(context.is_customer_typing);

    app.clock.advance(Duration::from_secs(7));
    let cleared = app.livechat_state(&token).await;
    assert!(!cleared.is_agent_typing);
    assert!(cleared.state_version > typing.state_version);
    let context: dialoge_api::livechat::AgentContext = app
        .get_json("/api/v1/chat/livechat/agent/context", &session_token)
        .await;
    assert!(!context.is_customer_typing);

    // A refresh within the timeout keeps it on; an explicit stop clears it at once.
    app.agent_typing(&session_token, "sam", true).await;
    app.clock.advance(Duration::from_secs(4));
    app.agent_typing(&session_token, "sam", true).await;
    app.clock.advance(Duration::from_secs(4));
    assert!(app.livechat_state(&token).await.is_agent_typing);
    app.agent_typing(&session_token, "sam", false).await;
    assert!(!app.livechat_state(&token).await.is_agent_typing);
}

async fn sync(app: &TestApp, token: &str, query: &str) -> SyncResponse {
    app.get_json(&format!("/api/v1/chat/livechat/sync{query}"), token)
        .await
}

#[tokio::test]
async fn sync_answers_at_once_without_a_cursor_and_a_held_sync_wakes_on_a_change() {
    let app = spawn_app().await;
    let (token, _session, session_token) = app.active_session("sam").await;
    let first = sync(&app, &token, "").await;
    assert_eq!(first.state.status, LivechatStatus::Active);
    assert_eq!(first.messages.len(), 2);
    let cursor = first.sync_cursor.clone().unwrap();
    let last = first.messages.last().unwrap().sequence_number.unwrap();

    let held = {
        let base = app.base.clone();
        let token = token.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let response: SyncResponse = reqwest::Client::new()
                .get(format!(
                    "{base}/api/v1/chat/livechat/sync?after_sequence_number={last}&cursor={cursor}&wait_ms=10000"
                ))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            (response, started.elapsed())
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !held.is_finished(),
        "nothing changed yet, so the sync is held"
    );
    app.agent_says(&session_token, "sam", "Found your order")
        .await;
    let (response, elapsed) = held.await.unwrap();
    assert!(elapsed < Duration::from_secs(3), "woke after {elapsed:?}");
    assert_eq!(response.messages.len(), 1);
    assert_eq!(text_of(&response.messages[0].parts), "Found your order");
    assert_ne!(response.sync_cursor, first.sync_cursor);
}

#[tokio::test]
async fn a_held_sync_with_nothing_new_answers_after_wait_ms_with_the_same_cursor() {
    let app = spawn_app().await;
    let token = app.token().await;
    let first = sync(&app, &token, "").await;
    assert_eq!(first.state.status, LivechatStatus::Inactive);
    let cursor = first.sync_cursor.clone().unwrap();
    let started = Instant::now();
    let held = sync(&app, &token, &format!("?cursor={cursor}&wait_ms=400")).await;
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(400),
        "answered after {elapsed:?}"
    );
    assert!(
        elapsed < Duration::from_secs(3),
        "answered after {elapsed:?}"
    );
    assert_eq!(held.sync_cursor, first.sync_cursor);
    assert!(held.messages.is_empty());

    let bad = app
        .get("/api/v1/chat/livechat/sync?cursor=yesterday", &token)
        .await;
    let (status, envelope) = error_of(bad).await;
    assert_eq!(status, 422);
    assert_eq!(envelope.error.params[0].field, "cursor");
    let bad = app
        .get("/api/v1/chat/livechat/sync?wait_ms=soon", &token)
        .await;
    assert_eq!(error_of(bad).await.0, 422);
}

#[tokio::test]
async fn a_held_sync_wakes_when_the_agents_typing_clears_on_the_clock() {
    let app = spawn_app().await;
    let (token, _session, session_token) = app.active_session("sam").await;
    app.agent_typing(&session_token, "sam", true).await;
    let first = sync(&app, &token, "?after_sequence_number=2").await;
    assert!(first.state.is_agent_typing);
    let cursor = first.sync_cursor.clone().unwrap();
    let held = {
        let base = app.base.clone();
        let token = token.clone();
        tokio::spawn(async move {
            reqwest::Client::new()
                .get(format!(
                    "{base}/api/v1/chat/livechat/sync?after_sequence_number=2&cursor={cursor}&wait_ms=10000"
                ))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json::<SyncResponse>()
                .await
                .unwrap()
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    app.clock.advance(Duration::from_secs(10));
    let woke = tokio::time::timeout(Duration::from_secs(3), held)
        .await
        .expect("the sweep wakes the held sync")
        .unwrap();
    assert!(!woke.state.is_agent_typing);
    assert!(woke.state.state_version > first.state.state_version);
}

fn image_message(data: String) -> SendMessage {
    SendMessage {
        message: OutgoingMessage {
            parts: vec![
                text_part("Here is the damage"),
                InputPart::Image {
                    data,
                    mime: "image/png".to_owned(),
                    filename: "damage.png".to_owned(),
                },
            ],
        },
        context: None,
    }
}

fn image_url(parts: &[Part]) -> (String, String) {
    parts
        .iter()
        .find_map(|p| match p {
            Part::Image(image) => Some((image.url.clone(), image.url_expires_at.clone().unwrap())),
            _ => None,
        })
        .expect("an image part")
}

#[tokio::test]
async fn livechat_attachments_get_signed_urls_that_expire_and_die_with_the_visitor() {
    let app = spawn_app().await;
    let (token, _session, _session_token) = app.active_session("sam").await;
    let response = app
        .post_json(
            "/api/v1/chat/livechat/messages",
            &token,
            &image_message(tiny_png()),
        )
        .await;
    assert_eq!(response.status(), 200);
    let sent: dialoge_api::livechat::LivechatSendResponse = response.json().await.unwrap();
    let (url, expires_at) = image_url(&sent.message.parts);
    assert!(url.starts_with(&format!(
        "{}/api/v1/chat/livechat/attachments/att_",
        app.base
    )));
    assert!(url.contains("?token="));
    assert!(!expires_at.is_empty());

    let fetched = app.client.get(&url).send().await.unwrap();
    assert_eq!(fetched.status(), 200);
    assert_eq!(fetched.headers()["content-type"], "image/png");
    assert_eq!(fetched.headers()["x-content-type-options"], "nosniff");
    assert_eq!(
        fetched.bytes().await.unwrap(),
        STANDARD.decode(tiny_png()).unwrap()
    );

    let tampered = url.replace("?token=", "?token=1");
    let (status, _) = error_of(app.client.get(&tampered).send().await.unwrap()).await;
    assert_eq!(status, 403);

    app.clock.advance(Duration::from_secs(16 * 60));
    let (status, envelope) = error_of(app.client.get(&url).send().await.unwrap()).await;
    assert_eq!(status, 403);
    assert!(envelope.error.message.contains("expired"));

    // Refetching the message gives a fresh URL for the same attachment.
    let again = app.livechat_messages(&token, 0).await;
    let message = again
        .messages
        .iter()
        .find(|m| m.message_id == sent.message.message_id)
        .unwrap();
    let (fresh, _) = image_url(&message.parts);
    assert_ne!(fresh, url);
    assert_eq!(app.client.get(&fresh).send().await.unwrap().status(), 200);

    let deleted = app
        .client
        .delete(app.url("/api/v1/chat"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 200);
    let (status, _) = error_of(app.client.get(&fresh).send().await.unwrap()).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn an_agents_file_reaches_the_visitor_as_a_signed_file_part() {
    let app = spawn_app().await;
    let (token, session, _) = app.active_session("sam").await;
    let session_token = app.session_token(&session.livechat_session_id).await;
    let pdf = STANDARD.encode(b"%PDF-1.4 tiny");
    let response = app
        .post_json(
            "/api/v1/chat/livechat/agent/messages",
            &session_token,
            &serde_json::json!({"agent_id": "sam", "message": {"parts": [
                {"type": "text", "text": "Your invoice"},
                {"type": "file", "data": pdf, "mime": "application/pdf", "filename": "invoice.pdf"}
            ]}}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let transcript = app.livechat_messages(&token, 0).await.messages;
    let file = transcript
        .iter()
        .flat_map(|m| &m.parts)
        .find_map(|p| match p {
            Part::File(file) => Some(file.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(file.filename, "invoice.pdf");
    assert_eq!(file.size_bytes, Some(13));
    let fetched = app.client.get(&file.url).send().await.unwrap();
    assert_eq!(fetched.status(), 200);
    assert!(fetched.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
}

#[tokio::test]
async fn visitor_attachments_are_refused_when_switched_off_or_over_the_size_limit() {
    let app = spawn_app().await;
    let (token, _, _) = app.active_session("sam").await;
    app.livechat_settings(&LivechatSettings {
        enabled: true,
        attachments_enabled: true,
        max_attachment_size_bytes: Some(10),
        ..LivechatSettings::default()
    })
    .await;
    let too_big = app
        .post_json(
            "/api/v1/chat/livechat/messages",
            &token,
            &image_message(tiny_png()),
        )
        .await;
    let (status, envelope) = error_of(too_big).await;
    assert_eq!(status, 422);
    assert_eq!(envelope.error.params[0].field, "message.parts.1.data");

    app.livechat_settings(&LivechatSettings {
        enabled: true,
        attachments_enabled: false,
        ..LivechatSettings::default()
    })
    .await;
    let off = app
        .post_json(
            "/api/v1/chat/livechat/messages",
            &token,
            &image_message(tiny_png()),
        )
        .await;
    let (status, envelope) = error_of(off).await;
    assert_eq!(status, 422);
    assert!(envelope.error.message.contains("switched off"));
}

fn livechat_block(config: Config) -> (AvailabilityStatus, Option<AvailabilityReason>) {
    let block = config.livechat.expect("a livechat block");
    (block.availability_status, block.availability_reason)
}

#[tokio::test]
async fn the_config_livechat_block_follows_the_settings_and_the_working_hours() {
    let app = spawn_app().await;
    let token = app.token().await;
    let config: Config = app.get_json("/api/v1/chat/config", &token).await;
    let block = config.livechat.clone().unwrap();
    assert!(block.enabled && block.configured && block.attachments_enabled);
    assert_eq!(block.max_attachment_size_bytes, Some(5 * 1024 * 1024));
    assert_eq!(
        livechat_block(config),
        (AvailabilityStatus::Live, Some(AvailabilityReason::AlwaysOn))
    );

    let cases = [
        (
            LivechatSettings::default(),
            (AvailabilityStatus::Offline, AvailabilityReason::Disabled),
        ),
        (
            LivechatSettings {
                enabled: true,
                manual_override: Some(ManualOverride::Offline),
                ..LivechatSettings::default()
            },
            (
                AvailabilityStatus::Offline,
                AvailabilityReason::ManualOffline,
            ),
        ),
        (
            LivechatSettings {
                enabled: true,
                manual_override: Some(ManualOverride::Live),
                working_hours: Some(WorkingHours {
                    timezone: "UTC".to_owned(),
                    days: Vec::new(),
                }),
                ..LivechatSettings::default()
            },
            (AvailabilityStatus::Live, AvailabilityReason::ManualLive),
        ),
    ];
    for (settings, (status, reason)) in cases {
        app.livechat_settings(&settings).await;
        let config: Config = app.get_json("/api/v1/chat/config", &token).await;
        assert_eq!(
            livechat_block(config),
            (status, Some(reason)),
            "{settings:?}"
        );
    }

    let weekdays = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
    ];
    app.livechat_settings(&LivechatSettings {
        enabled: true,
        working_hours: Some(WorkingHours {
            timezone: "Europe/Copenhagen".to_owned(),
            days: weekdays
                .into_iter()
                .map(|day| WorkingDay {
                    day,
                    open: "09:00".to_owned(),
                    close: "17:00".to_owned(),
                })
                .collect(),
        }),
        ..LivechatSettings::default()
    })
    .await;
    // Monday 16 June 2025, 07:30 UTC = 09:30 in Copenhagen (summer time): open.
    app.clock
        .set(UNIX_EPOCH + Duration::from_secs(1_750_059_000));
    let token = app.token().await;
    let config: Config = app.get_json("/api/v1/chat/config", &token).await;
    assert_eq!(
        livechat_block(config),
        (
            AvailabilityStatus::Live,
            Some(AvailabilityReason::WithinWorkingHours)
        )
    );
    // 15:30 UTC = 17:30 local: closed, and a handover is refused.
    app.clock.advance(Duration::from_secs(8 * 3600));
    let token = app.token_for(&token).await;
    let config: Config = app.get_json("/api/v1/chat/config", &token).await;
    assert_eq!(
        livechat_block(config),
        (
            AvailabilityStatus::Offline,
            Some(AvailabilityReason::OutsideWorkingHours)
        )
    );
    let refused = app
        .post_json(
            "/api/v1/chat/livechat/handover",
            &token,
            &serde_json::json!({"source": "manual_button"}),
        )
        .await;
    assert_eq!(error_of(refused).await.0, 409);
}

#[tokio::test]
async fn settings_with_an_unknown_timezone_or_a_reversed_window_are_422() {
    let app = spawn_app().await;
    let response = app
        .key_put(
            "/api/v1/chat/livechat/settings",
            &serde_json::json!({"enabled": true, "working_hours": {"timezone": "Mars/Base",
                "days": [{"day": "monday", "open": "17:00", "close": "09:00"}]}}),
        )
        .await;
    let (status, envelope) = error_of(response).await;
    assert_eq!(status, 422);
    let fields: Vec<&str> = envelope
        .error
        .params
        .iter()
        .map(|p| p.field.as_str())
        .collect();
    assert_eq!(
        fields,
        ["working_hours.timezone", "working_hours.days.0.close"]
    );
    let settings: dialoge_api::livechat::LivechatSettingsResponse =
        app.key_get("/api/v1/chat/livechat/settings").await;
    assert!(settings.settings.enabled && settings.settings.working_hours.is_none());
}

#[tokio::test]
async fn a_marker_handover_marks_the_marker_used_and_an_unknown_marker_is_422() {
    let app = spawn_app().await;
    let token = app.token().await;
    let reply = app.send(&token, "Can I talk to a human?").await;
    let marker = reply
        .done_message()
        .parts
        .iter()
        .find(|p| matches!(p, Part::RequestHumanAgent(_)))
        .and_then(|p| p.part_id().map(str::to_owned))
        .unwrap();
    let unknown = app
        .post_json(
            "/api/v1/chat/livechat/handover",
            &token,
            &serde_json::json!({"source": "assistant_marker", "part_id": "part_999"}),
        )
        .await;
    assert_eq!(error_of(unknown).await.0, 422);
    let response = app
        .post_json(
            "/api/v1/chat/livechat/handover",
            &token,
            &serde_json::json!({"platform": "website", "source": "assistant_marker", "part_id": marker,
                "client_context": {"language": "da-DK", "current_page_url": "http://shop/products/tee"}}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let session: LivechatSession = response.json().await.unwrap();
    assert_eq!(session.language.as_deref(), Some("da"));
    let history: dialoge_api::history::HistoryPage =
        app.get_json("/api/v1/chat/messages", &token).await;
    let used = history
        .messages
        .iter()
        .flat_map(|m| &m.parts)
        .find(|p| p.part_id() == Some(marker.as_str()))
        .unwrap();
    assert_eq!(used.submitted(), Some(true));
}

#[tokio::test]
async fn closed_sessions_are_purged_after_their_retention_days() {
    let app = spawn_app().await;
    app.livechat_settings(&LivechatSettings {
        enabled: true,
        retention_days: Some(1),
        ..LivechatSettings::default()
    })
    .await;
    let (token, _, session_token) = app.active_session("sam").await;
    app.agent_close(&session_token, "sam").await;
    assert_eq!(app.livechat_messages(&token, 0).await.messages.len(), 3);
    let version = app.livechat_state(&token).await.state_version;
    app.clock.advance(Duration::from_secs(25 * 3600));
    let token = app.token_for(&token).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while !app.livechat_messages(&token, 0).await.messages.is_empty() {
        assert!(
            Instant::now() < deadline,
            "the sweep never purged the session"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let state = app.livechat_state(&token).await;
    assert_eq!(state.status, LivechatStatus::Inactive);
    assert!(state.state_version > version);
}
