//! Fixtures and helpers shared by the integration tests. Fixtures are embedded at compile time
//! so the tests need no working directory.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use dialoge_api::{SseEnd, SseEvent, SseParser, StreamEvent};

/// Every `.sse` fixture, by name.
pub const SSE_FIXTURES: &[(&str, &[u8])] = &[
    (
        "stream_rich_text.sse",
        include_bytes!("../fixtures/stream_rich_text.sse"),
    ),
    (
        "stream_rich_text_crlf.sse",
        include_bytes!("../fixtures/stream_rich_text_crlf.sse"),
    ),
    (
        "stream_products_table.sse",
        include_bytes!("../fixtures/stream_products_table.sse"),
    ),
    (
        "stream_markers.sse",
        include_bytes!("../fixtures/stream_markers.sse"),
    ),
    (
        "stream_error.sse",
        include_bytes!("../fixtures/stream_error.sse"),
    ),
    (
        "stream_dropped.sse",
        include_bytes!("../fixtures/stream_dropped.sse"),
    ),
];

/// Every `.json` fixture, by name.
pub const JSON_FIXTURES: &[(&str, &str)] = &[
    (
        "config_full.json",
        include_str!("../fixtures/config_full.json"),
    ),
    (
        "config_minimal.json",
        include_str!("../fixtures/config_minimal.json"),
    ),
    (
        "error_validation.json",
        include_str!("../fixtures/error_validation.json"),
    ),
    (
        "history_page.json",
        include_str!("../fixtures/history_page.json"),
    ),
    (
        "livechat_state_active.json",
        include_str!("../fixtures/livechat_state_active.json"),
    ),
];

/// One fixture's bytes by name.
pub fn sse_fixture(name: &str) -> &'static [u8] {
    SSE_FIXTURES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, bytes)| *bytes)
        .expect("no such fixture")
}

/// One JSON fixture by name.
pub fn json_fixture(name: &str) -> &'static str {
    JSON_FIXTURES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
        .expect("no such fixture")
}

/// Feeds the chunks in order and returns every event plus how the body ended.
pub fn parse_chunks<'a>(chunks: impl IntoIterator<Item = &'a [u8]>) -> (Vec<SseEvent>, SseEnd) {
    let mut parser = SseParser::new();
    let mut events = Vec::new();
    for chunk in chunks {
        events.extend(parser.push(chunk));
    }
    (events, parser.finish())
}

/// Parses a whole body in one chunk.
pub fn parse_whole(bytes: &[u8]) -> (Vec<SseEvent>, SseEnd) {
    parse_chunks([bytes])
}

/// Parses a body into typed stream events, failing the test on any malformed event.
pub fn stream_events(bytes: &[u8]) -> Vec<StreamEvent> {
    parse_whole(bytes)
        .0
        .iter()
        .map(|e| e.parse().unwrap_or_else(|err| panic!("{err}")))
        .collect()
}

/// A small deterministic pseudo-random generator (no dependency needed for chunkings).
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next_below(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % bound.max(1)
    }
}

/// Splits `bytes` into chunks of random length between 1 and `max`.
pub fn random_chunks(bytes: &[u8], seed: u64, max: usize) -> Vec<&[u8]> {
    let mut rng = Lcg(seed);
    let mut chunks = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let len = (1 + rng.next_below(max)).min(rest.len());
        let (chunk, tail) = rest.split_at(len);
        chunks.push(chunk);
        rest = tail;
    }
    chunks
}
