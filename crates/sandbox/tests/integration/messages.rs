//! `POST /messages` (the stream, visitor tokens, idempotency) and `GET /messages` (history).

use std::time::Duration;

use dialoge_api::history::HistoryPage;
use dialoge_api::message::{Block, Part, Role, Span};
use dialoge_api::send::InputPart;
use dialoge_api::sse::SseEnd;
use dialoge_api::stream::{Delta, StreamErrorCode, StreamEvent, StreamStatus};

use crate::common::{error_of, spawn_app, spawn_with, text_part, tiny_png, visible_text};

fn paragraph_spans(part: &Part) -> Vec<Span> {
    let Part::RichText(rich) = part else {
        return Vec::new();
    };
    rich.blocks
        .iter()
        .flat_map(|block| match block {
            Block::Paragraph { spans } => spans.clone(),
            _ => Vec::new(),
        })
        .collect()
}

#[tokio::test]
async fn returns_streams_a_paragraph_with_a_bold_span_and_a_link_as_deltas() {
    let app = spawn_app().await;
    let token = app.token().await;
    let streamed = app.send(&token, "What is your return policy?").await;
    assert_eq!(streamed.status, 200);
    assert_eq!(streamed.content_type, "text/event-stream");
    let part = streamed.final_parts()[0].clone();
    let spans = paragraph_spans(&part);
    assert!(spans.iter().any(|s| matches!(s, Span::Bold { .. })));
    assert!(spans
        .iter()
        .any(|s| matches!(s, Span::Link { url, .. } if url.starts_with("https://"))));
    let id = part.part_id().unwrap();
    assert!(
        streamed.deltas_for(id) > 10,
        "streamed as many small deltas"
    );
    assert!(streamed.events.iter().any(|e| matches!(e, StreamEvent::PartDelta(d) if matches!(d.delta, Delta::AppendSpan { span: Span::Bold { .. }, .. }))));
    streamed.assert_consistent();
}

#[tokio::test]
async fn the_default_reply_to_any_text_has_a_bold_span_and_a_link() {
    let app = spawn_app().await;
    let token = app.token().await;
    let streamed = app.send(&token, "Hello there").await;
    streamed.assert_consistent();
    let spans = paragraph_spans(streamed.final_parts()[0]);
    assert!(spans.iter().any(|s| matches!(s, Span::Bold { .. })));
    assert!(spans.iter().any(|s| matches!(s, Span::Link { .. })));
    assert!(streamed
        .final_parts()
        .iter()
        .any(|p| matches!(p, Part::QuickReplies(_))));
}

#[tokio::test]
async fn a_stream_opens_with_a_keep_alive_then_connected_then_processing_and_ends_with_done() {
    let app = spawn_app().await;
    let token = app.token().await;
    let streamed = app.send(&token, "returns").await;
    assert!(streamed.raw.starts_with(b": keep-alive\n\n"));
    let names = streamed.names();
    assert_eq!(&names[..2], ["status", "status"]);
    assert!(
        matches!(&streamed.events[0], StreamEvent::Status(s) if s.status == StreamStatus::Connected)
    );
    assert!(
        matches!(&streamed.events[1], StreamEvent::Status(s) if s.status == StreamStatus::Processing)
    );
    assert_eq!(names.last().map(String::as_str), Some("done"));
    assert_eq!(streamed.end, SseEnd::Clean);
    let message = streamed.done_message();
    assert_eq!(message.role, Role::Assistant);
    assert!(message.message_id.starts_with("msg_"));
    assert!(
        message.created_at.ends_with('Z') && message.created_at.len() == 24,
        "{}",
        message.created_at
    );
}

#[tokio::test]
async fn paced_streams_take_time_and_send_keep_alives_while_thinking() {
    let app = spawn_with(|options| {
        options.pace_ms = 5;
        options.keepalive = Duration::from_millis(30);
    })
    .await;
    let token = app.token().await;
    // Timed around the whole request (pacing may start before the headers are read).
    let started = std::time::Instant::now();
    let streamed = app.send(&token, "returns").await;
    let elapsed = started.elapsed();
    streamed.assert_consistent();
    // 20 × pace of thinking plus a pause per event.
    assert!(
        elapsed >= Duration::from_millis(100 + 5 * 30),
        "{elapsed:?}"
    );
    assert!(streamed.comments >= 2, "{} comments", streamed.comments);
}

