//! Fuzzing on stable Rust: a seeded generator (splitmix64, no dependency) drives the SSE parser,
//! the delta reducer, the JSON readers of every wire type and the livechat machines with random
//! and structured inputs, and checks invariants, not only "no panic".
//!
//! `DIALOGE_FUZZ_ITERS` sets the inputs per target (default small, so `cargo test` stays fast),
//! `DIALOGE_FUZZ_SEED` the seed (decimal or `0x…`), `DIALOGE_FUZZ_FROM` the first iteration (to
//! replay one failing input: a failure prints all three). `bench/fuzz.sh` runs them long.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::time::Instant;

use common::{JSON_FIXTURES, SSE_FIXTURES};
use dialoge_api::livechat_follow::{Answer, Follower, Step, PAUSE_CHECK_MS};
use dialoge_api::livechat_sync::{LivechatSync, StateChange, BACKOFF_MS};
use dialoge_api::livechat_sync::{POLL_ACTIVE_MS, POLL_WAITING_MS};
use dialoge_api::*;
use serde::Serialize;
use serde_json::{json, Map, Value};

// ------------------------------------------------------------------------------------------------
// The generator and the runner

/// splitmix64: tiny, fast, and every seed gives a full-period stream.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    fn choose<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn env_u64(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    let text = text.trim().replace('_', "");
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

/// Prints how to replay the input that was running when a check panicked.
struct Replay<'a> {
    target: &'a str,
    seed: u64,
    iteration: u64,
}

impl Drop for Replay<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "fuzz target `{}` failed at seed {:#x} iteration {}; replay with \
                 DIALOGE_FUZZ_SEED={:#x} DIALOGE_FUZZ_FROM={} DIALOGE_FUZZ_ITERS=1 \
                 cargo test -p dialoge-api --test fuzz {}",
                self.target, self.seed, self.iteration, self.seed, self.iteration, self.target
            );
        }
    }
}

/// Runs `case` once per input, each with its own generator derived from the seed, the target and
/// the iteration (so one input replays alone). Prints the count and the time taken.
fn run(target: &str, default_iters: u64, mut case: impl FnMut(&mut Rng)) {
    let seed = env_u64("DIALOGE_FUZZ_SEED").unwrap_or(0x0D1A_1060);
    let iters = env_u64("DIALOGE_FUZZ_ITERS").unwrap_or(default_iters);
    let from = env_u64("DIALOGE_FUZZ_FROM").unwrap_or(0);
    let salt = target.bytes().fold(0xCBF2_9CE4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3)
    });
    let started = Instant::now();
    for iteration in from..from + iters {
        let _replay = Replay {
            target,
            seed,
            iteration,
        };
        let mut rng = Rng(seed ^ salt ^ iteration.wrapping_mul(0xD6E8_FEB8_6659_FD93));
        case(&mut rng);
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "fuzz {target}: {iters} inputs in {secs:.2} s ({:.0}/s)",
        iters as f64 / secs.max(1e-9)
    );
}

// ------------------------------------------------------------------------------------------------
// Building blocks: text, bytes, JSON

const TEXT_PIECES: &[&str] = &[
    "Hello", " ", "world", ".", "\n", "\r\n", "\r", "\"", "\\", "é", "ß", "😀", "\u{0}",
    "\u{feff}", "data: x", "event:", ":", "id: 7", "{", "}", "[1,2]", "</p>", "\t", "a\u{301}",
    "日本", "",
];

fn gen_text(rng: &mut Rng) -> String {
    let n = rng.below(6);
    (0..n).map(|_| rng.pick(TEXT_PIECES)).collect()
}

const KEYS: &[&str] = &[
    "type",
    "part_id",
    "action",
    "block_index",
    "block_type",
    "text",
    "spans",
    "items",
    "blocks",
    "url",
    "message",
    "messages",
    "parts",
    "role",
    "status",
    "state",
    "state_version",
    "sequence_number",
    "message_id",
    "error",
    "code",
    "params",
    "field",
    "headers",
    "rows",
    "alignments",
    "caption",
    "products",
    "price",
    "amount",
    "currency",
    "delta",
    "part",
    "part_type",
    "fields",
    "key",
    "visible_when",
    "operator",
    "value",
    "has_more",
    "sync_cursor",
    "next_cursor",
    "agent",
    "agent_id",
    "display_name",
    "created_at",
    "livechat_session_id",
    "active_agent",
    "feedback",
    "form_id",
    "replies",
    "suggestions",
    "prompt_text",
    "payload",
    "submitted",
    "title",
    "id",
    "visitor_token",
    "retryable",
    "label",
    "required",
    "options",
];

/// Tags the readers know nowhere (role and status names, alignments, operators, field types,
/// a type from the future, the empty and a wrong-case one), mixed with [`KNOWN_TAGS`].
const OTHER_TAGS: &[&str] = &[
    "user",
    "assistant",
    "agent",
    "system",
    "waiting",
    "active",
    "closed",
    "inactive",
    "left",
    "center",
    "right",
    "equals",
    "email",
    "tel",
    "phone",
    "hologram",
    "",
    "RICH_TEXT",
];

/// A tag: known or not, each as likely.
fn tag(rng: &mut Rng) -> &'static str {
    let i = rng.below(KNOWN_TAGS.len() + OTHER_TAGS.len());
    KNOWN_TAGS
        .get(i)
        .copied()
        .unwrap_or_else(|| OTHER_TAGS[i - KNOWN_TAGS.len()])
}

fn gen_number(rng: &mut Rng) -> Value {
    match rng.below(9) {
        0 => json!(0),
        1 => json!(rng.below(5)),
        2 => json!(-1),
        3 => json!(u64::MAX),
        4 => json!(i64::MIN),
        5 => json!(1.5),
        6 => json!(u64::from(u32::MAX) + 1),
        // Not any bit pattern: without serde_json's `float_roundtrip` feature (left off to keep
        // the widget small) a float with 16-17 significant digits, such as
        // 9.249827947495141e223, may read back one ULP off, so it would not round-trip.
        7 => json!((rng.next() % 2_000_000_000) as f64 / 128.0 - 1e6),
        _ => json!(rng.next()),
    }
}

fn gen_scalar(rng: &mut Rng) -> Value {
    match rng.below(6) {
        0 => Value::Null,
        1 => Value::Bool(rng.chance(2)),
        2 => gen_number(rng),
        3 => Value::String(gen_text(rng)),
        _ => Value::String(tag(rng).to_owned()),
    }
}

