//! The delta reducer against every stream fixture, and its error cases.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{sse_fixture, stream_events, SSE_FIXTURES};
use dialoge_api::*;
use serde_json::json;

fn delta(value: serde_json::Value) -> Delta {
    serde_json::from_value(value).unwrap()
}

fn text(text: &str) -> Span {
    Span::Text { text: text.into() }
}

/// A builder holding rich text `r` (a paragraph and a bullet list), products `p` and table `t`.
fn builder_with_every_kind() -> MessageBuilder {
    let mut builder = MessageBuilder::new();
    for (id, value) in [
        (
            "r",
            json!({"action": "start_part", "part_type": "rich_text"}),
        ),
        (
            "r",
            json!({"action": "start_block", "block_index": 0, "block_type": "paragraph"}),
        ),
        (
            "r",
            json!({"action": "start_block", "block_index": 1, "block_type": "bullet_list"}),
        ),
        (
            "p",
            json!({"action": "start_part", "part_type": "products"}),
        ),
        (
            "t",
            json!({"action": "start_part", "part_type": "table", "headers": []}),
        ),
    ] {
        builder.apply_delta(id, &delta(value)).unwrap();
    }
    builder
}

#[test]
fn every_stream_s_deltas_build_exactly_the_part_its_part_event_carries() {
    for (name, bytes) in SSE_FIXTURES {
        let mut builder = MessageBuilder::new();
        let mut compared = 0;
        for event in stream_events(bytes) {
            match &event {
                StreamEvent::PartDelta(e) => {
                    builder
                        .apply_delta(&e.part_id, &e.delta)
                        .unwrap_or_else(|err| panic!("{name}: {err}"));
                }
                StreamEvent::Part(e) => {
                    let id = e.part.part_id().unwrap();
                    if let Some(index) = builder.position(id) {
                        assert_eq!(builder.part(index), Some(&e.part), "{name}: part {id}");
                        compared += 1;
                    }
                    builder.apply_part(e.part.clone());
                }
                StreamEvent::Done(done) => {
                    assert_eq!(builder.parts(), &done.message.parts[..], "{name}: done");
                }
                _ => {}
            }
        }
        let streamed = matches!(
            *name,
            "stream_rich_text.sse" | "stream_rich_text_crlf.sse" | "stream_products_table.sse"
        );
        assert_eq!(
            compared > 0,
            streamed,
            "{name} compared {compared} streamed parts"
        );
    }
}

#[test]
fn interrupted_streams_keep_what_their_deltas_built() {
    for name in ["stream_error.sse", "stream_dropped.sse"] {
        let mut builder = MessageBuilder::new();
        for event in stream_events(sse_fixture(name)) {
            builder.apply_event(&event).unwrap();
        }
        let Some(Part::RichText(rich)) = builder.part(0) else {
            panic!("{name}: a rich-text part")
        };
        assert_eq!(
            rich.blocks,
            [Block::Paragraph {
                spans: vec![text("Let me check that for")]
            }],
            "{name}"
        );
    }
}

#[test]
fn the_rich_text_stream_reports_each_change_precisely() {
    let mut builder = MessageBuilder::new();
    let changes: Vec<Change> = stream_events(sse_fixture("stream_rich_text.sse"))
        .iter()
        .filter_map(|event| builder.apply_event(event).unwrap())
        .collect();
    use Change::*;
    assert_eq!(
        changes,
        [
            PartStarted { index: 0 },
            BlockStarted { part: 0, block: 0 },
            TextAppended {
                part: 0,
                block: 0,
                span_index: 0
            },
            SpanAppended {
                part: 0,
                block: 0,
                span_index: 1
            },
            TextAppended {
                part: 0,
                block: 0,
                span_index: 2
            },
            SpanAppended {
                part: 0,
                block: 0,
                span_index: 3
            },
            TextAppended {
                part: 0,
                block: 0,
                span_index: 4
            },
            BlockEnded { part: 0, block: 0 },
            BlockStarted { part: 0, block: 1 },
            ItemAppended {
                part: 0,
                block: 1,
                item_index: 0
            },
            ItemAppended {
                part: 0,
                block: 1,
                item_index: 1
            },
            BlockEnded { part: 0, block: 1 },
            PartEnded { part: 0 },
            PartReplaced { index: 0 },
        ]
    );
}

