//! Fault switches: each one proven against a real request.

use std::time::{Duration, Instant};

use dialoge_api::error::ErrorCode;
use dialoge_api::history::HistoryPage;
use dialoge_api::sse::SseEnd;
use dialoge_api::stream::StreamEvent;
use dialoge_sandbox::stores::faults::{Fault, FaultList, FaultRequest};

use crate::common::{error_of, spawn_app, spawn_with, visible_text};

const MESSAGES: &str = "/api/v1/chat/messages";
const CONFIG: &str = "/api/v1/chat/config";

fn fault(path: &str, fault: Fault, count: u32) -> FaultRequest {
    FaultRequest {
        path: path.to_owned(),
        method: None,
        fault,
        count,
    }
}

#[tokio::test]
async fn a_status_fault_answers_the_next_n_requests_with_that_envelope_then_stops() {
    let app = spawn_app().await;
    let token = app.token().await;
    for (status, code) in [
        (401, ErrorCode::Unauthorized),
        (403, ErrorCode::Forbidden),
        (409, ErrorCode::Conflict),
        (500, ErrorCode::Internal),
    ] {
        app.arm(fault(
            CONFIG,
            Fault::Status {
                status,
                retry_after: None,
            },
            2,
        ))
        .await;
        for _ in 0..2 {
            let (got, envelope) = error_of(app.get(CONFIG, &token).await).await;
            assert_eq!(got, status);
            assert_eq!(envelope.error.code, code);
            assert!(envelope.error.message.contains("Injected fault"));
        }
        assert_eq!(
            app.get(CONFIG, &token).await.status(),
            200,
            "used up after 2"
        );
    }
}

#[tokio::test]
async fn a_429_fault_sends_retry_after_visible_to_cors_clients() {
    let app = spawn_app().await;
    let token = app.token().await;
    app.arm(fault(
        MESSAGES,
        Fault::Status {
            status: 429,
            retry_after: Some(7),
        },
        1,
    ))
    .await;
    let response = app
        .client
        .post(app.url(MESSAGES))
        .bearer_auth(&token)
        .header("origin", "http://allowed.example")
        .json(&dialoge_api::send::SendMessage {
            message: dialoge_api::send::OutgoingMessage {
                parts: vec![crate::common::text_part("hi")],
            },
            context: None,
        })
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["retry-after"], "7");
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "http://allowed.example"
    );
    let (status, envelope) = error_of(response).await;
    assert_eq!((status, envelope.error.code), (429, ErrorCode::RateLimited));
    let page: HistoryPage = app.get_json(MESSAGES, &token).await;
    assert!(page.messages.is_empty(), "a refused send creates no turn");
}

#[tokio::test]
async fn a_method_filter_keeps_a_history_load_from_using_up_a_send_fault() {
    let app = spawn_app().await;
    let token = app.token().await;
    let mut request = fault(
        MESSAGES,
        Fault::Status {
            status: 500,
            retry_after: None,
        },
        1,
    );
    request.method = Some("POST".to_owned());
    app.arm(request).await;
    assert_eq!(app.get(MESSAGES, &token).await.status(), 200);
    assert_eq!(app.send(&token, "hi").await.status, 500);
}

#[tokio::test]
async fn a_drop_fault_ends_the_body_after_n_events_without_a_terminal_event() {
    let app = spawn_app().await;
    let token = app.token().await;
    app.arm(fault(MESSAGES, Fault::Drop { after_events: 5 }, 1))
        .await;
    let dropped = app.send_keyed(&token, "returns", "k-drop").await;
    assert_eq!(dropped.status, 200);
    assert_eq!(dropped.events.len(), 5);
    assert!(!dropped.events.iter().any(StreamEvent::is_terminal));
    assert_eq!(
        dropped.end,
        SseEnd::Clean,
        "the body ends on a frame boundary"
    );

    // The reply was still generated: a retry with the same key replays it, no second turn.
    let retried = app.send_keyed(&token, "returns", "k-drop").await;
    assert_eq!(retried.names(), ["status", "done"]);
    let page: HistoryPage = app.get_json(MESSAGES, &token).await;
    assert_eq!(page.messages.len(), 2);
    assert_eq!(&page.messages[0], retried.done_message());
}