/// Any JSON value, with keys and strings drawn mostly from the wire's own vocabulary so readers
/// get past their first field.
fn gen_value(rng: &mut Rng, depth: usize) -> Value {
    if depth == 0 || rng.chance(3) {
        return gen_scalar(rng);
    }
    if rng.chance(3) {
        let n = rng.below(4);
        Value::Array((0..n).map(|_| gen_value(rng, depth - 1)).collect())
    } else {
        let n = rng.below(6);
        let mut map = Map::new();
        for _ in 0..n {
            let key = if rng.chance(8) {
                gen_text(rng)
            } else {
                rng.pick(KEYS).to_owned()
            };
            map.insert(key, gen_value(rng, depth - 1));
        }
        Value::Object(map)
    }
}

/// How many nodes `value` has (itself included).
fn node_count(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(node_count).sum(),
        Value::Object(map) => map.values().map(node_count).sum(),
        _ => 0,
    }
}

/// Calls `f` on the `n`th node of `value` in pre-order; `true` once it did.
fn at_node(value: &mut Value, n: &mut usize, f: &mut dyn FnMut(&mut Value)) -> bool {
    if *n == 0 {
        f(value);
        return true;
    }
    *n -= 1;
    match value {
        Value::Array(items) => items.iter_mut().any(|v| at_node(v, n, f)),
        Value::Object(map) => map.values_mut().any(|v| at_node(v, n, f)),
        _ => false,
    }
}

/// A few structure-aware mutations of valid JSON: replace a node, drop or add a key, change a
/// tag, change a number's kind, wrap or null a value.
fn mutate(rng: &mut Rng, value: &mut Value) {
    for _ in 0..1 + rng.below(3) {
        let mut n = rng.below(node_count(value));
        at_node(value, &mut n, &mut |node| mutate_node(rng, node));
    }
}

fn mutate_node(rng: &mut Rng, node: &mut Value) {
    {
        match rng.below(9) {
            0 => *node = gen_value(rng, 3),
            1 => *node = gen_scalar(rng),
            2 => {
                if let Value::Object(map) = node {
                    if !map.is_empty() {
                        let key = map.keys().nth(rng.below(map.len())).cloned().unwrap();
                        map.remove(&key);
                    }
                }
            }
            3 => {
                if let Value::Object(map) = node {
                    map.insert(rng.pick(KEYS).to_owned(), gen_value(rng, 2));
                }
            }
            4 => {
                if let Value::Object(map) = node {
                    let key = if rng.chance(2) { "type" } else { "action" };
                    map.insert(key.to_owned(), json!(tag(rng)));
                }
            }
            5 => *node = gen_number(rng),
            6 => *node = Value::Array(vec![node.take()]),
            7 => *node = Value::Null,
            _ => {
                if let Value::Array(items) = node {
                    if !items.is_empty() {
                        let i = rng.below(items.len());
                        let copy = items[i].clone();
                        items.insert(rng.below(items.len() + 1), copy);
                    }
                }
            }
        }
    }
}

// ------------------------------------------------------------------------------------------------
// SSE: the same events for every split of the same bytes

/// A whole-input reading of the WHATWG event-stream rules, written independently of the parser:
/// what every chunking must agree with.
fn reference_sse(bytes: &[u8]) -> (Vec<SseEvent>, SseEnd) {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut lines = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push(&bytes[start..i]);
                i += 1;
                start = i;
            }
            b'\r' => {
                lines.push(&bytes[start..i]);
                i += 1;
                if bytes.get(i) == Some(&b'\n') {
                    i += 1;
                }
                start = i;
            }
            _ => i += 1,
        }
    }
    let rest = &bytes[start..];
    let (mut events, mut event, mut data, mut id) = (Vec::new(), String::new(), None, None);
    let mut in_frame = false;
    for line in lines {
        let line = String::from_utf8_lossy(line);
        if line.is_empty() {
            in_frame = false;
            if let Some(data) = data.take() {
                events.push(SseEvent {
                    event: if event.is_empty() {
                        "message".to_owned()
                    } else {
                        event.clone()
                    },
                    data,
                    id: id.clone(),
                });
            }
            event.clear();
            continue;
        }
        if line.starts_with(':') {
            continue;
        }
        in_frame = true;
        let (field, value) = match line.find(':') {
            Some(at) => {
                let value = &line[at + 1..];
                (&line[..at], value.strip_prefix(' ').unwrap_or(value))
            }
            None => (&line[..], ""),
        };
        match field {
            "event" => event = value.to_owned(),
            "data" => match &mut data {
                Some(d) => {
                    let d: &mut String = d;
                    d.push('\n');
                    d.push_str(value);
                }
                None => data = Some(value.to_owned()),
            },
            "id" if !value.contains('\0') => id = Some(value.to_owned()),
            _ => {}
        }
    }
    let end = if in_frame || (!rest.is_empty() && !rest.starts_with(b":")) {
        SseEnd::DiscardedPartialFrame
    } else {
        SseEnd::Clean
    };
    (events, end)
}

const LINE_ENDINGS: &[&[u8]] = &[b"\n", b"\r", b"\r\n"];

/// Text that looks like an event stream: fields, comments, blank lines, all three line endings,
/// a BOM, invalid and split UTF-8, NULs.
fn gen_sse_text(rng: &mut Rng) -> Vec<u8> {
    let mut out = Vec::new();
    if rng.chance(8) {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    for _ in 0..rng.below(24) {
        let line: Vec<u8> = match rng.below(12) {
            0 => Vec::new(),
            1 => format!(": {}", gen_text(rng)).into_bytes(),
            2 => format!(
                "event: {}",
                rng.pick(&["status", "part", "part_delta", "done", "x"])
            )
            .into_bytes(),
            3 => format!("event:{}", gen_text(rng)).into_bytes(),
            4 => format!("id: {}", gen_text(rng)).into_bytes(),
            5 => b"id".to_vec(),
            6 => b"data".to_vec(),
            7 => format!("retry: {}", rng.below(5000)).into_bytes(),
            8 => vec![0xFF, b'd', 0xC3],
            9 => format!(
                "{}:{}",
                rng.pick(&["dat", "data ", "Data", "", "x"]),
                gen_text(rng)
            )
            .into_bytes(),
            _ => format!(
                "data:{}{}",
                if rng.chance(2) { " " } else { "" },
                gen_text(rng)
            )
            .into_bytes(),
        };
        out.extend_from_slice(&line);
        out.extend_from_slice(rng.pick(LINE_ENDINGS));
    }
    if rng.chance(3) {
        // An unterminated tail.
        out.extend_from_slice(gen_text(rng).as_bytes());
    }
    out
}

fn gen_sse_bytes(rng: &mut Rng) -> Vec<u8> {
    match rng.below(4) {
        0 => (0..rng.below(64))
            .map(|_| rng.pick(b"\r\n:adtiev \xff\xc3\xa9\x00"))
            .collect(),
        1 => {
            let (_, fixture) = rng.pick(SSE_FIXTURES);
            let mut bytes = fixture.to_vec();
            for _ in 0..rng.below(4) {
                let at = rng.below(bytes.len() + 1);
                match rng.below(3) {
                    0 if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    1 => bytes.insert(at, rng.pick(b"\r\n:\xff")),
                    _ => {
                        let end = (at + rng.below(40)).min(bytes.len());
                        bytes.drain(at..end);
                    }
                }
            }
            bytes
        }
        _ => gen_sse_text(rng),
    }
}

/// Splits into chunks of random size, sometimes with empty chunks between them.
fn gen_chunks<'a>(rng: &mut Rng, bytes: &'a [u8]) -> Vec<&'a [u8]> {
    let bound = if rng.chance(2) { 4 } else { 64 };
    let max = 1 + rng.below(bound);
    let mut chunks = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        if rng.chance(6) {
            chunks.push(&rest[..0]);
        }
        let (chunk, tail) = rest.split_at((1 + rng.below(max)).min(rest.len()));
        chunks.push(chunk);
        rest = tail;
    }
    chunks
}