#[test]
fn the_products_and_table_stream_reports_each_change_precisely() {
    let mut builder = MessageBuilder::new();
    let changes: Vec<Change> = stream_events(sse_fixture("stream_products_table.sse"))
        .iter()
        .filter_map(|event| builder.apply_event(event).unwrap())
        .collect();
    use Change::*;
    assert_eq!(
        changes[6..],
        [
            PartStarted { index: 1 },
            ProductAppended { part: 1, index: 0 },
            ProductAppended { part: 1, index: 1 },
            PartEnded { part: 1 },
            PartReplaced { index: 1 },
            PartStarted { index: 2 },
            RowAppended { part: 2, index: 0 },
            RowAppended { part: 2, index: 1 },
            PartEnded { part: 2 },
            PartReplaced { index: 2 },
        ]
    );
    let Some(Part::Table(table)) = builder.part(2) else {
        panic!("a table")
    };
    assert_eq!(table.caption.as_deref(), Some("Shipping"));
    assert_eq!(
        table.alignments,
        [Alignment::Left, Alignment::Right, Alignment::Right]
    );
}

#[test]
fn append_text_extends_a_trailing_plain_span_and_otherwise_starts_a_new_one() {
    let mut builder = builder_with_every_kind();
    let append = |t: &str| delta(json!({"action": "append_text", "block_index": 0, "text": t}));
    builder.apply_delta("r", &append("Hel")).unwrap();
    builder.apply_delta("r", &append("lo")).unwrap();
    builder
        .apply_delta("r", &delta(json!({"action": "append_span", "block_index": 0, "span": {"type": "bold", "text": "!"}})))
        .unwrap();
    let change = builder.apply_delta("r", &append(" ok")).unwrap();
    assert_eq!(
        change,
        Change::TextAppended {
            part: 0,
            block: 0,
            span_index: 2
        }
    );
    let Some(Part::RichText(rich)) = builder.part(0) else {
        panic!("rich text")
    };
    assert_eq!(
        rich.blocks[0],
        Block::Paragraph {
            spans: vec![text("Hello"), Span::Bold { text: "!".into() }, text(" ok")]
        }
    );
}

#[test]
fn start_block_with_an_existing_index_replaces_that_block() {
    let mut builder = builder_with_every_kind();
    builder
        .apply_delta(
            "r",
            &delta(json!({"action": "append_text", "block_index": 0, "text": "draft"})),
        )
        .unwrap();
    let change = builder
        .apply_delta(
            "r",
            &delta(json!({"action": "start_block", "block_index": 0, "block_type": "bullet_list"})),
        )
        .unwrap();
    assert_eq!(change, Change::BlockStarted { part: 0, block: 0 });
    let Some(Part::RichText(rich)) = builder.part(0) else {
        panic!("rich text")
    };
    assert_eq!(rich.blocks.len(), 2);
    assert_eq!(rich.blocks[0], Block::BulletList { items: vec![] });
}

#[test]
fn deltas_that_do_not_fit_are_errors_and_change_nothing() {
    let cases: Vec<(&str, serde_json::Value, DeltaError)> = vec![
        (
            "nope",
            json!({"action": "append_text", "block_index": 0, "text": "x"}),
            DeltaError::UnknownPart {
                part_id: "nope".into(),
                action: "append_text".into(),
            },
        ),
        (
            "nope",
            json!({"action": "end_part"}),
            DeltaError::UnknownPart {
                part_id: "nope".into(),
                action: "end_part".into(),
            },
        ),
        (
            "r",
            json!({"action": "start_part", "part_type": "rich_text"}),
            DeltaError::PartAlreadyStarted {
                part_id: "r".into(),
            },
        ),
        (
            "x",
            json!({"action": "start_part", "part_type": "carousel"}),
            DeltaError::UnsupportedPartType {
                part_id: "x".into(),
                part_type: "carousel".into(),
            },
        ),
        (
            "r",
            json!({"action": "append_row", "row": []}),
            DeltaError::WrongPartType {
                part_id: "r".into(),
                action: "append_row".into(),
                part_type: "rich_text".into(),
            },
        ),
        (
            "t",
            json!({"action": "append_product", "product": {"id": "1", "title": "T", "image_url": "", "url": ""}}),
            DeltaError::WrongPartType {
                part_id: "t".into(),
                action: "append_product".into(),
                part_type: "table".into(),
            },
        ),
        (
            "p",
            json!({"action": "start_block", "block_index": 0, "block_type": "paragraph"}),
            DeltaError::WrongPartType {
                part_id: "p".into(),
                action: "start_block".into(),
                part_type: "products".into(),
            },
        ),
        (
            "r",
            json!({"action": "start_block", "block_index": 3, "block_type": "paragraph"}),
            DeltaError::BlockOutOfRange {
                part_id: "r".into(),
                action: "start_block".into(),
                block_index: 3,
                len: 2,
            },
        ),
        (
            "r",
            json!({"action": "append_text", "block_index": 2, "text": "x"}),
            DeltaError::BlockOutOfRange {
                part_id: "r".into(),
                action: "append_text".into(),
                block_index: 2,
                len: 2,
            },
        ),
        (
            "r",
            json!({"action": "end_block", "block_index": 9}),
            DeltaError::BlockOutOfRange {
                part_id: "r".into(),
                action: "end_block".into(),
                block_index: 9,
                len: 2,
            },
        ),
        (
            "r",
            json!({"action": "append_text", "block_index": 1, "text": "x"}),
            DeltaError::WrongBlockType {
                part_id: "r".into(),
                action: "append_text".into(),
                block_index: 1,
                block_type: "bullet_list".into(),
            },
        ),
        (
            "r",
            json!({"action": "append_item", "block_index": 0, "item": {"spans": []}}),
            DeltaError::WrongBlockType {
                part_id: "r".into(),
                action: "append_item".into(),
                block_index: 0,
                block_type: "paragraph".into(),
            },
        ),
        (
            "r",
            json!({"action": "start_block", "block_index": 2, "block_type": "quote"}),
            DeltaError::UnsupportedBlockType {
                part_id: "r".into(),
                block_type: "quote".into(),
            },
        ),
        (
            "r",
            json!({"action": "append_emoji", "block_index": 0}),
            DeltaError::UnknownAction {
                part_id: "r".into(),
                action: "append_emoji".into(),
            },
        ),
    ];
    for (part_id, value, expected) in cases {
        let mut builder = builder_with_every_kind();
        let before = builder.clone();
        let result = builder.apply_delta(part_id, &delta(value.clone()));
        assert_eq!(result, Err(expected), "{value}");
        assert_eq!(builder, before, "state changed by {value}");
    }
}

