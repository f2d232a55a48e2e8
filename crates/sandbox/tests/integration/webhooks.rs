//! Webhooks: signatures checked with an independent HMAC, retries with attempt numbers, replay
//! with the same event id, expiry, every event type along the livechat flow, and the inbox.

use std::collections::BTreeSet;
use std::time::Duration;

use dialoge_api::actions::DeleteResponse;
use dialoge_api::livechat::{AgentContext, TypingRequest, WebhookConfig, WebhookSubscription};
use dialoge_api::webhook::{Environment, WebhookEventRecord, WebhookEventStatus, WebhookEventType};
use dialoge_sandbox::stores::webhooks::InboxList;

use crate::common::{error_of, lower_hex, rfc2104_hmac_sha256, spawn_app, spawn_with, Receiver};

const SECRET: &str = "whsec_test_0123456789";

#[test]
fn the_independent_hmac_matches_the_rfc_4231_test_vectors() {
    // Test case 1 (short key) and test case 6 (a key longer than the block).
    assert_eq!(
        lower_hex(&rfc2104_hmac_sha256(&[0x0b; 20], b"Hi There")),
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
    );
    assert_eq!(
        lower_hex(&rfc2104_hmac_sha256(
            &[0xaa; 131],
            b"Test Using Larger Than Block-Size Key - Hash Key First"
        )),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    );
}

#[tokio::test]
async fn a_handover_webhook_is_signed_and_its_session_token_works_for_the_agent() {
    let app = spawn_app().await;
    let receiver = Receiver::start(0).await;
    app.subscribe(&receiver.url, SECRET).await;
    let token = app.token().await;
    app.send(&token, "I need a human").await;
    let session = app.handover(&token).await;
    let caught = receiver.wait_for(1).await.remove(0);

    assert_eq!(caught.header("x-di-event"), "livechat.handover.requested");
    assert_eq!(caught.header("x-di-attempt"), "1");
    assert_eq!(caught.header("x-di-environment"), "test");
    assert!(caught.header("x-di-delivery-id").starts_with("dlv_"));
    let timestamp = caught.header("x-di-timestamp");
    assert_eq!(timestamp, app.clock.unix_secs().to_string());
    let mut signed = format!("{timestamp}.").into_bytes();
    signed.extend_from_slice(&caught.body);
    let expected = lower_hex(&rfc2104_hmac_sha256(SECRET.as_bytes(), &signed));
    assert_eq!(caught.header("x-di-signature"), expected);

    let envelope = caught.envelope();
    assert!(envelope.event_id.starts_with("evt_"));
    assert_eq!(envelope.event_type, WebhookEventType::HandoverRequested);
    assert_eq!(envelope.environment, Environment::Test);
    let data = caught.data();
    assert_eq!(data.chatbot.unwrap().id, "shop-bot");
    let visitor = data.visitor.unwrap();
    assert_eq!(visitor.id, app.claims(&token).sub);
    assert!(visitor.session_id.is_some());
    assert_eq!(data.language.as_deref(), Some("en"));
    assert_eq!(data.conversation.len(), 2, "the prior conversation");
    let live = data.livechat_session.unwrap();
    assert_eq!(live.id, session.livechat_session_id);
    let session_token = live.token.expect("a session token");
    assert!(live.token_expires_at.is_some());
    let context: AgentContext = app
        .get_json("/api/v1/chat/livechat/agent/context", &session_token)
        .await;
    assert_eq!(
        context.session.livechat_session_id,
        session.livechat_session_id
    );

    let events = app
        .wait_for_events("", |events| {
            events
                .first()
                .is_some_and(|e| e.status == WebhookEventStatus::Delivered)
        })
        .await;
    assert_eq!(events[0].event_id, envelope.event_id);
    assert_eq!(events[0].attempts, 1);
    assert_eq!(events[0].last_response_status, Some(204));
    assert_eq!(events[0].payload, envelope);
}

