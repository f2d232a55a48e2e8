//! The incremental SSE parser: fixtures under every chunking, and one test per framing rule.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{parse_chunks, parse_whole, random_chunks, sse_fixture, SSE_FIXTURES};
use dialoge_api::{SseEnd, SseEvent, SseParser};

fn event(name: &str, data: &str) -> SseEvent {
    SseEvent {
        event: name.to_owned(),
        data: data.to_owned(),
        id: None,
    }
}

fn events_of(body: &str) -> Vec<SseEvent> {
    parse_whole(body.as_bytes()).0
}

#[test]
fn every_fixture_yields_identical_events_whole_byte_by_byte_and_split_at_every_offset() {
    for (name, bytes) in SSE_FIXTURES {
        let whole = parse_whole(bytes);
        assert!(!whole.0.is_empty(), "{name} yields events");

        let byte_by_byte = parse_chunks(bytes.chunks(1));
        assert_eq!(byte_by_byte, whole, "{name} fed one byte at a time");

        for offset in 0..=bytes.len() {
            let (head, tail) = bytes.split_at(offset);
            assert_eq!(
                parse_chunks([head, tail]),
                whole,
                "{name} split at {offset}"
            );
        }
    }
}

#[test]
fn random_chunkings_yield_the_same_events_as_the_whole_body() {
    for (name, bytes) in SSE_FIXTURES {
        let whole = parse_whole(bytes);
        for seed in 1..=25 {
            for max in [2, 3, 7, 64] {
                let chunks = random_chunks(bytes, seed, max);
                assert_eq!(parse_chunks(chunks), whole, "{name} seed {seed} max {max}");
            }
        }
    }
}

#[test]
fn crlf_stream_yields_the_same_events_as_lf() {
    let lf = parse_whole(sse_fixture("stream_rich_text.sse"));
    let crlf = parse_whole(sse_fixture("stream_rich_text_crlf.sse"));
    assert_eq!(crlf, lf);
}

#[test]
fn cr_only_and_mixed_line_endings_yield_the_same_events_as_lf() {
    let lf_bytes = sse_fixture("stream_rich_text.sse");
    let lf = parse_whole(lf_bytes);
    let cr: Vec<u8> = lf_bytes
        .iter()
        .map(|&b| if b == b'\n' { b'\r' } else { b })
        .collect();
    assert_eq!(parse_whole(&cr), lf);
    assert_eq!(parse_chunks(cr.chunks(1)), lf);

    // Alternate the three endings line by line.
    let text = std::str::from_utf8(lf_bytes).unwrap();
    let endings = ["\n", "\r\n", "\r"];
    let mixed: String = text
        .split_inclusive('\n')
        .enumerate()
        .map(|(i, line)| format!("{}{}", line.trim_end_matches('\n'), endings[i % 3]))
        .collect();
    let mixed = mixed.as_bytes();
    assert_eq!(parse_whole(mixed), lf);
    for offset in 0..=mixed.len() {
        let (head, tail) = mixed.split_at(offset);
        assert_eq!(
            parse_chunks([head, tail]),
            lf,
            "mixed endings split at {offset}"
        );
    }
}

#[test]
fn a_cr_ending_one_chunk_and_an_lf_starting_the_next_make_one_line_ending() {
    let (events, end) = parse_chunks([&b"data: a\r"[..], b"\ndata: b\r", b"\n\r", b"\n"]);
    assert_eq!(events, vec![event("message", "a\nb")]);
    assert_eq!(end, SseEnd::Clean);
}

#[test]
fn a_lone_cr_followed_by_a_cr_is_two_line_endings() {
    // "\r\r" is two line endings (an empty line dispatches), not one CRLF.
    let (events, _) = parse_chunks([&b"data: a\r"[..], b"\r"]);
    assert_eq!(events, vec![event("message", "a")]);
}

#[test]
fn empty_chunks_change_nothing_even_after_a_trailing_cr() {
    let (events, end) = parse_chunks([&b"data: a\r"[..], b"", b"", b"\n\n"]);
    assert_eq!(events, vec![event("message", "a")]);
    assert_eq!(end, SseEnd::Clean);
}

#[test]
fn the_dropped_stream_reports_a_discarded_partial_frame() {
    let bytes = sse_fixture("stream_dropped.sse");
    let (events, end) = parse_whole(bytes);
    assert_eq!(end, SseEnd::DiscardedPartialFrame);
    let names: Vec<&str> = events.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(
        names,
        ["status", "status", "part_delta", "part_delta", "part_delta"]
    );
    assert!(events.iter().all(|e| !e.data.contains("append_te\"")));
}

#[test]
fn complete_fixtures_end_clean() {
    for (name, bytes) in SSE_FIXTURES {
        let expected = if *name == "stream_dropped.sse" {
            SseEnd::DiscardedPartialFrame
        } else {
            SseEnd::Clean
        };
        assert_eq!(parse_whole(bytes).1, expected, "{name}");
    }
}

#[test]
fn fields_without_a_closing_blank_line_are_discarded_at_the_end() {
    let (events, end) = parse_whole(b"event: done\ndata: {}\n");
    assert!(events.is_empty());
    assert_eq!(end, SseEnd::DiscardedPartialFrame);
}