fn parse_in(chunks: &[&[u8]]) -> (Vec<SseEvent>, SseEnd, SseParser) {
    let mut parser = SseParser::new();
    let mut events = Vec::new();
    for chunk in chunks {
        events.extend(parser.push(chunk));
    }
    let end = parser.clone().finish();
    (events, end, parser)
}

#[test]
fn fuzz_the_sse_parser_gives_the_same_events_for_every_split_of_the_same_bytes() {
    run(
        "fuzz_the_sse_parser_gives_the_same_events_for_every_split_of_the_same_bytes",
        400,
        |rng| {
            let bytes = gen_sse_bytes(rng);
            let expected = reference_sse(&bytes);
            let (events, end, parser) = parse_in(&[bytes.as_slice()]);
            assert_eq!(
                (&events, end),
                (&expected.0, expected.1),
                "whole: {bytes:?}"
            );
            let mut splits: Vec<Vec<&[u8]>> =
                vec![gen_chunks(rng, &bytes), gen_chunks(rng, &bytes)];
            if bytes.len() <= 512 {
                splits.push(bytes.chunks(1).collect());
            }
            for chunks in &splits {
                let (e, end, _) = parse_in(chunks);
                assert_eq!((&e, end), (&events, expected.1), "{chunks:?}");
            }
            for event in &events {
                assert!(!event.event.contains(['\r', '\n']), "{event:?}");
                assert!(!event.data.contains('\r'), "{event:?}");
                let id = event.id.as_deref().unwrap_or("");
                assert!(!id.contains(['\r', '\n', '\0']), "{event:?}");
                // Reading the payload is an error value at worst.
                let _ = event.parse();
            }
            // Once a blank line ends whatever was open, nothing of it is kept: the next frame
            // reads alone, and the parser holds nothing but the last id.
            let mut parser = parser;
            parser.push(b"\n\n");
            let held = format!("{parser:?}").len();
            // (Only the last id may be as long as the input.)
            assert!(held <= 300 + 12 * bytes.len(), "{parser:?}");
            let probe = parser.push(b"data: probe\n\n");
            assert_eq!(probe.len(), 1, "{parser:?}");
            assert_eq!(
                (probe[0].event.as_str(), probe[0].data.as_str()),
                ("message", "probe")
            );
            assert_eq!(parser.finish(), SseEnd::Clean);
        },
    );
}

// ------------------------------------------------------------------------------------------------
// Valid streams, built alongside the parts they must produce

fn gen_span(rng: &mut Rng) -> Span {
    let text = gen_text(rng);
    match rng.below(5) {
        0 => Span::Text { text },
        1 => Span::Bold { text },
        2 => Span::Strike { text },
        3 => Span::Link {
            text,
            url: "https://shop.example/a".into(),
        },
        _ => Span::Unknown {
            type_name: "sparkle".into(),
            text: rng.chance(2).then_some(text),
        },
    }
}

fn gen_cell(rng: &mut Rng) -> Cell {
    Cell {
        blocks: (0..rng.below(3))
            .map(|_| match rng.below(3) {
                0 => CellBlock::Paragraph {
                    spans: vec![gen_span(rng)],
                },
                1 => CellBlock::Image {
                    url: "/i.png".into(),
                    thumbnail_url: None,
                    alt: rng.chance(2).then(|| gen_text(rng)),
                },
                _ => CellBlock::BulletList {
                    items: vec![ListItem {
                        spans: vec![gen_span(rng)],
                    }],
                },
            })
            .collect(),
    }
}

fn gen_product(rng: &mut Rng) -> ProductCard {
    let mut card = json!({"id": format!("sku{}", rng.below(100)), "title": gen_text(rng)});
    if rng.chance(2) {
        card["price"] = json!({"amount": rng.below(100_000) as f64 / 100.0, "currency": "EUR"});
    }
    if rng.chance(3) {
        card["add_to_cart"] = json!({"sku": "s1"});
    }
    from_json(&card.to_string()).unwrap()
}

fn delta_event(part_id: &str, delta: Delta) -> StreamEvent {
    StreamEvent::PartDelta(PartDeltaEvent {
        part_id: part_id.to_owned(),
        delta,
    })
}