#[tokio::test]
async fn a_failing_receiver_is_retried_with_counting_attempts_and_the_same_event_id() {
    let app = spawn_app().await;
    let receiver = Receiver::start(2).await;
    app.subscribe(&receiver.url, SECRET).await;
    let token = app.token().await;
    app.handover(&token).await;
    let caught = receiver.wait_for(3).await;
    let attempts: Vec<String> = caught.iter().map(|c| c.header("x-di-attempt")).collect();
    assert_eq!(attempts, ["1", "2", "3"]);
    let ids: BTreeSet<String> = caught.iter().map(|c| c.envelope().event_id).collect();
    assert_eq!(ids.len(), 1, "retries reuse the event id");
    let deliveries: BTreeSet<String> = caught
        .iter()
        .map(|c| c.header("x-di-delivery-id"))
        .collect();
    assert_eq!(deliveries.len(), 3, "each attempt is its own delivery");
    assert!(
        caught.iter().all(|c| c.body == caught[0].body),
        "the same bytes every time"
    );

    let events = app
        .wait_for_events("?status=delivered", |events| !events.is_empty())
        .await;
    assert_eq!(events[0].attempts, 3);
    assert!(events[0].delivered_at.is_some());
}

#[tokio::test]
async fn an_event_whose_retries_run_out_is_dead_and_a_replay_delivers_it_with_the_same_event_id() {
    let app = spawn_app().await;
    // Three failures: the first attempt and both retries of the test schedule.
    let receiver = Receiver::start(3).await;
    app.subscribe(&receiver.url, SECRET).await;
    let token = app.token().await;
    app.handover(&token).await;
    let events = app
        .wait_for_events("?status=dead", |events| !events.is_empty())
        .await;
    let dead = &events[0];
    assert_eq!(dead.attempts, 3);
    assert_eq!(dead.last_response_status, Some(500));
    assert!(dead.last_error.as_deref().unwrap().contains("500"));

    let replay = app
        .with_key(
            reqwest::Method::POST,
            &format!("/api/v1/chat/events/{}/replay", dead.event_id),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 202);
    let caught = receiver.wait_for(4).await;
    let replayed = &caught[3];
    assert_eq!(replayed.envelope().event_id, dead.event_id);
    assert_eq!(replayed.header("x-di-attempt"), "4");
    let record: WebhookEventRecord = app
        .wait_for_events("", |events| {
            events[0].status == WebhookEventStatus::Delivered
        })
        .await
        .remove(0);
    assert_eq!(record.event_id, dead.event_id);

    // A delivered event can be replayed again (receivers de-duplicate on event_id).
    let again = app
        .with_key(
            reqwest::Method::POST,
            &format!("/api/v1/chat/events/{}/replay", dead.event_id),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 202);
    assert_eq!(
        receiver.wait_for(5).await[4].envelope().event_id,
        dead.event_id
    );
    let unknown = app
        .with_key(reqwest::Method::POST, "/api/v1/chat/events/evt_nope/replay")
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(unknown).await.0, 404);
}