#[tokio::test]
async fn the_first_done_carries_a_token_bound_to_the_conversation_and_later_ones_do_not() {
    let app = spawn_app().await;
    let token = app.token().await;
    let first = app.send(&token, "returns").await;
    let bound = first
        .done()
        .unwrap()
        .visitor_token
        .clone()
        .expect("a bound token");
    let claims = app.claims(&bound);
    assert_eq!(claims.sub, app.claims(&token).sub);
    assert!(claims
        .conversation_id
        .as_deref()
        .unwrap()
        .starts_with("conv_"));

    let second = app.send(&bound, "products").await;
    assert_eq!(second.done().unwrap().visitor_token, None);
    // The unbound token still works, and keeps getting a bound one until it is replaced.
    let third = app.send(&token, "menu").await;
    let again = third.done().unwrap().visitor_token.clone().unwrap();
    assert_eq!(app.claims(&again).conversation_id, claims.conversation_id);
}

#[tokio::test]
async fn history_is_newest_first_in_pages_with_a_cursor() {
    let app = spawn_app().await;
    let token = app.token().await;
    for text in ["returns", "products", "menu"] {
        app.send(&token, text).await;
    }
    let page: HistoryPage = app.get_json("/api/v1/chat/messages?limit=4", &token).await;
    assert_eq!(page.messages.len(), 4);
    assert_eq!(page.messages[0].role, Role::Assistant);
    assert_eq!(page.messages[1].role, Role::User);
    assert!(matches!(&page.messages[1].parts[0], Part::Text(t) if t.text == "menu"));
    assert!(page.messages[0].created_at >= page.messages[3].created_at);
    let cursor = page.next_cursor.clone().expect("an older page");

    let older: HistoryPage = app
        .get_json(
            &format!("/api/v1/chat/messages?limit=4&cursor={cursor}"),
            &token,
        )
        .await;
    assert_eq!(older.messages.len(), 2);
    assert!(matches!(&older.messages[1].parts[0], Part::Text(t) if t.text == "returns"));
    assert_eq!(older.next_cursor, None);

    let all: HistoryPage = app.get_json("/api/v1/chat/messages", &token).await;
    assert_eq!(all.messages.len(), 6);
    assert_eq!(all.next_cursor, None);
}