/// One streamed part: its deltas and final `part` event, in order, and the part the deltas
/// build (which the final `part` event carries).
fn gen_streamed_part(rng: &mut Rng, part_id: &str) -> (Vec<StreamEvent>, Part) {
    let mut events = Vec::new();
    let d = |delta| delta_event(part_id, delta);
    let part = match rng.below(3) {
        0 => {
            events.push(d(Delta::StartPart {
                part_type: PartType::RichText,
                headers: vec![],
                alignments: vec![],
                caption: None,
            }));
            let mut blocks = Vec::new();
            for block_index in 0..rng.below(4) {
                if rng.chance(2) {
                    events.push(d(Delta::StartBlock {
                        block_index,
                        block_type: BlockType::Paragraph,
                    }));
                    let mut spans: Vec<Span> = Vec::new();
                    for _ in 0..rng.below(8) {
                        if rng.chance(4) {
                            let span = gen_span(rng);
                            spans.push(span.clone());
                            events.push(d(Delta::AppendSpan { block_index, span }));
                        } else {
                            let text = gen_text(rng);
                            match spans.last_mut() {
                                Some(Span::Text { text: last }) => last.push_str(&text),
                                _ => spans.push(Span::Text { text: text.clone() }),
                            }
                            events.push(d(Delta::AppendText { block_index, text }));
                        }
                    }
                    blocks.push(Block::Paragraph { spans });
                } else {
                    events.push(d(Delta::StartBlock {
                        block_index,
                        block_type: BlockType::BulletList,
                    }));
                    let mut items = Vec::new();
                    for _ in 0..rng.below(4) {
                        let item = ListItem {
                            spans: (0..rng.below(3)).map(|_| gen_span(rng)).collect(),
                        };
                        items.push(item.clone());
                        events.push(d(Delta::AppendItem { block_index, item }));
                    }
                    blocks.push(Block::BulletList { items });
                }
                events.push(d(Delta::EndBlock { block_index }));
            }
            Part::RichText(RichTextPart {
                part_id: part_id.to_owned(),
                blocks,
            })
        }
        1 => {
            events.push(d(Delta::StartPart {
                part_type: PartType::Products,
                headers: vec![],
                alignments: vec![],
                caption: None,
            }));
            let mut products = Vec::new();
            for _ in 0..rng.below(4) {
                let product = gen_product(rng);
                products.push(product.clone());
                events.push(d(Delta::AppendProduct { product }));
            }
            Part::Products(ProductsPart {
                part_id: part_id.to_owned(),
                products,
            })
        }
        _ => {
            let headers: Vec<Cell> = (0..rng.below(3)).map(|_| gen_cell(rng)).collect();
            let alignments = headers
                .iter()
                .map(|_| Alignment::Center)
                .collect::<Vec<_>>();
            let caption = rng.chance(2).then(|| gen_text(rng));
            events.push(d(Delta::StartPart {
                part_type: PartType::Table,
                headers: headers.clone(),
                alignments: alignments.clone(),
                caption: caption.clone(),
            }));
            let mut rows = Vec::new();
            for _ in 0..rng.below(4) {
                let row: Vec<Cell> = (0..headers.len()).map(|_| gen_cell(rng)).collect();
                rows.push(row.clone());
                events.push(d(Delta::AppendRow { row }));
            }
            Part::Table(TablePart {
                part_id: part_id.to_owned(),
                caption,
                headers,
                alignments,
                rows,
            })
        }
    };
    events.push(d(Delta::EndPart));
    events.push(StreamEvent::Part(PartEvent { part: part.clone() }));
    (events, part)
}

/// A part that arrives whole.
fn gen_whole_part(rng: &mut Rng, part_id: &str) -> Part {
    let value = match rng.below(5) {
        0 => json!({"type": "image", "url": "/a.png"}),
        1 => json!({"type": "suggestions", "part_id": part_id,
                    "suggestions": [{"title": gen_text(rng), "prompt_text": gen_text(rng)}]}),
        2 => json!({"type": "show_contact_form", "part_id": part_id,
                    "fields": [{"key": "email", "type": "email", "required": true}]}),
        3 => {
            json!({"type": "custom", "part_id": part_id, "key": "k", "payload": gen_value(rng, 2)})
        }
        _ => json!({"type": "hologram", "part_id": part_id}),
    };
    from_json(&value.to_string()).unwrap()
}

/// A valid reply: deltas of several parts (interleaved, each in its own order), whole parts,
/// and the final parts in the order the builder must hold them.
fn gen_reply(rng: &mut Rng) -> (Vec<StreamEvent>, Vec<Part>) {
    let mut lanes: Vec<Vec<StreamEvent>> = Vec::new();
    let mut finals = Vec::new();
    for i in 0..1 + rng.below(4) {
        let part_id = format!("p{i}");
        if rng.chance(4) {
            let part = gen_whole_part(rng, &part_id);
            lanes.push(vec![StreamEvent::Part(PartEvent { part: part.clone() })]);
            finals.push(part);
        } else {
            let (events, part) = gen_streamed_part(rng, &part_id);
            lanes.push(events);
            finals.push(part);
        }
    }
    // The builder orders parts by their first event: start lanes in order, then interleave.
    let mut events = vec![StreamEvent::Status(StatusEvent {
        status: StreamStatus::Connected,
        message: None,
    })];
    let mut cursors = vec![0usize; lanes.len()];
    let mut started = 0;
    loop {
        let open: Vec<usize> = (0..started)
            .filter(|&l| cursors[l] < lanes[l].len())
            .collect();
        let lane = if started < lanes.len() && (open.is_empty() || rng.chance(3)) {
            started += 1;
            started - 1
        } else if let Some(&l) = open.get(rng.below(open.len().max(1))) {
            l
        } else {
            break;
        };
        events.push(lanes[lane][cursors[lane]].clone());
        cursors[lane] += 1;
    }
    (events, finals)
}

fn visible_text(block: &Block) -> String {
    match block {
        Block::Paragraph { spans } => spans.iter().map(Span::text).collect(),
        _ => String::new(),
    }
}

#[test]
fn fuzz_valid_streams_build_exactly_their_final_parts_and_never_lose_text() {
    run(
        "fuzz_valid_streams_build_exactly_their_final_parts_and_never_lose_text",
        300,
        |rng| {
            let (events, finals) = gen_reply(rng);
            // Through the wire: frames, random chunks, the parser, the readers.
            let body: String = events.iter().map(StreamEvent::to_sse_frame).collect();
            let (frames, end, _) = parse_in(&gen_chunks(rng, body.as_bytes()));
            assert_eq!(end, SseEnd::Clean);
            let read: Vec<StreamEvent> = frames.iter().map(|f| f.parse().unwrap()).collect();
            assert_eq!(read, events);

            let mut builder = MessageBuilder::new();
            // The text each paragraph was given, by (part id, block).
            let mut given: BTreeMap<(String, usize), String> = BTreeMap::new();
            for event in &read {
                if let StreamEvent::PartDelta(e) = event {
                    match &e.delta {
                        Delta::StartBlock { block_index, .. } => {
                            given.insert((e.part_id.clone(), *block_index), String::new());
                        }
                        Delta::AppendText { block_index, text } => {
                            let g = given.get_mut(&(e.part_id.clone(), *block_index)).unwrap();
                            g.push_str(text);
                        }
                        Delta::AppendSpan { block_index, span } => {
                            let g = given.get_mut(&(e.part_id.clone(), *block_index)).unwrap();
                            g.push_str(span.text());
                        }
                        _ => {}
                    }
                }
                builder.apply_event(event).unwrap();
                for ((part_id, block_index), text) in &given {
                    let part = builder.part(builder.position(part_id).unwrap()).unwrap();
                    let Part::RichText(rich) = part else {
                        panic!("{part:?}")
                    };
                    assert_eq!(&visible_text(&rich.blocks[*block_index]), text);
                }
            }
            assert_eq!(builder.parts(), finals.as_slice());
        },
    );
}