#[test]
fn delta_errors_read_as_clear_messages() {
    let err = DeltaError::WrongPartType {
        part_id: "p1".into(),
        action: "append_row".into(),
        part_type: "rich_text".into(),
    };
    assert_eq!(
        err.to_string(),
        "delta `append_row` does not apply to part `p1` of type `rich_text`"
    );
    let err = DeltaError::BlockOutOfRange {
        part_id: "p1".into(),
        action: "append_text".into(),
        block_index: 4,
        len: 1,
    };
    assert_eq!(
        err.to_string(),
        "delta `append_text` on part `p1`: block 4 is out of range (1 blocks)"
    );
}

#[test]
fn final_parts_replace_streamed_ones_in_place_and_new_ones_are_appended_in_order() {
    let mut builder = builder_with_every_kind();
    let final_products: Part =
        serde_json::from_value(json!({"type": "products", "part_id": "p", "products": []}))
            .unwrap();
    assert_eq!(
        builder.apply_part(final_products.clone()),
        Change::PartReplaced { index: 1 }
    );
    assert_eq!(builder.part(1), Some(&final_products));

    let image: Part = serde_json::from_value(json!({"type": "image", "url": "/a.png"})).unwrap();
    let unknown: Part =
        serde_json::from_value(json!({"type": "hologram", "part_id": "h"})).unwrap();
    assert_eq!(
        builder.apply_part(image.clone()),
        Change::PartAppended { index: 3 }
    );
    assert_eq!(builder.apply_part(image), Change::PartAppended { index: 4 });
    assert_eq!(
        builder.apply_part(unknown.clone()),
        Change::PartAppended { index: 5 }
    );
    assert_eq!(
        builder.apply_part(unknown),
        Change::PartReplaced { index: 5 }
    );
    assert_eq!(builder.parts().len(), 6);
    assert_eq!(builder.into_parts().len(), 6);
}

#[test]
fn events_other_than_parts_and_deltas_change_nothing() {
    let mut builder = MessageBuilder::new();
    for event in stream_events(sse_fixture("stream_markers.sse")) {
        let change = builder.apply_event(&event).unwrap();
        assert_eq!(change.is_some(), matches!(event, StreamEvent::Part(_)));
    }
    assert_eq!(builder.parts().len(), 5);
}

#[test]
fn a_long_reply_streams_in_linear_time() {
    let mut builder = builder_with_every_kind();
    let append = delta(json!({"action": "append_text", "block_index": 0, "text": "word "}));
    let started = std::time::Instant::now();
    for _ in 0..200_000 {
        builder.apply_delta("r", &append).unwrap();
    }
    let Some(Part::RichText(rich)) = builder.part(0) else {
        panic!("rich text")
    };
    let Block::Paragraph { spans } = &rich.blocks[0] else {
        panic!("a paragraph")
    };
    assert_eq!(spans.len(), 1);
    assert_eq!(spans[0].text().len(), 1_000_000);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}