#[test]
fn a_trailing_partial_comment_is_not_a_dropped_frame() {
    let (events, end) = parse_whole(b"data: a\n\n: keep-al");
    assert_eq!(events, vec![event("message", "a")]);
    assert_eq!(end, SseEnd::Clean);
}

#[test]
fn comment_lines_are_ignored() {
    assert_eq!(
        events_of(": keep-alive\nevent: x\n:another\ndata: 1\n: between\n\n"),
        vec![event("x", "1")]
    );
}

#[test]
fn multiple_data_lines_are_joined_with_newlines() {
    assert_eq!(
        events_of("data: a\ndata: b\ndata:\ndata: c\n\n"),
        vec![event("message", "a\nb\n\nc")]
    );
}

#[test]
fn only_one_leading_space_after_the_colon_is_dropped() {
    assert_eq!(
        events_of("event:  spaced\ndata:  two\ndata:none\ndata: a: b\n\n"),
        vec![event(" spaced", " two\nnone\na: b")]
    );
}

#[test]
fn a_field_without_a_colon_has_an_empty_value() {
    assert_eq!(events_of("data\n\n"), vec![event("message", "")]);
    assert_eq!(
        events_of("event: x\nevent\ndata: 1\n\n"),
        vec![event("message", "1")]
    );
}

#[test]
fn an_event_without_data_is_not_dispatched_and_its_name_does_not_leak() {
    assert_eq!(
        events_of("event: lonely\n\ndata: 1\n\n"),
        vec![event("message", "1")]
    );
}

#[test]
fn the_event_name_defaults_to_message() {
    assert_eq!(events_of("data: {}\n\n"), vec![event("message", "{}")]);
}

#[test]
fn unknown_fields_and_retry_are_ignored() {
    assert_eq!(
        events_of("retry: 10\nfoo: bar\ndata: 1\n\n"),
        vec![event("message", "1")]
    );
}

#[test]
fn ids_persist_across_events_and_ids_with_nul_are_ignored() {
    let events = events_of("id: 7\ndata: a\n\ndata: b\n\nid: x\0y\ndata: c\n\nid\ndata: d\n\n");
    let ids: Vec<Option<&str>> = events.iter().map(|e| e.id.as_deref()).collect();
    assert_eq!(ids, [Some("7"), Some("7"), Some("7"), Some("")]);
}

#[test]
fn a_utf8_character_split_across_chunks_is_decoded_whole() {
    let body = "data: æ🙂ø\n\n".as_bytes();
    for offset in 0..=body.len() {
        let (head, tail) = body.split_at(offset);
        assert_eq!(
            parse_chunks([head, tail]).0,
            vec![event("message", "æ🙂ø")],
            "split at {offset}"
        );
    }
}

#[test]
fn invalid_utf8_is_decoded_lossily_without_panicking() {
    let (events, end) = parse_whole(b"data: a\xff\xfeb\xf0\x9f\n\n");
    assert_eq!(events, vec![event("message", "a\u{fffd}\u{fffd}b\u{fffd}")]);
    assert_eq!(end, SseEnd::Clean);
}

#[test]
fn a_bom_at_stream_start_is_ignored_even_when_split() {
    let body = "\u{feff}data: a\n\n".as_bytes();
    for offset in 0..=body.len() {
        let (head, tail) = body.split_at(offset);
        assert_eq!(
            parse_chunks([head, tail]).0,
            vec![event("message", "a")],
            "split at {offset}"
        );
    }
    // A BOM elsewhere is content (it makes the field name unknown).
    assert_eq!(
        events_of("data: a\n\n\u{feff}data: b\n\n"),
        vec![event("message", "a")]
    );
    // A lone BOM is not a dropped frame.
    assert_eq!(parse_whole("\u{feff}".as_bytes()).1, SseEnd::Clean);
}

#[test]
fn events_come_out_as_soon_as_their_blank_line_arrives() {
    let mut parser = SseParser::new();
    assert!(parser.push(b"event: status\ndata: {}\n").is_empty());
    assert_eq!(parser.push(b"\nevent: part"), vec![event("status", "{}")]);
    assert!(parser.push(b"\ndata: 2\n").is_empty());
    assert_eq!(parser.push(b"\n"), vec![event("part", "2")]);
    assert_eq!(parser.finish(), SseEnd::Clean);
}

#[test]
fn a_long_line_fed_one_byte_at_a_time_costs_linear_time() {
    // A quadratic rescan of the buffered line would take minutes here.
    let mut body = b"data: ".to_vec();
    body.extend(std::iter::repeat_n(b'x', 1 << 20));
    body.extend_from_slice(b"\n\n");
    let started = std::time::Instant::now();
    let (events, _) = parse_chunks(body.chunks(1));
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].data.len(), 1 << 20);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn fixture_events_parse_into_stream_events() {
    for (name, bytes) in SSE_FIXTURES {
        for sse in parse_whole(bytes).0 {
            let parsed = sse.parse();
            assert!(parsed.is_ok(), "{name}: {parsed:?}");
        }
    }
}