// ------------------------------------------------------------------------------------------------
// The reducer under arbitrary event sequences

fn gen_odd_delta(rng: &mut Rng) -> Delta {
    let block_index = rng.pick(&[0, 1, 2, 7, usize::MAX]);
    match rng.below(10) {
        0 => Delta::Unknown {
            action: tag(rng).to_owned(),
        },
        1 => Delta::StartPart {
            part_type: PartType::from_wire(tag(rng)),
            headers: vec![],
            alignments: vec![],
            caption: None,
        },
        2 => Delta::StartBlock {
            block_index,
            block_type: BlockType::from_wire(tag(rng)),
        },
        3 => Delta::AppendText {
            block_index,
            text: gen_text(rng),
        },
        4 => Delta::AppendSpan {
            block_index,
            span: gen_span(rng),
        },
        5 => Delta::AppendItem {
            block_index,
            item: ListItem { spans: vec![] },
        },
        6 => Delta::EndBlock { block_index },
        7 => Delta::AppendProduct {
            product: gen_product(rng),
        },
        8 => Delta::AppendRow {
            row: vec![Cell::default()],
        },
        _ => Delta::EndPart,
    }
}

/// A valid reply, then shuffled, duplicated, dropped, with unknown and misaddressed deltas,
/// extra final parts, and payloads mangled on the wire.
fn gen_chaos(rng: &mut Rng) -> Vec<StreamEvent> {
    let (mut events, _) = gen_reply(rng);
    for _ in 0..rng.below(12) {
        let len = events.len();
        match rng.below(8) {
            0 if len > 1 => {
                let (a, b) = (rng.below(len), rng.below(len));
                events.swap(a, b);
            }
            1 => {
                let e = events[rng.below(len)].clone();
                events.insert(rng.below(len + 1), e);
            }
            2 if len > 1 => {
                events.remove(rng.below(len));
            }
            3 | 4 => {
                let part_id = format!("p{}", rng.below(6));
                let e = delta_event(&part_id, gen_odd_delta(rng));
                events.insert(rng.below(len + 1), e);
            }
            5 => {
                let part_id = format!("p{}", rng.below(6));
                let part = if rng.chance(2) {
                    gen_whole_part(rng, &part_id)
                } else {
                    gen_streamed_part(rng, &part_id).1
                };
                events.insert(rng.below(len + 1), StreamEvent::Part(PartEvent { part }));
            }
            _ => {
                // Mangled on the wire: whatever the readers make of it.
                let i = rng.below(len);
                let mut data: Value = serde_json::from_str(&events[i].data_json()).unwrap();
                mutate(rng, &mut data);
                match StreamEvent::from_sse(events[i].event_name(), &data.to_string()) {
                    Ok(e) => events[i] = e,
                    Err(_) => {
                        events.remove(i);
                    }
                }
            }
        }
        if events.is_empty() {
            break;
        }
    }
    events
}

#[test]
fn fuzz_arbitrary_event_sequences_never_panic_errors_change_nothing_and_final_parts_win() {
    run(
        "fuzz_arbitrary_event_sequences_never_panic_errors_change_nothing_and_final_parts_win",
        400,
        |rng| {
            let events = gen_chaos(rng);
            let mut builder = MessageBuilder::new();
            let mut finals: BTreeMap<String, Part> = BTreeMap::new();
            for event in &events {
                let before = builder.clone();
                let result = builder.apply_event(event);
                match (&result, event) {
                    (Err(_), _) | (Ok(None), _) => assert_eq!(builder, before, "{event:?}"),
                    (Ok(Some(change)), StreamEvent::PartDelta(e)) => {
                        check_change(&before, &builder, *change, &e.delta)
                    }
                    (Ok(Some(_)), StreamEvent::Part(e)) => {
                        if let Some(id) = e.part.part_id() {
                            finals.insert(id.to_owned(), e.part.clone());
                        }
                    }
                    (Ok(Some(_)), other) => panic!("a change from {other:?}"),
                }
                // Parts are only ever added, and each keeps its place and id.
                assert!(builder.parts().len() >= before.parts().len());
                for (a, b) in before.parts().iter().zip(builder.parts()) {
                    assert_eq!(a.part_id(), b.part_id());
                }
                // A final part wins over every delta, earlier or later.
                for (id, part) in &finals {
                    let at = builder.position(id).unwrap();
                    assert_eq!(builder.part(at), Some(part), "after {event:?}");
                }
            }
        },
    );
}

/// What an applied delta reports matches what it did; appended text is never lost.
fn check_change(before: &MessageBuilder, after: &MessageBuilder, change: Change, delta: &Delta) {
    let grew = after.parts().len() - before.parts().len();
    match change {
        Change::PartStarted { index } => {
            assert_eq!((grew, index), (1, before.parts().len()), "{delta:?}");
        }
        Change::TextAppended {
            part,
            block,
            span_index,
        } => {
            assert_eq!(grew, 0);
            let Delta::AppendText { text, .. } = delta else {
                panic!("{change:?} from {delta:?}")
            };
            let block_of = |b: &MessageBuilder| match b.part(part) {
                Some(Part::RichText(rich)) => rich.blocks[block].clone(),
                other => panic!("{other:?}"),
            };
            let (old, new) = (block_of(before), block_of(after));
            assert_eq!(visible_text(&new), visible_text(&old) + text.as_str());
            let Block::Paragraph { spans } = new else {
                panic!("{new:?}")
            };
            assert!(spans[span_index].text().ends_with(text.as_str()));
            assert_eq!(span_index + 1, spans.len());
        }
        other => {
            assert_eq!(grew, 0, "{other:?}");
            let part = match other {
                Change::BlockStarted { part, .. }
                | Change::SpanAppended { part, .. }
                | Change::ItemAppended { part, .. }
                | Change::BlockEnded { part, .. }
                | Change::ProductAppended { part, .. }
                | Change::RowAppended { part, .. }
                | Change::PartEnded { part } => part,
                Change::PartReplaced { index } | Change::PartAppended { index } => index,
                Change::PartStarted { .. } | Change::TextAppended { .. } => unreachable!(),
            };
            assert!(part < after.parts().len(), "{other:?}");
            // Only the addressed part changed.
            for (i, (a, b)) in before.parts().iter().zip(after.parts()).enumerate() {
                if i != part {
                    assert_eq!(a, b, "{other:?} from {delta:?}");
                }
            }
        }
    }
}

// ------------------------------------------------------------------------------------------------
// The JSON readers of every wire type