#[tokio::test]
async fn history_sends_an_explicit_null_cursor_on_the_last_page() {
    let app = spawn_app().await;
    let token = app.token().await;
    let response = app.get("/api/v1/chat/messages", &token).await;
    let text = response.text().await.unwrap();
    assert_eq!(text, r#"{"messages":[],"next_cursor":null}"#);
}

#[tokio::test]
async fn history_rejects_a_bad_limit_and_a_made_up_cursor() {
    let app = spawn_app().await;
    let token = app.token().await;
    let (status, envelope) = error_of(
        app.get("/api/v1/chat/messages?limit=0&cursor=zzz", &token)
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
    assert_eq!(fields, ["limit", "cursor"]);
}

#[tokio::test]
async fn an_uploaded_image_is_echoed_as_a_data_url_and_thanked_for() {
    let app = spawn_app().await;
    let token = app.token().await;
    let png = tiny_png();
    let streamed = app
        .send_parts(
            &token,
            vec![InputPart::Image {
                data: png.clone(),
                mime: "image/png".to_owned(),
                filename: "damage.png".to_owned(),
            }],
            None,
        )
        .await;
    streamed.assert_consistent();
    assert!(visible_text(&streamed.done_message().parts).contains("damage.png"));
    let page: HistoryPage = app.get_json("/api/v1/chat/messages", &token).await;
    let Part::Image(image) = &page.messages[1].parts[0] else {
        panic!("an image part")
    };
    assert_eq!(image.url, format!("data:image/png;base64,{png}"));
    assert_eq!(image.mime_type.as_deref(), Some("image/png"));
    let decoded = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &png).unwrap();
    assert_eq!(image.size_bytes, Some(decoded.len() as u64));
}

#[tokio::test]
async fn uploads_are_checked_for_type_encoding_and_prefix() {
    let app = spawn_app().await;
    let token = app.token().await;
    let body = dialoge_api::send::SendMessage {
        message: dialoge_api::send::OutgoingMessage {
            parts: vec![
                text_part("see attached"),
                InputPart::Image {
                    data: tiny_png(),
                    mime: "image/bmp".to_owned(),
                    filename: String::new(),
                },
                InputPart::Image {
                    data: "not base64!".to_owned(),
                    mime: "image/png".to_owned(),
                    filename: String::new(),
                },
                InputPart::File {
                    data: format!("data:application/pdf;base64,{}", tiny_png()),
                    mime: "application/pdf".to_owned(),
                    filename: String::new(),
                },
            ],
        },
        context: None,
    };
    let (status, envelope) =
        error_of(app.post_json("/api/v1/chat/messages", &token, &body).await).await;
    assert_eq!(status, 422);
    let fields: Vec<_> = envelope
        .error
        .params
        .iter()
        .map(|p| p.field.as_str())
        .collect();
    assert_eq!(
        fields,
        [
            "message.parts.1.mime",
            "message.parts.2.data",
            "message.parts.3.filename",
            "message.parts.3.data"
        ]
    );
}

#[tokio::test]
async fn an_unknown_input_part_type_is_a_422() {
    let app = spawn_app().await;
    let token = app.token().await;
    let response = app
        .client
        .post(app.url("/api/v1/chat/messages"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(r#"{"message": {"parts": [{"type": "audio", "data": "AA=="}]}}"#)
        .send()
        .await
        .unwrap();
    let (status, envelope) = error_of(response).await;
    assert_eq!(status, 422);
    assert!(
        envelope.error.params[0].message.contains("audio"),
        "{:?}",
        envelope.error.params
    );
}

#[tokio::test]
async fn a_repeated_idempotency_key_replays_the_reply_without_a_second_turn() {
    let app = spawn_app().await;
    let token = app.token().await;
    let first = app.send_keyed(&token, "returns", "key-1").await;
    first.assert_consistent();
    let replay = app.send_keyed(&token, "returns", "key-1").await;
    assert_eq!(replay.names(), ["status", "done"]);
    assert_eq!(replay.done_message(), first.done_message());
    let page: HistoryPage = app.get_json("/api/v1/chat/messages", &token).await;
    assert_eq!(page.messages.len(), 2, "one user message and one reply");

    let other = app.send_keyed(&token, "returns", "key-2").await;
    assert_ne!(
        other.done_message().message_id,
        first.done_message().message_id
    );
    let page: HistoryPage = app.get_json("/api/v1/chat/messages", &token).await;
    assert_eq!(page.messages.len(), 4);
}

#[tokio::test]
async fn a_repeated_key_while_the_first_still_streams_waits_and_replays_the_same_reply() {
    let app = spawn_with(|options| {
        options.pace_ms = 10;
        options.keepalive = Duration::from_millis(50);
    })
    .await;
    let token = app.token().await;
    let (first, second) = tokio::join!(app.send_keyed(&token, "returns", "same"), async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        app.send_keyed(&token, "returns", "same").await
    });
    first.assert_consistent();
    assert_eq!(second.names(), ["status", "done"]);
    assert!(second.comments >= 1, "keep-alives while waiting");
    assert_eq!(second.done_message(), first.done_message());
    let page: HistoryPage = app.get_json("/api/v1/chat/messages", &token).await;
    assert_eq!(page.messages.len(), 2);
}

#[tokio::test]
async fn a_failed_turn_retried_with_its_key_succeeds_without_a_second_user_message() {
    let app = spawn_app().await;
    let token = app.token().await;
    let failed = app.send_keyed(&token, "please fail", "retry-me").await;
    let Some(StreamEvent::Error(error)) = failed.events.last() else {
        panic!("an error event last")
    };
    assert_eq!(error.code, StreamErrorCode::GenerationFailed);
    assert!(error.retryable);
    assert!(failed.done().is_none());
    assert!(
        failed.final_parts().is_empty(),
        "the started part never completes"
    );

    let retried = app.send_keyed(&token, "please fail", "retry-me").await;
    retried.assert_consistent();
    assert!(visible_text(&retried.done_message().parts).contains("Second time lucky"));
    let page: HistoryPage = app.get_json("/api/v1/chat/messages", &token).await;
    let users = page
        .messages
        .iter()
        .filter(|m| m.role == Role::User)
        .count();
    assert_eq!((users, page.messages.len()), (1, 2));
}

#[tokio::test]
async fn an_invalid_idempotency_key_is_a_422() {
    let app = spawn_app().await;
    let token = app.token().await;
    let response = app
        .client
        .post(app.url("/api/v1/chat/messages"))
        .bearer_auth(&token)
        .header("Idempotency-Key", "has spaces")
        .json(&dialoge_api::send::SendMessage {
            message: dialoge_api::send::OutgoingMessage {
                parts: vec![text_part("hi")],
            },
            context: None,
        })
        .send()
        .await
        .unwrap();
    let (status, envelope) = error_of(response).await;
    assert_eq!(status, 422);
    assert_eq!(envelope.error.params[0].field, "Idempotency-Key");
}