#[tokio::test]
async fn events_expire_after_thirty_days_and_never_delivered_ones_are_marked_dead() {
    // Retries so slow that the undelivered event is still waiting for one at expiry.
    let app = spawn_with(|options| {
        options.webhook_retry_delays = vec![Duration::from_secs(3600)];
    })
    .await;
    let delivered_to = Receiver::start(0).await;
    app.subscribe(&delivered_to.url, SECRET).await;
    let first = app.token().await;
    app.handover(&first).await;
    let delivered = app
        .wait_for_events("?status=delivered", |events| events.len() == 1)
        .await
        .remove(0);

    let failing = Receiver::start(usize::MAX).await;
    app.subscribe(&failing.url, SECRET).await;
    let second = app.token().await;
    app.handover(&second).await;
    let undelivered = app
        .wait_for_events("?status=failed", |events| events.len() == 1)
        .await
        .remove(0);
    assert!(undelivered.next_attempt_at.is_some());

    app.clock.advance(Duration::from_secs(29 * 86_400));
    assert_eq!(app.events("").await.len(), 2, "still listable on day 29");
    app.clock.advance(Duration::from_secs(2 * 86_400));
    assert!(app.events("").await.is_empty());
    for (event, words) in [
        (&delivered, "had been delivered"),
        (&undelivered, "never delivered and was marked dead"),
    ] {
        let response = app
            .with_key(
                reqwest::Method::GET,
                &format!("/api/v1/chat/events/{}", event.event_id),
            )
            .send()
            .await
            .unwrap();
        let (status, envelope) = error_of(response).await;
        assert_eq!(status, 404);
        assert!(
            envelope.error.message.contains("expired"),
            "{}",
            envelope.error.message
        );
        assert!(
            envelope.error.message.contains(words),
            "{}",
            envelope.error.message
        );
        let replay = app
            .with_key(
                reqwest::Method::POST,
                &format!("/api/v1/chat/events/{}/replay", event.event_id),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(error_of(replay).await.0, 404);
    }
}

#[tokio::test]
async fn every_event_type_is_sent_along_the_livechat_flow_and_after_a_deletion() {
    let app = spawn_app().await;
    let receiver = Receiver::start(0).await;
    app.subscribe(&receiver.url, SECRET).await;
    let token = app.token().await;
    let session = app.handover(&token).await;
    app.send(&token, "What is your return policy?").await;
    app.livechat_send(&token, "While I wait: hello").await;
    let session_token = app.session_token(&session.livechat_session_id).await;
    app.agent_says(&session_token, "sam", "Hi, Sam here").await;
    app.livechat_send(&token, "My parcel is late").await;
    for is_typing in [true, false] {
        app.post_json(
            "/api/v1/chat/livechat/typing",
            &token,
            &TypingRequest { is_typing },
        )
        .await;
    }
    app.agent_close(&session_token, "sam").await;
    app.post_json(
        "/api/v1/chat/livechat/feedback",
        &token,
        &serde_json::json!({"rating": 4}),
    )
    .await;
    let deleted: DeleteResponse = app
        .client
        .delete(app.url("/api/v1/chat"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(deleted.deleted.livechat_sessions, 1);

    let caught = receiver.wait_for(10).await;
    let types: BTreeSet<String> = caught.iter().map(|c| c.header("x-di-event")).collect();
    let expected: BTreeSet<String> = [
        "livechat.handover.requested",
        "livechat.waiting.customer.message.created",
        "livechat.waiting.assistant.message.created",
        "livechat.customer.message.created",
        "livechat.customer.typing.started",
        "livechat.customer.typing.stopped",
        "livechat.session.closed",
        "livechat.feedback.submitted",
        "visitor.data.deleted",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(types, expected);

    let waiting = receiver.of_type("livechat.waiting.customer.message.created");
    assert_eq!(
        waiting.len(),
        2,
        "one via /messages, one via /livechat/messages"
    );
    let closed = receiver.of_type("livechat.session.closed")[0].data();
    assert_eq!(
        closed
            .livechat_session
            .unwrap()
            .closed_by_agent_id
            .as_deref(),
        Some("sam")
    );
    let feedback = receiver.of_type("livechat.feedback.submitted")[0].data();
    assert_eq!(feedback.feedback.unwrap().rating, 4);
    let deletion = receiver.of_type("visitor.data.deleted")[0].data();
    let visitor = deletion.visitor.unwrap();
    assert_eq!(visitor.id, app.claims(&token).sub);
    assert!(visitor.session_id.is_some());
    let details = deletion.deletion.unwrap();
    assert_eq!(details.reason, "user_request");
    assert_eq!(details.counts, deleted.deleted);
    assert!(caught.iter().all(|c| {
        let mut signed = format!("{}.", c.header("x-di-timestamp")).into_bytes();
        signed.extend_from_slice(&c.body);
        c.header("x-di-signature") == lower_hex(&rfc2104_hmac_sha256(SECRET.as_bytes(), &signed))
    }));
}

#[tokio::test]
async fn unsubscribed_events_and_events_without_a_webhook_are_logged_as_skipped() {
    let app = spawn_app().await;
    let first = app.token().await;
    app.handover(&first).await;
    let skipped = app.events("?status=skipped").await;
    assert_eq!(skipped.len(), 1);
    assert!(skipped[0]
        .last_error
        .as_deref()
        .unwrap()
        .contains("No webhook"));

    let receiver = Receiver::start(0).await;
    let response = app
        .key_put(
            "/api/v1/chat/webhooks",
            &WebhookConfig {
                url: receiver.url.clone(),
                signing_secret: SECRET.to_owned(),
                events: vec![WebhookEventType::SessionClosed],
            },
        )
        .await;
    let subscription: WebhookSubscription = response.json().await.unwrap();
    assert_eq!(subscription.events, [WebhookEventType::SessionClosed]);
    let second = app.token().await;
    app.handover(&second).await;
    app.post_json(
        "/api/v1/chat/livechat/close",
        &second,
        &serde_json::json!({}),
    )
    .await;
    let caught = receiver.wait_for(1).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.caught().len(), 1);
    assert_eq!(caught[0].header("x-di-event"), "livechat.session.closed");
    let handovers = app.events("?type=livechat.handover.requested").await;
    assert!(handovers
        .iter()
        .all(|e| e.status == WebhookEventStatus::Skipped));

    // A skipped event can still be replayed once a webhook listens.
    let replay = app
        .with_key(
            reqwest::Method::POST,
            &format!("/api/v1/chat/events/{}/replay", skipped[0].event_id),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 202);
    assert_eq!(
        receiver.wait_for(2).await[1].header("x-di-event"),
        "livechat.handover.requested"
    );
}

#[tokio::test]
async fn a_webhook_must_be_plain_http_with_a_secret_and_known_events() {
    let app = spawn_app().await;
    let response = app
        .key_put(
            "/api/v1/chat/webhooks",
            &serde_json::json!({"url": "https://agents.example/hook", "signing_secret": "",
                "events": ["livechat.teleported"]}),
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
    assert_eq!(fields, ["url", "signing_secret", "events.0"]);
    assert!(envelope.error.params[0].message.contains("TLS"));
    let none = app
        .with_key(reqwest::Method::GET, "/api/v1/chat/webhooks")
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(none).await.0, 404);
}

#[tokio::test]
async fn the_development_inbox_catches_deliveries_checks_signatures_and_can_be_made_to_fail() {
    let app = spawn_app().await;
    app.subscribe(&app.url("/sandbox/webhook-inbox"), SECRET)
        .await;
    app.arm_json(
        r#"{"path": "/sandbox/webhook-inbox", "method": "POST", "fault": "status", "status": 503}"#,
    )
    .await;
    let token = app.token().await;
    app.handover(&token).await;
    let events = app
        .wait_for_events("?status=delivered", |events| !events.is_empty())
        .await;
    assert_eq!(
        events[0].attempts, 2,
        "the armed fault failed the first attempt"
    );
    let inbox: InboxList = app
        .client
        .get(app.url("/sandbox/webhook-inbox"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(inbox.deliveries.len(), 1);
    let delivery = &inbox.deliveries[0];
    assert_eq!(delivery.event, "livechat.handover.requested");
    assert_eq!(delivery.attempt, "2");
    assert!(delivery.signature_valid);
    let token_in_body = delivery.body.as_ref().unwrap().data["livechat_session"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(token_in_body.starts_with("lst_"));
    let cleared = app
        .client
        .delete(app.url("/sandbox/webhook-inbox"))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), 204);
}