/// The tags of every union's known variants: an `Unknown` carrying one of them is a known
/// variant whose body could not be read.
const KNOWN_TAGS: &[&str] = &[
    "rich_text",
    "table",
    "products",
    "suggestions",
    "quick_replies",
    "image",
    "file",
    "text",
    "show_contact_form",
    "show_support_ticket",
    "show_form",
    "request_image_upload",
    "request_human_agent",
    "custom",
    "paragraph",
    "bullet_list",
    "bold",
    "strike",
    "link",
    "start_part",
    "start_block",
    "append_text",
    "append_span",
    "append_item",
    "end_block",
    "append_product",
    "append_row",
    "end_part",
];

/// Whether `read` holds a known variant that degraded to `Unknown` (its body did not fit).
/// `Unknown` keeps only the tag (and id), so it is written as `{"type": "paragraph"}`, which
/// reads back as an empty paragraph: by design, the one place where writing what was read
/// does not give it back.
fn has_degraded_variant(read: &impl Debug) -> bool {
    let debug = format!("{read:?}");
    KNOWN_TAGS.iter().any(|tag| {
        debug.contains(&format!("type_name: \"{tag}\""))
            || debug.contains(&format!("Unknown {{ action: \"{tag}\""))
    })
}

/// Reads `value` as `T`; when it reads, writing it and reading that back gives the same value
/// (or, where a known variant degraded to `Unknown`, a value that then round-trips exactly).
fn reads_and_round_trips<T: FromJson + Serialize + PartialEq + Debug>(value: &Value) {
    let Ok(read) = T::from_json(&value.clone().into()) else {
        return;
    };
    let write_read = |t: &T| -> T {
        let text = serde_json::to_string(t).unwrap();
        from_json(&text).unwrap_or_else(|err| {
            panic!(
                "{} wrote what it cannot read: {err}\n{text}",
                std::any::type_name::<T>()
            )
        })
    };
    let again = write_read(&read);
    if again != read && has_degraded_variant(&read) {
        assert_eq!(write_read(&again), again, "{}", std::any::type_name::<T>());
        return;
    }
    if again != read {
        // Floats may come back one ULP off (see `gen_number`): equal but for that.
        let (a, b) = (
            serde_json::to_value(&again).unwrap(),
            serde_json::to_value(&read).unwrap(),
        );
        assert!(
            same_but_float_rounding(&a, &b),
            "{}: {value}\n{again:?}\n{read:?}",
            std::any::type_name::<T>()
        );
    }
}

/// `a` and `b` are equal, floats to within a relative 1e-15.
fn same_but_float_rounding(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            (x - y).abs() <= x.abs().max(y.abs()) * 1e-15
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_but_float_rounding(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((kx, x), (ky, y))| kx == ky && same_but_float_rounding(x, y))
        }
        _ => a == b,
    }
}

macro_rules! every_wire_type {
    ($value:expr; $($ty:ty),* $(,)?) => {{
        let value: &Value = $value;
        $( reads_and_round_trips::<$ty>(value); )*
    }};
}

fn read_as_every_wire_type(value: &Value) {
    every_wire_type!(value;
        Message, Part, Block, Span, Cell, CellBlock, ListItem, Delta, StatusEvent, PartDeltaEvent,
        PartEvent, DoneEvent, StreamErrorEvent, Config, HistoryPage, LivechatState, SyncResponse,
        LivechatMessages, LivechatSendResponse, LivechatSession, LivechatSettings,
        LivechatSettingsResponse, ErrorEnvelope, ActionResponse, DeleteResponse, SessionValues,
        FormDefinition, Banners, TokenResponse, TokenClaims, FeedbackResponse, AgentContext,
        AgentProfile, NotificationCount, FormField, ProductCard, TablePart, WebhookEnvelope,
        WebhookEventList, HandoverRequest, ContactForm, FormSubmission, AttachmentUpload,
        RateRequest, PatchFormValues, AuthRequest, FeedbackRequest, TypingRequest,
    );
    // The stream events, by every name, from the value as text.
    let text = value.to_string();
    for name in ["status", "part_delta", "part", "done", "error", "other"] {
        if let Ok(event) = StreamEvent::from_sse(name, &text) {
            let again = StreamEvent::from_sse(event.event_name(), &event.data_json());
            if !matches!(event, StreamEvent::Unknown { .. }) && !has_degraded_variant(&event) {
                let again = again.unwrap();
                if again != event {
                    let written = |e: &StreamEvent| serde_json::from_str(&e.data_json()).unwrap();
                    assert!(
                        same_but_float_rounding(&written(&again), &written(&event)),
                        "{text}\n{again:?}\n{event:?}"
                    );
                }
            }
        }
    }
}

/// Valid JSON of the real shapes: the fixtures, every stream payload, and the written form of
/// every defaulted wire type.
fn json_seeds() -> Vec<Value> {
    let mut seeds: Vec<Value> = JSON_FIXTURES
        .iter()
        .map(|(_, text)| serde_json::from_str(text).unwrap())
        .collect();
    for (_, bytes) in SSE_FIXTURES {
        for frame in common::parse_whole(bytes).0 {
            if let Ok(value) = serde_json::from_str(&frame.data) {
                seeds.push(value);
            }
        }
    }
    seeds.push(serde_json::to_value(Config::default()).unwrap());
    seeds.push(serde_json::to_value(LivechatState::default()).unwrap());
    seeds.push(
        json!({"state": {"status": "active", "state_version": 3}, "messages": [],
                      "sync_cursor": "c"}),
    );
    seeds
}

#[test]
fn fuzz_every_wire_type_reads_arbitrary_json_without_panicking_and_round_trips_what_it_reads() {
    run(
        "fuzz_every_wire_type_reads_arbitrary_json_without_panicking_and_round_trips_what_it_reads",
        150,
        |rng| {
            let value = gen_value(rng, 5);
            read_as_every_wire_type(&value);
            // Raw text too: broken JSON is an error value.
            let text: String = (0..rng.below(40))
                .map(|_| rng.pick(&["{", "}", "[", "]", "\"", ":", ",", "1", "e9", "null", "\\u"]))
                .collect();
            let _ = from_json::<Message>(&text);
            let _ = StreamEvent::from_sse("part_delta", &text);
        },
    );
}

#[test]
fn fuzz_mutated_valid_json_never_panics_a_reader_and_round_trips_what_it_reads() {
    let seeds = json_seeds();
    run(
        "fuzz_mutated_valid_json_never_panics_a_reader_and_round_trips_what_it_reads",
        150,
        |rng| {
            let mut value = if rng.chance(3) {
                // A generated reply's payloads: the shapes the sandbox writes.
                let (events, _) = gen_reply(rng);
                serde_json::from_str(&rng.choose(&events).data_json()).unwrap()
            } else {
                rng.choose(&seeds).clone()
            };
            mutate(rng, &mut value);
            read_as_every_wire_type(&value);
        },
    );
}