#[tokio::test]
async fn a_byte_by_byte_fault_delivers_the_same_events_in_tiny_chunks() {
    let app = spawn_app().await;
    let token = app.token().await;
    let whole = app.send(&token, "returns").await;
    app.arm(fault(MESSAGES, Fault::ByteByByte, 1)).await;
    let trickled = app.send(&token, "returns").await;
    trickled.assert_consistent();
    assert_eq!(trickled.names(), whole.names());
    assert!(
        trickled.chunks > whole.chunks * 10 && trickled.chunks > trickled.raw.len() / 20,
        "{} chunks for {} bytes (whole stream: {} chunks)",
        trickled.chunks,
        trickled.raw.len(),
        whole.chunks
    );
}

#[tokio::test]
async fn a_delay_fault_holds_the_answer_back() {
    let app = spawn_app().await;
    let token = app.token().await;
    app.arm(fault(CONFIG, Fault::Delay { ms: 1000 }, 1)).await;
    let started = Instant::now();
    assert_eq!(app.get(CONFIG, &token).await.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(1000));
    // Used up: the next one is not held (a wide margin, for busy machines).
    let started = Instant::now();
    app.get(CONFIG, &token).await;
    assert!(started.elapsed() < Duration::from_millis(1000));
}

#[tokio::test]
async fn a_stall_fault_sends_only_keep_alives_for_a_while_then_finishes() {
    let app = spawn_with(|options| options.keepalive = Duration::from_millis(50)).await;
    let token = app.token().await;
    app.arm(fault(
        MESSAGES,
        Fault::Stall {
            ms: 400,
            after_events: 2,
        },
        1,
    ))
    .await;
    // Timed around the whole request: the stall may begin before the client has read the
    // response headers, so timing only the body would be flaky on a busy machine.
    let started = Instant::now();
    let stalled = app.send(&token, "returns").await;
    stalled.assert_consistent();
    assert!(started.elapsed() >= Duration::from_millis(400));
    // The keep-alives sit between `processing` and the first part event.
    let text = String::from_utf8_lossy(&stalled.raw);
    let processing = text.find(r#""status":"processing""#).unwrap();
    let first_delta = text.find("event: part_delta").unwrap();
    let keep_alives = text[processing..first_delta]
        .matches(": keep-alive")
        .count();
    // 8 at 50 ms on an idle machine; a loaded one may oversleep, so ask for a few.
    assert!(
        keep_alives >= 3,
        "{keep_alives} keep-alives during a 400 ms stall"
    );
}

#[tokio::test]
async fn faults_are_listed_and_cleared() {
    let app = spawn_app().await;
    app.arm(fault(CONFIG, Fault::Delay { ms: 10 }, 3)).await;
    let listed: FaultList = app
        .client
        .get(app.url("/sandbox/faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.faults.len(), 1);
    assert_eq!(listed.faults[0].count, 3);
    let cleared: FaultList = app
        .client
        .delete(app.url("/sandbox/faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(cleared.faults.is_empty());
}

#[tokio::test]
async fn the_documented_json_shape_arms_a_fault() {
    let app = spawn_app().await;
    let token = app.token().await;
    let response = app
        .arm_json(r#"{"path": "/api/v1/chat/config", "fault": "status", "status": 429, "retry_after": 3, "count": 1}"#)
        .await;
    assert_eq!(response.status(), 201);
    let response = app.get(CONFIG, &token).await;
    assert_eq!(response.headers()["retry-after"], "3");
}

#[tokio::test]
async fn an_invalid_fault_is_a_422() {
    let app = spawn_app().await;
    let (status, envelope) = error_of(
        app.arm_json(r#"{"path": "api", "fault": "status", "status": 200, "count": 0}"#)
            .await,
    )
    .await;
    assert_eq!(status, 422);
    let fields: Vec<_> = envelope
        .error
        .params
        .iter()
        .map(|p| p.field.as_str())
        .collect();
    assert_eq!(fields, ["path", "count", "status"]);
    let (status, _) = error_of(app.arm_json(r#"{"path": "/x", "fault": "explode"}"#).await).await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn a_trailing_star_faults_every_path_under_it_and_a_star_elsewhere_is_a_422() {
    let app = spawn_app().await;
    let token = app.token().await;
    app.arm(fault(
        "/api/v1/chat/con*",
        Fault::Status {
            status: 403,
            retry_after: None,
        },
        1,
    ))
    .await;
    let (status, _) = error_of(app.get(CONFIG, &token).await).await;
    assert_eq!(status, 403, "the prefix names /config");
    assert_eq!(app.get(CONFIG, &token).await.status(), 200, "used up");

    let (status, envelope) = error_of(
        app.arm_json(r#"{"path": "/api/*/config", "fault": "status", "status": 500}"#)
            .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(envelope.error.params[0].field, "path");
}

#[tokio::test]
async fn fault_switches_do_not_exist_outside_development_mode() {
    let app = spawn_with(|options| options.dev_mode = false).await;
    let (status, _) = error_of(
        app.arm_json(r#"{"path": "/x", "fault": "delay", "ms": 1}"#)
            .await,
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_shop_token_endpoint_can_be_faulted_too() {
    let app = spawn_app().await;
    app.arm(fault(
        "/shop/chat-token",
        Fault::Status {
            status: 500,
            retry_after: None,
        },
        1,
    ))
    .await;
    let response = app
        .client
        .post(app.url("/shop/chat-token"))
        .json(&dialoge_sandbox::routes::shop::ChatTokenRequest {
            chatbot_id: "shop-bot".to_owned(),
            visitor_token: None,
        })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 500);
}

#[tokio::test]
async fn the_sandbox_keeps_its_own_record_of_the_requests_it_saw_until_told_to_forget() {
    let app = spawn_app().await;
    let token = app.token().await;
    let before = app.clock.now().unix_millis();
    assert_eq!(app.get(CONFIG, &token).await.status(), 200);
    let seen: dialoge_sandbox::stores::faults::SeenList = app
        .client
        .get(app.url("/sandbox/requests"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    let config = seen
        .requests
        .iter()
        .find(|r| r.path == CONFIG)
        .expect("the /config request is recorded");
    assert_eq!(config.method, "GET");
    assert!(config.at_ms >= before);
    assert_eq!(config.fault, None, "no fault was armed");
    // The token endpoint and the API are both recorded; the record itself is not.
    assert!(seen
        .requests
        .iter()
        .all(|r| !r.path.starts_with("/sandbox/")));

    let cleared: dialoge_sandbox::stores::faults::SeenList = app
        .client
        .delete(app.url("/sandbox/requests"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert!(cleared.requests.is_empty());
}

#[tokio::test]
async fn the_record_names_the_fault_each_request_got() {
    let app = spawn_app().await;
    let token = app.token().await;
    app.arm(fault(
        CONFIG,
        Fault::Status {
            status: 429,
            retry_after: Some(3),
        },
        1,
    ))
    .await;
    assert_eq!(app.get(CONFIG, &token).await.status(), 429);
    assert_eq!(app.get(CONFIG, &token).await.status(), 200);
    let seen: dialoge_sandbox::stores::faults::SeenList = app
        .client
        .get(app.url("/sandbox/requests"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    let config: Vec<_> = seen
        .requests
        .iter()
        .filter(|r| r.path == CONFIG)
        .map(|r| r.fault.as_deref())
        .collect();
    assert_eq!(config, [Some("status 429"), None]);
}

#[tokio::test]
async fn a_scripted_reply_answers_the_next_turn_verbatim_then_the_scenarios_resume() {
    let app = spawn_app().await;
    let token = app.token().await;
    let response = app
        .client
        .post(app.url("/sandbox/replies"))
        .header("content-type", "application/json")
        .body(r#"{"parts":[{"type":"quick_replies","part_id":"x","replies":["<b>one</b>","javascript:two"]},{"type":"file","filename":"a\"<b>.pdf","url":"{origin}/f.pdf"}]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let scripted = app.send(&token, "what is your return policy?").await;
    scripted.assert_consistent();
    let parts = scripted.final_parts();
    assert_eq!(parts.len(), 2, "{parts:?}");
    match parts[0] {
        dialoge_api::message::Part::QuickReplies(q) => {
            assert_eq!(q.replies, ["<b>one</b>", "javascript:two"]);
            assert_ne!(q.part_id, "x", "a scripted part gets a fresh id");
        }
        other => panic!("{other:?}"),
    }
    match parts[1] {
        dialoge_api::message::Part::File(f) => {
            assert_eq!(f.filename, "a\"<b>.pdf");
            assert_eq!(f.url, format!("{}/f.pdf", app.base));
        }
        other => panic!("{other:?}"),
    }
    // Used up: the scenario answers again.
    let next = app.send(&token, "what is your return policy?").await;
    assert!(visible_text(&next.done_message().parts).contains("return"));
}
