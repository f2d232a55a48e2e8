//! The shapes the widget is built and tested against (the api crate's fixtures) are what the
//! sandbox really emits: same event grammar, same JSON key paths, same error envelope.

use std::collections::BTreeSet;

use dialoge_api::sse::SseParser;
use dialoge_api::stream::StreamEvent;
use serde_json::Value;

use crate::common::{spawn_app, Streamed, TestApp};

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../api/tests/fixtures/",
            $name
        ))
    };
}

/// The "kind" of each event: its name, plus the delta action or part type.
fn kinds(events: &[StreamEvent]) -> Vec<String> {
    events
        .iter()
        .map(|event| match event {
            StreamEvent::PartDelta(d) => format!("part_delta:{}", d.delta.action()),
            StreamEvent::Part(p) => format!(
                "part:{}",
                if p.part.is_marker() {
                    "marker"
                } else {
                    p.part.type_name()
                }
            ),
            StreamEvent::Status(s) => format!("status:{}", s.status),
            other => other.event_name().to_owned(),
        })
        .collect()
}

fn fixture_events(text: &str) -> Vec<StreamEvent> {
    let mut parser = SseParser::new();
    parser
        .push(text.as_bytes())
        .iter()
        .filter_map(|event| event.parse().ok())
        .filter(|event| !matches!(event, StreamEvent::Unknown { .. }))
        .collect()
}

async fn streams(app: &TestApp, texts: &[&str]) -> Vec<Streamed> {
    let token = app.token().await;
    let mut out = Vec::new();
    for text in texts {
        out.push(app.send(&token, text).await);
    }
    out
}

/// Every kind of event in the fixture occurs in the sandbox's streams, which open and close the
/// same way.
fn assert_same_grammar(fixture: &str, sandbox: &[Streamed]) {
    let expected = kinds(&fixture_events(fixture));
    let mut seen = BTreeSet::new();
    for streamed in sandbox {
        assert!(
            streamed.raw.starts_with(b": keep-alive"),
            "a keep-alive comment first, as in the fixture"
        );
        let got = kinds(&streamed.events);
        assert_eq!(got[..2], expected[..2], "status connected, then processing");
        seen.extend(got);
    }
    for kind in &expected {
        assert!(
            seen.contains(kind),
            "the sandbox never sends {kind} (seen: {seen:?})"
        );
    }
    let last = sandbox
        .last()
        .and_then(|s| s.events.last())
        .map(|e| e.event_name().to_owned());
    assert_eq!(
        last.as_deref(),
        expected
            .last()
            .map(|k| k.split(':').next().unwrap_or_default())
    );
}

#[tokio::test]
async fn the_rich_text_stream_has_the_grammar_of_its_fixture() {
    let app = spawn_app().await;
    assert_same_grammar(
        fixture!("stream_rich_text.sse"),
        &streams(&app, &["returns"]).await,
    );
}

#[tokio::test]
async fn the_products_and_table_streams_have_the_grammar_of_their_fixture() {
    let app = spawn_app().await;
    let sandbox = streams(&app, &["products", "shipping"]).await;
    assert!(
        sandbox[0].done().unwrap().visitor_token.is_some(),
        "the first done carries a visitor token, as in the fixture"
    );
    assert_same_grammar(fixture!("stream_products_table.sse"), &sandbox);
}

#[tokio::test]
async fn the_marker_streams_have_the_grammar_of_their_fixture() {
    let app = spawn_app().await;
    assert_same_grammar(
        fixture!("stream_markers.sse"),
        &streams(&app, &["future", "contact"]).await,
    );
}

#[tokio::test]
async fn the_error_stream_has_the_grammar_of_its_fixture() {
    let app = spawn_app().await;
    let sandbox = streams(&app, &["fail"]).await;
    assert_same_grammar(fixture!("stream_error.sse"), &sandbox);
    let fixture_error = fixture_events(fixture!("stream_error.sse")).pop().unwrap();
    assert_eq!(
        sandbox[0].events.last(),
        Some(&fixture_error),
        "the same error event"
    );
}

/// Every object key path in `value` (`theme.brand.primary_color`, array elements as `[]`).
fn key_paths(value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                out.insert(path.clone());
                key_paths(inner, &path, out);
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|item| key_paths(item, &format!("{prefix}[]"), out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_config_has_every_block_and_field_of_the_full_fixture() {
    let app = spawn_app().await;
    let token = app.token().await;
    let ours: Value = app
        .get("/api/v1/chat/config", &token)
        .await
        .json()
        .await
        .unwrap();
    let theirs: Value = serde_json::from_str(fixture!("config_full.json")).unwrap();
    let (mut ours_paths, mut their_paths) = (BTreeSet::new(), BTreeSet::new());
    key_paths(&ours, "", &mut ours_paths);
    key_paths(&theirs, "", &mut their_paths);
    let missing: Vec<_> = their_paths
        .iter()
        .filter(|path| !path.starts_with("some_future_block") && !ours_paths.contains(*path))
        .collect();
    assert!(missing.is_empty(), "config lacks {missing:?}");
}

#[tokio::test]
async fn the_history_page_has_the_fixtures_shape_for_visitor_and_assistant_messages() {
    let app = spawn_app().await;
    let token = app.token().await;
    app.send_parts(
        &token,
        vec![
            crate::common::text_part("Can I talk to a person?"),
            dialoge_api::send::InputPart::Image {
                data: crate::common::tiny_png(),
                mime: "image/png".to_owned(),
                filename: String::new(),
            },
        ],
        None,
    )
    .await;
    app.send(&token, "a picture").await;
    let ours: Value = app
        .get("/api/v1/chat/messages?limit=3", &token)
        .await
        .json()
        .await
        .unwrap();
    let theirs: Value = serde_json::from_str(fixture!("history_page.json")).unwrap();
    let (mut ours_paths, mut their_paths) = (BTreeSet::new(), BTreeSet::new());
    key_paths(&ours, "", &mut ours_paths);
    key_paths(&theirs, "", &mut their_paths);
    // Agent messages, livechat sequence numbers and signed URLs belong to livechat (not here).
    let livechat_only = ["agent", "sequence_number", "url_expires_at"];
    let missing: Vec<_> = their_paths
        .iter()
        .filter(|path| {
            !livechat_only.iter().any(|only| path.contains(only)) && !ours_paths.contains(*path)
        })
        .collect();
    assert!(missing.is_empty(), "history lacks {missing:?}");
    assert!(ours["next_cursor"].is_string());
}

#[tokio::test]
async fn the_validation_envelope_has_the_fixtures_shape() {
    let app = spawn_app().await;
    let token = app.token().await;
    let response = app
        .client
        .post(app.url("/api/v1/chat/messages"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(r#"{"message": {"parts": [{"type": "text", "text": ""}]}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let mut ours: Value = response.json().await.unwrap();
    let mut theirs: Value = serde_json::from_str(fixture!("error_validation.json")).unwrap();
    let message = ours["error"]["message"].take();
    theirs["error"]["message"].take();
    assert!(message.as_str().unwrap().starts_with("Validation failed"));
    assert_eq!(ours, theirs);
}