// ------------------------------------------------------------------------------------------------
// Livechat

fn gen_state(rng: &mut Rng) -> LivechatState {
    let status = rng.pick(&["inactive", "waiting", "active", "closed", "paused"]);
    let mut state = json!({"status": status, "state_version": rng.below(12)});
    if rng.chance(2) {
        state["active_agent"] = json!({"agent_id": format!("a{}", rng.below(2))});
    }
    if rng.chance(2) {
        state["is_agent_typing"] = json!(true);
    }
    state["livechat_session_id"] = json!(format!("s{}", rng.below(2)));
    from_json(&state.to_string()).unwrap()
}

fn gen_message(rng: &mut Rng) -> Message {
    let mut message = json!({"message_id": format!("m{}", rng.below(20)), "role": "agent"});
    if !rng.chance(4) {
        message["sequence_number"] = json!(rng.below(25));
    }
    from_json(&message.to_string()).unwrap()
}

/// `ToJson` and serde_json write the same text: for any value, and for the request bodies
/// that carry arbitrary values (a message's page context, a ticket's extra fields).
#[test]
fn fuzz_to_json_writes_what_serde_json_writes() {
    fn same<T: ToJson + Serialize + Debug>(value: &T) {
        assert_eq!(
            to_json(value),
            serde_json::to_string(value).unwrap(),
            "for {value:?}"
        );
    }
    run("to_json", 3000, |rng| {
        let value = gen_value(rng, 5);
        same(&dialoge_api::json::Value::from(value));
        let f = f64::from_bits(rng.next());
        same(&f);
        let extra = match gen_value(rng, 3) {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        same(&SendMessage {
            message: OutgoingMessage {
                parts: (0..rng.below(3))
                    .map(|_| InputPart::Text {
                        text: gen_text(rng),
                    })
                    .collect(),
            },
            context: rng.chance(2).then(|| Context {
                page: rng.chance(2).then(|| gen_text(rng)),
                extra: extra.clone().into(),
            }),
        });
        same(&ActionRequest {
            part_id: gen_text(rng),
            action: Action::SupportTicket(SupportTicket {
                name: gen_text(rng),
                email: gen_text(rng),
                message: gen_text(rng),
                attachments: Vec::new(),
                extra: extra.into(),
            }),
        });
    });
}

#[test]
fn fuzz_livechat_sync_never_applies_an_older_state_or_yields_a_message_twice() {
    run(
        "fuzz_livechat_sync_never_applies_an_older_state_or_yields_a_message_twice",
        600,
        |rng| {
            let mut sync = LivechatSync::new();
            let mut yielded: Vec<String> = Vec::new();
            let mut highest: Option<u64> = None;
            for _ in 0..rng.below(30) {
                if rng.chance(2) {
                    let state = gen_state(rng);
                    let current = sync
                        .state()
                        .map(|s| (s.state_version, s.livechat_session_id.clone()));
                    let change = sync.apply_state(state.clone());
                    match current {
                        // Another session starts afresh, whatever its version; its sequence
                        // numbers may start again.
                        Some((_, Some(old)))
                            if state
                                .livechat_session_id
                                .as_ref()
                                .is_some_and(|n| *n != old) =>
                        {
                            assert_eq!(change, StateChange::Status);
                            assert_eq!(sync.state(), Some(&state));
                            assert_eq!(sync.last_sequence(), 0);
                            highest = None;
                        }
                        Some((v, _)) if state.state_version < v => {
                            assert_eq!(change, StateChange::Stale);
                            assert_eq!(sync.state().map(|s| s.state_version), Some(v));
                        }
                        _ => {
                            assert_ne!(change, StateChange::Stale);
                            assert_eq!(sync.state(), Some(&state));
                        }
                    }
                } else {
                    let batch: Vec<Message> = (0..rng.below(6)).map(|_| gen_message(rng)).collect();
                    // Every numbered message above the cursor moves it, shown before or not.
                    let expect_last = batch
                        .iter()
                        .filter_map(|m| m.sequence_number)
                        .fold(sync.last_sequence(), u64::max);
                    let fresh = sync.merge(batch.clone());
                    let mut last_in_batch = None;
                    for m in &fresh {
                        assert!(batch.contains(m));
                        assert!(!yielded.contains(&m.message_id), "{} twice", m.message_id);
                        yielded.push(m.message_id.clone());
                        if let Some(seq) = m.sequence_number {
                            assert!(highest.is_none_or(|h| seq > h), "{seq} after {highest:?}");
                            assert!(last_in_batch.is_none(), "numbered after unnumbered");
                            highest = Some(seq);
                        } else {
                            last_in_batch = Some(());
                        }
                    }
                    assert_eq!(sync.last_sequence(), expect_last);
                }
            }
        },
    );
}

/// Extends `livechat_follow.rs`'s tight-loop property: the follower's steps agree with a model
/// of what it was told (cursor, failures, polling, pause) under random drive.
#[test]
fn fuzz_the_follower_asks_for_what_its_answers_and_inputs_imply() {
    run(
        "fuzz_the_follower_asks_for_what_its_answers_and_inputs_imply",
        300,
        |rng| {
            let mut f = Follower::new();
            let mut cursor: Option<String> = None;
            let mut failures = 0u32;
            let mut polling = false;
            let mut outstanding: Option<bool> = None; // Some(is_sync)
            for _ in 0..rng.below(60) {
                let status = LivechatStatus::from_wire(
                    rng.pick(&["inactive", "waiting", "active", "closed"]),
                );
                let (open, visible) = (!rng.chance(6), !rng.chance(6));
                let seq = rng.next() % 1000;
                if outstanding.take().is_some() {
                    // Unanswered: counts as failed.
                    failures += 1;
                    cursor = None;
                }
                let step = f.next(&status, seq, open, visible);
                match &step {
                    Step::Sync {
                        after_sequence,
                        cursor: c,
                        wait_ms,
                    } => {
                        assert_eq!(*after_sequence, seq);
                        assert_eq!(c, &cursor, "{step:?}");
                        assert_eq!(c.is_some(), wait_ms.is_some());
                        assert!(!polling, "a sync after falling back to polling");
                        outstanding = Some(true);
                    }
                    Step::Poll { after_sequence } => {
                        assert_eq!(*after_sequence, seq);
                        assert!(polling, "a poll before the server said it has no sync");
                        outstanding = Some(false);
                    }
                    Step::Wait { ms } if *ms == PAUSE_CHECK_MS => {
                        assert!(!(open && visible), "paused while looked at");
                        cursor = None;
                    }
                    Step::Wait { ms } => {
                        let cadence = [POLL_WAITING_MS, POLL_ACTIVE_MS];
                        if failures == 0 {
                            assert!(cadence.contains(ms), "{ms}");
                        } else {
                            let i = (failures as usize - 1).min(BACKOFF_MS.len() - 1);
                            assert_eq!(*ms, BACKOFF_MS[i]);
                        }
                    }
                    Step::Stop => assert!(!status.is_open()),
                }
                if let Some(is_sync) = outstanding {
                    if rng.chance(6) {
                        continue;
                    }
                    outstanding = None;
                    let answer = match rng.below(5) {
                        0 => Answer::Failed,
                        1 => Answer::SyncUnsupported,
                        2 => Answer::Polled,
                        3 => Answer::Synced { cursor: None },
                        _ => Answer::Synced {
                            cursor: Some(format!("c{}", rng.below(100))),
                        },
                    };
                    match (&answer, is_sync) {
                        (Answer::Synced { cursor: Some(c) }, true) => {
                            cursor = Some(c.clone());
                            failures = 0;
                        }
                        (Answer::Synced { .. } | Answer::Polled, _) => {
                            cursor = None;
                            failures = 0;
                        }
                        (Answer::SyncUnsupported, true) => {
                            cursor = None;
                            polling = true;
                        }
                        _ => {
                            failures += 1;
                            cursor = None;
                        }
                    }
                    f.answered(answer);
                }
                assert_eq!(f.failures(), failures);
                assert_eq!(f.is_polling(), polling);
            }
        },
    );
}

// ------------------------------------------------------------------------------------------------
// Found by fuzzing

/// Seed 0xd1a1060, iteration 3 of the event-sequence target: a duplicated `append_row` arrived
/// after the table's final `part` and added a third row to it.
#[test]
fn a_delta_after_the_final_part_is_refused_and_leaves_the_final_part_as_it_was() {
    let mut builder = MessageBuilder::new();
    let row = || delta_event("p1", Delta::AppendRow { row: vec![] });
    let stream = [
        delta_event(
            "p1",
            Delta::StartPart {
                part_type: PartType::Table,
                headers: vec![],
                alignments: vec![],
                caption: None,
            },
        ),
        row(),
        row(),
        delta_event("p1", Delta::EndPart),
    ];
    for event in &stream {
        builder.apply_event(event).unwrap();
    }
    let final_part: Part =
        from_json(r#"{"type": "table", "part_id": "p1", "rows": [[], []]}"#).unwrap();
    builder.apply_part(final_part.clone());
    let settled = builder.clone();

    let late = [row(), delta_event("p1", Delta::EndPart)];
    for event in &late {
        let err = builder.apply_event(event).unwrap_err();
        assert!(matches!(err, DeltaError::PartFinal { .. }), "{err:?}");
    }
    assert_eq!(builder, settled);
    assert_eq!(builder.part(0), Some(&final_part));
    assert_eq!(
        builder.apply_event(&row()).unwrap_err().to_string(),
        "delta `append_row` for part `p1`, which is already final"
    );
}

#[test]
fn text_for_a_final_rich_text_part_is_refused_even_when_the_part_was_never_streamed() {
    let mut builder = MessageBuilder::new();
    let final_part: Part = from_json(
        r#"{"type": "rich_text", "part_id": "p1",
            "blocks": [{"type": "paragraph", "spans": [{"type": "text", "text": "Hi"}]}]}"#,
    )
    .unwrap();
    builder.apply_part(final_part.clone());
    for delta in [
        Delta::AppendText {
            block_index: 0,
            text: " there".into(),
        },
        Delta::StartBlock {
            block_index: 0,
            block_type: BlockType::BulletList,
        },
    ] {
        assert_eq!(
            builder.apply_delta("p1", &delta),
            Err(DeltaError::PartFinal {
                part_id: "p1".into(),
                action: delta.action().into(),
            })
        );
    }
    assert_eq!(builder.parts(), [final_part]);
}

/// Seed 0xd1a1060, iteration 501 of the valid-stream target: a custom payload's
/// 9.249827947495141e223 read back as 9.24982794749514e223 (serde_json's default float reader
/// is not exact for 16-17 significant digits; its `float_roundtrip` feature would cost wasm
/// size). Prices and the like have far fewer digits, and those round-trip exactly.
#[test]
fn numbers_with_up_to_fifteen_significant_digits_round_trip_exactly() {
    for amount in [
        0.1_f64,
        19.99,
        1234.5,
        99_999.99,
        0.000_123,
        123_456_789_012.345,
        1e300,
    ] {
        let price: Price =
            from_json(&json!({"amount": amount, "currency": "EUR"}).to_string()).unwrap();
        let again: Price = from_json(&serde_json::to_string(&price).unwrap()).unwrap();
        assert_eq!(again.amount.to_bits(), amount.to_bits(), "{amount}");
    }
}

/// Seed 0xd1a1060, iteration 3 of the mutated-JSON target: a paragraph whose `spans` is not a
/// list degrades to an unknown block, which keeps only its tag; written back, that tag reads as
/// an empty paragraph. By design (unknowns keep only what skipping them needs).
#[test]
fn a_known_block_that_could_not_be_read_is_written_as_its_bare_tag() {
    let block: Block = from_json(r#"{"type": "paragraph", "spans": 5}"#).unwrap();
    assert_eq!(
        block,
        Block::Unknown {
            type_name: "paragraph".into()
        }
    );
    let written = serde_json::to_string(&block).unwrap();
    assert_eq!(written, r#"{"type":"paragraph"}"#);
    assert_eq!(
        from_json::<Block>(&written).unwrap(),
        Block::Paragraph { spans: vec![] }
    );
}

/// Seed 0xd1a1060, iteration 465760 of the mutated-JSON target (the long run): an integer
/// amount above 2^53 reads as the float 1.7529941785447293e18, written so, and read back one
/// ULP lower. The same reader limit as above; the round trip holds to within that rounding.
#[test]
fn a_huge_integer_amount_reads_back_to_within_one_rounding_of_itself() {
    let price: Price = from_json(r#"{"amount": 1752994178544729300, "currency": "DKK"}"#).unwrap();
    let again: Price = from_json(&serde_json::to_string(&price).unwrap()).unwrap();
    assert!((again.amount - price.amount).abs() <= price.amount * 1e-15);
    assert_eq!(again.currency, "DKK");
}
